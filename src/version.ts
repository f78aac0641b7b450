import { readFileSync } from "node:fs";

/**
 * The package version, read once from sqlguard's package.json: the nearest one above this
 * module (dist/src/ for the compiled files, dist/bundle/ for the bundled CLI).
 */
export const VERSION: string = (() => {
  let url = new URL("./", import.meta.url);
  for (let up = 0; up < 5; up++) {
    try {
      const pkg = JSON.parse(readFileSync(new URL("package.json", url), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "sqlguard" && pkg.version) return pkg.version;
    } catch {
      // not here: look one folder up
    }
    url = new URL("../", url);
  }
  return "0.0.0";
})();

/**
 * The project's sqlguard config for a file ESLint lints: the nearest `sqlguard.config.json`,
 * `.js`, `.mjs` or `"sqlguard"` key in package.json, from the file's folder upwards (the names and
 * order the command looks for, from where ESLint 10 looks for its own config). An editor's ESLint
 * server runs for hours: a config is read again when its size or modification time changes, and
 * the folders are looked through again for every file, so a config created or deleted is seen.
 * (A `.js`/`.mjs` config is loaded once per process: Node keeps its modules.)
 */
import { statSync } from "node:fs";
import path from "node:path";
import { Config, ConfigError, findConfigFile, packageJsonHasKey, readConfigFileSync } from "../engine/config.js";
import { builtin } from "../../rules/index.js";

/** A bad `settings.sqlguard` or sqlguard config: thrown from the rules, so ESLint stops and names it. */
export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SettingsError";
  }
}

interface Cached {
  stamp: string;
  value: Config | ConfigError;
}

const configs = new Map<string, Cached>();
/** package.json files: whether each holds a "sqlguard" key, by stamp. */
const packages = new Map<string, { stamp: string; has: boolean }>();

function stampOf(file: string): string | null {
  try {
    const st = statSync(file);
    return st.isFile() ? `${st.size}:${st.mtimeMs}` : null;
  } catch {
    return null;
  }
}

function hasSqlguardKey(file: string, stamp: string): boolean {
  const hit = packages.get(file);
  if (hit?.stamp === stamp) return hit.has;
  const has = packageJsonHasKey(file);
  packages.set(file, { stamp, has });
  return has;
}

/** The config file that applies to `dir` (the command's search), with its stamp. */
function findFrom(dir: string): { file: string; packageJson: boolean; stamp: string } | null {
  // each candidate is looked at once per search: its stamp, then (package.json) its key
  const stamps = new Map<string, string | null>();
  const stamp = (file: string) => {
    if (!stamps.has(file)) stamps.set(file, stampOf(file));
    return stamps.get(file)!;
  };
  const found = findConfigFile(dir, { isFile: (file) => stamp(file) !== null, hasSqlguardKey: (pkg) => hasSqlguardKey(pkg, stamp(pkg)!) });
  return found && { ...found, stamp: stamp(found.file)! };
}

/**
 * The config for a file (null: none, the defaults apply). `file` is what ESLint calls the physical
 * file; one that is no path (`<text>`) finds the config from ESLint's working directory. Throws a
 * SettingsError for a config the command would refuse too.
 */
export function projectConfig(file: string, cwd: string): Config | null {
  const dir = file.startsWith("<") || file === "" ? path.resolve(cwd) : path.dirname(path.resolve(cwd, file));
  const found = findFrom(dir);
  if (!found) return null;
  let cached = configs.get(found.file);
  if (cached?.stamp !== found.stamp) {
    let value: Config | ConfigError;
    try {
      value = new Config(readConfigFileSync(found.file, found.packageJson), path.dirname(found.file), found.file, builtin);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      value = e;
    }
    configs.set(found.file, (cached = { stamp: found.stamp, value }));
  }
  if (cached.value instanceof ConfigError) throw new SettingsError(`invalid sqlguard configuration: ${cached.value.message} (${found.file})`);
  return cached.value;
}

/** Reading and writing package.json (and JSON lint-staged configs) the way they were written. */
import { readFileSync, writeFileSync } from "node:fs";
import { InitError, type PackageJson } from "./types.js";

export function readPackageJson(file: string): PackageJson {
  const text = readFileSync(file, "utf8");
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InitError(`${file}: not valid JSON (${(e as Error).message}); fix it first`);
  }
  if (!data || typeof data !== "object" || Array.isArray(data)) throw new InitError(`${file}: expected a JSON object`);
  const m = /^[{[][ \t]*\r?\n([ \t]+)/.exec(text);
  const indent = m ? (m[1]!.includes("\t") ? "\t" : m[1]!.length) : 2;
  return { file, data: data as Record<string, unknown>, indent, eol: text.includes("\r\n") ? "\r\n" : "\n" };
}

export function writeJson(pkg: PackageJson): void {
  const text = JSON.stringify(pkg.data, null, pkg.indent) + "\n";
  writeFileSync(pkg.file, pkg.eol === "\n" ? text : text.replace(/\n/g, pkg.eol));
}

/** Adds devDependencies to package.json (re-read now: a step before may have changed it), sorted. */
export function addDevDependencies(file: string, entries: string[][]): void {
  const fresh = readPackageJson(file);
  const dev = { ...((fresh.data.devDependencies as Record<string, string> | undefined) ?? {}) };
  for (const [name, range] of entries) dev[name!] = range!;
  fresh.data.devDependencies = Object.fromEntries(Object.entries(dev).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  writeJson(fresh);
}

/** The names of every dependency, dev and optional ones included. */
export function deps(data: Record<string, unknown>): Set<string> {
  const names = new Set<string>();
  for (const key of ["dependencies", "devDependencies", "optionalDependencies"]) {
    const d = data[key];
    if (d && typeof d === "object") for (const n of Object.keys(d)) names.add(n);
  }
  return names;
}

/**
 * The kinds of file sqlguard reads, by name: the one list. A directory walk (`isWalked`), the
 * lint-staged entries `sqlguard init` writes (`lintStagedGlobs`) and the pre-commit hook's filter
 * (`preCommitFilter`) come from it; the hook definition and this repository's own lint-staged
 * config are static files, and a test fails when they no longer match what is generated here.
 */
import path from "node:path";

/** File name extensions by what sqlguard reads in the file. */
export const TS_EXTENSIONS = [".ts", ".tsx", ".mts", ".cts"] as const;
export const JS_EXTENSIONS = [".js", ".jsx", ".mjs", ".cjs"] as const;
/** TypeScript and JavaScript: SQL in strings and templates, connection strings. */
export const CODE_EXTENSIONS = [...TS_EXTENSIONS, ...JS_EXTENSIONS] as const;
/** SQL scripts. */
export const SQL_EXTENSIONS = [".sql", ".psql", ".pgsql"] as const;

/**
 * The other text files a directory walk lints: configuration and docs where connection strings
 * get committed. Files named on the command line are linted whatever their type (text rules only
 * for unknown types); this list is only for walks and hooks.
 */
export const TEXT_EXTENSIONS = [
  // environment and configuration
  ".env", ".yml", ".yaml", ".json", ".toml", ".properties", ".ini", ".conf",
  // shell, containers, docs
  ".sh", ".bash", ".zsh", ".dockerfile", ".md", ".markdown",
] as const;

export const WALKED_EXTENSIONS: readonly string[] = [...SQL_EXTENSIONS, ...CODE_EXTENSIONS, ...TEXT_EXTENSIONS];

/**
 * Files walked for their name, whatever their extension (names compared in lower case): `prefix`,
 * any name that starts so; `dotted`, the name alone or followed by `.` and a suffix; `exact`, the
 * name alone.
 */
export const WALKED_NAMES: readonly { name: string; match: "prefix" | "dotted" | "exact"; written: string }[] = [
  { name: ".env", match: "prefix", written: ".env" }, // .env, .env.production, .env.local, .envrc
  { name: "dockerfile", match: "dotted", written: "Dockerfile" }, // Dockerfile, Dockerfile.prod
  { name: "containerfile", match: "exact", written: "Containerfile" },
];

/** Generated lockfiles: JSON/YAML, large, and never hold a connection string. */
export const NOT_WALKED: readonly string[] = ["package-lock.json", "npm-shrinkwrap.json", "pnpm-lock.yaml", "composer.lock"];
const NOT_WALKED_SET = new Set(NOT_WALKED);

/** Whether a directory walk (and the pre-commit hooks) include this file. */
export function isWalked(filePath: string): boolean {
  const base = path.basename(filePath).toLowerCase();
  if (NOT_WALKED_SET.has(base)) return false;
  for (const { name, match } of WALKED_NAMES) {
    if (base === name || (match === "prefix" && base.startsWith(name)) || (match === "dotted" && base.startsWith(`${name}.`))) return true;
  }
  return WALKED_EXTENSIONS.includes(path.extname(base));
}

const bare = (ext: string) => ext.slice(1);

/**
 * The lint-staged globs for the walked files (lint-staged matches a glob without `/` against the
 * file's name, dot files included): SQL and code, then the other text files, lockfiles left out.
 * Globs tell case apart: extensions in lower case, names as they are usually written or in lower case.
 */
export function lintStagedGlobs(): [string, string] {
  const sqlAndCode = `*.{${[...SQL_EXTENSIONS, ...CODE_EXTENSIONS].map(bare).join(",")}}`;
  const skipped = new Map<string, string[]>(); // extension → lockfile stems
  for (const file of NOT_WALKED) {
    const ext = path.extname(file);
    if (!(TEXT_EXTENSIONS as readonly string[]).includes(ext)) continue; // not walked anyway
    skipped.set(ext, [...(skipped.get(ext) ?? []), file.slice(0, -ext.length)]);
  }
  const plain = TEXT_EXTENSIONS.filter((e) => !skipped.has(e)).map(bare);
  const caseless = (name: string) => `[${name[0]!.toUpperCase()}${name[0]!.toLowerCase()}]${name.slice(1).toLowerCase()}`;
  const names = WALKED_NAMES.flatMap(({ written, match }) => {
    const w = /^[a-z]/i.test(written) ? caseless(written) : written;
    return match === "prefix" ? [`${w}*`] : match === "dotted" ? [w, `${w}.*`] : [w];
  });
  const text = [`*.{${plain.join(",")}}`, ...[...skipped].map(([ext, stems]) => `!(${stems.join("|")})${ext}`), ...names];
  return [sqlAndCode, `{${text.join(",")}}`];
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The pre-commit framework's `files` and `exclude` (Python regular expressions searched in the
 * path, `/`-separated; `(?i)`: any case, as the walk).
 */
export function preCommitFilter(): { files: string; exclude: string } {
  const exts = WALKED_EXTENSIONS.map(bare).join("|");
  const names = WALKED_NAMES.map(({ name, match }) => escape(name) + (match === "prefix" ? "[^/]*" : match === "dotted" ? "(\\.[^/]*)?" : ""));
  return {
    files: `(?i)([^/]\\.(${exts})|(^|/)(${names.join("|")}))$`,
    exclude: `(?i)(^|/)(${NOT_WALKED.map(escape).join("|")})$`,
  };
}

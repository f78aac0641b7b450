/**
 * Sources: turn the command line's paths and globs into files, honouring .gitignore files (the
 * way git does: each applies below its own folder) and the config's `ignores`; read a file's
 * bytes into text, reporting what cannot be linted instead of failing the run.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, statSync, type Stats } from "node:fs";
import path from "node:path";
import { decodeUtf8, describeBinary, isTextWithStrayNuls, looksBinary } from "../sql/text.js";
import type { FileNotice } from "../engine/types.js";
import { decodeName, fsPath } from "../util/file-names.js";
import { ignore, picomatch, type Ignore } from "../util/lazy-deps.js";
import { posix, relativeWithin } from "../util/paths.js";

export interface FileEntry {
  /** Absolute path. */
  path: string;
  /** Named on the command line (always linted, whatever its extension). */
  explicit: boolean;
}

export class UsageError extends Error {}

export interface ExpandOptions {
  cwd: string;
  /** Whether a walked file is one sqlguard lints (by extension). */
  include(file: string): boolean;
  /** Config `ignores` (`folder`: the path is a folder, which `vendor/` matches). */
  isIgnored(file: string, folder?: boolean): boolean;
  /** A file or folder named on the command line that `ignores` excludes (it is not linted). */
  onIgnored?(file: string, folder: boolean): void;
}

const ALWAYS_SKIPPED = new Set([".git", "node_modules", ".hg", ".svn"]);
const GLOB_CHARS = /[*?[\]{}]/;

/** Expands paths and globs to files, sorted, without duplicates. Throws UsageError when a pattern matches nothing. */
export async function expandPaths(patterns: string[], options: ExpandOptions): Promise<FileEntry[]> {
  const cwd = options.cwd;
  const seen = new Map<string, FileEntry>();
  const add = (p: string, explicit: boolean) => {
    const prev = seen.get(p);
    if (!prev || (explicit && !prev.explicit)) seen.set(p, { path: p, explicit });
  };
  for (const pattern of patterns.length ? patterns : ["."]) {
    const abs = path.resolve(cwd, pattern);
    let stat: import("node:fs").Stats | null = null;
    try {
      stat = statSync(fsPath(abs));
    } catch {
      stat = null;
    }
    if (stat?.isDirectory()) {
      if (options.isIgnored(abs, true) && pattern !== ".") {
        options.onIgnored?.(abs, true);
        continue;
      }
      await walk(abs, gitignoresAbove(abs), options, (f) => add(f, false));
      continue;
    }
    // A file, a broken link, or something that is neither file nor folder (a FIFO, a device):
    // named explicitly, it is reported on its own rather than mistaken for a missing path.
    if ((stat && !stat.isDirectory()) || (!stat && lstatSyncSafe(abs))) {
      if (!options.isIgnored(abs)) add(abs, true);
      else options.onIgnored?.(abs, false);
      continue;
    }
    if (!stat && GLOB_CHARS.test(pattern)) {
      const posixPattern = posix(pattern);
      const base = staticBase(posixPattern);
      const baseAbs = path.resolve(cwd, base);
      const match = picomatch(posixPattern, { dot: false });
      let found = 0;
      if (existsSync(fsPath(baseAbs)) && statSync(fsPath(baseAbs)).isDirectory()) {
        await walk(baseAbs, gitignoresAbove(baseAbs), { ...options, include: () => true }, (f) => {
          if (match(posix(path.relative(cwd, f))) || match(posix(f))) {
            add(f, true);
            found++;
          }
        });
      }
      if (found === 0) throw new UsageError(`No files match the pattern "${pattern}".`);
      continue;
    }
    throw new UsageError(`No such file or directory: ${pattern}`);
  }
  return [...seen.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function lstatSyncSafe(p: string): boolean {
  try {
    return lstatSync(fsPath(p)).isSymbolicLink();
  } catch {
    return false;
  }
}

/** The folder part of a glob before its first magic character. */
function staticBase(glob: string): string {
  const parts = glob.split("/");
  const out: string[] = [];
  for (const part of parts) {
    if (GLOB_CHARS.test(part)) break;
    out.push(part);
  }
  return out.length === 0 ? "." : out.join("/") || "/";
}

interface IgnoreLayer {
  dir: string;
  ig: Ignore;
}

/** The .gitignore files that apply above `dir`, from its repository root down. */
function gitignoresAbove(dir: string): IgnoreLayer[] {
  let root: string | null = null;
  for (let probe = dir; ; probe = path.dirname(probe)) {
    if (existsSync(fsPath(path.join(probe, ".git")))) {
      root = probe;
      break;
    }
    if (path.dirname(probe) === probe) break;
  }
  if (!root || root === dir) return [];
  const chain: string[] = [];
  for (let d = path.dirname(dir); ; d = path.dirname(d)) {
    chain.push(d);
    if (d === root || path.dirname(d) === d) break;
  }
  return chain
    .reverse()
    .map(readGitignore)
    .filter((l): l is IgnoreLayer => l !== null);
}

function readGitignore(dir: string): IgnoreLayer | null {
  const file = path.join(dir, ".gitignore");
  try {
    const text = readFileSync(fsPath(file), "utf8");
    return { dir, ig: ignore().add(text) };
  } catch {
    return null;
  }
}

function ignoredBy(layers: IgnoreLayer[], file: string, isDir: boolean): boolean {
  for (const { dir, ig } of layers) {
    const rel = relativeWithin(dir, file);
    if (rel === null) continue;
    if (ig.ignores(isDir ? rel + "/" : rel)) return true;
  }
  return false;
}

async function walk(dir: string, above: IgnoreLayer[], options: ExpandOptions, found: (file: string) => void): Promise<void> {
  const own = readGitignore(dir);
  const layers = own ? [...above, own] : above;
  let dirents: import("node:fs").Dirent<Buffer>[];
  try {
    // names as bytes: one that is not UTF-8 is kept exactly (see util/file-names.ts)
    // (synchronously: one call, where the asynchronous one waits for a thread-pool thread per folder)
    dirents = readdirSync(fsPath(dir), { withFileTypes: true, encoding: "buffer" });
  } catch {
    return; // an unreadable folder: nothing to lint inside
  }
  const entries = dirents.map((d) => ({ d, name: decodeName(d.name) }));
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const { d: e, name } of entries) {
    const p = path.join(dir, name);
    let isDir = e.isDirectory();
    let isFile = e.isFile();
    if (e.isSymbolicLink()) {
      try {
        const st = statSync(fsPath(p));
        isDir = false; // do not follow linked folders (no cycles)
        isFile = st.isFile();
      } catch {
        isFile = true; // a broken link: report it if it looks like one of ours
      }
    }
    if (isDir) {
      if (ALWAYS_SKIPPED.has(name)) continue;
      if (ignoredBy(layers, p, true) || options.isIgnored(p, true)) continue;
      await walk(p, layers, options, found);
    } else if (isFile) {
      if (!options.include(p)) continue;
      if (ignoredBy(layers, p, false) || options.isIgnored(p)) continue;
      found(p);
    }
  }
}

export interface ReadResult {
  text: string | null;
  notices: FileNotice[];
  /** The file starts with a UTF-8 BOM (not part of `text`; put back when writing a fix). */
  bom?: boolean;
}

/**
 * Reads a file as text. Never throws: what cannot be read becomes a notice. `onBytes` sees the
 * bytes read (to hash exactly what was linted, for --cache).
 *
 * Synchronous: the thread that lints a file has nothing else to do until it is read, and a file
 * from the page cache is read in microseconds, where the asynchronous calls took several trips
 * through libuv's thread pool per file, each a wait for a core (14% of a one-thread pg-regress
 * run on a busy machine was spent waiting in them). The size is checked first, and a FIFO or
 * device is never opened.
 */
export function readSource(file: string, maxFileSize: number, requireText: boolean, onBytes?: (bytes: Uint8Array, stat: Stats) => void): ReadResult {
  let bytes: Uint8Array;
  let st: Stats;
  try {
    st = statSync(fsPath(file));
    if (!st.isFile()) return fatal(`not a regular file; not linted`);
    if (st.size > maxFileSize) return overLimit(st.size, maxFileSize);
    bytes = readFileSync(fsPath(file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      return fatal(lstatSyncSafe(file) ? "broken symbolic link (its target does not exist); not linted" : "file disappeared before it could be read");
    }
    if (code === "EACCES" || code === "EPERM") return fatal("permission denied: cannot read the file; not linted");
    if (code === "EISDIR") return fatal("is a folder; not linted");
    return fatal(`cannot read the file (${code ?? (e as Error).message}); not linted`);
  }
  onBytes?.(bytes, st);
  return decodeSource(bytes, requireText);
}

export function decodeSource(bytes: Uint8Array, requireText: boolean): ReadResult {
  if (looksBinary(bytes)) {
    if (!requireText) return { text: null, notices: [] };
    // A SQL file (or one named explicitly) that is not text is reported, never skipped quietly.
    if (!isTextWithStrayNuls(bytes)) {
      const what = describeBinary(bytes);
      return fatal(what ? `not linted: ${what}` : "not a text file (binary content, e.g. NUL bytes); not linted");
    }
    // Text with a stray NUL: linted, and the statement holding it is reported where it is.
  }
  const decoded = decodeUtf8(bytes);
  const notices: FileNotice[] = [];
  // Only where it matters (SQL, files named explicitly): a walked config or doc file in another
  // encoding (Java .properties are often ISO-8859-1) is still scanned, without a warning.
  if (decoded.invalidUtf8At >= 0 && requireText) {
    notices.push({
      offset: decoded.invalidUtf8At,
      severity: 1,
      message: `not valid UTF-8 (byte 0x${decoded.invalidByte.toString(16).toUpperCase().padStart(2, "0")} here; is the file in another encoding such as WIN1252?); the readable rest was linted`,
    });
  }
  return { text: decoded.text, notices, bom: decoded.bom };
}

/** A file (or staged blob) over `--max-file-size`: reported, never read. */
export function overLimit(size: number, maxFileSize: number): ReadResult {
  let [a, b] = [sizeText(size), sizeText(maxFileSize)];
  // rounded the same ("2 KB, over the limit of 2 KB"): say it in bytes
  if (a === b) [a, b] = [`${size} bytes`, `${maxFileSize} bytes`];
  return fatal(`file is ${a}, over the limit of ${b} (raise it with --max-file-size, 0 for no limit); not linted`);
}

function fatal(message: string): ReadResult {
  return { text: null, notices: [{ offset: 0, severity: 2, message, fatal: true }] };
}

function sizeText(n: number): string {
  if (n < 1024) return `${n} byte${n === 1 ? "" : "s"}`;
  if (n < 1024 * 1024) return `${+(n / 1024).toFixed(1)} KB`;
  return `${+(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Reads all of standard input. */
export async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

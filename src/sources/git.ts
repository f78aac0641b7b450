/**
 * Git sources: the staged content of the staged files (`--staged`, what `git commit` will
 * record) and the files changed since the merge base with a ref (`--changed-since REF`, for
 * pull-request CI). Real git in child processes; every list is read with `-z`, as bytes, so names
 * with spaces, quotes, newlines, non-ASCII characters or bytes that are not UTF-8 arrive intact.
 *
 * Git runs with the caller's environment on purpose: inside a hook, git sets GIT_INDEX_FILE
 * (e.g. the temporary index of `git commit -a` or `git commit <paths>`), and reading that index
 * is what makes `--staged` lint exactly what is about to be committed.
 */
import { spawn } from "node:child_process";
import { lstatSync } from "node:fs";
import path from "node:path";
import { decodeName, fsPath } from "../util/file-names.js";
import { UsageError } from "./files.js";

export interface GitOptions {
  /** Where the command runs; pathspecs are relative to it. */
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Paths, folders or git pathspecs that limit the files (the command line's positionals). */
  pathspecs: string[];
  /** Whether a file sqlguard does not name explicitly is one it lints (the folder walk's predicate). */
  include(file: string): boolean;
  /** Config `ignores`. */
  isIgnored(file: string): boolean;
  /** A file named on the command line that `ignores` excludes (it is not linted). */
  onIgnored?(file: string, folder: boolean): void;
}

export interface GitFile {
  /** Absolute path in the working tree. */
  path: string;
  /** Named exactly on the command line. */
  explicit: boolean;
  /** Staged blob id (for --staged). */
  blob?: string;
}

export interface StagedFile {
  path: string;
  explicit: boolean;
  /**
   * The staged content, once `readStagedBlobs` has read it; never read when the blob is over
   * `maxFileSize` (then `size` says how big it is).
   */
  bytes?: Uint8Array;
  size: number;
  /** The staged blob. */
  blob: string;
}

interface GitRun {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** Runs git; rejects only when git itself cannot be started. */
export function runGit(args: string[], cwd: string, env: NodeJS.ProcessEnv, input?: string): Promise<GitRun> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, { cwd, env, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    let err = "";
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => (err += d.toString("utf8")));
    child.on("error", (e: NodeJS.ErrnoException) => {
      reject(e.code === "ENOENT" ? new UsageError("git is not installed or not on PATH") : e);
    });
    child.on("close", (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr: err }));
    child.stdin.on("error", () => {}); // git may exit before reading everything (EPIPE): its exit code tells
    child.stdin.end(input ?? "");
  });
}

async function gitOk(args: string[], cwd: string, env: NodeJS.ProcessEnv, input?: string): Promise<Buffer> {
  const r = await runGit(args, cwd, env, input);
  if (r.code !== 0) {
    const verb = args.find((a, i) => !a.startsWith("-") && args[i - 1] !== "-c") ?? "";
    throw new UsageError(`git ${verb} failed: ${firstLine(r.stderr) || `exit code ${r.code}`}`);
  }
  return r.stdout;
}

function firstLine(s: string): string {
  return s.trim().split("\n")[0]?.replace(/^(fatal|error): /, "") ?? "";
}

/** The top folder of the working tree around `cwd`; a usage error (naming `what`) outside a repository. */
export async function repoRoot(cwd: string, env: NodeJS.ProcessEnv, what: string): Promise<string> {
  const r = await runGit(["rev-parse", "--show-toplevel"], cwd, env);
  if (r.code !== 0) {
    const why = /not a git repository/i.test(r.stderr) ? `${cwd} is not inside a git repository` : firstLine(r.stderr);
    throw new UsageError(`${what} needs a git repository: ${why}`);
  }
  const out = r.stdout[r.stdout.length - 1] === 10 ? r.stdout.subarray(0, -1) : r.stdout;
  return path.resolve(decodeName(out));
}

interface RawEntry {
  status: string;
  newMode: string;
  newBlob: string;
  /** Path relative to the repository root, `/` separators. */
  path: string;
}

/**
 * Parses `git diff --raw -z`: `:oldmode newmode oldblob newblob status\0path\0` (two paths for
 * renames and copies; the second is where the file is now).
 */
function parseRaw(out: Buffer): RawEntry[] {
  const parts = splitNul(out);
  const entries: RawEntry[] = [];
  for (let i = 0; i < parts.length; ) {
    const head = parts[i++]!.toString("latin1");
    if (!head.startsWith(":")) continue;
    const [, newMode = "", , newBlob = "", status = ""] = head.slice(1).split(" ");
    let file = parts[i++];
    if (status.startsWith("R") || status.startsWith("C")) file = parts[i++] ?? file;
    entries.push({ status: status[0] ?? "", newMode, newBlob, path: decodeName(file ?? Buffer.alloc(0)) });
  }
  return entries;
}

/**
 * The fields of a `-z` listing, as bytes: names are decoded with `decodeName`, so one that is
 * not UTF-8 (`lat\xe9.sql`) keeps its bytes and can still be opened.
 */
function splitNul(out: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  let at = 0;
  for (let nul = out.indexOf(0, at); nul >= 0; nul = out.indexOf(0, at)) {
    parts.push(out.subarray(at, nul));
    at = nul + 1;
  }
  if (at < out.length) parts.push(out.subarray(at));
  return parts;
}

/** Entries that exist after the change and are regular files (no deletions, symlinks, submodules, conflicts). */
function isLintable(e: RawEntry): boolean {
  if (e.status === "D" || e.status === "U" || e.status === "X") return false;
  return e.newMode === "100644" || e.newMode === "100755";
}

function selector(options: GitOptions): (abs: string) => { keep: boolean; explicit: boolean } {
  const named = new Set(options.pathspecs.map((p) => path.resolve(options.cwd, p)));
  return (abs) => {
    const explicit = named.has(abs);
    if (options.isIgnored(abs)) {
      if (explicit) options.onIgnored?.(abs, false);
      return { keep: false, explicit };
    }
    return { keep: explicit || options.include(abs), explicit };
  };
}

/** `--` and the pathspecs, so a name starting with `-` is never read as an option. */
function specs(options: GitOptions): string[] {
  return ["--", ...options.pathspecs];
}

async function hasCommit(rev: string, cwd: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  return (await runGit(["rev-parse", "--verify", "--quiet", `${rev}^{commit}`], cwd, env)).code === 0;
}

/**
 * The staged files, with the size of their staged content (read it with `readStagedBlobs`, a few
 * at a time). Compares the index with HEAD (with nothing in a repository with no commit yet); deleted files have nothing to lint; a renamed file is linted under its new name.
 */
export async function stagedFiles(options: GitOptions & { maxFileSize: number }): Promise<StagedFile[]> {
  const { cwd, env } = options;
  const root = await repoRoot(cwd, env, "--staged");
  // With no commit given, `diff --cached` compares with HEAD, or with nothing in a repository
  // that has no commit yet: two git processes fewer on every commit than asking which it is.
  const raw = await gitOk(
    ["-c", "diff.relative=false", "diff", "--cached", "--raw", "-z", "--no-renames", "--no-ext-diff", "--ignore-submodules=all", ...specs(options)],
    cwd,
    env,
  );
  const pick = selector(options);
  const chosen: GitFile[] = [];
  for (const e of parseRaw(raw)) {
    if (!isLintable(e)) continue;
    const abs = path.join(root, ...e.path.split("/"));
    const { keep, explicit } = pick(abs);
    if (keep) chosen.push({ path: abs, explicit, blob: e.newBlob });
  }
  chosen.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  if (chosen.length === 0) return [];

  // Sizes first, so a huge staged blob is reported without being read.
  const check = (await gitOk(["cat-file", "--batch-check"], cwd, env, chosen.map((f) => `${f.blob}\n`).join(""))).toString("utf8").split("\n");
  return chosen.map((f, i) => ({ path: f.path, explicit: f.explicit, size: Number(check[i]?.split(" ")[2] ?? NaN), blob: f.blob! }));
}

/**
 * Reads the staged content of these files (those within `maxFileSize`) into `bytes`, with one
 * `git cat-file --batch`. The caller reads a few megabytes' worth at a time and lets them go once
 * linted, so a huge commit is never held in memory whole.
 */
export async function readStagedBlobs(files: StagedFile[], options: { cwd: string; env: NodeJS.ProcessEnv; maxFileSize: number }): Promise<void> {
  const wanted = files.filter((f) => f.size <= options.maxFileSize && !f.bytes);
  if (wanted.length === 0) return;
  const contents = parseBatch(await gitOk(["cat-file", "--batch"], options.cwd, options.env, wanted.map((f) => `${f.blob}\n`).join("")));
  wanted.forEach((f, i) => (f.bytes = contents[i]!));
}

/** Consecutive groups of files whose sizes add up to about `budget` bytes (at least one file each). */
export function bySize<T extends { size: number }>(files: T[], budget: number): T[][] {
  const out: T[][] = [];
  let group: T[] = [];
  let total = 0;
  for (const f of files) {
    if (group.length > 0 && total + f.size > budget) {
      out.push(group);
      group = [];
      total = 0;
    }
    group.push(f);
    total += Number.isFinite(f.size) ? f.size : 0;
  }
  if (group.length > 0) out.push(group);
  return out;
}

/** Parses `git cat-file --batch`: `<id> <type> <size>\n<content>\n` per object. */
function parseBatch(out: Buffer): Uint8Array[] {
  const blobs: Uint8Array[] = [];
  let at = 0;
  while (at < out.length) {
    const nl = out.indexOf(10, at);
    if (nl < 0) break;
    const header = out.subarray(at, nl).toString("utf8").split(" ");
    const size = Number(header[2]);
    if (header[1] === "missing" || !Number.isFinite(size)) throw new UsageError(`git cat-file: object ${header[0]} is missing`);
    blobs.push(out.subarray(nl + 1, nl + 1 + size));
    at = nl + 1 + size + 1;
  }
  return blobs;
}

/**
 * Files changed since the merge base of `ref` and HEAD, as they are in the working tree now:
 * committed changes on this branch, uncommitted ones and new untracked (not ignored) files.
 * Deleted files are skipped.
 */
export async function changedSince(ref: string, options: GitOptions): Promise<GitFile[]> {
  const { cwd, env } = options;
  const root = await repoRoot(cwd, env, "--changed-since");
  if (ref.startsWith("-") || ref.trim() === "") throw new UsageError(`--changed-since needs a git ref such as origin/main (got "${ref}")`);
  // HEAD first: in a repository (or on a branch) with no commit yet, `HEAD` itself is no ref
  // git knows, and "unknown git ref" would send the user looking for a typo.
  if (!(await hasCommit("HEAD", cwd, env))) {
    throw new UsageError(
      `--changed-since: there is no commit on this branch yet, so nothing has changed since ${JSON.stringify(ref)}; lint the files themselves (sqlguard .) or --staged`,
    );
  }
  if (!(await hasCommit(ref, cwd, env))) {
    throw new UsageError(
      `--changed-since: unknown git ref "${ref}" (in CI, fetch it first, e.g. \`git fetch origin main\`, or check out with full history: actions/checkout with fetch-depth: 0)`,
    );
  }
  const mb = await runGit(["merge-base", ref, "HEAD"], cwd, env);
  if (mb.code !== 0) {
    throw new UsageError(
      `--changed-since: ${ref} and HEAD have no common ancestor in this clone (a shallow clone? fetch more history: \`git fetch --unshallow\`, or actions/checkout with fetch-depth: 0)`,
    );
  }
  const base = mb.stdout.toString("utf8").trim();
  const raw = await gitOk(
    ["-c", "diff.relative=false", "diff", "--raw", "-z", "--no-renames", "--no-ext-diff", "--ignore-submodules=all", base, ...specs(options)],
    cwd,
    env,
  );
  const paths = new Set<string>();
  for (const e of parseRaw(raw)) if (isLintable(e)) paths.add(e.path);
  const untracked = await gitOk(["ls-files", "--others", "--exclude-standard", "--full-name", "-z", ...specs(options)], cwd, env);
  for (const p of splitNul(untracked)) if (p.length) paths.add(decodeName(p));

  const pick = selector(options);
  const files: GitFile[] = [];
  for (const p of paths) {
    const abs = path.join(root, ...p.split("/"));
    if (!isRegularFile(abs)) continue; // deleted since, or a symlink / folder in the working tree
    const { keep, explicit } = pick(abs);
    if (keep) files.push({ path: abs, explicit });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function isRegularFile(p: string): boolean {
  try {
    return lstatSync(fsPath(p)).isFile();
  } catch {
    return false;
  }
}

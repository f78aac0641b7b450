/** Test helpers for real git repositories in temporary folders. */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { tempDir } from "./helpers.js";

/**
 * The environment for git and the CLI in tests: no GIT_* variables from the outside (a test run
 * from inside a git hook would otherwise inherit GIT_INDEX_FILE and friends), no global or
 * system git config (a developer's commit.gpgsign, hooks or aliases stay out).
 */
export function gitEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const k of Object.keys(process.env)) if (k.startsWith("GIT_") || k === "HUSKY") env[k] = undefined;
  return { ...env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1", ...extra };
}

function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = { ...process.env, ...gitEnv(extra) };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return env as NodeJS.ProcessEnv;
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs git in `cwd`; throws on failure unless `allowFail`. */
export function git(cwd: string, args: string[], options: { allowFail?: boolean; env?: Record<string, string | undefined>; input?: string } = {}): Run {
  const r = spawnSync("git", args, { cwd, env: cleanEnv(options.env), encoding: "utf8", input: options.input ?? "" });
  const run = { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  if (run.code !== 0 && !options.allowFail) throw new Error(`git ${args.join(" ")} failed (${run.code}): ${run.stderr}`);
  return run;
}

/** A new repository (branch main, a committer set) with the given files written but not added. */
export function repo(files: Record<string, string | Buffer> = {}): string {
  const dir = tempDir();
  git(dir, ["init", "-q", "-b", "main"]);
  git(dir, ["config", "user.name", "Test"]);
  git(dir, ["config", "user.email", "test@example.com"]);
  git(dir, ["config", "commit.gpgsign", "false"]);
  write(dir, files);
  return dir;
}

export function write(dir: string, files: Record<string, string | Buffer>): void {
  for (const [name, content] of Object.entries(files)) {
    const p = path.join(dir, name);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
}

/** `git add -A` and commit. */
export function commitAll(dir: string, message = "commit"): void {
  git(dir, ["add", "-A"]);
  git(dir, ["commit", "-q", "--no-verify", "-m", message]);
}

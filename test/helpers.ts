/** Shared helpers for tests: the repository root, running the real CLI, linting text. */
import { spawnSync } from "node:child_process";
import { chmodSync, lstatSync, mkdtempSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Test } from "uvu";
import { Config, type UserConfig } from "../src/engine/config.js";
import { lintText } from "../src/lint/lint-text.js";
import type { Diagnostic, FileResult } from "../src/engine/types.js";
import { loadParser } from "../src/sql/parser.js";
import { builtin } from "../rules/index.js";

/** The repository root (tests run from dist/test/). */
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** The CLI users run: the bundle (see src/build/bundle.ts). */
export const bin = path.join(root, "dist/bundle/bin.cjs");

await loadParser();

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Where it runs (default: the repository root). */
  cwd?: string;
  /** Standard input (default: empty). */
  input?: string | Buffer;
  /** Changes to this process's environment; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
}

/**
 * The environment a CLI run gets: this process's, without colour settings or GitHub's workspace
 * (a test run from a terminal or from CI must not change the output), with the test's changes.
 */
export function cliEnv(changes: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: "1", FORCE_COLOR: undefined, GITHUB_WORKSPACE: undefined, ...changes };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return env as NodeJS.ProcessEnv;
}

/**
 * Runs the built CLI (the bundle) as a child process. Slow (a process start and a WebAssembly
 * compile each time): only for what needs a real process; everything else uses `cli` from
 * in-process.ts.
 */
export function spawnCli(args: string[], options: CliOptions = {}): CliRun {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: options.cwd ?? root,
    input: options.input,
    env: cliEnv(options.env),
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The folders `tempDir` made in this process: removed when it exits. */
const made: string[] = [];
process.on("exit", () => {
  for (const dir of made) removeTree(dir);
});

/** Removes a folder, also where a test made it or a folder in it read-only (as a user other than root). */
function removeTree(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    const writable = (p: string): void => {
      try {
        const st = lstatSync(p);
        if (!st.isDirectory()) return;
        chmodSync(p, 0o700);
        for (const name of readdirSync(p)) writable(path.join(p, name));
      } catch {
        // gone already, or not ours: leave it
      }
    };
    writable(dir);
    rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
  }
}

/** A fresh temporary folder with the given files; it is removed when the test process exits. */
export function tempDir(files: Record<string, string | Buffer> = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "sqlguard-test-"));
  made.push(dir);
  for (const [name, content] of Object.entries(files)) {
    const p = path.join(dir, name);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
  return dir;
}

/** Lints text as a file of the given name with a config (default: the defaults). */
export function lint(text: string, options: { filePath?: string; config?: UserConfig; fix?: boolean } = {}): FileResult {
  const config = new Config(options.config ?? {}, root, "test", builtin);
  return lintText(text, config, { filePath: path.join(root, options.filePath ?? "test.sql"), fix: options.fix ?? false });
}

/** `line:column-endLine:endColumn rule message` lines, for compact assertions. */
export function brief(messages: Diagnostic[]): string[] {
  return messages.map((m) => `${m.line}:${m.column}-${m.endLine}:${m.endColumn} ${m.ruleId ?? "-"} ${m.message}`);
}

/**
 * A test that cannot run here, skipped where everyone sees it: uvu counts it as skipped, and
 * test/run.mjs lists it with the reason above the final line. Never `return` early from a test
 * instead: that counts as a pass.
 */
export function skip(test: Test, name: string, reason: string): void {
  test.skip(name);
  const g = globalThis as { SQLGUARD_SKIPPED?: string[] };
  (g.SQLGUARD_SKIPPED ??= []).push(`${name}: ${reason}`);
  console.log(`  skipped: ${name} (${reason})`);
}

/** Shared helpers for tests: the repository root, running the real CLI, linting text. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
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

/** Runs the built CLI as a child process. */
export function cli(args: string[], options: { cwd?: string; input?: string | Buffer; env?: Record<string, string | undefined> } = {}): CliRun {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: "1", FORCE_COLOR: undefined, GITHUB_WORKSPACE: undefined, ...options.env };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: options.cwd ?? root,
    input: options.input,
    env: env as NodeJS.ProcessEnv,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh temporary folder with the given files. */
export function tempDir(files: Record<string, string | Buffer> = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "sqlguard-test-"));
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

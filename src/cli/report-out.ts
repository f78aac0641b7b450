/**
 * How a command's findings leave it, for `sqlguard` and `sqlguard verify` alike: errors only with
 * `--quiet`, the report rendered with colour when a terminal wants it, written to `--output-file`
 * or standard output, and the exit code.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { recount } from "../engine/counts.js";
import type { FileResult } from "../engine/types.js";
import type { Reporter } from "../report/types.js";
import type { CliIO } from "./types.js";
import { builtinRules as rules } from "../../rules/index.js";

/** The options of both commands that decide where and how the report goes. */
export interface OutputOptions {
  "output-file"?: string | undefined;
  color?: boolean | undefined;
  "no-color"?: boolean | undefined;
}

/** `--quiet`: the errors only, the counts made again from what is left. */
export function keepErrors(results: FileResult[]): void {
  for (const r of results) {
    r.messages = r.messages.filter((m) => m.severity === 2);
    recount(r);
  }
}

/** The report as the reporter writes it; colour when forced, or on a terminal that has it. */
export function render(reporter: Reporter, results: FileResult[], io: CliIO, opts: OutputOptions): string {
  const color = opts["no-color"] ? false : opts.color ? true : wantsColor(io);
  const workspace = io.env.GITHUB_WORKSPACE ? path.resolve(io.cwd, io.env.GITHUB_WORKSPACE) : undefined;
  return reporter(results, { cwd: io.cwd, color: opts["output-file"] ? false : color, rules, ...(workspace ? { workspace } : {}) });
}

/** Writes `text` to `--output-file` (its folder made when missing), else to standard output. */
export async function writeOutput(io: CliIO, outputFile: string | undefined, text: string): Promise<void> {
  if (outputFile) {
    const out = path.resolve(io.cwd, outputFile);
    await fs.mkdir(path.dirname(out), { recursive: true });
    await fs.writeFile(out, text);
  } else if (text) io.stdout(text);
}

/** 2 when a rule failed inside, 1 for an error or more warnings than `maxWarnings` (-1: no limit), else 0. */
export function exitCode(results: FileResult[], maxWarnings: number, io: CliIO): number {
  const errors = results.reduce((n, r) => n + r.errorCount, 0);
  const warnings = results.reduce((n, r) => n + r.warningCount, 0);
  if (results.some((r) => r.messages.some((m) => m.internal))) return 2;
  if (errors > 0) return 1;
  if (maxWarnings >= 0 && warnings > maxWarnings) {
    io.stderr(`sqlguard found too many warnings (maximum: ${maxWarnings}).\n`);
    return 1;
  }
  return 0;
}

function wantsColor(io: CliIO): boolean {
  const force = io.env.FORCE_COLOR;
  if (force !== undefined && force !== "") return force !== "0" && force !== "false";
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== "") return false;
  if (io.env.TERM === "dumb") return false;
  return io.isTTY;
}

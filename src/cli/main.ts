/**
 * The command line. Exit codes: 0 no errors (and warnings within --max-warnings), 1 at least
 * one error, 2 usage, config or internal failure. Output order is deterministic (files sorted
 * by path, problems by position).
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, loadConfig, parseRuleFlag, parseSize, type RuleSetting } from "../engine/config.js";
import type { FileResult } from "../engine/types.js";
import { fileKind } from "../extract/index.js";
import { FORMATS, reporters } from "../report/index.js";
import { expandPaths, readStdin, UsageError } from "../sources/files.js";
import { lintFiles, type SourceFile } from "./lint-files.js";
import { rules } from "../engine/registry.js";
import { VERSION } from "../version.js";

export interface CliIO {
  cwd: string;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** Whether stdout is a terminal (colour). */
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
  readStdin?: () => Promise<Uint8Array>;
}

const HELP = `sqlguard ${VERSION} — a linter for PostgreSQL scripts and the SQL in your code

Usage:
  sqlguard [options] [paths|globs...]   lint files and folders (default: .)
  sqlguard init [--dry-run]             wire husky + lint-staged into this repository

Options:
  -f, --format <name>        ${FORMATS.join(" | ")} (default: stylish)
  -o, --output-file <file>   write the report to a file instead of stdout
  -c, --config <file>        config file (default: sqlguard.config.{json,js,mjs} or "sqlguard" in package.json)
      --rule <id:severity>   set a rule's severity (off, warn, error), repeatable;
                             options as JSON: --rule 'require-where:["error",{"joins":false}]'
      --stdin                lint standard input
      --stdin-filename <f>   path to report (and pick rules by) for --stdin (default: stdin.sql)
      --fix                  apply the fixes rules offer and write the files back
      --max-warnings <n>     exit 1 when there are more than n warnings
      --max-file-size <size> skip larger files with a message (default: 32MB)
      --quiet                report errors only
      --color, --no-color    force colour on or off (default: on for a terminal, off with NO_COLOR)
  -v, --version              print the version
  -h, --help                 print this help

Rules: ${rules.map((r) => r.id).join(", ")}
Docs:  https://github.com/sqlguard/sqlguard#readme
`;

export async function main(argv: string[], io: CliIO): Promise<number> {
  try {
    return await run(argv, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`sqlguard: ${e.message}\nRun 'sqlguard --help' for usage.\n`);
      return 2;
    }
    if (e instanceof ConfigError) {
      io.stderr(`sqlguard: invalid configuration: ${e.message}\n`);
      return 2;
    }
    const err = e as Error;
    io.stderr(`sqlguard: internal error: ${err?.message ?? String(e)}\nPlease report it at https://github.com/sqlguard/sqlguard/issues\n`);
    if (io.env.SQLGUARD_DEBUG) io.stderr(`${err?.stack ?? ""}\n`);
    return 2;
  }
}

async function run(argv: string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: "string", short: "f" },
        "output-file": { type: "string", short: "o" },
        config: { type: "string", short: "c" },
        rule: { type: "string", multiple: true },
        stdin: { type: "boolean" },
        "stdin-filename": { type: "string" },
        fix: { type: "boolean" },
        "max-warnings": { type: "string" },
        "max-file-size": { type: "string" },
        quiet: { type: "boolean" },
        color: { type: "boolean" },
        "no-color": { type: "boolean" },
        version: { type: "boolean", short: "v" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\. To specify a positional argument.*$/s, "."));
  }
  const opts = parsed.values;
  if (opts.help) {
    io.stdout(HELP);
    return 0;
  }
  if (opts.version) {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const format = opts.format ?? "stylish";
  const reporter = reporters[format];
  if (!reporter) throw new UsageError(`unknown format "${format}" (choose one of: ${FORMATS.join(", ")})`);
  let maxWarnings = -1;
  if (opts["max-warnings"] !== undefined) {
    maxWarnings = Number(opts["max-warnings"]);
    if (!Number.isInteger(maxWarnings) || maxWarnings < 0) throw new UsageError(`--max-warnings needs a whole number ≥ 0 (got "${opts["max-warnings"]}")`);
  }
  if (opts["stdin-filename"] && !opts.stdin) throw new UsageError("--stdin-filename only makes sense with --stdin");
  if (opts.stdin && parsed.positionals.length > 0) throw new UsageError("--stdin takes no paths");
  if (opts.stdin && opts.fix) throw new UsageError("--fix cannot write back to standard input");

  const cliRules: Record<string, RuleSetting> = {};
  for (const r of opts.rule ?? []) {
    const [id, setting] = parseRuleFlag(r);
    cliRules[id] = setting;
  }
  const config = await loadConfig({ cwd: io.cwd, ...(opts.config ? { configFile: opts.config } : {}), cliRules });
  let maxFileSize = config.maxFileSize;
  if (opts["max-file-size"] !== undefined) {
    try {
      maxFileSize = parseSize(opts["max-file-size"], "--max-file-size") ?? maxFileSize;
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }

  const lintOptions = { cwd: io.cwd, fix: opts.fix ?? false, maxFileSize };
  let files: SourceFile[];
  if (opts.stdin) {
    const name = opts["stdin-filename"] ?? "stdin.sql";
    files = [{ path: path.resolve(io.cwd, name), explicit: true, bytes: await (io.readStdin ?? readStdin)() }];
  } else {
    files = await expandPaths(parsed.positionals, {
      cwd: io.cwd,
      include: (f) => fileKind(f) !== "text",
      isIgnored: (f) => config.isIgnored(f),
    });
  }
  const results: FileResult[] = await lintFiles(files, config, lintOptions);

  if (opts.fix) {
    for (const r of results) {
      if (r.output !== undefined) await writeAtomically(r.filePath, r.output);
    }
  }

  if (opts.quiet) {
    for (const r of results) {
      r.messages = r.messages.filter((m) => m.severity === 2);
      r.warningCount = 0;
      r.fixableWarningCount = 0;
    }
  }

  const color = opts["no-color"] ? false : opts.color ? true : wantsColor(io);
  const text = reporter(results, { cwd: io.cwd, color: opts["output-file"] ? false : color });
  if (opts["output-file"]) {
    const out = path.resolve(io.cwd, opts["output-file"]);
    await fs.mkdir(path.dirname(out), { recursive: true });
    await fs.writeFile(out, text);
  } else if (text) io.stdout(text);

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

/** Writes through a temporary file and a rename, so a crash never leaves half a file. */
async function writeAtomically(file: string, text: string): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.sqlguard-${process.pid}.tmp`);
  const mode = (await fs.stat(file)).mode;
  await fs.writeFile(tmp, text, { mode });
  await fs.rename(tmp, file);
}

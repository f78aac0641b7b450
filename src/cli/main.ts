/**
 * The command line. Exit codes: 0 no errors (and warnings within --max-warnings), 1 at least
 * one error, 2 usage, config or internal failure. Output order is deterministic (files sorted
 * by path, problems by position).
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, loadConfig, parseSize, type Config } from "../engine/config.js";
import { countMessages, recount } from "../engine/counts.js";
import type { Diagnostic, FileResult } from "../engine/types.js";
import { isWalked } from "../extract/extensions.js";
import { FORMATS } from "../report/load.js";
import { expandPaths, readStdin, UsageError } from "../sources/files.js";
import type { StagedFile } from "../sources/git.js";
import { lintFiles } from "./lint-files.js";
import { cliRulesOf, COMMON_OPTIONS, maxWarningsOf, reporterFor } from "./common-options.js";
import { exitCode, keepErrors, render, writeOutput } from "./report-out.js";
import type { CliIO, LintedFile, LintFilesOptions, SourceFile } from "./types.js";

import { DEFAULT_CACHE_LOCATION } from "./cache-location.js";
import type { Concurrency } from "./pool.js";
import { builtin, builtinRules as rules } from "../../rules/index.js";
import { diskView, projectOf } from "../run-model/index.js";
import { fsPath } from "../util/file-names.js";
import { importModule } from "../util/import-module.js";
import { replaceFileContent, WriteRefused, type ReadStamp } from "../util/write.js";
import { VERSION } from "../version.js";

export type { CliIO } from "./types.js";

const HELP = `sqlguard ${VERSION} — a linter for PostgreSQL scripts and the SQL in your code

Usage:
  sqlguard [options] [paths|globs...]   lint files and folders (default: .)
  sqlguard --staged [paths...]          lint what is staged for the next commit (the git index)
  sqlguard --changed-since <ref>        lint files changed since the merge base with <ref>
  sqlguard init [--dry-run] [--no-install]
                                        wire husky + lint-staged into this repository
  sqlguard verify [folder]              apply the migrations to an embedded PostgreSQL, measure locks
                                        and rewrites, check every query against the schema
                                        (sqlguard verify --help; docs/verify.md)
  sqlguard rules [--format json]        list the rules: default severity, fixable, docs

Options:
  -f, --format <name>        ${FORMATS.join(" | ")} (default: stylish)
  -o, --output-file <file>   write the report to a file instead of stdout
  -c, --config <file>        config file (default: sqlguard.config.{json,js,mjs} or "sqlguard" in package.json)
      --rule <id:severity>   set a rule's severity (off, warn, error), repeatable;
                             options as JSON: --rule 'require-where:["error",{"joins":false}]'
      --stdin                lint standard input
      --stdin-filename <f>   path to report (and pick rules by) for --stdin (default: stdin.sql)
      --staged               lint the staged content of staged files, not the working tree;
                             paths, if given, limit which staged files are linted
      --changed-since <ref>  lint files changed since the merge base of <ref> and HEAD
                             (committed, uncommitted and new files; deleted ones are skipped)
      --fix                  apply the fixes rules offer and write the files back
      --print-config <file>  print the configuration applied to <file> as JSON: rules, settings,
                             and the migration tool that runs it with its transaction model
      --fix-dry-run          work out the fixes without writing anything (--format json
                             prints each fixed file in "output", as ESLint does)
      --max-warnings <n>     exit 1 when there are more than n warnings
      --max-file-size <size> skip larger files with a message (default: 32MB; 0: no limit)
      --cache                only lint files whose content changed since the last --cache run
      --cache-location <f>   where the cache lives (default: .sqlguardcache)
      --concurrency <n>      threads: a number, auto (default: more for big inputs, on idle cores) or off
      --quiet                report errors only
      --no-ignore            lint files the config's "ignores" exclude
      --no-warn-ignored      say nothing of a named file that "ignores" excludes
      --color, --no-color    force colour on or off (default: on for a terminal, off with NO_COLOR)
  -v, --version              print the version
  -h, --help                 print this help

Rules: ${rules.length}; \`sqlguard rules\` lists them, with what each catches and its docs
Docs:  https://github.com/sqlguard/sqlguard#readme
`;

/**
 * `sqlguard verify`, loaded only when asked for: a module of its own next to this one (in the
 * bundle, dist/bundle/verify.js; the name is computed so the bundler leaves it out of the CLI), so
 * a lint run neither loads nor parses any of it. PGlite itself is loaded by verify's runner only.
 */
async function loadVerify(): Promise<typeof import("./verify.js")> {
  const where = "./verify.js";
  // through importModule: the bundled CLI, compiled from a code cache, cannot call import() itself
  return (await importModule(new URL(where, import.meta.url).href)) as typeof import("./verify.js");
}

/** Results whose --fix could not be written (never remembered by --cache). */
const failedWrites = new WeakSet<FileResult>();

/** How much staged content is read from git at once. */
const STAGED_READ_BUDGET = 64 * 1024 * 1024;

export async function main(argv: string[], io: CliIO): Promise<number> {
  try {
    if (argv[0] === "init") return await (await import("./init.js")).init(argv.slice(1), io);
    if (argv[0] === "verify") return await (await loadVerify()).verifyCommand(argv.slice(1), io);
    if (argv[0] === "rules") return await (await import("./rules.js")).rulesCommand(argv.slice(1), io);
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
        ...COMMON_OPTIONS,
        stdin: { type: "boolean" },
        "stdin-filename": { type: "string" },
        fix: { type: "boolean" },
        "print-config": { type: "string" },
        "fix-dry-run": { type: "boolean" },
        "max-file-size": { type: "string" },
        cache: { type: "boolean" },
        "cache-location": { type: "string" },
        concurrency: { type: "string" },
        "no-ignore": { type: "boolean" },
        "no-warn-ignored": { type: "boolean" },
        version: { type: "boolean", short: "v" },
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
  const reporter = await reporterFor(format);
  const maxWarnings = maxWarningsOf(opts["max-warnings"]);
  if (opts["stdin-filename"] && !opts.stdin) throw new UsageError("--stdin-filename only makes sense with --stdin");
  if (opts.stdin && parsed.positionals.length > 0) throw new UsageError("--stdin takes no paths");
  if (opts.stdin && opts.fix) throw new UsageError("--fix cannot write back to standard input (--fix-dry-run shows the fixed text)");
  if (opts.fix && opts["fix-dry-run"]) throw new UsageError("--fix and --fix-dry-run cannot be combined");
  const gitSource = opts.staged ? "--staged" : opts["changed-since"] !== undefined ? "--changed-since" : null;
  if (opts.staged && opts["changed-since"] !== undefined) throw new UsageError("--staged and --changed-since cannot be combined");
  if (gitSource && opts.stdin) throw new UsageError(`${gitSource} and --stdin cannot be combined`);
  if (opts.staged && opts.fix) throw new UsageError("--fix cannot be combined with --staged (it lints the index, and fixes would go to the working tree)");

  const cliRules = cliRulesOf(opts.rule);
  const printFile = opts["print-config"];
  if (printFile !== undefined) {
    const other = parsed.positionals.length > 0 ? "paths" : opts.stdin ? "--stdin" : gitSource ?? (opts.fix ? "--fix" : null);
    if (other) throw new UsageError(`--print-config takes one file and cannot be combined with ${other}`);
  }
  const config = await loadConfig({ cwd: io.cwd, ruleSet: builtin, ...(opts.config ? { configFile: opts.config } : {}), cliRules });
  if (printFile !== undefined) {
    const { printConfig } = await import("./print-config.js");
    const json = `${JSON.stringify(await printConfig(printFile, config, io.cwd), null, 2)}\n`;
    await writeOutput(io, opts["output-file"], json);
    return 0;
  }
  let maxFileSize = config.maxFileSize;
  if (opts["max-file-size"] !== undefined) {
    try {
      maxFileSize = parseSize(opts["max-file-size"], "--max-file-size") ?? maxFileSize;
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }

  let concurrency: Concurrency = "auto";
  if (opts.concurrency !== undefined) {
    const c = opts.concurrency;
    if (c === "auto" || c === "off") concurrency = c;
    else if (/^\d+$/.test(c) && Number(c) >= 1) concurrency = Number(c);
    else throw new UsageError(`--concurrency takes a number ≥ 1, "auto" or "off" (got "${c}")`);
  }
  // The project around the files (manifests, lockfiles, migration folders), read once for this run.
  const project = projectOf(diskView());
  const lintOptions = { cwd: io.cwd, fix: opts.fix ?? false, fixDryRun: opts["fix-dry-run"] ?? false, maxFileSize, concurrency, project };
  // Which files a folder walk picks up; the git sources use the same choice.
  const include = isWalked;
  // --no-ignore: the config's `ignores` do not apply (.gitignore still decides what a walk skips)
  const isIgnored = opts["no-ignore"] ? () => false : (f: string, folder?: boolean) => config.isIgnored(f, folder);
  // A file named on the command line that `ignores` excludes is not linted, and said so, as ESLint
  // says it: a warning on the file (--no-warn-ignored: nothing, for lint-staged's lists of files).
  const ignoredNamed: FileResult[] = [];
  const onIgnored = (f: string, folder: boolean) => {
    if (opts["no-warn-ignored"]) return;
    const pattern = config.ignoredBy(f, folder);
    const why = `it matches ${pattern ? `"${pattern}" in ` : ""}the ignores of ${path.basename(config.source)}; use --no-ignore to lint it`;
    if (folder) io.stderr(`sqlguard: warning: ${path.relative(io.cwd, f) || "."}/ was not linted: ${why}\n`);
    else {
      const messages: Diagnostic[] = [{ ruleId: null, severity: 1, message: `File ignored: ${why} (or --no-warn-ignored to say nothing)`, line: 1, column: 1, endLine: 1, endColumn: 1, start: 0, end: 0 }];
      ignoredNamed.push({ filePath: f, messages, ...countMessages(messages), lines: {} });
    }
  };
  let files: SourceFile[];
  let staged: StagedFile[] | null = null;
  if (opts.stdin) {
    const name = opts["stdin-filename"] ?? "stdin.sql";
    files = [{ path: path.resolve(io.cwd, name), explicit: true, bytes: await (io.readStdin ?? readStdin)() }];
  } else if (opts.staged) {
    const { stagedFiles } = await import("../sources/git.js");
    files = staged = await stagedFiles({ cwd: io.cwd, env: io.env, pathspecs: parsed.positionals, include, isIgnored, onIgnored, maxFileSize });
  } else if (opts["changed-since"] !== undefined) {
    const { changedSince } = await import("../sources/git.js");
    files = await changedSince(opts["changed-since"], { cwd: io.cwd, env: io.env, pathspecs: parsed.positionals, include, isIgnored, onIgnored });
  } else {
    files = await expandPaths(parsed.positionals, { cwd: io.cwd, include, isIgnored, onIgnored });
  }
  // --fix writes each file as soon as its result is ready and lets go of the fixed text.
  // A file that cannot be written gets an error of its own; the other files are still fixed.
  const writeFix = opts.fix
    ? async (r: LintedFile) => {
        if (r.fixed === undefined) return;
        try {
          await writeAtomically(r.filePath, r.fixed, r.stamp);
        } catch (e) {
          failedWrites.add(r);
          r.messages.unshift({
            ruleId: null,
            severity: 2,
            message: `${(e as Error).message}; the file was left as it was (the problems listed are those its fixes would leave)`,
            line: 1,
            column: 1,
            endLine: 1,
            endColumn: 1,
            start: 0,
            end: 0,
          });
          recount(r);
        }
        delete r.fixed;
        delete r.stamp;
      }
    : undefined;
  // A folder given with a trailing slash holds the cache file, even before it exists (as in ESLint).
  const cacheLocation = opts["cache-location"] ?? DEFAULT_CACHE_LOCATION;
  const cacheFile = path.resolve(io.cwd, cacheLocation) + (/[\\/]$/.test(cacheLocation) ? path.sep : "");
  const said = new Set<string>();
  const warn = (s: string) => {
    if (!said.has(s)) io.stderr(`sqlguard: ${s}\n`);
    said.add(s);
  };
  const lintSome = (some: SourceFile[]) =>
    opts.cache ? lintWithCache(some, config, lintOptions, cacheFile, warn, writeFix) : lintFiles(some, config, lintOptions, writeFix);
  let results: FileResult[];
  if (staged) {
    // Staged content is read from git a few dozen megabytes at a time, and let go once linted.
    results = [];
    const { bySize, readStagedBlobs } = await import("../sources/git.js");
    for (const group of bySize(staged, STAGED_READ_BUDGET)) {
      await readStagedBlobs(group, { cwd: io.cwd, env: io.env, maxFileSize });
      // a loop, not push(...): a group of 130,000 small files would overflow the call's arguments
      for (const r of await lintSome(group)) results.push(r);
      for (const f of group) delete f.bytes;
    }
  } else results = await lintSome(files);
  if (ignoredNamed.length > 0) results = [...results, ...ignoredNamed].sort((a, b) => (a.filePath < b.filePath ? -1 : a.filePath > b.filePath ? 1 : 0));

  if (opts.quiet) keepErrors(results);
  await writeOutput(io, opts["output-file"], render(reporter, results, io, opts));
  return exitCode(results, maxWarnings, io);
}

/**
 * Lints only what changed since the cached run; files whose bytes match reuse their result.
 * Files are read one at a time to be hashed and let go: a cold cache over a big tree never holds
 * every file's bytes. What is linted is hashed again as it is read, so a file that changes in
 * between is remembered with the content its result belongs to.
 */
async function lintWithCache(
  files: SourceFile[],
  config: Config,
  options: LintFilesOptions & { concurrency: Concurrency },
  location: string,
  warn: (message: string) => void,
  onResult?: (r: LintedFile, file: SourceFile) => Promise<void>,
): Promise<FileResult[]> {
  const { contentHash, ResultCache } = await import("./cache.js");
  const cache = await ResultCache.open(location, config, { maxFileSize: options.maxFileSize });
  const results: FileResult[] = new Array(files.length);
  const todo: number[] = [];
  for (let i = 0; i < files.length; i++) {
    const f = files[i]!;
    let hash: string | null = null;
    if (f.bytes) hash = contentHash(f.bytes);
    else {
      try {
        // over the size limit, or not a regular file (a FIFO would block): not read here; the linter reports it
        const st = await fs.stat(fsPath(f.path));
        if (st.isFile() && st.size <= options.maxFileSize) hash = contentHash(await fs.readFile(fsPath(f.path)));
      } catch {
        hash = null; // let the linter report why it cannot be read
      }
    }
    const hit = hash ? cache.get(f.path, hash) : null;
    // With --fix (or --fix-dry-run), only a clean remembered result is reused: anything else may have a fix to apply.
    if (hit && !((options.fix || options.fixDryRun) && hit.messages.length > 0)) results[i] = hit;
    else todo.push(i);
  }
  const linted = await lintFiles(
    todo.map((i) => files[i]!),
    config,
    { ...options, hash: true },
    async (r, file) => {
      // A fixed file is remembered with the text written (its result is that text's), and only
      // if the write succeeded; an unfixed one with the bytes that were linted.
      const hash = r.fixed !== undefined ? contentHash(r.fixed) : r.contentHash;
      delete r.contentHash;
      await onResult?.(r, file);
      // a dry run's result with `output` is that of the fixed text, which is not on disk
      if (hash && !failedWrites.has(r) && r.output === undefined) cache.set(file.path, hash, r);
    },
  );
  todo.forEach((i, k) => (results[i] = linted[k]!));
  await cache.save();
  for (const w of cache.warnings) warn(`warning: ${w}`);
  return results;
}

/**
 * Writes a fixed file back (see `replaceFileContent`: through links, keeping mode and owner,
 * never a read-only file, never one that changed since it was read). The error says what could
 * not be written, file or folder.
 */
export async function writeAtomically(file: string, data: string | Uint8Array, stamp?: ReadStamp): Promise<void> {
  try {
    await replaceFileContent(file, typeof data === "string" ? Buffer.from(data) : data, stamp);
  } catch (e) {
    if (e instanceof WriteRefused) throw new Error(`could not write the fixes: ${e.message}`);
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(`could not write the fixes (${code ?? (e as Error).message})`);
  }
}

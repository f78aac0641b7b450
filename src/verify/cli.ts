/**
 * `sqlguard verify`: the migrations of each migration folder applied to an embedded PostgreSQL
 * (PGlite, in a process of its own), their failures, locks and rewrites measured; every other
 * statement of code and scripts prepared against the schema they build; `--dry-run` scripts run
 * and rolled back. Output, severities, directives, masking and exit codes are the linter's.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { builtin, builtinRules as rules } from "../../rules/index.js";
import type { CliIO } from "../cli/main.js";
import { cliRulesOf, COMMON_OPTIONS, maxWarningsOf, reporterFor } from "../cli/common-options.js";
import { exitCode, keepErrors, render, writeOutput, type OutputOptions } from "../cli/report-out.js";
import { ConfigError, loadConfig, type Config } from "../engine/config.js";
import { lintText } from "../lint/lint-text.js";
import type { FileResult } from "../engine/types.js";
import { fileKind, isWalked } from "../extract/index.js";
import { FORMATS } from "../report/load.js";
import { expandPaths, UsageError } from "../sources/files.js";
import { loadParser } from "../sql/parser.js";
import { decodeUtf8 } from "../sql/text.js";
import { fsPath } from "../util/file-names.js";
import { buildSet, extensionsOf, type BuiltSet } from "./build.js";
import { defaultCacheDir, DumpCache } from "./cache.js";
import { dryRun, formatDryRun, type DryRunResult } from "./dry-run.js";
import type { VerifyEvent } from "./events.js";
import { pendingOf } from "./findings.js";
import { findMigrationSets, otherEngine, type MigrationSet } from "./migrations.js";
import { pgliteVersion } from "./pglite.js";
import { isCI, Progress } from "./progress.js";
import { checkQueries, collectQueries, combine, relationNames, schemasFor, type QueryFile, type SkipReason, type Verdict } from "./queries.js";
import { Runner } from "./runner.js";
import { SqlDocument, Statement } from "../sql/document.js";
import { plural } from "../util/plural.js";

const HELP = `sqlguard verify — apply the migrations to an embedded PostgreSQL and check every query against them

Usage:
  sqlguard verify [options] [folder]      verify the project in folder (default: .)
  sqlguard verify --dry-run fix.sql [--seed data.sql]
                                          run a script on the migrated schema, print the rows it
                                          changes, and roll it back

Options:
  -f, --format <name>        ${FORMATS.join(" | ")} (default: stylish)
  -o, --output-file <file>   write the report to a file instead of stdout
  -c, --config <file>        config file (default: sqlguard.config.{json,js,mjs} or "sqlguard" in package.json)
      --rule <id:severity>   set a rule's severity (off, warn, error), repeatable
      --staged               verify what the staged changes touch (staged content)
      --changed-since <ref>  verify what changed since the merge base of <ref> and HEAD, and what depends on it
      --dry-run <file>       run a script in a transaction that is rolled back; print rows changed per statement
      --seed <file>          data to load before the dry run (kept only in the throwaway database)
      --schema <folder>      the migration folder whose schema the dry run uses (when there are several)
      --cache-dir <dir>      where migrated databases are cached (default: node_modules/.cache/sqlguard/verify)
      --no-cache             neither read nor write the cache
      --timeout <seconds>    how long one statement may run in PGlite (default: 60)
      --max-warnings <n>     exit 1 when there are more than n warnings
      --quiet                report errors only
      --color, --no-color    force colour on or off
  -h, --help                 print this help

Docs: docs/verify.md
`;

interface Selection {
  /** Changed files (absolute), or null: everything is verified. */
  changed: Set<string> | null;
  /** Staged content by path (with --staged). */
  staged: Map<string, string>;
}

/**
 * The command. Usage and config errors are reported here: this module is a bundle of its own
 * (see main.ts's loadVerify), so its error classes are not the ones main.ts would recognise.
 */
export async function verifyCommand(argv: string[], io: CliIO): Promise<number> {
  try {
    return await verify(argv, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`sqlguard: ${e.message}\nRun 'sqlguard verify --help' for usage.\n`);
      return 2;
    }
    if (e instanceof ConfigError) {
      io.stderr(`sqlguard: invalid configuration: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

async function verify(argv: string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        ...COMMON_OPTIONS,
        "dry-run": { type: "string" },
        seed: { type: "string" },
        schema: { type: "string" },
        "cache-dir": { type: "string" },
        "no-cache": { type: "boolean" },
        timeout: { type: "string" },
      },
    });
  } catch (e) {
    throw new UsageError(`verify: ${(e as Error).message.replace(/\. To specify a positional argument.*$/s, ".")}`);
  }
  const opts = parsed.values;
  if (opts.help) {
    io.stdout(HELP);
    return 0;
  }
  const format = opts.format ?? "stylish";
  const reporter = await reporterFor(format);
  const maxWarnings = maxWarningsOf(opts["max-warnings"]);
  if (opts.seed !== undefined && opts["dry-run"] === undefined) throw new UsageError("--seed only makes sense with --dry-run");
  if (opts.staged && opts["changed-since"] !== undefined) throw new UsageError("--staged and --changed-since cannot be combined");
  if (opts["dry-run"] !== undefined && (opts.staged || opts["changed-since"] !== undefined)) throw new UsageError("--dry-run cannot be combined with --staged or --changed-since");
  if (parsed.positionals.length > 1) throw new UsageError("verify takes one project folder");
  let timeoutMs = 60_000;
  const cliRules = cliRulesOf(opts.rule);
  const config = await loadConfig({ cwd: io.cwd, ruleSet: builtin, ...(opts.config ? { configFile: opts.config } : {}), cliRules });
  const vc = config.user.verify ?? {};
  if (vc.timeout !== undefined) timeoutMs = vc.timeout * 1000;
  if (opts.timeout !== undefined) {
    const t = Number(opts.timeout);
    if (!Number.isFinite(t) || t <= 0) throw new UsageError(`--timeout takes a number of seconds > 0 (got "${opts.timeout}")`);
    timeoutMs = t * 1000;
  }

  const root = path.resolve(io.cwd, parsed.positionals[0] ?? ".");
  const progress = new Progress((s) => io.stderr(s), Boolean(io.stderrIsTTY) && !isCI(io.env), io.stderrColumns ?? 100);
  const notes: string[] = [];
  const warn = (s: string) => notes.push(s);
  const cacheDir = opts["no-cache"] ? null : opts["cache-dir"] ? path.resolve(io.cwd, opts["cache-dir"]) : vc.cacheDir ? path.resolve(config.baseDir, vc.cacheDir) : defaultCacheDir(root);
  const cache = cacheDir ? new DumpCache(cacheDir, pgliteVersion(), warn) : null;

  // What changed (--staged, --changed-since): the verification narrows to it and what depends on it.
  const selection: Selection = { changed: null, staged: new Map() };
  if (opts.staged || opts["changed-since"] !== undefined) {
    const git = await import("../sources/git.js");
    const gitOptions = { cwd: io.cwd, env: io.env, pathspecs: [], include: isWalked, isIgnored: (f: string) => config.isIgnored(f) };
    if (opts.staged) {
      const staged = await git.stagedFiles({ ...gitOptions, maxFileSize: config.maxFileSize });
      await git.readStagedBlobs(staged, { cwd: io.cwd, env: io.env, maxFileSize: config.maxFileSize });
      selection.changed = new Set(staged.map((f) => f.path));
      for (const f of staged) if (f.bytes) selection.staged.set(f.path, decodeUtf8(f.bytes).text);
    } else {
      selection.changed = new Set((await git.changedSince(opts["changed-since"]!, gitOptions)).map((f) => f.path));
    }
  }

  const files = (await expandPaths([root], { cwd: io.cwd, include: isWalked, isIgnored: (f) => config.isIgnored(f) })).map((f) => f.path);
  const read = (f: string): string | null => {
    const staged = selection.staged.get(f);
    if (staged !== undefined) return staged;
    try {
      const bytes = readFileSync(fsPath(f));
      if (bytes.length > config.maxFileSize) return null;
      return decodeUtf8(bytes).text;
    } catch {
      return null;
    }
  };
  await loadParser();
  const found = findMigrationSets({ root, files, read, config: vc, configDir: config.baseDir });
  notes.push(...found.problems);
  const sets = found.sets;

  if (opts["dry-run"] !== undefined) {
    return await runDryRun(opts["dry-run"], opts.seed ?? null, opts.schema, { io, config, sets, root, cache, timeoutMs, progress, notes, reporter, format, opts, maxWarnings, quiet: opts.quiet ?? false });
  }

  // The files whose statements are checked: code, and SQL outside the migration folders.
  const inSet = (f: string) => sets.some((s) => f.startsWith(s.dir + path.sep));
  const queryFiles: QueryFile[] = [];
  const otherEngines = new Map<string, number>();
  for (const f of files) {
    const kind = fileKind(f);
    if (kind === "text" || (kind === "sql" && inSet(f))) continue;
    // SQL kept for another database (db/clickhouse/…) is not PostgreSQL's to prepare.
    const engine = kind === "sql" ? otherEngine(path.relative(root, path.dirname(f))) : null;
    if (engine) {
      otherEngines.set(engine, (otherEngines.get(engine) ?? 0) + 1);
      continue;
    }
    const text = read(f);
    if (text !== null) queryFiles.push({ file: f, text, kind });
  }

  for (const [engine, n] of otherEngines) notes.push(`${n} SQL file${n === 1 ? "" : "s"} in folders named for ${engine} not checked (not PostgreSQL)`);

  // With a selection: the migrations from the first changed one on, and the queries of changed
  // files or of files reading tables the changed migrations name.
  const changed = selection.changed;
  const firstChanged = new Map<MigrationSet, number>();
  const touchedNames = new Set<string>();
  for (const set of sets) {
    const i = changed ? set.migrations.findIndex((m) => changed.has(m.file)) : 0;
    if (i < 0) continue;
    firstChanged.set(set, i);
    if (changed) for (const m of set.migrations.slice(i)) if (changed.has(m.file)) for (const n of namesIn(m.text)) touchedNames.add(n);
  }
  const collection = collectQueries(queryFiles, config.embedded);
  const statements = changed
    ? collection.statements.filter((q) => changed.has(q.file) || [...q.relations].some((n) => touchedNames.has(n)))
    : collection.statements;

  // Build every set (cached when unchanged), check the queries against the sets they belong to, and let go.
  const homes = statements.map((q) => schemasFor(q.file, sets));
  const built: BuiltSet[] = [];
  const perSchema: { schema: string; verdicts: (Verdict | undefined)[] }[] = [];
  try {
    for (const set of sets) {
      const b = await buildSet(set, {
        cache,
        root,
        timeoutMs,
        extensions: vc.extensions ?? [],
        cacheBase: sets.length > 1,
        progress: (what, done, total) => progress.update(what, done, total),
        notes,
        ...(io.env.SQLGUARD_DEBUG ? { debug: (t: string) => io.stderr(`${t}\n`) } : {}),
      });
      built.push(b);
      const missing = extensionsOf(set, vc.extensions ?? []).missing;
      if (missing.length) notes.push(`${set.id}: PGlite has no ${missing.join(", ")} extension${missing.length > 1 ? "s" : ""}`);
      // The statements checked against this set: those of files nearest to it (see schemasFor).
      const mine = statements.map((_q, i) => i).filter((i) => homes[i]!.includes(set));
      if (mine.length > 0) {
        let runner = b.runner;
        if (!runner && b.dump) {
          progress.update(`${set.id}: loading the migrated database`, 0, 0);
          runner = await Runner.start({ load: b.dump, extensions: b.extensions, timeoutMs });
        }
        if (runner) {
          b.runner = runner;
          const checked = await checkQueries(
            runner,
            mine.map((i) => statements[i]!),
            (file, done, total) => progress.update(`checking ${path.relative(root, file)}`, done, total),
          );
          const verdicts: (Verdict | undefined)[] = new Array<Verdict | undefined>(statements.length);
          mine.forEach((i, k) => (verdicts[i] = checked[k]));
          perSchema.push({ schema: set.id, verdicts });
        }
      }
      await b.runner?.close();
      b.runner = null;
    }
  } finally {
    for (const b of built) await b.runner?.close();
  }
  progress.clear();

  // Events per file.
  const events = new Map<string, VerifyEvent[]>();
  const add = (file: string, e: VerifyEvent) => {
    let list = events.get(file);
    if (!list) events.set(file, (list = []));
    list.push(e);
  };
  const reported = new Set<string>();
  for (const b of built) {
    const from = firstChanged.get(b.set);
    if (from === undefined) continue;
    b.outcomes.forEach((o, i) => {
      if (i < from) return;
      reported.add(o.file);
      for (const e of o.events) add(o.file, e);
    });
  }
  const skipped = new Map<SkipReason, number>(collection.skipped);
  let rejected = 0;
  let prepared = 0;
  if (perSchema.length > 0) {
    combine(perSchema, statements).forEach((v, i) => {
      const q = statements[i]!;
      reported.add(q.file);
      if (typeof v === "string") {
        skipped.set(v, (skipped.get(v) ?? 0) + 1);
        return;
      }
      prepared++;
      if (v === null) return;
      rejected++;
      add(q.file, v);
    });
  }

  const results = resultsFor([...reported].sort(), events, read, config);
  if (opts.quiet) keepErrors(results);
  await writeOutput(io, opts["output-file"], render(reporter, results, io, opts));
  io.stderr(summary({ built, prepared, files: new Set(statements.map((q) => q.file)).size, rejected, skipped, notes, root, sets, selection: changed !== null, cacheDir }));
  return exitCode(results, maxWarnings, io);
}

/** The words relation names could be in a migration (for --changed-since's dependencies). */
function namesIn(text: string): Set<string> {
  const out = new Set<string>();
  for (const e of new SqlDocument(text, { kind: "script" }).events()) {
    if (!(e instanceof Statement) || !e.parsed) continue;
    for (const n of relationNames(e)) out.add(n);
  }
  return out;
}

function resultsFor(files: string[], events: Map<string, VerifyEvent[]>, read: (f: string) => string | null, config: Config): FileResult[] {
  const out: FileResult[] = [];
  for (const file of files) {
    const text = read(file) ?? "";
    const list = events.get(file) ?? [];
    out.push(lintText(text, config, { filePath: file, measured: pendingOf(list, file, text, config) }));
  }
  return out;
}

interface SummaryInput {
  built: BuiltSet[];
  /** Statements PostgreSQL prepared (the rest were skipped). */
  prepared: number;
  files: number;
  rejected: number;
  skipped: Map<SkipReason, number>;
  notes: string[];
  root: string;
  sets: MigrationSet[];
  selection: boolean;
  cacheDir: string | null;
}

function summary(s: SummaryInput): string {
  const lines: string[] = [];
  if (s.sets.length === 0) lines.push("sqlguard verify: no migration folder found (see docs/verify.md to name one in the config): queries were not checked");
  for (const b of s.built) {
    const total = b.set.migrations.length;
    const how = b.from === "cache" ? "from the cache" : b.from === "prefix" ? `${b.appliedNow} applied now, the rest from the cache` : "applied now";
    lines.push(`sqlguard verify: ${b.set.id} (${b.set.toolName}): ${b.applied} of ${plural(total, "migration")} applied (${how})${b.stopped ? ` — stopped: ${b.stopped}` : ""}`);
  }
  if (s.built.length > 0 && (s.prepared > 0 || s.skipped.size > 0)) {
    const skippedTotal = [...s.skipped.values()].reduce((a, b) => a + b, 0);
    const total = s.prepared + skippedTotal;
    const reasons = [...s.skipped].map(([r, n]) => `${n} ${r}`).join(", ");
    lines.push(
      `sqlguard verify: ${plural(total, "statement")} of code and scripts: ${s.prepared} in ${plural(s.files, "file")} prepared against the schema${s.built.length > 1 ? "s" : ""}, ${s.rejected} rejected${skippedTotal ? `; ${skippedTotal} skipped (${reasons})` : ""}${s.selection ? " (only what the changes touch)" : ""}`,
    );
  }
  for (const n of s.notes) lines.push(`sqlguard verify: note: ${n}`);
  return `${lines.join("\n")}\n`;
}

interface DryRunContext {
  io: CliIO;
  config: Config;
  sets: MigrationSet[];
  root: string;
  cache: DumpCache | null;
  timeoutMs: number;
  progress: Progress;
  notes: string[];
  reporter: (r: FileResult[], c: import("../report/types.js").ReportContext) => string;
  format: string;
  opts: OutputOptions;
  maxWarnings: number;
  quiet: boolean;
}

async function runDryRun(scriptArg: string, seedArg: string | null, schemaArg: string | undefined, ctx: DryRunContext): Promise<number> {
  const { io, config } = ctx;
  const scriptFile = path.resolve(io.cwd, scriptArg);
  const seedFile = seedArg === null ? null : path.resolve(io.cwd, seedArg);
  const readOrFail = (f: string, flag: string) => {
    try {
      return decodeUtf8(readFileSync(fsPath(f))).text;
    } catch (e) {
      throw new UsageError(`${flag} ${path.relative(io.cwd, f) || f}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  };
  const script = readOrFail(scriptFile, "--dry-run");
  const seed = seedFile ? readOrFail(seedFile, "--seed") : null;
  let set: MigrationSet | null = ctx.sets[0] ?? null;
  if (schemaArg !== undefined) {
    const want = path.resolve(io.cwd, schemaArg);
    set = ctx.sets.find((s) => s.dir === want || s.id === schemaArg) ?? null;
    if (!set) throw new UsageError(`--schema ${schemaArg}: not a migration folder sqlguard found (found: ${ctx.sets.map((s) => s.id).join(", ") || "none"})`);
  } else if (ctx.sets.length > 1) ctx.notes.push(`several migration folders: the dry run uses ${set!.id} (choose with --schema)`);
  if (!set) ctx.notes.push("no migration folder found: the dry run starts from an empty database");

  let runner: Runner | null = null;
  let b: BuiltSet | null = null;
  let result: DryRunResult;
  try {
    if (set) {
      b = await buildSet(set, { cache: ctx.cache, root: ctx.root, timeoutMs: ctx.timeoutMs, extensions: config.user.verify?.extensions ?? [], progress: (w, d, t) => ctx.progress.update(w, d, t), notes: ctx.notes });
      runner = b.runner ?? (b.dump ? await Runner.start({ load: b.dump, extensions: b.extensions, timeoutMs: ctx.timeoutMs }) : null);
      if (b.stopped) ctx.notes.push(`${set.id}: ${b.stopped}: the dry run uses the schema as far as it got`);
    } else {
      const base = ctx.cache?.basePath();
      runner = await Runner.start({ load: base && (await exists(base)) ? base : null, extensions: [], timeoutMs: ctx.timeoutMs });
    }
    if (!runner) throw new Error("the migrated database could not be started");
    ctx.progress.update(`dry run of ${path.relative(io.cwd, scriptFile)}`, 0, 0);
    result = await dryRun(runner, script, seed, set?.id ?? "an empty database");
  } finally {
    await runner?.close();
    if (b?.runner && b.runner !== runner) await b.runner.close();
  }
  ctx.progress.clear();
  const events = new Map<string, VerifyEvent[]>();
  events.set(scriptFile, result.events);
  if (seedFile) events.set(seedFile, result.seedEvents);
  const read = (f: string) => (f === scriptFile ? script : f === seedFile ? seed : null);
  const files = seedFile ? [seedFile, scriptFile] : [scriptFile];
  const results = resultsFor(files, events, read, config);
  if (ctx.quiet) keepErrors(results);
  const shown = path.relative(io.cwd, scriptFile).split(path.sep).join("/");
  if (ctx.format === "json") {
    const json = JSON.stringify({ dryRun: { file: scriptFile, statements: result.statements.map((s) => ({ ...s, ...position(script, s.start) })) }, results: JSON.parse(ctx.reporter(results, { cwd: io.cwd, color: false, rules })) as unknown }, null, 2);
    await writeOutput(io, ctx.opts["output-file"], `${json}\n`);
  } else if (ctx.format === "sarif") {
    io.stderr(formatDryRun(shown, script, result));
    await writeOutput(io, ctx.opts["output-file"], render(ctx.reporter, results, io, ctx.opts));
  } else {
    await writeOutput(io, ctx.opts["output-file"], formatDryRun(shown, script, result) + render(ctx.reporter, results, io, ctx.opts));
  }
  for (const n of ctx.notes) io.stderr(`sqlguard verify: note: ${n}\n`);
  return exitCode(results, ctx.maxWarnings, io);
}

function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split(/\r\n|\r|\n/).length;
  return { line, column: offset - Math.max(before.lastIndexOf("\n"), before.lastIndexOf("\r")) };
}

async function exists(f: string): Promise<boolean> {
  try {
    await (await import("node:fs/promises")).access(f);
    return true;
  } catch {
    return false;
  }
}

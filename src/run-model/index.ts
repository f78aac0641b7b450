/**
 * The run model: for a file, which tool runs it and how (see types.ts). `runModelOf` decides it for
 * a SQL file, `codeRunModelOf` for a migration written in code; `documentRun` turns a unit into what
 * its SQL document carries; `explainRunModel` prints the decision (for `--print-config`).
 *
 * Precedence, strongest first: a directive in the file (`-- sqlguard-no-transaction`,
 * `-- sqlguard-assume-in-transaction`), the config's `migrationTool` for the file, the tool detected,
 * and last the config's `assumeInTransaction` globs (for files no tool is detected for).
 */
import path from "node:path";
import { diskView } from "./disk.js";
import { ProjectIndex, type ProjectView } from "./project.js";
import { codeRunModel } from "./code-file.js";
import { detectSqlTool, sqlRunModel } from "./sql-file.js";
import { TOOLS } from "./tools.js";
import { otherDatabaseOf } from "./database.js";
import { CODE_EXTENSIONS } from "../extract/extensions.js";
import { transactionDirective } from "../sql/document.js";
import { CODE_TOOL_IDS, type CodeRunModel, type DocumentRun, type RunModel, type RunUnit, type ToolId } from "./types.js";

export * from "./types.js";
export { TOOLS, type ToolInfo } from "./tools.js";
export { ProjectIndex, memoryView, type ProjectView } from "./project.js";
export { diskView } from "./disk.js";
export { PRISMA_CONCURRENTLY, GOOSE_ANY_CASE } from "./sql-file.js";
export { otherDatabaseOf, type OtherDatabase } from "./database.js";

export interface RunModelOptions {
  /** Config `migrationTool` for this file: a tool, or `none` for a plain script. */
  migrationTool?: ToolId | "none" | undefined;
  /** Config `assumeInTransaction` matches this file. */
  assumeInTransaction?: boolean | undefined;
  /** A transaction directive in the file. */
  directive?: "assume-in-transaction" | "no-transaction" | null | undefined;
  /** Where project files are read (default: the disk, cached for the process). */
  project?: ProjectIndex | undefined;
}

let shared: ProjectIndex | null = null;

/** The project index reading the disk, shared by every file of the run (the ESLint plugin's too). */
export function diskProject(): ProjectIndex {
  return (shared ??= new ProjectIndex(diskView()));
}

/** A project index over a view (tests give one in memory). */
export function projectOf(view: ProjectView): ProjectIndex {
  return new ProjectIndex(view);
}

/** The run model of a SQL file. `file` is resolved against the working directory. */
export function runModelOf(file: string, text: string, options: RunModelOptions = {}): RunModel {
  const abs = path.resolve(file);
  const project = options.project ?? diskProject();
  const n = text.length;
  const plain = (mode: RunUnit["transaction"], source: RunModel["source"], fact: string, notes: string[] = []): RunModel => ({
    tool: null,
    version: null,
    source,
    evidence: fact ? [{ fact, source: source === "config" ? "config" : "file" }] : [],
    units: [{ start: 0, end: n, role: "up", name: "script", transaction: mode, breaks: [], endsStatement: false, optOut: null, refused: "fails" }],
    notes,
  });

  let model: RunModel | null = null;
  const configured = options.migrationTool;
  if (configured === "none") model = plain("none", "config", "config migrationTool: none");
  else if (configured) {
    const detected = detectSqlTool(abs, text, project);
    const version = detected?.tool === configured ? detected.version : null;
    model = sqlRunModel(abs, text, { tool: configured, version, evidence: [{ fact: `config migrationTool: ${configured}`, source: "config" }], notes: [] }, project, "config");
  } else {
    const detected = detectSqlTool(abs, text, project);
    if (detected) model = sqlRunModel(abs, text, detected, project, "detected");
  }
  if (!model) {
    model = options.assumeInTransaction
      ? plain("wrapped", "config", "config assumeInTransaction")
      : plain("none", "default", "", ["no migration tool recognised: the file runs as psql would run it, each statement on its own unless the file opens a transaction"]);
  } else if (options.assumeInTransaction && model.tool) {
    model.notes.push(`config assumeInTransaction matches this file, but ${TOOLS[model.tool].name}'s own rules decide how it runs (set migrationTool to change them)`);
  }

  const d = options.directive;
  if (d) {
    const mode = d === "no-transaction" ? "none" : "wrapped";
    model = {
      ...model,
      source: "directive",
      evidence: [...model.evidence, { fact: `-- sqlguard-${d}`, source: "file" }],
      units: model.units.map((u) => ({ ...u, transaction: mode, refused: "fails" })),
    };
  }
  return forOtherDatabase(model, abs);
}

/**
 * The run model of a code file that is a migration (node-pg-migrate, knex, TypeORM…), or null.
 * The config's `migrationTool` for the file, when it names a tool of code migrations, makes it one
 * of that tool; `none` makes it none; a tool of SQL files is not applied (see `configuredForCode`).
 */
export function codeRunModelOf(file: string, text: string, options: { project?: ProjectIndex | undefined; migrationTool?: ToolId | "none" | undefined } = {}): CodeRunModel | null {
  const abs = path.resolve(file);
  const model = codeRunModel(abs, text, options.project ?? diskProject(), options.migrationTool);
  return model && forOtherDatabase(model, abs);
}

/**
 * What the config's `migrationTool` does to a code file, in words, when it does not simply name
 * the tool that runs it: `none` (no migration), or a tool that runs SQL files only (not applied).
 */
export function configuredForCode(tool: ToolId | "none" | undefined): string | null {
  if (tool === undefined || (tool !== "none" && CODE_TOOL_IDS.includes(tool))) return null;
  if (tool === "none") return "config migrationTool: none";
  return `config migrationTool: ${tool} is not applied to this code file: ${TOOLS[tool].name} runs SQL files (for migrations written in code: ${CODE_TOOL_IDS.join(", ")})`;
}

/**
 * A model for a file whose folder names another database (`migrations/sqlite/`): it says so, and
 * its documents are not PostgreSQL migrations (see `isMigrationRun`).
 */
function forOtherDatabase<M extends RunModel | CodeRunModel>(model: M, file: string): M {
  const other = otherDatabaseOf(file);
  if (!other) return model;
  const note = `the folder "${other.folder}" says this file is written for ${other.name}: PostgreSQL never runs it, so the migration-safety rules (PostgreSQL's locks) are off here`;
  return { ...model, database: other.name, notes: [...model.notes, note] };
}

/** What the SQL document of one unit carries: its mode, and the words its messages use. */
export function documentRun(model: RunModel, unit: RunUnit): DocumentRun {
  const info = model.tool ? TOOLS[model.tool] : null;
  const toolName = info ? `${info.name}${model.version ? ` ${model.version}` : ""}` : null;
  let transactionName: string;
  if (model.source === "directive") transactionName = "the migration tool's transaction (-- sqlguard-assume-in-transaction)";
  else if (!info) transactionName = "the migration tool's transaction (config assumeInTransaction)";
  else transactionName = info.transaction;
  return {
    mode: unit.transaction,
    tool: model.tool,
    toolName,
    transactionName,
    refusedHelp: info?.refusedHelp ?? "move it to a migration of its own marked -- sqlguard-no-transaction, and have the runner apply that one outside a transaction",
    unit: unitWord(model.tool, unit),
    optOut: unit.optOut,
    refused: unit.refused,
    apart: unit.apart ?? [],
    ...(model.database ? { database: model.database } : {}),
    // a file no tool runs, wrapped because the config's assumeInTransaction matches it
    source: model.source === "config" && model.tool === null && unit.transaction === "wrapped" ? "assume-config" : model.source,
    role: unit.role,
  };
}

/**
 * What each SQL string of a code migration carries (for the code extractor): the tool's
 * transaction when it wraps the migration, else one query per call (`implicit`: several
 * statements in one string still share one implicit transaction).
 */
export function codeDocumentRun(model: CodeRunModel): DocumentRun {
  const info = TOOLS[model.tool];
  return {
    mode: model.transaction === "wrapped" ? "wrapped" : "implicit",
    tool: model.tool,
    toolName: `${info.name}${model.version ? ` ${model.version}` : ""}`,
    transactionName: info.transaction,
    refusedHelp: info.refusedHelp,
    unit: "migration",
    optOut: model.optOut,
    refused: "fails",
    apart: [],
    source: model.source,
    ...(model.database ? { database: model.database } : {}),
    role: "up",
  };
}

/**
 * Whether a document is part of a migration: a migration tool runs it, or the config
 * (`assumeInTransaction`) or a file directive says a migration runner does. Migration-safety rules
 * are on by default there.
 */
export function isMigrationRun(run: DocumentRun): boolean {
  // a file for another database (its folder says so) is no PostgreSQL migration
  if (run.database) return false;
  // test data a harness loads into a throwaway database (sqlx's fixtures)
  if (run.role === "fixture") return false;
  if (run.tool !== null) return TOOLS[run.tool].kind === "migration";
  // with no tool, the config speaks through `assumeInTransaction` (a wrapped run); its
  // `migrationTool: "none"` (a run of statements on their own) says the file is a plain script
  return run.source === "directive" || run.source === "assume-config" || (run.source === "config" && run.mode === "wrapped");
}

function unitWord(tool: ToolId | null, unit: RunUnit): string {
  if (tool && TOOLS[tool].kind === "queries") return "query";
  if (tool === "goose" || tool === "dbmate") return unit.name === "script" ? "file" : `${unit.name} section`;
  if (tool === "liquibase") return "changeset";
  if (tool === "sqitch") return "script";
  if (tool === "sqlx") return unit.role === "fixture" ? "fixture" : "migration";
  if (tool === "drizzle" || tool === "prisma" || tool === "golang-migrate" || tool === "diesel" || tool === "flyway" || tool === "graphile-migrate" || tool === "node-pg-migrate") return "migration";
  return "file";
}

/** What the config says about how a file runs (the engine's `Config` has this shape). */
export interface RunSettings {
  /** `migrationTool` of the last `overrides` entry matching the file. */
  migrationTool?(file: string): ToolId | "none" | undefined;
  /** The file matches `assumeInTransaction`. */
  assumeInTransaction?(file: string): boolean;
}

/**
 * The run model of a file as the linter will apply it, with the decision in words: what
 * `--print-config <file>` shows. A SQL file gets its units; a code file that is a migration gets
 * its tool's model; any other file, null.
 */
export function resolveRunModel(
  file: string,
  text: string,
  settings: RunSettings = {},
  options: { project?: ProjectIndex; directive?: RunModelOptions["directive"]; lineOf?: (offset: number) => number } = {},
): { sql: RunModel | null; code: CodeRunModel | null; explanation: string[] } {
  if (/\.(?:sql|psql|pgsql)$/i.test(file)) {
    const model = runModelOf(file, text, {
      migrationTool: settings.migrationTool?.(file),
      assumeInTransaction: settings.assumeInTransaction?.(file),
      directive: options.directive === undefined ? transactionDirective(text) : options.directive,
      project: options.project,
    });
    return { sql: model, code: null, explanation: explainRunModel(model, options.lineOf) };
  }
  // any other text file (a README, a YAML file) is read for connection strings only
  if (!(CODE_EXTENSIONS as readonly string[]).includes(path.extname(file).toLowerCase())) return { sql: null, code: null, explanation: ["runs with: no migration tool recognised"] };
  const configured = settings.migrationTool?.(file);
  const code = codeRunModelOf(file, text, { project: options.project, migrationTool: configured });
  const said = configuredForCode(configured);
  if (!code) {
    if (configured === "none") return { sql: null, code: null, explanation: ["runs with: no migration tool [config]", `  because: ${said}`] };
    return { sql: null, code: null, explanation: ["runs with: no migration tool recognised", ...(said ? [`  note: ${said}`] : [])] };
  }
  const info = TOOLS[code.tool];
  return {
    sql: null,
    code,
    explanation: [
      `runs with: ${info.name}${code.version ? ` ${code.version}` : ""} [${code.source}]`,
      ...code.evidence.map((e) => `  because: ${e.fact}${e.source === "file" || e.source === "config" ? "" : ` (${e.source})`}`),
      `  its SQL strings (${code.sinks.join(", ")}): ${code.transaction === "wrapped" ? "inside the tool's transaction" : "each call committed on its own"}, one query per call`,
      ...(code.optOut ? [`  opt-out ${code.optOut.marker}: ${code.optOut.present ? (code.optOut.honoured ? "used" : "used, not honoured") : "not used"}`] : []),
      ...code.notes.map((n) => `  note: ${n}`),
      ...(said ? [`  note: ${said}`] : []),
    ],
  };
}

/** The decision in words, one line each: for `--print-config <file>` and for debugging. */
export function explainRunModel(model: RunModel, lineOf?: (offset: number) => number): string[] {
  const out: string[] = [];
  const info = model.tool ? TOOLS[model.tool] : null;
  out.push(`runs with: ${info ? `${info.name}${model.version ? ` ${model.version}` : ""}` : "no migration tool (as psql would run it)"} [${model.source}]`);
  for (const e of model.evidence) out.push(`  because: ${e.fact}${e.source === "file" || e.source === "config" ? "" : ` (${e.source})`}`);
  for (const u of model.units) {
    const where = lineOf ? `lines ${lineOf(u.start)}-${lineOf(Math.max(u.start, u.end - 1))}` : `offsets ${u.start}-${u.end}`;
    const parts = [`${u.role} "${u.name}" (${where}): ${describeMode(u)}`];
    if (u.breaks.length) parts.push(`${u.breaks.length} statement boundar${u.breaks.length === 1 ? "y" : "ies"} set by the tool`);
    if (u.optOut) parts.push(`opt-out ${u.optOut.marker}: ${u.optOut.present ? (u.optOut.honoured ? "used" : "used, not honoured") : "not used"}`);
    out.push(`  unit ${parts.join("; ")}`);
  }
  for (const note of model.notes) out.push(`  note: ${note}`);
  return out;
}

function describeMode(u: RunUnit): string {
  const base =
    u.transaction === "wrapped"
      ? "wrapped (the tool sends BEGIN … COMMIT around it)"
      : u.transaction === "implicit"
        ? "implicit (sent as one query: one implicit transaction unless it holds a single statement)"
        : "none (each statement commits on its own)";
  switch (u.refused) {
    case "apart":
      return `${base}; ${(u.apart ?? []).join(", ")} run apart`;
    case "flyway":
      return `${base}; a migration of only non-transactional statements runs without one, a mix is refused by Flyway`;
    case "flyway-mixed":
      return `${base}; with a non-transactional statement the whole migration runs without one (mixed = true)`;
    default:
      return base;
  }
}

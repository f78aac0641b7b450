/**
 * Migration sets: the folders of migrations a tool applies, in the tool's order, each file cut into
 * the units the tool runs with the transaction model of each.
 *
 * Two questions, two seams:
 * - *which files, in which order* (`findMigrationSets`): the layouts below (Prisma, Flyway,
 *   golang-migrate, Diesel, Drizzle, temporal-sql-tool, goose/dbmate-style folders), or the
 *   config's `verify.migrations`;
 * - *how one file runs* (`RunModelSource`): which parts of it migrate up, and for each whether
 *   the tool wraps it in BEGIN … COMMIT, sends it as one query string, or statement by statement,
 *   where the tool cuts statements, and what it does with one PostgreSQL refuses in a transaction.
 *   `projectRunModel` asks the linter's run model (src/run-model), so verify applies a file exactly
 *   as the lint rules assume it runs: the tool's version, its opt-outs (`-- +goose NO TRANSACTION`,
 *   diesel's metadata.toml, a Flyway `.sql.conf`), its statement breaks, Flyway's and Prisma's
 *   handling of CONCURRENTLY.
 */
import path from "node:path";
import { picomatch } from "../util/lazy-deps.js";
import { documentRun, runModelOf, TOOL_IDS, TOOLS, type Break, type DocumentRun, type ParamStyle, type ProjectIndex, type RefusedPolicy, type RunModel, type ToolId } from "../run-model/index.js";
import { transactionDirective } from "../sql/document.js";
import type { MigrationSetConfig, TxModeSetting, VerifyConfig } from "./settings.js";
import type { Substitution } from "./edited-text.js";

export type TxMode = TxModeSetting;

/** One piece of a file the tool sends: its range (file offsets) and how it is sent. */
export interface MigrationUnit {
  start: number;
  end: number;
  transaction: TxMode;
  /** `migration`, `Up`… for messages. */
  name: string;
  /** Statement boundaries the tool sets where SQL has none (goose's StatementBegin/End, Drizzle's breakpoints). */
  breaks: Break[];
  /** The unit's end ends its last statement. */
  endsStatement: boolean;
  /** Parameter markers the lexer hides from the parser. */
  params: ParamStyle[];
  /**
   * What the tool does with a statement PostgreSQL refuses in a transaction: `fails` (it runs in the
   * unit's transaction), `apart` (sent on its own: Prisma 7.4+), `flyway` (a migration of only such
   * statements runs without a transaction, a mix is refused), `flyway-mixed` (runs without one).
   */
  refused: RefusedPolicy;
  /** The commands `refused` is about. */
  apart: string[];
  /** What the unit's SQL document carries (the linter's words for the tool and its transaction). */
  run: DocumentRun;
}

export interface Migration {
  /** Absolute path. */
  file: string;
  /** The file's text (the staged content with --staged). */
  text: string;
  /** The units that migrate up, in order (a file's down sections are not applied). */
  units: MigrationUnit[];
}

export interface MigrationSet {
  /** The folder, relative to the project root, with `/` (also the cache's name for the set). */
  id: string;
  /** Absolute folder. */
  dir: string;
  /** The tool's id (`prisma`, `flyway`…), or `sql` for a folder of numbered scripts. */
  tool: string;
  /** The tool as messages name it. */
  toolName: string;
  migrations: Migration[];
  /** Placeholders the tool replaces before sending a file. */
  substitute: Substitution[];
  /** SQL run once before the first migration (the config's `setup`s). */
  setup: string[];
  /** What sqlguard assumed about the set, for the summary. */
  notes: string[];
}

/** How one migration file runs: the question the run model answers. */
export interface RunModelSource {
  /** The units of `text` that migrate up, with their transaction modes; `layout` is the tool the folder's layout names. */
  units(file: string, text: string, layout: { tool: string; transaction: TxMode; chosen?: boolean }): MigrationUnit[];
}

/** Reads a file's text (the working tree, or the git index with --staged); null when it cannot. */
export type ReadText = (file: string) => string | null;

interface Layout {
  tool: string;
  toolName: string;
  transaction: TxMode;
  note?: string;
  /** The config names the tool (`verify.migrations[].tool`): it is not a guess from the folder. */
  chosen?: boolean;
}

const LAYOUTS: Record<string, Layout> = {
  prisma: { tool: "prisma", toolName: "Prisma Migrate", transaction: "implicit" },
  flyway: { tool: "flyway", toolName: "Flyway", transaction: "wrapped" },
  "golang-migrate": { tool: "golang-migrate", toolName: "golang-migrate", transaction: "implicit" },
  diesel: { tool: "diesel", toolName: "diesel", transaction: "wrapped" },
  drizzle: {
    tool: "drizzle",
    toolName: "Drizzle Kit",
    transaction: "wrapped",
    note: "Drizzle's migrator runs all pending migrations in one transaction; each is verified in its own",
  },
  "temporal-sql-tool": { tool: "temporal-sql-tool", toolName: "temporal-sql-tool", transaction: "none" },
  goose: { tool: "goose", toolName: "goose", transaction: "wrapped" },
  dbmate: { tool: "dbmate", toolName: "dbmate", transaction: "wrapped" },
  sql: {
    tool: "sql",
    toolName: "a folder of numbered SQL scripts",
    transaction: "none",
    note: "no migration tool recognised: each file is run as psql would run it (set verify.migrations[].tool or transaction to say otherwise)",
  },
};

export const KNOWN_TOOLS = Object.keys(LAYOUTS);

/** The numbers at the start of a name (`V1_2__x` → 1,2; `20240101_init` → 20240101; `v1.10` → 1,10). */
export function versionOf(name: string): bigint[] | null {
  const m = /^[A-Za-z]{0,2}?(\d+(?:[._]\d+)*)/.exec(name);
  if (!m) return null;
  return m[1]!.split(/[._]/).map((p) => BigInt(p));
}

function compareVersion(a: string, b: string): number {
  const va = versionOf(a);
  const vb = versionOf(b);
  if (va && vb) {
    for (let i = 0; i < Math.max(va.length, vb.length); i++) {
      const x = va[i] ?? -1n;
      const y = vb[i] ?? -1n;
      if (x !== y) return x < y ? -1 : 1;
    }
  } else if (va || vb) return va ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const RUN_MODEL_TOOLS = new Set<string>(TOOL_IDS);

/** The up units of a run model, as verify applies them. */
export function unitsOf(model: RunModel): MigrationUnit[] {
  return model.units
    .filter((u) => u.role === "up")
    .map((u) => ({
      start: u.start,
      end: u.end,
      transaction: u.transaction,
      name: u.name,
      breaks: u.breaks,
      endsStatement: u.endsStatement,
      params: u.params ?? [],
      refused: u.refused,
      apart: u.apart ?? [],
      run: documentRun(model, u),
    }));
}

/** A unit sent in another transaction mode (the config's `transaction` for a set). */
export function withMode(u: MigrationUnit, mode: TxMode): MigrationUnit {
  return { ...u, transaction: mode, run: { ...u.run, mode } };
}

/**
 * The linter's run model of each file (src/run-model): the folder's tool when the layout names one
 * the run model knows (its version and opt-outs read from the project), else whatever the file and
 * the project say; a file no tool is recognised for runs in the layout's mode.
 */
export function projectRunModel(options: { project?: ProjectIndex; migrationTool?: (file: string) => ToolId | "none" | undefined } = {}): RunModelSource {
  return {
    units(file, text, layout) {
      const configured = options.migrationTool?.(file);
      // golang-migrate's naming (<version>_<name>.up.sql) is sqlx's and node-pg-migrate's too: the project decides
      const shared = layout.tool === "golang-migrate" && !layout.chosen;
      const migrationTool = configured ?? (RUN_MODEL_TOOLS.has(layout.tool) && !shared ? (layout.tool as ToolId) : undefined);
      const model = runModelOf(file, text, {
        ...(migrationTool ? { migrationTool } : {}),
        directive: transactionDirective(text),
        ...(options.project ? { project: options.project } : {}),
      });
      const units = unitsOf(model);
      // No tool known for the file (a folder of numbered scripts, temporal-sql-tool): the layout's mode.
      if (model.tool === null && model.source === "default") return units.map((u) => withMode(u, layout.transaction));
      return units;
    },
  };
}

export interface FindOptions {
  /** The project root (paths of sets are shown relative to it). */
  root: string;
  /** Every file of the project the walk found (absolute paths). */
  files: readonly string[];
  read: ReadText;
  config: VerifyConfig | undefined;
  /** Folder the config's relative paths start from. */
  configDir: string;
  /** How each file runs (default: the linter's run model, reading the project on disk). */
  runModel?: RunModelSource;
}

export interface FoundSets {
  sets: MigrationSet[];
  /** Problems with the configured sets (a folder that does not exist), for the summary. */
  problems: string[];
}

/** Finds the migration sets of a project: the config's, or those the layouts recognise. */
export function findMigrationSets(options: FindOptions): FoundSets {
  const runModel = options.runModel ?? projectRunModel();
  const problems: string[] = [];
  const configured = options.config?.migrations;
  const globalSetup = options.config?.setup ? [options.config.setup] : [];
  const rel = (dir: string) => path.relative(options.root, dir).split(path.sep).join("/") || ".";
  const build = (dir: string, layout: Layout, files: string[], extra: Partial<MigrationSet> & { transaction?: TxMode } = {}): MigrationSet => {
    const set: MigrationSet = {
      id: rel(dir),
      dir,
      tool: layout.tool,
      toolName: layout.toolName,
      migrations: [],
      substitute: extra.substitute ?? [],
      setup: [...globalSetup, ...(extra.setup ?? [])],
      notes: layout.note ? [layout.note] : [],
    };
    for (const file of files) {
      const text = options.read(file);
      if (text === null) {
        set.notes.push(`${path.relative(dir, file)} could not be read`);
        continue;
      }
      const units = runModel.units(file, text, layout);
      // a folder named like golang-migrate's, or of numbered scripts, that a tool the project shows
      // runs (sqlx) is named after that tool
      const tool = units[0]?.run.tool;
      if ((layout.tool === "golang-migrate" || layout.tool === "sql") && !layout.chosen && tool && tool !== layout.tool && set.migrations.length === 0) {
        set.tool = tool;
        set.toolName = TOOLS[tool].name;
        if (layout.note) set.notes = set.notes.filter((n) => n !== layout.note);
      }
      set.migrations.push({ file, text, units: extra.transaction ? units.map((u) => withMode(u, extra.transaction!)) : units });
    }
    return set;
  };

  if (configured && configured.length > 0) {
    const sets: MigrationSet[] = [];
    for (const c of configured) {
      const dir = path.resolve(options.configDir, c.dir);
      const inside = options.files.filter((f) => f.startsWith(dir + path.sep));
      if (inside.length === 0) {
        problems.push(`verify.migrations: ${c.dir} holds no files`);
        continue;
      }
      const found = detectIn(dir, inside, options.read);
      const base = c.tool ? LAYOUTS[c.tool] : found?.layout ?? LAYOUTS.sql!;
      if (!base) {
        problems.push(`verify.migrations: unknown tool "${c.tool}" for ${c.dir} (known: ${KNOWN_TOOLS.join(", ")})`);
        continue;
      }
      const layout: Layout = { ...base, ...(c.tool ? { chosen: true } : {}), ...(c.transaction ? { transaction: c.transaction } : {}) };
      let files = c.files ? matchGlobs(dir, inside, c.files) : found && (!c.tool || c.tool === found.layout.tool) ? found.files : defaultFiles(dir, inside, layout.tool, options.read);
      if (c.order) files = [...files].sort((a, b) => (c.order === "name" ? compareName : compareVersion)(path.relative(dir, a), path.relative(dir, b)));
      sets.push(build(dir, layout, files, { ...configuredExtras(c, problems), ...(c.transaction ? { transaction: c.transaction } : {}) }));
    }
    return { sets, problems };
  }

  // Detection: folders that hold a layout, the deepest claim first, a file in one set only.
  const sets: MigrationSet[] = [];
  const claimed = new Set<string>();
  for (const cand of candidates(options.files, options.read)) {
    const files = cand.files.filter((f) => !claimed.has(f));
    if (files.length === 0) continue;
    for (const f of files) claimed.add(f);
    const engine = otherEngine(path.relative(options.root, cand.dir));
    if (engine) {
      problems.push(`${rel(cand.dir)}: not verified: its path names ${engine}, not PostgreSQL (list it in verify.migrations to verify it)`);
      continue;
    }
    sets.push(build(cand.dir, cand.layout, files));
  }
  sets.sort((a, b) => compareName(a.id, b.id));
  return { sets, problems };
}

const ENGINES: [RegExp, string][] = [
  [/^clickhouse$/i, "ClickHouse"],
  [/^(?:mysql|mariadb)\d*$/i, "MySQL"],
  [/^sqlite\d*$/i, "SQLite"],
  [/^(?:mssql|sqlserver|tsql)$/i, "SQL Server"],
  [/^oracle$/i, "Oracle"],
  [/^(?:snowflake|bigquery|duckdb|redshift|trino|presto|hive|spark|databricks)$/i, "another database"],
  [/^(?:cassandra|scylla|cql)$/i, "Cassandra"],
];

/**
 * The database engine a folder's path names when it is not PostgreSQL (`db/clickhouse/migrations`,
 * `migrations/mysql`): projects that support several keep one migration folder per engine, and
 * only PostgreSQL's can be applied to PostgreSQL. Words of a segment count (`clickhouse-migrations`).
 */
export function otherEngine(relDir: string): string | null {
  for (const segment of relDir.split(/[\\/]/)) {
    for (const word of segment.split(/[-_.]/)) {
      for (const [re, name] of ENGINES) if (re.test(word)) return name;
    }
  }
  return null;
}

function configuredExtras(c: MigrationSetConfig, problems: string[]): Partial<MigrationSet> {
  const substitute: Substitution[] = [];
  for (const s of c.substitute ?? []) {
    try {
      substitute.push({ pattern: new RegExp(s.pattern, "g"), with: s.with });
    } catch (e) {
      problems.push(`verify.migrations: ${c.dir}: substitute pattern ${JSON.stringify(s.pattern)} is not a regular expression (${(e as Error).message})`);
    }
  }
  return { substitute, setup: c.setup ? [c.setup] : [] };
}

function matchGlobs(dir: string, files: readonly string[], globs: string[]): string[] {
  const match = picomatch(globs, { dot: true });
  return files.filter((f) => match(path.relative(dir, f).split(path.sep).join("/"))).sort((a, b) => compareVersion(path.relative(dir, a), path.relative(dir, b)));
}

/** The files of a configured set whose layout was not detected: its SQL files in version order. */
function defaultFiles(dir: string, files: readonly string[], tool: string, read: ReadText): string[] {
  const found = detectIn(dir, files, read, tool);
  if (found) return found.files;
  return files.filter((f) => /\.sql$/i.test(f) && !/\.down\.sql$/i.test(f)).sort((a, b) => compareVersion(path.relative(dir, a), path.relative(dir, b)));
}

interface Candidate {
  dir: string;
  layout: Layout;
  files: string[];
}

/** The layout of one folder, if it has one (`only`: that tool's only). */
function detectIn(dir: string, files: readonly string[], read: ReadText, only?: string): { layout: Layout; files: string[] } | null {
  const all = candidates(files, read).filter((c) => c.dir === dir && (!only || c.layout.tool === only));
  return all[0] ? { layout: all[0].layout, files: all[0].files } : null;
}

const MIGRATION_FOLDERS = /^(?:migrations?|migrate|db_migrations|schema_migrations)$/i;

/** Every folder some layout recognises, in a stable order. */
function candidates(files: readonly string[], read: ReadText): Candidate[] {
  const out: Candidate[] = [];
  const byDir = new Map<string, string[]>();
  for (const f of files) {
    const d = path.dirname(f);
    let list = byDir.get(d);
    if (!list) byDir.set(d, (list = []));
    list.push(f);
  }
  const sqlIn = (d: string) => (byDir.get(d) ?? []).filter((f) => /\.sql$/i.test(f));
  const base = (f: string) => path.basename(f);
  const parentName = (f: string) => path.basename(path.dirname(f));

  // Prisma: <dir>/migration_lock.toml, or <dir>/<timestamp>_<name>/migration.sql
  const prisma = new Map<string, string[]>();
  for (const f of files) {
    if (base(f) !== "migration.sql") continue;
    const dir = path.dirname(path.dirname(f));
    const hasLock = (byDir.get(dir) ?? []).some((x) => base(x) === "migration_lock.toml");
    if (!hasLock && !/^\d{6,}_/.test(parentName(f))) continue;
    let list = prisma.get(dir);
    if (!list) prisma.set(dir, (list = []));
    list.push(f);
  }
  for (const [dir, list] of prisma) out.push({ dir, layout: LAYOUTS.prisma!, files: list.sort((a, b) => compareName(parentName(a), parentName(b))) });

  // Diesel: <dir>/<date>_<name>/up.sql
  const diesel = new Map<string, string[]>();
  for (const f of files) {
    if (base(f) !== "up.sql" || !/^\d{4}-\d{2}-\d{2}-\d{6}_|^\d{14}_|^0{14}_/.test(parentName(f))) continue;
    const dir = path.dirname(path.dirname(f));
    let list = diesel.get(dir);
    if (!list) diesel.set(dir, (list = []));
    list.push(f);
  }
  for (const [dir, list] of diesel) out.push({ dir, layout: LAYOUTS.diesel!, files: list.sort((a, b) => compareName(parentName(a), parentName(b))) });

  // temporal-sql-tool: <dir>/v<version>/manifest.json listing the files of each version
  const temporal = new Map<string, { version: string; files: string[] }[]>();
  for (const f of files) {
    if (base(f) !== "manifest.json" || !/^v\d+(?:\.\d+)*$/.test(parentName(f))) continue;
    const text = read(f);
    if (text === null || !text.includes("SchemaUpdateCqlFiles")) continue;
    let listed: string[] = [];
    try {
      const json = JSON.parse(text) as { SchemaUpdateCqlFiles?: unknown };
      if (Array.isArray(json.SchemaUpdateCqlFiles)) listed = json.SchemaUpdateCqlFiles.filter((x): x is string => typeof x === "string");
    } catch {
      continue;
    }
    const dir = path.dirname(path.dirname(f));
    let list = temporal.get(dir);
    if (!list) temporal.set(dir, (list = []));
    list.push({ version: parentName(f), files: listed.map((x) => path.join(path.dirname(f), x)) });
  }
  for (const [dir, versions] of temporal) {
    versions.sort((a, b) => compareVersion(a.version, b.version));
    const present = new Set(files);
    out.push({ dir, layout: LAYOUTS["temporal-sql-tool"]!, files: versions.flatMap((v) => v.files.filter((f) => present.has(f))) });
  }

  // Drizzle: <dir>/meta/_journal.json lists the migrations in order
  for (const f of files) {
    if (base(f) !== "_journal.json" || parentName(f) !== "meta") continue;
    const text = read(f);
    if (text === null) continue;
    let tags: string[] = [];
    try {
      const json = JSON.parse(text) as { entries?: { tag?: unknown }[] };
      tags = (json.entries ?? []).map((e) => e.tag).filter((t): t is string => typeof t === "string");
    } catch {
      continue;
    }
    const dir = path.dirname(path.dirname(f));
    const present = new Set(sqlIn(dir));
    out.push({ dir, layout: LAYOUTS.drizzle!, files: tags.map((t) => path.join(dir, `${t}.sql`)).filter((x) => present.has(x)) });
  }

  for (const [dir] of byDir) {
    const sql = sqlIn(dir);
    if (sql.length === 0) continue;
    // Flyway: V<version>__<description>.sql
    const flyway = sql.filter((f) => /^V\d+(?:[._]\d+)*__.+\.sql$/.test(base(f)));
    if (flyway.length > 0) {
      out.push({ dir, layout: LAYOUTS.flyway!, files: flyway.sort((a, b) => compareVersion(base(a).slice(1), base(b).slice(1))) });
      continue;
    }
    // golang-migrate: <version>_<title>.up.sql
    const ups = sql.filter((f) => /^\d+_.*\.up\.sql$/i.test(base(f)));
    if (ups.length > 0) {
      out.push({ dir, layout: LAYOUTS["golang-migrate"]!, files: ups.sort((a, b) => compareVersion(base(a), base(b))) });
      continue;
    }
    // A migrations folder of numbered files: goose, dbmate, or plain scripts.
    if (!MIGRATION_FOLDERS.test(path.basename(dir))) continue;
    const numbered = sql.filter((f) => /^\d/.test(base(f)) && !/\.down\.sql$/i.test(base(f)));
    if (numbered.length === 0) continue;
    const first = read(numbered[0]!) ?? "";
    const layout = /^--\s*\+goose\s+up\b/im.test(first) ? LAYOUTS.goose! : /^--\s*migrate:up\b/m.test(first) ? LAYOUTS.dbmate! : LAYOUTS.sql!;
    out.push({ dir, layout, files: numbered.sort((a, b) => compareVersion(base(a), base(b))) });
  }
  // deepest folders first, so a file goes to the most specific set
  return out.sort((a, b) => b.dir.length - a.dir.length || compareName(a.dir, b.dir));
}

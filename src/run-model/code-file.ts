/**
 * Migrations written in code (node-pg-migrate, knex, TypeORM, Sequelize/umzug, MikroORM,
 * db-migrate): which tool runs the file, whether the SQL strings it sends run inside the tool's
 * transaction, and what the code extractor needs to find them. Pure: the project is read through a
 * `ProjectIndex`. The strings themselves are found by the code extractor (src/extract/embedded.ts).
 */
import path from "node:path";
import type { Dependency, ProjectIndex } from "./project.js";
import { atLeast } from "./versions.js";
import { depFact } from "./sql-file.js";
import { TOOLS } from "./tools.js";
import type { CodeRunModel, Evidence, OptOut, ToolId } from "./types.js";

const FILE = "file";

interface CodeTool {
  tool: ToolId;
  /** npm packages whose presence confirms the tool (the first found gives the version). */
  packages: string[];
  /**
   * A fork of the tool published under a scope confirms it too, when none of `packages` is there:
   * `@<scope>/<name>` (n8n depends on `@n8n/typeorm`, the same API), its version read as the tool's
   * when it matches `versions` (a fork keeps the tool's numbering).
   */
  fork?: { name: string; versions: RegExp };
  /** What shows that the file is one of its migrations (the fact, in words), or null. */
  shape(text: string): string | null;
  sinks: string[];
  placeholders: string[];
}

/** A shape that one pattern tells. */
function shapeOf(re: RegExp, fact: string): (text: string) => string | null {
  return (text) => (re.test(text) ? fact : null);
}

/**
 * An `up` or `down` method (or function) whose parameter is the query runner: `up(queryRunner)`,
 * `up(queryRunner: QueryRunner)`, or an object it is destructured from, `up({ queryRunner,
 * tablePrefix }: MigrationContext)` (n8n). A call (`migration.up({ queryRunner })`) is none: the
 * name follows no `.` and the parameters are followed by the body.
 */
const TAKES_QUERY_RUNNER =
  /(?<![\w$.])(?:up|down)\s*\(\s*(?:queryRunner\s*(?::\s*[\w$.]+\s*)?(?:,[^(){};]*)?|\{(?:[^{}()]|\{[^{}()]*\})*?\bqueryRunner\b(?:[^{}()]|\{[^{}()]*\})*\}\s*(?::\s*[\w$.<>,\s]+)?)\)\s*(?::\s*[^;{}=()]+)?\{/;

function typeormShape(text: string): string | null {
  if (/\bimplements\s+MigrationInterface\b/.test(text)) return "a class implementing MigrationInterface";
  if (/\bqueryRunner\s*:\s*QueryRunner\b/.test(text)) return "a queryRunner: QueryRunner parameter";
  if (text.includes("queryRunner") && /\bqueryRunner\s*\.\s*query\s*\(/.test(text) && TAKES_QUERY_RUNNER.test(text)) {
    return "an up/down method taking queryRunner, which calls queryRunner.query";
  }
  return null;
}

const CODE_TOOLS: CodeTool[] = [
  {
    tool: "typeorm",
    packages: ["typeorm"],
    fork: { name: "typeorm", versions: /^0\./ },
    shape: typeormShape,
    sinks: ["queryRunner.query"],
    placeholders: ["$1"],
  },
  {
    tool: "mikro-orm",
    packages: ["@mikro-orm/migrations", "@mikro-orm/core"],
    shape: shapeOf(/\bextends\s+Migration\b[\s\S]*\bthis\.addSql\s*\(/, "a class extending Migration that calls this.addSql"),
    sinks: ["this.addSql", "this.execute"],
    placeholders: ["?", "??"],
  },
  {
    tool: "node-pg-migrate",
    packages: ["node-pg-migrate"],
    shape: shapeOf(
      /\b(?:exports\.up|export\s+(?:async\s+)?(?:const|function)\s+up)\b[^;{]*?[(=,]\s*(?:async\s*)?\(?\s*pgm\b|\bpgm\s*:\s*MigrationBuilder\b/,
      "up(pgm) / down(pgm) exports",
    ),
    sinks: ["pgm.sql", "pgm.db.query"],
    placeholders: ["{name}", "$1"],
  },
  {
    tool: "db-migrate",
    packages: ["db-migrate"],
    shape: shapeOf(/\bexports\.up\s*=\s*(?:async\s+)?(?:function\s*)?\(\s*db\b|\bdb\.runSql\s*\(/, "exports.up = function (db, …) / db.runSql"),
    sinks: ["db.runSql", "db.all"],
    placeholders: ["?"],
  },
  {
    tool: "sequelize",
    packages: ["sequelize-cli", "umzug", "sequelize"],
    shape: shapeOf(
      /\bup\s*(?::\s*(?:async\s*)?(?:function\s*)?|\()\s*\(?\s*(?:\{\s*context\s*(?::\s*\w+\s*)?\}|queryInterface)\b/,
      "up(queryInterface, Sequelize) / up({ context })",
    ),
    sinks: ["queryInterface.sequelize.query", "sequelize.query"],
    placeholders: [":name", "?", "$name", "$1"],
  },
  {
    tool: "knex",
    packages: ["knex"],
    shape: shapeOf(
      /\b(?:exports\.up|export\s+(?:async\s+)?(?:const|function)\s+up)\b[^;{]*?[(=,]\s*(?:async\s*)?\(?\s*knex\b|\bknex\s*:\s*Knex\b/,
      "up(knex) / down(knex) exports",
    ),
    sinks: ["knex.raw", "knex.schema.raw", "trx.raw"],
    placeholders: ["?", "??", ":name", ":name:"],
  },
  {
    tool: "kysely",
    packages: ["kysely"],
    // `export async function up(db: Kysely<any>)`, `export const up = async (db: Kysely<unknown>) =>`, or a JS file importing kysely
    shape: shapeOf(
      /\bup\s*(?:[:=]\s*(?:async\s*)?(?:function\s*)?)?\(\s*\w+\s*:\s*Kysely\s*<|(?:\bfrom\s*|\brequire\s*\(\s*)["']kysely["'][\s\S]*?(?:\bexport\s+(?:async\s+)?function\s+up\b|\bexport\s+const\s+up\s*=|\bexports\.up\s*=)/,
      "up(db: Kysely<…>) / down(db: Kysely<…>) exports",
    ),
    // the `sql` tag is a default sink already: sql`…`.execute(db)
    sinks: ["sql.raw", "CompiledQuery.raw"],
    placeholders: ["$1"],
  },
];

/** The package that confirms a tool, with the version read as the tool's and what to say about it. */
function packageOf(t: CodeTool, dir: string, project: ProjectIndex): { dep: Dependency; version: string | null; notes: string[] } | null {
  for (const p of t.packages) {
    const dep = project.npmDependency(dir, p);
    if (dep) return { dep, version: dep.version, notes: [] };
  }
  if (!t.fork) return null;
  const dep = project.npmScoped(dir, t.fork.name);
  if (!dep) return null;
  const name = TOOLS[t.tool].name;
  const version = dep.version !== null && t.fork.versions.test(dep.version) ? dep.version : null;
  // numbered apart (`@nestjs/typeorm` 10.x wraps TypeORM, it is no fork): the file's shape says the
  // tool, the package says nothing of its version
  const note =
    dep.version !== null && version === null
      ? `${dep.name} ${dep.version} is numbered apart from ${name} (a package around it, or a fork of its own): the migration is read as ${name}'s, whose version is unknown here.`
      : `${dep.name} is taken for a fork of ${name} with the same migrations API${version ? `; its version ${version} is read as ${name}'s` : ""}.`;
  return { dep, version, notes: [note] };
}

/**
 * The run model of a code file that is a migration of one of these tools, or null. `configured`
 * is the config's `migrationTool` for the file: `none` makes it no migration, a tool of code
 * migrations makes it one of that tool whatever its shape and the project say; a tool of SQL files
 * says nothing about a code file (the caller tells the user).
 */
export function codeRunModel(file: string, text: string, project: ProjectIndex, configured?: ToolId | "none"): CodeRunModel | null {
  const dir = path.dirname(file);
  if (configured === "none") return null;
  const named = configured ? CODE_TOOLS.find((t) => t.tool === configured) : undefined;
  if (named) {
    const found = packageOf(named, dir, project);
    const evidence: Evidence[] = [{ fact: `config migrationTool: ${named.tool}`, source: "config" }];
    if (found) evidence.push(depFact(found.dep, found.dep.name).evidence);
    return modelOf(named, "config", found, evidence, text, dir, project);
  }
  for (const t of CODE_TOOLS) {
    const fact = t.shape(text);
    if (!fact) continue;
    const found = packageOf(t, dir, project);
    if (!found) continue;
    return modelOf(t, "detected", found, [{ fact, source: FILE }, depFact(found.dep, found.dep.name).evidence], text, dir, project);
  }
  return null;
}

function modelOf(
  t: CodeTool,
  source: CodeRunModel["source"],
  found: ReturnType<typeof packageOf>,
  evidence: Evidence[],
  text: string,
  dir: string,
  project: ProjectIndex,
): CodeRunModel {
  const model: CodeRunModel = {
    tool: t.tool,
    version: found?.version ?? null,
    source,
    evidence,
    transaction: "wrapped",
    perCall: "one-query",
    sinks: t.sinks,
    placeholders: t.placeholders,
    optOut: null,
    notes: [...(found?.notes ?? [])],
  };
  transactionOf(model, text, dir, project);
  return model;
}

function optOut(marker: string, present: boolean, honoured = true): OptOut {
  return { marker, present, effect: "none", honoured };
}

/** Fills in the transaction the tool runs the migration's queries in, and its opt-out. */
function transactionOf(model: CodeRunModel, text: string, dir: string, project: ProjectIndex): void {
  switch (model.tool) {
    case "node-pg-migrate": {
      const off = /\bpgm\.noTransaction\s*\(\s*\)/.test(text);
      model.optOut = optOut("pgm.noTransaction()", off);
      if (off) model.transaction = "none";
      model.notes.push("node-pg-migrate's CLI runs all pending migrations in one transaction by default (--single-transaction); each pgm.sql() string is one query.");
      break;
    }
    case "knex": {
      const off = /\bconfig\s*=\s*\{[^}]*\btransaction\s*:\s*false\b/.test(text);
      const global = knexDisablesTransactions(dir, project);
      model.optOut = optOut("export const config = { transaction: false }", off);
      if (off || global) model.transaction = "none";
      if (global) model.evidence.push(global);
      if (/\bconfig\s*=\s*\{[^}]*\btransaction\s*:\s*true\b/.test(text)) model.transaction = "wrapped";
      break;
    }
    case "typeorm": {
      const set = /^\s*(?:public\s+|readonly\s+)*transaction\s*(?::\s*boolean\s*)?=\s*(true|false)\b/m.exec(text)?.[1] ?? null;
      // In the default migrationsTransactionMode "all", TypeORM 0.3.11+ refuses a migration that sets
      // `transaction` (ForbiddenTransactionModeOverrideError); the migration then never runs.
      const refuses = model.version === null || atLeast(model.version, "0.3.11");
      // A migration that sets it runs only where the mode honours it ("each"/"none"; "all" refuses
      // to run at all, loudly): so where it is set to false, its queries run outside a transaction.
      model.optOut = optOut("transaction = false (with migrationsTransactionMode \"each\")", set === "false");
      if (set === "false") model.transaction = "none";
      if (set !== null) {
        model.notes.push(
          refuses
            ? `the migration sets transaction = ${set}: TypeORM ${model.version ?? ""} refuses to run it in its default migrationsTransactionMode "all" (ForbiddenTransactionModeOverrideError); with "each" it is honoured.`.replace("  ", " ")
            : `the migration sets transaction = ${set}, which TypeORM ${model.version} ignores in its default migrationsTransactionMode "all".`,
        );
      }
      break;
    }
    case "mikro-orm": {
      const off = /\bisTransactional\s*\(\s*\)\s*(?::\s*boolean\s*)?\{\s*return\s+false\b/.test(text);
      model.optOut = optOut("isTransactional() { return false; }", off);
      if (off) model.transaction = "none";
      break;
    }
    case "db-migrate":
      model.optOut = optOut("--non-transactional (a flag of the whole run, not of one migration)", false, false);
      break;
    case "kysely": {
      // Kysely's Migrator runs every pending migration in one transaction on a dialect with
      // transactional DDL (PostgreSQL's has it), unless it is given disableTransactions: true (0.28+).
      const off = kyselyDisablesTransactions(dir, project);
      const honoured = model.version === null || atLeast(model.version, KYSELY_DISABLE_TRANSACTIONS);
      model.optOut = optOut("disableTransactions: true (on the Migrator, for the whole run)", off !== null, honoured);
      if (off) {
        model.evidence.push(off);
        if (honoured) model.transaction = "none";
        else model.notes.push(`Kysely ${model.version} predates disableTransactions (${KYSELY_DISABLE_TRANSACTIONS}): the migrations still run in one transaction.`);
      }
      model.notes.push(
        model.transaction === "wrapped"
          ? "Kysely's Migrator runs all pending migrations in one transaction (PostgreSQL has transactional DDL); each sql`…`.execute(db) is one query. Schema-builder calls (db.schema.createIndex…) are not read: only SQL text is."
          : "with disableTransactions, Kysely's Migrator sends each query on its own: each sql`…`.execute(db) commits by itself. Schema-builder calls (db.schema.createIndex…) are not read: only SQL text is.",
      );
      break;
    }
    case "sequelize":
      // Neither sequelize-cli nor umzug opens a transaction; a migration may open one itself.
      model.transaction = /\bsequelize\.transaction\s*\(/.test(text) ? "wrapped" : "none";
      model.notes.push(
        model.transaction === "wrapped"
          ? "the migration opens its own transaction (sequelize.transaction): its queries run in it when they pass { transaction }"
          : "sequelize-cli and umzug run migrations without a transaction: each query commits on its own",
      );
      break;
    default:
      break;
  }
}

function knexDisablesTransactions(dir: string, project: ProjectIndex): Evidence | null {
  const knexfile = project.nearest(dir, ["knexfile.js", "knexfile.ts", "knexfile.cjs", "knexfile.mjs"]);
  if (!knexfile) return null;
  const source = path.join(knexfile.dir, knexfile.name);
  return /\bdisableTransactions\s*:\s*true\b/.test(project.read(source) ?? "") ? { fact: `${knexfile.name}: migrations.disableTransactions: true`, source } : null;
}

/** Kysely's Migrator takes `disableTransactions` from 0.28.0 (kysely-org/kysely#1335); its migrate methods too from 0.29.0 (#1517). */
export const KYSELY_DISABLE_TRANSACTIONS = "0.28.0";

const CODE_EXT = /\.(?:[cm]?[jt]s)$/;
/** Folders at a package's root where a script that runs the migrations is often kept. */
const SCRIPT_FOLDERS = ["scripts/", "src/", "bin/", "db/", "database/", "tools/"];

/**
 * Where the project gives Kysely's Migrator `disableTransactions: true`: kysely-ctl's
 * `kysely.config.*`, or a file that constructs the Migrator (or calls its migrate methods) in a
 * folder above the migrations, up to the package's root, or in the root's scripts/, src/, db/…
 * folders. Read once per migrations folder.
 */
function kyselyDisablesTransactions(dir: string, project: ProjectIndex): Evidence | null {
  return project.answer("kysely disableTransactions", dir, () => findKyselyOptOut(dir, project));
}

function findKyselyOptOut(dir: string, project: ProjectIndex): Evidence | null {
  const pkg = project.nearest(dir, ["package.json"]);
  const root = pkg?.dir ?? dir;
  const folders: string[] = [];
  for (const d of project.folders(path.dirname(dir))) {
    folders.push(d);
    if (d === root) break;
  }
  for (const sub of SCRIPT_FOLDERS) if (project.has(root, sub)) folders.push(path.join(root, sub.slice(0, -1)));
  const files: string[] = [];
  for (const base of [root, path.join(root, ".config")]) {
    for (const n of project.list(base)) if (/^kysely\.config\.[cm]?[jt]s$/.test(n)) files.push(path.join(base, n));
  }
  for (const d of [...new Set(folders)]) {
    if (d === dir) continue;
    files.push(...project.list(d).filter((n) => CODE_EXT.test(n) && !n.endsWith(".d.ts")).slice(0, 50).map((n) => path.join(d, n)));
  }
  for (const file of files) {
    const text = project.read(file);
    if (!text || !/\bdisableTransactions\s*:\s*true\b/.test(text)) continue;
    if (!/\bMigrator\b|\bmigrateTo(?:Latest)?\s*\(|\bmigrate(?:Up|Down)\s*\(|defineConfig\s*\(/.test(text)) continue;
    return { fact: `${path.relative(root, file).split(path.sep).join("/")}: disableTransactions: true (Kysely's Migrator)`, source: file };
  }
  return null;
}

/**
 * Migrations written in code that sqlguard must see as migrations although they do not look like
 * the tool's own examples: a TypeORM fork published under a scope (n8n's `@n8n/typeorm`), an `up`
 * that takes its query runner out of a context object, and the config's `migrationTool` naming
 * the tool of a code file (or `none`). Real files in temporary projects, linted through the CLI.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { ESLint } from "eslint";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { Config, ConfigError } from "../src/engine/config.js";
import { lintText } from "../src/lint/lint-text.js";
import { codeRunModelOf, diskView, projectOf } from "../src/run-model/index.js";
import plugin from "../src/eslint/index.js";
import { tempDir } from "./helpers.js";
import { cli } from "./in-process.js";
import { builtin } from "../rules/index.js";

const test = suite("migrations written in code: forks, shapes, the config's migrationTool");

/** A migration in the style n8n writes them: the runner comes in a context object. */
const CONTEXT_MIGRATION = [
  "import type { MigrationContext, ReversibleMigration } from '../migration-types';",
  "",
  "export class AddRunsIndex1710000000000 implements ReversibleMigration {",
  "  async up({ queryRunner, tablePrefix }: MigrationContext) {",
  '    await queryRunner.query(`CREATE INDEX "IDX_runs_started" ON "runs" ("startedAt")`);',
  "  }",
  "",
  "  async down({ queryRunner }: MigrationContext) {",
  '    await queryRunner.query(`DROP INDEX "IDX_runs_started"`);',
  "  }",
  "}",
  "",
].join("\n");

const MIGRATION_FILE = "src/migrations/postgresdb/1710000000000-AddRunsIndex.ts";

/** The code run model of a file of a temporary project, read from the disk afresh. */
function modelOf(dir: string, rel: string) {
  const file = path.join(dir, rel);
  return codeRunModelOf(file, readFileSync(file, "utf8"), { project: projectOf(diskView()) });
}

/** `line ruleId` of each finding of one file, linted by the CLI in its project. */
async function findings(dir: string, rel: string): Promise<string[]> {
  const r = await cli(["-f", "json", rel], { cwd: dir });
  assert.is(r.stderr, "");
  const [result] = JSON.parse(r.stdout) as { messages: { line: number; ruleId: string }[] }[];
  return result!.messages.map((m) => `${m.line} ${m.ruleId}`);
}

test("a TypeORM fork under a scope (@n8n/typeorm) confirms TypeORM, and the evidence names it", async () => {
  const dir = tempDir({ "package.json": JSON.stringify({ dependencies: { "@n8n/typeorm": "0.3.20-12" } }), [MIGRATION_FILE]: CONTEXT_MIGRATION });
  const m = modelOf(dir, MIGRATION_FILE)!;
  assert.equal([m.tool, m.version, m.source, m.transaction], ["typeorm", "0.3.20-12", "detected", "wrapped"]);
  assert.equal(
    m.evidence.map((e) => e.fact),
    ["an up/down method taking queryRunner, which calls queryRunner.query", "package.json depends on @n8n/typeorm 0.3.20-12"],
  );
  assert.match(m.notes.join("\n"), /@n8n\/typeorm is taken for a fork of TypeORM .*its version 0\.3\.20-12 is read as TypeORM's/);
  // the CREATE INDEX without CONCURRENTLY is a migration finding now
  const found = await findings(dir, MIGRATION_FILE);
  assert.ok(found.includes("5 require-concurrent-index"), found.join("\n"));
  assert.ok(found.includes("9 require-concurrent-drop-index"), found.join("\n"));
});

test("the package itself wins over a package under a scope; typings and other numbering are no TypeORM version", () => {
  const both = tempDir({
    "package.json": JSON.stringify({ dependencies: { "@nestjs/typeorm": "10.0.2", typeorm: "0.3.17" } }),
    [MIGRATION_FILE]: CONTEXT_MIGRATION,
  });
  const m = modelOf(both, MIGRATION_FILE)!;
  assert.equal([m.version, m.evidence[1]!.fact, m.notes.some((n) => n.includes("fork"))], ["0.3.17", "package.json depends on typeorm 0.3.17", false]);
  // a wrapper alone: TypeORM still (the file says so), but its version is not TypeORM's
  const wrapper = tempDir({ "package.json": JSON.stringify({ dependencies: { "@nestjs/typeorm": "10.0.2" } }), [MIGRATION_FILE]: CONTEXT_MIGRATION });
  const w = modelOf(wrapper, MIGRATION_FILE)!;
  assert.equal([w.tool, w.version], ["typeorm", null]);
  assert.match(w.notes.join("\n"), /@nestjs\/typeorm 10\.0\.2 is numbered apart from TypeORM \(a package around it, or a fork of its own\)/);
  assert.not.match(w.notes.join("\n"), /taken for a fork/);
  // typings, or a name that only ends the same way, are not TypeORM
  for (const deps of [{ "@types/typeorm": "0.3.0" }, { "@acme/typeorm-utils": "0.3.0" }, { "typeorm-extension": "0.3.0" }]) {
    const d = tempDir({ "package.json": JSON.stringify({ dependencies: deps }), [MIGRATION_FILE]: CONTEXT_MIGRATION });
    assert.is(modelOf(d, MIGRATION_FILE), null, JSON.stringify(deps));
  }
});

test("up/down taking the query runner: typed or not, destructured, over several lines; a mere mention is no migration", () => {
  const files: Record<string, string> = {
    "package.json": JSON.stringify({ dependencies: { typeorm: "0.3.20" } }),
    "m/1-plain.js": "module.exports = class Plain1 {\n  async up(queryRunner) {\n    await queryRunner.query('CREATE TABLE a (id int)');\n  }\n};\n",
    "m/2-lines.ts": [
      "export class Lines2 {",
      "  public async down({",
      "    queryRunner,",
      "    schemaBuilder: { dropTable },",
      "  }: MigrationContext): Promise<void> {",
      "    await queryRunner.query(`DROP TABLE a`);",
      "  }",
      "}",
      "",
    ].join("\n"),
    // a service: it calls queryRunner.query, but no up/down takes the runner
    "src/report.service.ts": [
      "export class ReportService {",
      "  async refresh(dataSource: DataSource) {",
      "    const queryRunner = dataSource.createQueryRunner();",
      "    await queryRunner.query(`REFRESH MATERIALIZED VIEW report`);",
      "  }",
      "}",
      "",
    ].join("\n"),
    // a test that calls a migration's up with a runner: a call, not a method of its own
    "src/m.test.ts": [
      "it('runs', async () => {",
      "  const queryRunner = { query: jest.fn() };",
      "  await new Plain1().up({ queryRunner } as never);",
      "  await queryRunner.query(`SELECT 1`);",
      "});",
      "",
    ].join("\n"),
    // an up taking the runner that never calls queryRunner.query (n8n's schema builder)
    "m/3-builder.ts": "export class Builder3 {\n  async up({ queryRunner, schemaBuilder: { createTable } }: MigrationContext) {\n    await createTable('a');\n  }\n}\n",
  };
  const dir = tempDir(files);
  const tools = Object.keys(files)
    .filter((f) => f !== "package.json")
    .map((f) => `${f}: ${modelOf(dir, f)?.tool ?? "-"}`);
  assert.equal(tools, ["m/1-plain.js: typeorm", "m/2-lines.ts: typeorm", "src/report.service.ts: -", "src/m.test.ts: -", "m/3-builder.ts: -"]);
});

test("config migrationTool names the tool of a code file: its sinks and transaction rules apply, whatever the file and project say", async () => {
  const dir = tempDir({
    "package.json": JSON.stringify({ dependencies: { pg: "8.11.0" } }),
    "sqlguard.config.json": JSON.stringify({ overrides: [{ files: ["db/migrations/**"], migrationTool: "typeorm" }] }),
    // neither TypeORM's shape nor its package: only the config says who runs it
    "db/migrations/001-idx.ts": "export async function apply(queryRunner: { query(s: string): Promise<void> }) {\n  await queryRunner.query(`CREATE INDEX users_email ON users (email)`);\n}\n",
    // TypeORM's own opt-out still counts: outside a transaction, CONCURRENTLY is fine
    "db/migrations/002-concurrently.ts": [
      "export class Concurrently2 {",
      "  transaction = false;",
      "  async up(queryRunner) {",
      "    await queryRunner.query(`CREATE INDEX CONCURRENTLY users_name ON users (name)`);",
      "  }",
      "}",
      "",
    ].join("\n"),
    "db/migrations/003-wrapped.ts": "export async function apply(queryRunner) {\n  await queryRunner.query(`CREATE INDEX CONCURRENTLY users_age ON users (age)`);\n}\n",
  });
  assert.ok((await findings(dir, "db/migrations/001-idx.ts")).includes("2 require-concurrent-index"));
  // a migration (its lock waits are reported), but the CONCURRENTLY runs outside a transaction
  const concurrently = await findings(dir, "db/migrations/002-concurrently.ts");
  assert.equal(concurrently, ["4 require-lock-timeout"]);
  assert.ok((await findings(dir, "db/migrations/003-wrapped.ts")).includes("2 transaction-incompatible-statement"));

  const r = await cli(["--print-config", "db/migrations/002-concurrently.ts"], { cwd: dir });
  const printed = JSON.parse(r.stdout);
  assert.equal([printed.migration, printed.migrationTool], [true, "typeorm"]);
  const m = printed.runModel;
  assert.equal([m.tool, m.source, m.transaction, m.optOut.used, m.evidence], ["typeorm", "config", "none", true, [{ fact: "config migrationTool: typeorm", source: "config" }]]);
  assert.equal(m.explanation.slice(0, 2), ["runs with: TypeORM [config]", "  because: config migrationTool: typeorm"]);
});

test('config migrationTool "none" makes a detected code migration a plain file, over assumeInTransaction too', async () => {
  const dir = tempDir({
    "package.json": JSON.stringify({ dependencies: { "@n8n/typeorm": "0.3.20-12" } }),
    "sqlguard.config.json": JSON.stringify({ assumeInTransaction: ["src/**"], overrides: [{ files: ["src/migrations/**"], migrationTool: "none" }] }),
    [MIGRATION_FILE]: CONTEXT_MIGRATION,
  });
  assert.equal(await findings(dir, MIGRATION_FILE), []);
  const printed = JSON.parse((await cli(["--print-config", MIGRATION_FILE], { cwd: dir })).stdout);
  assert.equal([printed.migration, printed.migrationTool, printed.runModel.tool, printed.runModel.source], [false, "none", null, "config"]);
  assert.equal(printed.runModel.explanation, ["runs with: no migration tool [config]", "  because: config migrationTool: none"]);
});

test("a tool of SQL files for code files: an error when the entry names only code files; otherwise not applied to them, and said", async () => {
  const entry = (files: string[], migrationTool: "goose" | "flyway" | "knex") => () => new Config({ overrides: [{ files: ["x.sql"] }, { files, migrationTool }] }, "/p", "/p/sqlguard.config.json", builtin);
  for (const files of [["src/migrations/*.ts"], ["db/**/*.{ts,js}", "other/*.mjs"]]) {
    try {
      entry(files, "goose")();
      assert.unreachable(files.join());
    } catch (e) {
      assert.instance(e, ConfigError);
      assert.match((e as Error).message, /^sqlguard\.config\.json: overrides\[1\]\.migrationTool: "goose" runs SQL files, but overrides\[1\]\.files names only code files/);
      assert.match((e as Error).message, /"typeorm", "sequelize", "mikro-orm", "db-migrate", "kysely", or "none"$/);
    }
  }
  // a tool of code migrations, or globs that may match SQL files too, are fine
  entry(["src/migrations/*.ts"], "knex")();
  entry(["db/**"], "flyway")();

  const dir = tempDir({
    "package.json": JSON.stringify({ dependencies: { "@n8n/typeorm": "0.3.20-12" } }),
    "sqlguard.config.json": JSON.stringify({ overrides: [{ files: ["src/migrations/**"], migrationTool: "goose" }] }),
    [MIGRATION_FILE]: CONTEXT_MIGRATION,
  });
  const cfg = new Config({ overrides: [{ files: ["src/migrations/**"], migrationTool: "goose" }] }, dir, "x", builtin);
  const file = path.join(dir, MIGRATION_FILE);
  // still the TypeORM migration it is
  assert.ok(lintText(readFileSync(file, "utf8"), cfg, { filePath: file }).messages.some((m) => m.ruleId === "require-concurrent-index"));
  const r = await cli(["--print-config", MIGRATION_FILE], { cwd: dir });
  const m = JSON.parse(r.stdout).runModel;
  assert.equal([m.tool, m.source], ["typeorm", "detected"]);
  assert.ok(m.explanation.includes("  note: config migrationTool: goose is not applied to this code file: goose runs SQL files (for migrations written in code: node-pg-migrate, knex, typeorm, sequelize, mikro-orm, db-migrate, kysely)"));
  // the command exits 2 on the entry that names only code files, saying where
  const bad = tempDir({ "sqlguard.config.json": JSON.stringify({ overrides: [{ files: ["src/**/*.ts"], migrationTool: "goose" }] }), "a.ts": "export {};\n" });
  const run = await cli(["a.ts"], { cwd: bad });
  assert.is(run.code, 2);
  assert.match(run.stderr, /sqlguard\.config\.json: overrides\[0\]\.migrationTool: "goose" runs SQL files/);
});

test("ESLint follows the config's migrationTool for code files as the command does", async () => {
  const dir = tempDir({
    "package.json": JSON.stringify({ dependencies: { "@n8n/typeorm": "0.3.20-12" } }),
    "sqlguard.config.json": JSON.stringify({ overrides: [{ files: ["db/**"], migrationTool: "knex" }, { files: ["src/migrations/**"], migrationTool: "none" }] }),
    "db/001-idx.js": "exports.apply = async (k) => {\n  await k.raw('CREATE INDEX users_email ON users (email)');\n};\n",
    // ESLint reads plain JavaScript here (the project configures no TypeScript parser)
    "src/migrations/002-runs.js": "export class Runs2 {\n  async up({ queryRunner }) {\n    await queryRunner.query('CREATE INDEX runs_started ON runs (started)');\n  }\n}\n",
  });
  assert.is(modelOf(dir, "src/migrations/002-runs.js")?.tool, "typeorm", "detected, were it not for the config");
  const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: plugin.configs.recommended });
  const viaEslint: string[] = [];
  for (const r of await eslint.lintFiles(["db", "src"])) {
    for (const m of r.messages) viaEslint.push(`${path.relative(dir, r.filePath).split(path.sep).join("/")} ${m.line} ${m.ruleId}`);
  }
  const viaCli = [...(await findings(dir, "db/001-idx.js")).map((f) => `db/001-idx.js ${f.replace(" ", " sqlguard/")}`), ...(await findings(dir, "src/migrations/002-runs.js"))];
  assert.equal(viaEslint.sort(), viaCli.sort());
  assert.equal(viaEslint.sort(), ["db/001-idx.js 2 sqlguard/require-concurrent-index", "db/001-idx.js 2 sqlguard/require-lock-timeout"]);
});

test.run();

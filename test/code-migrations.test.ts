/**
 * Migrations written in code that sqlguard must see as migrations although they do not look like
 * the tool's own examples: a TypeORM fork published under a scope (n8n's `@n8n/typeorm`), an `up`
 * that takes its query runner out of a context object. Real files in temporary projects, linted
 * through the CLI.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { codeRunModelOf, diskView, projectOf } from "../src/run-model/index.js";
import { tempDir } from "./helpers.js";
import { cli } from "./in-process.js";

const test = suite("migrations written in code: forks, shapes");

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
  assert.equal([m.tool, m.version, m.transaction], ["typeorm", "0.3.20-12", "wrapped"]);
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
  assert.match(w.notes.join("\n"), /its version 10\.0\.2 is not numbered as TypeORM's/);
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

test.run();

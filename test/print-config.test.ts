/**
 * `sqlguard --print-config <file>`: the rules, settings and run model the linter applies to that
 * one file, as JSON, for SQL and code files alike: overrides and presets applied, the migration
 * rules a migration turns on, the tool detected (or configured) and the transaction of each unit.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { tempDir } from "./helpers.js";
import { cli } from "./in-process.js";

const test = suite("cli --print-config");

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the printed JSON, read field by field
async function printed(dir: string, file: string, extra: string[] = []): Promise<any> {
  const r = await cli(["--print-config", file, ...extra], { cwd: dir });
  assert.is(r.stderr, "");
  assert.is(r.code, 0);
  assert.ok(r.stdout.endsWith("}\n"));
  return JSON.parse(r.stdout);
}

const GOOSE_UP_DOWN = [
  "-- +goose Up",
  "ALTER TYPE invoice_status ADD VALUE 'void';",
  "",
  "-- +goose Down",
  "UPDATE invoices SET status = 'open' WHERE status = 'void';",
  "",
].join("\n");

test("a goose migration: the tool and version from go.mod, Up and Down wrapped, migration rules on", async () => {
  const dir = tempDir({
    "go.mod": "module example.com/app\n\ngo 1.22\n\nrequire github.com/pressly/goose/v3 v3.27.1\n",
    "db/migrations/00002_void.sql": GOOSE_UP_DOWN,
    "db/migrations/00003_index.sql": "-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY i ON invoices (status);\n",
  });
  const p = await printed(dir, "db/migrations/00002_void.sql");
  assert.is(p.filePath, path.join(dir, "db/migrations/00002_void.sql"));
  assert.is(p.configFile, "defaults");
  assert.is(p.migration, true);
  assert.equal(p.settings, { prodHosts: [], localHosts: [], postgresVersion: 15 });
  // a rule with options shows them with the defaults filled in; one without, its severity
  assert.equal(p.rules["require-where"], ["error", { alwaysTrue: true, joins: true, bodies: true, ignoreTables: [] }]);
  assert.is(p.rules["unbalanced-transaction"], "error");
  assert.ok(p.rules["require-lock-timeout"], "a migration-safety rule is on in a migration");
  const m = p.runModel;
  assert.equal([m.tool, m.version, m.source], ["goose", "3.27.1", "detected"]);
  assert.equal(
    m.evidence.map((e: { fact: string }) => e.fact),
    ["-- +goose Up annotation", "go.mod requires github.com/pressly/goose 3.27.1"],
  );
  assert.equal(
    m.units.map((u: { role: string; name: string; lines: number[]; transaction: string }) => `${u.role} ${u.name} ${u.lines.join("-")} ${u.transaction}`),
    ["up Up 1-3 wrapped", "down Down 4-5 wrapped"],
  );
  assert.equal(m.units[0].optOut, { marker: "-- +goose NO TRANSACTION", used: false, honoured: true, gives: "none" });
  assert.is(m.units[0].refusedStatements, "fail: they run inside the tool's transaction");
  assert.match(m.explanation[0], /^runs with: goose 3\.27\.1 \[detected\]$/);

  // the opt-out, used: no transaction, and CONCURRENTLY runs
  const o = (await printed(dir, "db/migrations/00003_index.sql")).runModel.units[0];
  assert.equal([o.transaction, o.optOut.used], ["none", true]);
  assert.is(o.refusedStatements, "run, each on its own, unless the file opens a transaction around them");
});

test("overrides, presets, --rule and the config's settings are applied for that file only", async () => {
  const dir = tempDir({
    "sqlguard.config.json": JSON.stringify({
      postgresVersion: 13,
      prodHosts: ["*.prod.example.com"],
      rules: { "require-semicolon": "off" },
      overrides: [
        { files: ["scripts/**"], rules: { "require-where": ["warn", { ignoreTables: ["tmp_*"] }] } },
        { files: ["legacy/**"], migrationTool: "flyway", extends: "sqlguard:migrations" },
      ],
    }),
    "scripts/fix.sql": "UPDATE t SET a = 1 WHERE id = 2;\n",
    "legacy/V1__init.sql": "CREATE TABLE t (id int);\n",
    "other.sql": "SELECT 1;\n",
  });
  const s = await printed(dir, "scripts/fix.sql", ["--rule", "syntax-error:warn"]);
  assert.is(s.configFile, path.join(dir, "sqlguard.config.json"));
  assert.equal(s.settings, { prodHosts: ["*.prod.example.com"], localHosts: [], postgresVersion: 13 });
  assert.equal(s.rules["require-where"], ["warn", { alwaysTrue: true, joins: true, bodies: true, ignoreTables: ["tmp_*"] }]);
  assert.is(s.rules["require-semicolon"], undefined, "a rule turned off is not listed");
  assert.is(s.rules["syntax-error"], "warn");
  assert.is(s.migration, false);
  assert.is(s.rules["require-lock-timeout"], undefined, "migration rules stay off in a plain script");
  assert.equal([s.runModel.tool, s.runModel.source, s.runModel.units[0].transaction], [null, "default", "none"]);

  // an override names the tool: it decides how the file runs, and its preset turns the migration rules on
  const l = await printed(dir, "legacy/V1__init.sql");
  assert.is(l.migrationTool, "flyway");
  assert.equal([l.runModel.tool, l.runModel.source, l.runModel.units[0].transaction], ["flyway", "config", "wrapped"]);
  assert.match(l.runModel.units[0].refusedStatements, /refused by Flyway/);
  assert.ok(l.rules["require-lock-timeout"]);
  assert.equal((await printed(dir, "other.sql")).rules["require-where"], ["error", { alwaysTrue: true, joins: true, bodies: true, ignoreTables: [] }]);
});

test("assumeInTransaction and a file directive say how a script with no tool runs", async () => {
  const dir = tempDir({
    "sqlguard.config.json": JSON.stringify({ assumeInTransaction: ["db/**"], ignores: ["db/old/"] }),
    "db/001.sql": "CREATE TABLE t (id int);\n",
    "db/old/002.sql": "-- sqlguard-no-transaction\nCREATE INDEX CONCURRENTLY i ON t (id);\n",
  });
  const a = await printed(dir, "db/001.sql");
  assert.equal([a.assumeInTransaction, a.migration, a.runModel.tool, a.runModel.source, a.runModel.units[0].transaction], [true, true, null, "config", "wrapped"]);
  const b = await printed(dir, "db/old/002.sql");
  assert.is(b.ignored, true);
  assert.equal([b.runModel.source, b.runModel.units[0].transaction], ["directive", "none"]);
});

test("a code migration: its tool, how its SQL strings run, the opt-out, and what is read as SQL", async () => {
  const dir = tempDir({
    "package.json": JSON.stringify({ dependencies: { knex: "3.1.0", pg: "8.11.0" } }),
    "migrations/20240502090000_leads_email_index.js": [
      "exports.config = { transaction: false };",
      "exports.up = (knex) => knex.raw('CREATE INDEX CONCURRENTLY leads_email_idx ON leads (email)');",
      "exports.down = (knex) => knex.raw('DROP INDEX CONCURRENTLY leads_email_idx');",
      "",
    ].join("\n"),
    "src/app.ts": "export const q = (db: { query(s: string): void }) => db.query('SELECT 1');\n",
  });
  const k = await printed(dir, "migrations/20240502090000_leads_email_index.js");
  assert.is(k.migration, true);
  const m = k.runModel;
  assert.equal([m.tool, m.toolName, m.version, m.source], ["knex", "knex", "3.1.0", "detected"]);
  assert.ok(m.optOut.used, "export config = { transaction: false } is the opt-out");
  assert.is(m.units, undefined);
  assert.ok(m.sinks.length > 0);
  assert.ok(k.embedded.functions.includes("raw"));
  assert.ok(m.explanation.some((l: string) => /^runs with: knex 3\.1\.0 \[detected\]$/.test(l)));

  // the same migration in a folder for SQLite: PostgreSQL never runs it
  const sqlite = tempDir({
    "package.json": JSON.stringify({ dependencies: { typeorm: "0.3.20", sqlite3: "5.1.7" } }),
    "server/migration/sqlite/1734786061496-Init.ts": [
      'import type { MigrationInterface, QueryRunner } from "typeorm";',
      "export class Init1734786061496 implements MigrationInterface {",
      "  public async up(queryRunner: QueryRunner): Promise<void> {",
      '    await queryRunner.query(`CREATE INDEX "IDX_user_email" ON "user" ("email")`);',
      "  }",
      "}",
      "",
    ].join("\n"),
  });
  const s = await printed(sqlite, "server/migration/sqlite/1734786061496-Init.ts");
  assert.equal([s.migration, s.runModel.tool, s.runModel.database], [false, "typeorm", "SQLite"]);
  assert.match(s.runModel.notes.join("\n"), /the folder "sqlite" says this file is written for SQLite/);
  assert.is(s.rules["require-concurrent-index"], undefined);
  assert.is((await cli(["server/migration/sqlite"], { cwd: sqlite })).code, 0);

  // application code: no tool, no migration rules
  const app = await printed(dir, "src/app.ts");
  assert.equal([app.migration, app.runModel.tool], [false, null]);
  assert.equal(app.runModel.explanation, ["runs with: no migration tool recognised"]);
  assert.is(app.rules["require-lock-timeout"], undefined);
});

test("--output-file; a missing file, or one combined with paths, --stdin or --fix, is a usage error", async () => {
  const dir = tempDir({ "a.sql": "SELECT 1;\n" });
  const o = await cli(["--print-config", "a.sql", "-o", "out/config.json"], { cwd: dir });
  assert.equal([o.code, o.stdout], [0, ""]);
  writeFileSync(path.join(dir, "b.sql"), "SELECT 2;\n");
  for (const [args, message] of [
    [["--print-config", "missing.sql"], /--print-config missing\.sql: no such file/],
    [["--print-config", "a.sql", "b.sql"], /cannot be combined with paths/],
    [["--print-config", "a.sql", "--stdin"], /cannot be combined with --stdin/],
    [["--print-config", "a.sql", "--fix"], /cannot be combined with --fix/],
    [["--print-config", "."], /--print-config \.: /],
    [["--print-config"], /argument missing/],
  ] as [string[], RegExp][]) {
    const r = await cli(args, { cwd: dir });
    assert.is(r.code, 2, args.join(" "));
    assert.match(r.stderr, message);
    assert.is(r.stdout, "");
  }
});

test.run();

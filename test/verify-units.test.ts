/**
 * `sqlguard verify` without PostgreSQL: which files form a migration set and in which order, how
 * each file is cut into units, how positions map back through the tool's substitutions and code
 * points, which statements of code are prepared, the cache's keys, and that a lint run carries
 * none of it. (The runs against PGlite are in verify-e2e.test.ts.)
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { Config } from "../src/engine/config.js";
import { defaultEmbeddedSettings } from "../src/extract/embedded.js";
import { SqlDocument, Statement } from "../src/sql/document.js";
import { templateMarkerAt, withoutConcurrently } from "../src/verify/apply.js";
import { DumpCache } from "../src/verify/cache.js";
import { EditedText } from "../src/verify/edited-text.js";
import { isCI, Progress } from "../src/verify/progress.js";
import { findMigrationSets, otherEngine, projectRunModel, versionOf, type MigrationSet } from "../src/verify/migrations.js";
import { memoryView, projectOf } from "../src/run-model/index.js";
import { contribFor, createdExtensions } from "../src/verify/pglite.js";
import { commandOf, errorSpan } from "../src/verify/positions.js";
import { collectQueries, placeError, schemasFor } from "../src/verify/queries.js";
import { parameterise } from "../src/verify/placeholders.js";
import { builtin } from "../rules/index.js";
import { root } from "./helpers.js";

const test = suite("verify (no database)");

const R = "/project";
function sets(files: Record<string, string>, config?: Parameters<typeof findMigrationSets>[0]["config"]): MigrationSet[] {
  const abs = Object.fromEntries(Object.entries(files).map(([k, v]) => [path.join(R, k), v]));
  const project = projectOf(memoryView(abs));
  const found = findMigrationSets({ root: R, files: Object.keys(abs), read: (f) => abs[f] ?? null, config, configDir: R, runModel: projectRunModel({ project }) });
  assert.equal(found.problems, []);
  return found.sets;
}
const names = (s: MigrationSet) => s.migrations.map((m) => path.relative(s.dir, m.file));

test("Prisma: folders in name order, each file one implicit transaction", () => {
  const [s] = sets({
    "prisma/migrations/migration_lock.toml": 'provider = "postgresql"',
    "prisma/migrations/20240201000000_b/migration.sql": "SELECT 2;",
    "prisma/migrations/20240101000000_a/migration.sql": "SELECT 1;",
    "prisma/schema.sql": "SELECT 3;",
  });
  assert.is(s!.id, "prisma/migrations");
  assert.is(s!.tool, "prisma");
  assert.equal(names(s!), ["20240101000000_a/migration.sql", "20240201000000_b/migration.sql"]);
  assert.equal(
    s!.migrations[0]!.units.map((u) => [u.start, u.end, u.transaction, u.refused, u.run.toolName]),
    [[0, 9, "implicit", "fails", "Prisma Migrate"]],
  );
});

test("Flyway, golang-migrate and numbered folders are ordered by version numbers, not by text", () => {
  const [f] = sets({ "db/migration/V1_10__c.sql": "", "db/migration/V1_2__b.sql": "", "db/migration/V2__d.sql": "", "db/migration/V1__a.sql": "" });
  assert.equal(names(f!), ["V1__a.sql", "V1_2__b.sql", "V1_10__c.sql", "V2__d.sql"]);
  assert.is(f!.migrations[0]!.units[0]!.transaction, "wrapped");
  const [g] = sets({ "migrations/10_c.up.sql": "", "migrations/9_b.up.sql": "", "migrations/9_b.down.sql": "", "migrations/1_a.up.sql": "" });
  assert.equal(names(g!), ["1_a.up.sql", "9_b.up.sql", "10_c.up.sql"]);
  assert.equal(versionOf("V1_2__x"), [1n, 2n]);
  assert.equal(versionOf("v1.10"), [1n, 10n]);
});

test("goose and dbmate: the Up section only, in the tool's transaction or out of it", () => {
  const goose = "-- +goose Up\nCREATE TABLE t (id int);\n-- +goose Down\nDROP TABLE t;\n";
  const noTx = "-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY i ON t (id);\n";
  const [s] = sets({ "db/migrations/00001_a.sql": goose, "db/migrations/00002_b.sql": noTx });
  assert.is(s!.tool, "goose");
  const [a, b] = s!.migrations;
  assert.equal(goose.slice(a!.units[0]!.start, a!.units[0]!.end).trim(), "-- +goose Up\nCREATE TABLE t (id int);");
  assert.is(a!.units[0]!.transaction, "wrapped");
  assert.is(b!.units[0]!.transaction, "none");
  const dbmate = "-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (id);\n-- migrate:down\nDROP INDEX i;\n";
  const [d] = sets({ "db/migrations/20240101_a.sql": dbmate });
  assert.is(d!.tool, "dbmate");
  assert.equal(d!.migrations[0]!.units.map((u) => [dbmate.slice(u.start, u.end).trim(), u.transaction]), [["-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (id);", "implicit"]]);
});

test("temporal-sql-tool: versions in numeric order, the files each manifest lists", () => {
  const manifest = (files: string[]) => JSON.stringify({ CurrVersion: "x", SchemaUpdateCqlFiles: files });
  const [s] = sets({
    "schema/versioned/v1.10/manifest.json": manifest(["z.sql"]),
    "schema/versioned/v1.10/z.sql": "",
    "schema/versioned/v1.10/unlisted.sql": "",
    "schema/versioned/v1.2/manifest.json": manifest(["b.sql", "a.sql"]),
    "schema/versioned/v1.2/a.sql": "",
    "schema/versioned/v1.2/b.sql": "",
    "schema/schema.sql": "",
  });
  assert.is(s!.tool, "temporal-sql-tool");
  assert.equal(names(s!), ["v1.2/b.sql", "v1.2/a.sql", "v1.10/z.sql"]);
  assert.is(s!.migrations[0]!.units[0]!.transaction, "none");
});

test("Drizzle: the journal's order", () => {
  const journal = JSON.stringify({ entries: [{ tag: "0001_b" }, { tag: "0000_a" }] });
  const [s] = sets({ "drizzle/meta/_journal.json": journal, "drizzle/0000_a.sql": "", "drizzle/0001_b.sql": "" });
  assert.equal(names(s!), ["0001_b.sql", "0000_a.sql"]);
});

test("a migration folder whose path names another engine is not PostgreSQL's: said, not applied", () => {
  const abs = (f: string) => path.join(R, f);
  const files = ["db/clickhouse/migrations/01_a.sql", "db/mysql-migrations/migrations/001_a.sql", "prisma/migrations/20240101000000_a/migration.sql", "prisma/migrations/migration_lock.toml"].map(abs);
  const found = findMigrationSets({ root: R, files, read: () => "SELECT 1;", config: undefined, configDir: R, runModel: projectRunModel({ project: projectOf(memoryView({})) }) });
  assert.equal(found.sets.map((x) => x.id), ["prisma/migrations"]);
  assert.equal(found.problems, [
    "db/mysql-migrations/migrations: not verified: its path names MySQL, not PostgreSQL (list it in verify.migrations to verify it)",
    "db/clickhouse/migrations: not verified: its path names ClickHouse, not PostgreSQL (list it in verify.migrations to verify it)",
  ]);
  assert.is(otherEngine("db/postgresql/migrations"), null);
  assert.is(otherEngine("services/sqlite3/migrations"), "SQLite");
});

test("the config names a folder, its tool's model, substitutions and setup", () => {
  const [s] = sets(
    { "sql/000002.sql": "select 2;", "sql/000001.sql": "create table :SCHEMA.jobs ();" },
    { migrations: [{ dir: "sql", transaction: "wrapped", substitute: [{ pattern: ":SCHEMA\\b", with: "worker" }], setup: "create schema worker;" }] },
  );
  assert.equal(names(s!), ["000001.sql", "000002.sql"]);
  assert.is(s!.migrations[0]!.units[0]!.transaction, "wrapped");
  assert.equal(s!.setup, ["create schema worker;"]);
  const edited = new EditedText(s!.migrations[0]!.text, s!.substitute);
  assert.is(edited.text, "create table worker.jobs ();");
  const found = findMigrationSets({ root: R, files: [], read: () => null, config: { migrations: [{ dir: "nowhere" }] }, configDir: R });
  assert.equal(found.problems, ["verify.migrations: nowhere holds no files"]);
});

test("EditedText maps offsets of the sent text back to the file", () => {
  const e = new EditedText("select :S.a, :S.b", [{ pattern: /:S\b/g, with: "schema_name" }]);
  assert.is(e.text, "select schema_name.a, schema_name.b");
  assert.is(e.toSource(0), 0);
  assert.is(e.toSource(7), 7); // start of the first replacement
  assert.is(e.toSource(10), 7); // inside it: its start
  assert.is(e.toSource(10, true), 9); // as a range's end: its end
  assert.is(e.toSource(19), 10); // ".a" after it
  assert.is(e.toSource(e.text.length), 17);
  assert.not.ok(new EditedText("abc").edited);
  // and file offsets forward, for the run model's unit bounds and statement breaks
  assert.is(e.fromSource(0), 0);
  assert.is(e.fromSource(8), 7); // inside ":S": the replacement's start
  assert.is(e.fromSource(8, true), 18); // as a range's end: its end
  assert.is(e.fromSource(10), 19);
  assert.is(e.fromSource(17), e.text.length);
  for (let i = 0; i <= e.text.length; i++) assert.ok(e.fromSource(e.toSource(i)) <= i);
});

test("each file runs as the linter's run model says: the tool's version, opt-outs, breaks and CONCURRENTLY policy", () => {
  // Flyway: a migration of only such statements runs without a transaction (decided when applied);
  // a .sql.conf with executeInTransaction=false sends each statement on its own.
  const [f] = sets({
    "db/migration/V1__a.sql": "CREATE TABLE t (id int);",
    "db/migration/V2__b.sql": "CREATE INDEX CONCURRENTLY i ON t (id);",
    "db/migration/V3__c.sql": "VACUUM t;",
    "db/migration/V3__c.sql.conf": "executeInTransaction=false\n",
  });
  assert.equal(
    f!.migrations.map((m) => [m.units[0]!.transaction, m.units[0]!.refused, m.units[0]!.apart.includes("CREATE INDEX CONCURRENTLY")]),
    [
      ["wrapped", "flyway", true],
      ["wrapped", "flyway", true],
      ["none", "fails", false],
    ],
  );
  // Prisma 7.4 and later sends CREATE INDEX CONCURRENTLY apart
  const [p] = sets({
    "package.json": JSON.stringify({ devDependencies: { prisma: "7.4.1" } }),
    "prisma/migrations/migration_lock.toml": 'provider = "postgresql"',
    "prisma/migrations/20240101000000_a/migration.sql": "CREATE TABLE t (id int);\nCREATE INDEX CONCURRENTLY i ON t (id);",
  });
  assert.equal([p!.migrations[0]!.units[0]!.refused, p!.migrations[0]!.units[0]!.apart], ["apart", ["CREATE INDEX CONCURRENTLY"]]);
  // goose's StatementBegin/End are statement breaks
  const goose = "-- +goose Up\n-- +goose StatementBegin\nCREATE FUNCTION f() RETURNS int AS 'SELECT 1' LANGUAGE sql;\n-- +goose StatementEnd\n";
  const [g] = sets({ "db/migrations/00001_f.sql": goose });
  assert.is(g!.migrations[0]!.units[0]!.breaks.length, 2);
  // diesel: metadata.toml's run_in_transaction = false drops the BEGIN (the file is still one query)
  const [d] = sets({
    "migrations/2024-01-01-000000_a/up.sql": "CREATE INDEX CONCURRENTLY i ON t (id);",
    "migrations/2024-01-01-000000_a/metadata.toml": "run_in_transaction = false\n",
    "migrations/2024-01-01-000000_a/down.sql": "DROP INDEX i;",
  });
  assert.is(d!.migrations[0]!.units[0]!.transaction, "implicit");
  // the config's transaction for a set wins over the tool's
  const [c] = sets({ "db/migration/V1__a.sql": "SELECT 1;" }, { migrations: [{ dir: "db/migration", transaction: "none" }] });
  assert.equal([c!.migrations[0]!.units[0]!.transaction, c!.migrations[0]!.units[0]!.run.mode], ["none", "none"]);
});

function statement(sql: string): Statement {
  for (const e of new SqlDocument(sql, { kind: "script" }).events()) if (e instanceof Statement) return e;
  throw new Error("no statement");
}

test("PostgreSQL's position counts code points: an emoji before it does not shift the column", () => {
  const sql = "-- 🎉 launch\nSELECT totl FROM orders";
  const s = statement(sql);
  const sent = sql.slice(s.start, s.end);
  // position 8 = "totl" in the statement as sent
  assert.equal(errorSpan({ message: 'column "totl" does not exist', position: 8 }, sql, s.start, sent), { start: sql.indexOf("totl"), end: sql.indexOf("totl") + 4 });
  const whole = errorSpan({ message: "x", position: 20 }, sql, 0, sql); // the 20th character (code point) is the "t" of totl, at UTF-16 index 21
  assert.is(whole!.start, sql.indexOf("totl"));
});

test("an error without a position points at the name it quotes; a body error at its line", () => {
  const sql = 'CREATE UNIQUE INDEX "k" ON "customers"("emial");';
  const s = statement(sql);
  assert.equal(errorSpan({ message: 'column "emial" does not exist' }, sql, s.start, sql, s), { start: sql.indexOf('"emial"'), end: sql.indexOf('"emial"') + 7 });
  const body = "DO $$\nBEGIN\n  PERFORM nosuch FROM pg_class;\nEND\n$$;";
  const b = statement(body);
  const span = errorSpan(
    { message: 'column "nosuch" does not exist', where: "PL/pgSQL function inline_code_block line 3 at PERFORM", internalQuery: "SELECT nosuch FROM pg_class", internalPosition: 8 },
    body,
    b.start,
    body.slice(b.start, b.end),
    b,
  );
  assert.equal(span, { start: body.indexOf("nosuch"), end: body.indexOf("nosuch") + 6 });
});

test("a syntax error inside a template marker is the tool's placeholder, not the migration's mistake", () => {
  const go = 'CREATE TABLE {{ index .Options "Namespace" }}.users (id int)';
  assert.is(templateMarkerAt(go, go.indexOf("{")), '{{ index .Options "Namespace" }}');
  const flyway = "CREATE SCHEMA ${schema}";
  assert.is(templateMarkerAt(flyway, flyway.indexOf("$")), "${schema}");
  assert.is(templateMarkerAt("SELECT * FROM t WHERE a = b c", 27), null);
});

test("commandOf names the command for messages", () => {
  assert.is(commandOf("alter table x add column y int"), "ALTER TABLE");
  assert.is(commandOf("-- c\nCREATE UNIQUE INDEX i ON t (a)"), "CREATE UNIQUE INDEX");
  assert.is(commandOf("CREATE OR REPLACE FUNCTION f() …"), "CREATE OR REPLACE FUNCTION");
  assert.is(commandOf("update t set a = 1"), "UPDATE");
});

test("without CONCURRENTLY: the keyword, an option list, never a quoted name or string", () => {
  assert.is(withoutConcurrently("CREATE INDEX CONCURRENTLY i ON t (a)"), "CREATE INDEX  i ON t (a)");
  assert.is(withoutConcurrently("REINDEX (CONCURRENTLY) INDEX i"), "REINDEX  INDEX i");
  assert.is(withoutConcurrently(`DROP INDEX CONCURRENTLY "concurrently"`), `DROP INDEX  "concurrently"`);
  assert.is(withoutConcurrently("COMMENT ON TABLE t IS 'built concurrently'"), "COMMENT ON TABLE t IS 'built concurrently'");
});

test("code: values are prepared as parameters; names, fragments and DDL are skipped and counted", () => {
  const code = [
    'import { sql } from "db";',
    "export const a = (id) => sql`SELECT name FROM users WHERE id = ${id}`;",
    'export const b = (t) => sql`SELECT count(*) FROM "${t}"`;',
    "export const c = (w) => sql`SELECT * FROM users ${w}`;",
    'export const d = () => pool.query("CREATE TEMP TABLE x (a int)");',
    "export const e = () => sql`WHERE id = 1`;",
  ].join("\n");
  const { statements, skipped } = collectQueries([{ file: "/p/a.ts", text: code, kind: "code" }], defaultEmbeddedSettings);
  assert.equal(statements.map((q) => q.sql), ["SELECT name FROM users WHERE id = $1"]);
  assert.equal(Object.fromEntries(skipped), { fragment: 1, dynamic: 2, "not a query": 1 });
  const q = statements[0]!;
  assert.is(code.slice(q.toFile(7), q.toFile(11, true)), "name");
  assert.equal([...q.relations], ["users"]);
});

test("query libraries' parameters become $n, as the library sends them; what it expands is dynamic", () => {
  const p = (sql: string, tool: Parameters<typeof parameterise>[1]) => parameterise(sql, tool);
  assert.is(p("SELECT * FROM a WHERE id = @id AND b = sqlc.arg(b) AND c = sqlc.narg('c') OR id = @id", "sqlc")!.text.text, "SELECT * FROM a WHERE id = $1 AND b = $2 AND c = $3 OR id = $1");
  assert.ok(p("SELECT * FROM a WHERE id IN (sqlc.slice(ids))", "sqlc")!.dynamic);
  assert.is(p("SELECT * FROM a WHERE x = ? AND y = :y", "yesql")!.text.text, "SELECT * FROM a WHERE x = $1 AND y = $2");
  assert.is(p("SELECT id FROM a WHERE id = :id! AND b != :b", "pgtyped")!.text.text, "SELECT id FROM a WHERE id = $1 AND b != $2");
  // strings, quoted names, comments, casts, slices and dollar quotes are untouched; $n keep their numbers
  const kept = "SELECT ':x', \"@y\", a::text, arr[1:n], $f$ :z $f$ /* :w */ FROM t WHERE id = $1 AND k = :k -- :c";
  assert.is(p(kept, "pugsql")!.text.text, kept.replace("= :k", "= $2"));
  // another tool's markers are not this one's: ? is a jsonb operator, @ an operator
  assert.is(p("SELECT data ? 'k', @ -5 FROM t", "sqlc")!.text.text, "SELECT data ? 'k', $1 FROM t".replace("$1", "@ -5"));
  assert.is(p("SELECT 1", null), null);
  // positions map back to the written text
  const e = p("SELECT naem FROM a WHERE id = @id AND x = @xx", "sqlc")!.text;
  assert.is(e.toSource(e.text.indexOf("$2")), "SELECT naem FROM a WHERE id = @id AND x = ".length);
});

test("a sqlc query file: each named query prepared with its parameters; errors placed in the file", () => {
  const text = "-- name: GetAuthor :one\nSELECT * FROM authors WHERE id = @id;\n\n-- name: ListBooks :many\nSELECT titel FROM books WHERE author_id = sqlc.arg(author_id);\n";
  const { statements } = collectQueries([{ file: "/p/queries/authors.sql", text, kind: "sql" }], defaultEmbeddedSettings);
  assert.equal(statements.map((q) => q.sql), ["SELECT * FROM authors WHERE id = $1", "SELECT titel FROM books WHERE author_id = $1"]);
  const q = statements[1]!;
  const at = placeError({ message: 'column "titel" does not exist', code: "42703", position: 8 }, q);
  assert.is(text.slice(at.start, at.end), "titel");
});

test("an error in a script's function body is placed at the body's line, wherever the statement starts", () => {
  const text = "SELECT 1;\nCREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  RETURN nope;\nEND\n$$;\n";
  const { statements } = collectQueries([{ file: "/p/s.sql", text, kind: "sql" }], defaultEmbeddedSettings);
  const q = statements.find((x) => x.sql.startsWith("CREATE"))!;
  const at = placeError({ message: 'column "nope" does not exist', code: "42703", where: 'PL/pgSQL function f() line 3 at RETURN', internalQuery: "nope", internalPosition: 1 }, q);
  assert.is(text.slice(at.start, at.end), "nope");
});

test("a file is checked against the migration sets nearest to it; shared code against each", () => {
  const a = { id: "services/a/migrations", dir: path.join(R, "services/a/migrations") };
  const b = { id: "services/b/db/migrations", dir: path.join(R, "services/b/db/migrations") };
  const ids = (file: string) => schemasFor(path.join(R, file), [a, b]).map((s) => s.id);
  assert.equal(ids("services/a/src/q.ts"), ["services/a/migrations"]);
  assert.equal(ids("services/b/queries/report.sql"), ["services/b/db/migrations"]);
  assert.equal(ids("lib/shared.ts"), ["services/a/migrations", "services/b/db/migrations"]);
  assert.equal(ids("services/c.ts"), ["services/a/migrations", "services/b/db/migrations"]);
});

test("scripts: queries are prepared, their DDL applied, psql variables skipped", () => {
  const sql = "CREATE TEMP VIEW v AS SELECT 1 AS a;\nSELECT a FROM v;\nSELECT * FROM t WHERE id = :id;\nVACUUM t;\nSET search_path = x;\n";
  const { statements, skipped } = collectQueries([{ file: "/p/s.sql", text: sql, kind: "sql" }], defaultEmbeddedSettings);
  assert.equal(statements.map((q) => [q.how, q.sql]), [["ddl", "CREATE TEMP VIEW v AS SELECT 1 AS a"], ["query", "SELECT a FROM v"]]);
  assert.equal(Object.fromEntries(skipped), { "psql variables": 1, "not a query": 2 });
});

test("extensions: those the migrations create, mapped to PGlite's contrib modules", () => {
  assert.equal(createdExtensions('CREATE EXTENSION IF NOT EXISTS "uuid-ossp";\ncreate extension pgcrypto with schema public;\nCREATE EXTENSION plpgsql;'), ["uuid-ossp", "pgcrypto"]);
  assert.is(contribFor("uuid-ossp"), "uuid_ossp");
  assert.is(contribFor("pg_trgm"), "pg_trgm");
  assert.is(contribFor("postgis"), null);
});

test("cache keys: a chain over path, content and transaction model; the version and extensions start it", () => {
  const files = { "migrations/1_a.up.sql": "create table a ();", "migrations/2_b.up.sql": "create table b ();" };
  const [s] = sets(files);
  const cache = new DumpCache("/nowhere", "0.5.16", () => undefined);
  const k = cache.keys(s!, [], R);
  assert.is(k.length, 3);
  const [s2] = sets({ ...files, "migrations/2_b.up.sql": "create table b (x int);" });
  const k2 = cache.keys(s2!, [], R);
  assert.is(k2[1], k[1]); // the first migration's prefix is shared
  assert.is.not(k2[2], k[2]);
  assert.is.not(cache.keys(s!, ["pgcrypto"], R)[0], k[0]);
  assert.is.not(new DumpCache("/nowhere", "0.5.17", () => undefined).keys(s!, [], R)[0], k[0]);
  const wrapped = { ...s!, migrations: s!.migrations.map((m) => ({ ...m, units: m.units.map((u) => ({ ...u, transaction: "wrapped" as const })) })) };
  assert.is.not(cache.keys(wrapped, [], R)[1], k[1]);
});

test("the config's verify key is checked like every key", () => {
  assert.throws(() => new Config({ verify: { timeout: 0 } }, root, "sqlguard.config.json", builtin), /verify\.timeout: must be ≥ 1/);
  assert.throws(() => new Config({ verify: { migrations: [{ dir: "x", transaction: "maybe" as "none" }] } }, root, "sqlguard.config.json", builtin), /transaction: must be one of/);
  assert.throws(() => new Config({ verify: { cacheDri: "x" } as never }, root, "sqlguard.config.json", builtin), /cacheDri: unknown option/);
});

test("progress: after a second, one line rewritten in place, at most every 100 ms; nothing when off", () => {
  let now = 0;
  const out: string[] = [];
  const p = new Progress((x) => out.push(x), true, 40, () => now);
  p.update("applying 001.sql", 1, 820);
  assert.equal(out, []); // the first second is quiet
  now = 1500;
  p.update("prisma/migrations: 20240101000000_a_rather_long_name/migration.sql", 2, 820);
  now = 1550;
  p.update("skipped: too soon after the last", 3, 820);
  now = 1700;
  p.update("checking src/a.ts", 0, 0);
  p.clear();
  assert.equal(out, ["\r\x1b[Ksqlguard verify: 2/820 prisma/migratio…", "\r\x1b[Ksqlguard verify: checking src/a.ts", "\r\x1b[K"]);
  const quiet: string[] = [];
  const off = new Progress((x) => quiet.push(x), false, 40, () => now);
  now = 5000;
  off.update("x", 1, 2);
  off.clear();
  assert.equal(quiet, []);
  assert.ok(isCI({ CI: "true" }));
  assert.not.ok(isCI({ CI: "false" }));
  assert.not.ok(isCI({}));
});

test("a lint run carries nothing of verify: the CLI bundle loads it by name, PGlite never", () => {
  // bin.cjs is the command, cli.cjs the CLI it loads (see src/cli/load-cli.ts)
  const bin = readFileSync(path.join(root, "dist/bundle/bin.cjs"), "utf8");
  const cli = readFileSync(path.join(root, "dist/bundle/cli.cjs"), "utf8");
  for (const code of [bin, cli]) assert.not.match(code, /electric-sql|PGlite\.create|verify-child/);
  assert.match(cli, /"\.\/verify\.js"/);
  const verify = readFileSync(path.join(root, "dist/bundle/verify.js"), "utf8");
  assert.not.match(verify, /from\s*"@electric-sql\/pglite"/); // only the worker imports it
});

test.run();

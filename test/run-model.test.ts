/**
 * The run model's pure parts, on files given in memory: detection from layout, annotations and
 * project files, versions from lockfiles, precedence of overrides; and the front-end's side: one
 * document per unit, with the file's own offsets, tool-set statement boundaries, tool placeholders.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { lintText } from "../src/lint/lint-text.js";
import { Config } from "../src/engine/config.js";
import { sqlDocuments } from "../src/extract/index.js";
import { lex } from "../src/sql/lexer.js";
import { Statement } from "../src/sql/document.js";
import { cargoLockVersion, exactSpec, lockfileVersion } from "../src/run-model/project.js";
import { compareVersions } from "../src/run-model/versions.js";
import { codeRunModelOf, memoryView, otherDatabaseOf, projectOf, runModelOf, type RunModelOptions } from "../src/run-model/index.js";
import { root } from "./helpers.js";
import { builtin } from "../rules/index.js";

const test = suite("run model");

function decide(files: Record<string, string>, file: string, options: RunModelOptions = {}) {
  const project = projectOf(memoryView(files));
  return runModelOf(file, files[file]!, { ...options, project });
}

test("versions compare part by part; a pre-release comes before its release", () => {
  assert.equal(["7.10.0", "7.4.0", "7.4.0-dev.3", "v3.19.1", "6.19.3"].sort(compareVersions), ["v3.19.1", "6.19.3", "7.4.0-dev.3", "7.4.0", "7.10.0"]);
});

test("lockfiles: npm, pnpm (v6 and v9), yarn (classic and berry), bun, Cargo", () => {
  assert.is(lockfileVersion("package-lock.json", '{"packages":{"node_modules/prisma":{"version":"6.19.3","dev":true}}}', "prisma"), "6.19.3");
  assert.is(lockfileVersion("pnpm-lock.yaml", "packages:\n\n  /drizzle-kit@0.30.5:\n    resolution: {}\n", "drizzle-kit"), "0.30.5");
  assert.is(lockfileVersion("pnpm-lock.yaml", "packages:\n\n  graphile-migrate@2.0.0-rc.3:\n    resolution: {}\n", "graphile-migrate"), "2.0.0-rc.3");
  assert.is(lockfileVersion("yarn.lock", 'typeorm@^0.3.17, typeorm@^0.3.11:\n  version "0.3.17"\n', "typeorm"), "0.3.17");
  assert.is(lockfileVersion("yarn.lock", '"knex@npm:^3.1.0":\n  version: 3.1.0\n', "knex"), "3.1.0");
  assert.is(lockfileVersion("bun.lock", '"drizzle-orm": ["drizzle-orm@0.43.1", "", {}],', "drizzle-orm"), "0.43.1");
  assert.is(lockfileVersion("package-lock.json", '{"packages":{"node_modules/@prisma/client":{"version":"6.1.0"}}}', "prisma"), null);
  assert.is(cargoLockVersion('[[package]]\nname = "diesel"\nversion = "2.3.7"\n', "diesel"), "2.3.7");
});

test("package.json specs: a pinned version, also behind an npm alias or a yarn patch; a range pins none", () => {
  assert.is(exactSpec("0.3.20"), "0.3.20");
  assert.is(exactSpec("^0.3.20"), null);
  assert.is(exactSpec("npm:@n8n/typeorm@0.3.20-12"), "0.3.20-12");
  // twenty's package.json
  assert.is(exactSpec("patch:typeorm@npm%3A0.3.20#./patches/typeorm+0.3.20.patch"), "0.3.20");
  assert.is(exactSpec("patch:typeorm@0.3.20#~/.yarn/patches/t.patch"), "0.3.20");
  assert.is(exactSpec("npm:typeorm@^0.3.0"), null);
  assert.is(exactSpec("workspace:*"), null);
});

test("detection needs no configuration: layout, annotations and project files", () => {
  const files = {
    "/app/package.json": '{"devDependencies":{"prisma":"^5.22.0"}}',
    "/app/package-lock.json": '{"packages":{"node_modules/prisma":{"version":"5.22.0"}}}',
    "/app/prisma/migrations/migration_lock.toml": 'provider = "postgresql"',
    "/app/prisma/migrations/20240101000000_init/migration.sql": "CREATE TABLE a (id int);",
    "/app/prisma/migrations/02_renamed/migration.sql": "CREATE TABLE b (id int);",
    "/svc/go.mod": "module x\n\nrequire github.com/pressly/goose/v3 v3.26.0\n",
    "/svc/sql/0001_init.sql": "-- +goose Up\nCREATE TABLE a (id int);\n",
    "/plain/fix.sql": "UPDATE a SET b = 1 WHERE c = 2;",
  };
  const prisma = decide(files, "/app/prisma/migrations/20240101000000_init/migration.sql");
  assert.equal([prisma.tool, prisma.version, prisma.units[0]!.transaction], ["prisma", "5.22.0", "implicit"]);
  assert.ok(prisma.evidence.some((e) => e.source === "/app/prisma/migrations/migration_lock.toml"));
  // migration_lock.toml is enough: projects rename Prisma's <timestamp>_<name> folders
  assert.is(decide(files, "/app/prisma/migrations/02_renamed/migration.sql").tool, "prisma");
  const goose = decide(files, "/svc/sql/0001_init.sql");
  assert.equal([goose.tool, goose.version], ["goose", "3.26.0"]);
  const plain = decide(files, "/plain/fix.sql");
  assert.equal([plain.tool, plain.source, plain.units[0]!.transaction], [null, "default", "none"]);
});

test("precedence: a directive in the file, then migrationTool, then the tool detected, then assumeInTransaction", () => {
  const files = {
    "/m/go.mod": "module x\nrequire github.com/pressly/goose/v3 v3.27.1\n",
    "/m/db/00001_idx.sql": "-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY i ON t (a);\n",
    "/m/db/notes.sql": "INSERT INTO t VALUES (1); INSERT INTO t VALUES (2);",
  };
  // assumeInTransaction no longer overrides goose's own NO TRANSACTION
  const goose = decide(files, "/m/db/00001_idx.sql", { assumeInTransaction: true });
  assert.equal([goose.tool, goose.units[0]!.transaction], ["goose", "none"]);
  assert.match(goose.notes.join(" "), /assumeInTransaction matches this file, but goose's own rules decide/);
  assert.equal(decide(files, "/m/db/notes.sql", { assumeInTransaction: true }).units[0]!.transaction, "wrapped");
  const configured = decide(files, "/m/db/notes.sql", { migrationTool: "golang-migrate" });
  assert.equal([configured.tool, configured.source, configured.units[0]!.transaction], ["golang-migrate", "config", "implicit"]);
  assert.equal(decide(files, "/m/db/00001_idx.sql", { migrationTool: "none" }).tool, null);
  const directive = decide(files, "/m/db/00001_idx.sql", { directive: "assume-in-transaction" });
  assert.equal([directive.source, directive.units.map((u) => u.transaction)], ["directive", ["wrapped"]]);
});

test("code migrations: arrow functions, and a tool a script runs that another package installs", () => {
  const files = {
    "/a/package.json": '{"scripts":{"migrate":"node-pg-migrate -m migrations -j ts"},"dependencies":{"@stacks/api-toolkit":"^1.13.0"}}',
    "/a/package-lock.json": '{"packages":{"node_modules/node-pg-migrate":{"version":"7.9.1"}}}',
    "/a/migrations/1600000000000_blocks.ts": "export const up = (pgm: MigrationBuilder) => {\n  pgm.createTable('blocks', {});\n};\n",
    "/b/package.json": '{"dependencies":{"knex":"0.21.7","db-migrate":"0.11.14"}}',
    "/b/m/2.0.0.js": "exports.up = async knex => {\n  await knex.schema.createTable('t', () => {});\n};\n",
    "/b/m/20250211-noop.js": "exports.up = (db, cb) => {\n  cb();\n};\n",
  };
  const project = projectOf(memoryView(files));
  const code = (f: string) => {
    const m = codeRunModelOf(f, files[f as keyof typeof files], { project });
    return m && `${m.tool} ${m.version} ${m.evidence[1]?.fact}`;
  };
  assert.is(code("/a/migrations/1600000000000_blocks.ts"), "node-pg-migrate 7.9.1 package.json has a script that runs node-pg-migrate 7.9.1 (package-lock.json)");
  assert.is(code("/b/m/2.0.0.js"), "knex 0.21.7 package.json depends on knex 0.21.7");
  assert.is(code("/b/m/20250211-noop.js"), "db-migrate 0.11.14 package.json depends on db-migrate 0.11.14");
});

test("the lexer starts a unit where it starts, ends statements at tool boundaries and skips delimiter lines", () => {
  const text = "SELECT 1;\n-- next unit\nCREATE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql\n/\nSELECT 2\n";
  const from = text.indexOf("-- next");
  const slash = text.indexOf("/\n");
  const { statements } = lex(text, { from, breaks: [{ at: slash, skipTo: slash + 1 }] });
  assert.equal(
    statements.map((s) => `${text.slice(s.start, s.end)} [${s.terminator}]`),
    ["CREATE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql [break]", "SELECT 2 [eof]"],
  );
});

test("tool placeholders parse: ${name}, yesql's ?, pgtyped's :name! and expanding lists", () => {
  const masked = (text: string, params: ("question" | "bang" | "braces" | "lists")[]) => {
    const s = lex(text, { params }).statements[0]!;
    let out = text;
    for (const m of s.masks ?? []) out = out.slice(0, m.start) + m.text + out.slice(m.end);
    return out;
  };
  assert.is(masked("GRANT SELECT ON t TO ${reader}; ", ["braces"]), "GRANT SELECT ON t TO _________; ");
  assert.is(masked("SELECT * FROM t WHERE a = ? AND b = '?'", ["question"]), "SELECT * FROM t WHERE a = _ AND b = '?'");
  assert.is(masked("SELECT * FROM t WHERE id = :id! AND x IN :ids", ["bang", "lists"]), "SELECT * FROM t WHERE id = _id  AND x IN (__)");
});

test("one document per unit, each with the file's offsets: goose Up and Down are two scripts", () => {
  const text = [
    "-- +goose Up",
    "CREATE TYPE mood AS ENUM ('ok');",
    "ALTER TYPE mood ADD VALUE 'happy';",
    "-- +goose Down",
    "SELECT 'happy'::mood;",
    "",
  ].join("\n");
  const file = `${root}/test/fixtures/migration-tools/goose/db/migrations/99999_mood.sql`;
  const docs = sqlDocuments(file, text, { assumeInTransaction: false });
  assert.is(docs.length, 2);
  const stmts = docs.map((d) => [...d.events()].filter((e): e is Statement => e instanceof Statement));
  assert.equal(stmts.map((list) => list.map((s) => `${d(s)} ${s.tx}`)), [
    ["2 CREATE TYPE mood AS ENUM ('ok') assumed", "3 ALTER TYPE mood ADD VALUE 'happy' assumed"],
    ["5 SELECT 'happy'::mood assumed"],
  ]);
  function d(s: Statement) {
    return `${s.doc.lineOf(s.start)} ${text.slice(s.start, s.end)}`;
  }
  // the value is added in Up and used in Down: not the same transaction
  const result = lintText(text, new Config({}, root, "test", builtin), { filePath: file });
  assert.equal(result.messages.filter((m) => m.ruleId === "transaction-incompatible-statement"), []);
});

test("migration rules are on where a tool, assumeInTransaction or a directive says a migration runner runs the file", () => {
  const config = new Config({ assumeInTransaction: ["db/**"], overrides: [{ files: ["plain/**"], migrationTool: "none" }] }, root, "test", builtin);
  const rules = (file: string, text: string) =>
    lintText(text, config, { filePath: `${root}/${file}` }).messages.map((m) => m.ruleId);
  const cic = "SET lock_timeout = '5s';\nCREATE INDEX IF NOT EXISTS i ON t (a);\n";
  assert.equal(rules("db/001.sql", cic), ["require-concurrent-index"]);
  assert.equal(rules("scripts/001.sql", `-- sqlguard-no-transaction\n${cic}`), ["require-concurrent-index"]);
  assert.equal(rules("scripts/002.sql", `-- sqlguard-assume-in-transaction\n${cic}`), ["require-concurrent-index"]);
  // a plain script, and one the config says no tool runs, are not migrations
  assert.equal(rules("scripts/003.sql", cic), []);
  assert.equal(rules("plain/001.sql", cic), []);
});

test("a folder that names another database: no PostgreSQL migration there, and its syntax errors say so", () => {
  assert.equal(otherDatabaseOf("/p/backend/resources/migrations/sqlite/20240731_init.up.sql"), { name: "SQLite", folder: "sqlite" });
  assert.equal(otherDatabaseOf("/p/jdbc-mysql/src/main/resources/migrations/V1__x.sql"), { name: "MySQL", folder: "jdbc-mysql" });
  assert.equal(otherDatabaseOf("/p/db/migration/h2/V1__x.sql")?.name, "H2");
  // the nearest folder naming a database decides; none: PostgreSQL
  assert.is(otherDatabaseOf("/p/mysql-legacy/postgres/V1__x.sql"), null);
  assert.is(otherDatabaseOf("/p/jdbc-postgres/src/main/resources/migrations/V1__x.sql"), null);
  assert.is(otherDatabaseOf("/p/db/migrations/000001_init.up.sql"), null);
  assert.is(otherDatabaseOf("/p/mysqlish/x.sql"), null, "a word inside a name is not the name");

  const config = new Config({}, root, "test", builtin);
  const lint = (file: string, text: string) => lintText(text, config, { filePath: `${root}/${file}` }).messages.map((m) => `${m.ruleId} ${m.message}`);
  const cic = "CREATE INDEX users_email ON users (email);\n";
  const pg = lint("test/tmp-golang/migrations/postgres/000002_email.up.sql", cic);
  assert.ok(pg.some((m) => m.startsWith("require-concurrent-index")), "PostgreSQL's migration: the lock is reported");
  assert.equal(lint("test/tmp-golang/migrations/sqlite/000002_email.up.sql", cic), []);
  assert.equal(lint("test/tmp-golang/migrations/sqlite/000003_pragma.up.sql", "PRAGMA foreign_keys=OFF;\nCREATE TABLE `t` (id integer);\n"), [
    'syntax-error syntax error at or near "PRAGMA" (PRAGMA is SQLite)',
    "syntax-error syntax error at or near \"`\" (backquotes quote names in MySQL and SQLite; PostgreSQL uses double quotes)",
  ]);
  assert.equal(lint("test/tmp-flyway/migrations/h2/V1__t.sql", "ALTER TABLE t ALTER COLUMN c ENUM('a');\n"), [
    "syntax-error syntax error at or near \"ENUM\" (the file's folder says it is written for H2, not PostgreSQL)",
  ]);
});

test("a file for another database: PostgreSQL's transaction rules say nothing of its blocks; the others still speak", () => {
  const config = new Config({}, root, "test", builtin);
  const lint = (file: string, text: string) => lintText(text, config, { filePath: `${root}/${file}` }).messages.map((m) => `${m.ruleId}`);
  // SQL Server: BEGIN … END is a block of statements, not a transaction
  const tsql = "IF OBJECT_ID('t') IS NULL\n  BEGIN\n    CREATE TABLE t (id INT);\n  END;\nDELETE FROM t;\n";
  assert.equal(lint("scratch/mssql/setup.sql", tsql), ["syntax-error", "require-where"]);
  // the same text where nothing names another database: PostgreSQL reads END as a commit
  assert.ok(lint("scratch/setup.sql", tsql).includes("unbalanced-transaction"));
  // MySQL: writes outside a block are no require-transaction finding there
  const writes = "UPDATE a SET x = 1 WHERE id = 1;\nUPDATE b SET y = 2 WHERE id = 2;\n";
  assert.ok(lint("scratch/setup2.sql", writes).includes("require-transaction"));
  assert.equal(lint("scratch/mysql/setup2.sql", writes), []);
});

test("a file the config's assumeInTransaction matches is a migration: migration rules report there, not elsewhere", () => {
  const config = new Config({ assumeInTransaction: ["scratch/db/**"] }, root, "test", builtin);
  const sql = "CREATE INDEX orders_customer_idx ON orders (customer_id);\n";
  const ids = (file: string) => lintText(sql, config, { filePath: `${root}/scratch/${file}` }).messages.map((m) => m.ruleId);
  assert.ok(ids("db/0001_orders_index.sql").includes("require-concurrent-index"));
  assert.equal(ids("scripts/orders_index.sql").filter((id) => id === "require-concurrent-index"), []);
});

test.run();

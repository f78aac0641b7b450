/**
 * SQL in code, as query libraries send it: their placeholders (knex, Sequelize, db-migrate,
 * MikroORM, pg-promise, node-pg-migrate) read as values or names where the library rewrites them,
 * the default sinks of migrations written in code, strings that open with a comment, strings of
 * several statements, interpolated names, and code migrations linted with their tool's transaction.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Config } from "../src/engine/config.js";
import { lintText } from "../src/lint/lint-text.js";
import { extractCode, type CodeProject, type CodeSql } from "../src/extract/embedded.js";
import { Statement } from "../src/sql/document.js";
import { brief, lint, root, tempDir } from "./helpers.js";
import { builtin } from "../rules/index.js";

const test = suite("embedded SQL: query libraries");

const noProject: CodeProject = { runModel: () => null, depends: () => false };

function extracted(code: string, project: CodeProject = noProject, file = "src/db.ts"): CodeSql {
  return extractCode(code, file, { project });
}

/** For each SQL string read: `library: text` and whether every statement parsed. */
function reads(code: string, project?: CodeProject): string[] {
  return extracted(code, project).parts.map((p) => {
    const statements = [...p.doc.events()].filter((e): e is Statement => e instanceof Statement);
    const bad = statements.filter((s) => !s.parsed).length;
    return `${p.library ?? "-"}: ${p.doc.sql.trim()}${bad ? ` (${bad} of ${statements.length} not parsed)` : ""}`;
  });
}

function skipped(code: string, project?: CodeProject): string[] {
  const c = extracted(code, project);
  return c.skipped.map((s) => `${s.reason}: ${code.slice(s.start, s.end)}`);
}

function findings(code: string, file = "src/db.ts"): string[] {
  return brief(lint(code, { filePath: file }).messages);
}

// --- placeholders --------------------------------------------------------------------------------

test("knex: ? is a value, ?? a name, \\? the jsonb operator; :name and :name: with an object", () => {
  const code = [
    'import knex from "knex";',
    'await knex.raw("update ?? set a = ? where id = ?", ["t", 1, 2]);',
    'await knex.raw("delete from ?? where ?? = ??", ["t", "a", "b"]);',
    'await knex.raw("select * from t where data \\\\? ? and x = ?", ["k", 1]);',
    'await knex.raw("update t set a = :a where b::int = :b and c = :col:", { a: 1, b: 2, col: "c" });',
    'await knex.schema.raw("alter table t add column c int");',
  ].join("\n");
  assert.equal(reads(code), [
    "knex: update ?? set a = ? where id = ?",
    "knex: delete from ?? where ?? = ??",
    "knex: select * from t where data \\? ? and x = ?",
    "knex: update t set a = :a where b::int = :b and c = :col:",
    "-: alter table t add column c int",
  ]);
  // `?? = ??` compares two names, not a thing with itself; a finding maps to the exact column
  assert.equal(findings(code), []);
  assert.equal(findings('import knex from "knex";\nawait knex.raw("update ?? set a = ?", ["t", 1]);'), [
    "2:17-2:26 require-where UPDATE without WHERE changes every row of ??",
  ]);
});

test("knex's placeholders only where knex sends the text: plain pg keeps ? as the jsonb operator", () => {
  assert.equal(reads("await pool.query(\"select * from t where data ? 'k' and tags ?| array['a'] and x::text = 'y'\");"), [
    "-: select * from t where data ? 'k' and tags ?| array['a'] and x::text = 'y'",
  ]);
  // `raw` is knex's only where knex is in play: imported, the migration tool, or a dependency
  assert.equal(skipped("await db.raw('select 1 from t where id = ?', [1]);"), ["fragment: 'select 1 from t where id = ?'"]);
  assert.equal(reads("await db.raw('select 1 from t where id = ?', [1]);", { runModel: () => null, depends: (p) => p === "knex" }), [
    "knex: select 1 from t where id = ?",
  ]);
  // a file that imports another client does not lean on the project's dependencies
  assert.equal(skipped("import { sql } from 'drizzle-orm';\nawait sql.raw('id = ?');", { runModel: () => null, depends: (p) => p === "knex" }), [
    "fragment: 'id = ?'",
  ]);
});

test("Sequelize: replacements and bind parameters only when the call passes them; casts and slices stay", () => {
  const code = [
    'await sequelize.query("UPDATE t SET a = :a WHERE id = :id AND b::text = \'x\'", { replacements: { a: 1, id: 2 } });',
    'await sequelize.query("UPDATE t SET a = ? WHERE id IN (?)", { replacements: [1, [2, 3]] });',
    'await sequelize.query("UPDATE t SET a = $a WHERE id = $id", { bind: { a: 1, id: 2 } });',
    "await queryInterface.sequelize.query(\"SELECT * FROM t WHERE data ? 'k' AND arr[1:2] = '{}'\");",
  ].join("\n");
  assert.equal(reads(code), [
    "Sequelize: UPDATE t SET a = :a WHERE id = :id AND b::text = 'x'",
    "Sequelize: UPDATE t SET a = ? WHERE id IN (?)",
    "Sequelize: UPDATE t SET a = $a WHERE id = $id",
    "-: SELECT * FROM t WHERE data ? 'k' AND arr[1:2] = '{}'",
  ]);
  // a replacement name not passed is left alone (and so is not read as one)
  assert.equal(skipped('await sequelize.query("SELECT :other", { replacements: { a: 1 } });'), ['fragment: "SELECT :other"']);
});

test("Sequelize on any receiver: one named for it, or a call that passes replacements", () => {
  const code = [
    'await this.sequelizeReadOnly.query("DELETE FROM t WHERE id = :id", { replacements: { id: 1 } });',
    'await db.query("UPDATE t SET a = ? WHERE id = ?", { replacements: [1, 2], type: "UPDATE" });',
    'import { Sequelize } from "sequelize";',
    'await conn.query("DELETE FROM t WHERE id = $id", { bind: { id: 1 } });',
  ].join("\n");
  assert.equal(reads(code), [
    "Sequelize: DELETE FROM t WHERE id = :id",
    "Sequelize: UPDATE t SET a = ? WHERE id = ?",
    "Sequelize: DELETE FROM t WHERE id = $id",
  ]);
  // `{ bind }` alone is no sign of Sequelize where nothing else says so: the text goes as written
  assert.equal(skipped('await conn.query("DELETE FROM t WHERE id = $id", { bind: { id: 1 } });'), [
    'fragment: "DELETE FROM t WHERE id = $id"',
  ]);
});

test("db-migrate: ? is a value when runSql is given values, the jsonb operator when not", () => {
  const code = [
    "exports.up = function (db, cb) {",
    "  db.runSql('UPDATE flags SET enabled = ? WHERE name = ?', [true, 'x'], cb);",
    "  db.runSql(\"SELECT * FROM flags WHERE meta ? 'k'\", cb);",
    "};",
  ].join("\n");
  assert.equal(reads(code), ["db-migrate: UPDATE flags SET enabled = ? WHERE name = ?", "-: SELECT * FROM flags WHERE meta ? 'k'"]);
});

test("pg-promise: its five variable syntaxes and modifiers, only when values are passed", () => {
  const code = [
    'import pgp from "pg-promise";',
    "await db.none('UPDATE ${table:name} SET name = ${name} WHERE id = $(id) AND k = $<k> AND l = $[l] AND m = $/m/', { table: 't', name: 'a', id: 1, k: 2, l: 3, m: 4 });",
    "await db.none('DELETE FROM $1~ WHERE a = $2 AND b IN ($3:csv)', ['t', 1, [2, 3]]);",
    "await db.any('SELECT ${cols:raw} FROM t WHERE x = ${x^}', { cols: 'a, b', x: 1 });",
  ].join("\n");
  assert.equal(reads(code), [
    "pg-promise: UPDATE ${table:name} SET name = ${name} WHERE id = $(id) AND k = $<k> AND l = $[l] AND m = $/m/",
    "pg-promise: DELETE FROM $1~ WHERE a = $2 AND b IN ($3:csv)",
    "pg-promise: SELECT ${cols:raw} FROM t WHERE x = ${x^}",
  ]);
  // raw text that ends up a clause (`DELETE FROM t ${where:raw}`) is a fragment, as `${where}` is
  assert.equal(skipped("import pgp from 'pg-promise';\nawait db.none('DELETE FROM t $<where:raw>', { where: '' });"), [
    "fragment: 'DELETE FROM t $<where:raw>'",
  ]);
  // without values pg-promise sends the text as written
  assert.equal(skipped("import pgp from 'pg-promise';\nawait db.none('DELETE FROM t WHERE id = ${id}');"), ["fragment: 'DELETE FROM t WHERE id = ${id}'"]);
});

test("MikroORM and node-pg-migrate: this.addSql's ? and ??, pgm.sql's {name}", () => {
  const code = [
    'import { Migration } from "@mikro-orm/migrations";',
    "export class Migration1 extends Migration {",
    "  async up() {",
    "    this.addSql('update ?? set a = ? where id = 1', ['t', 2]);",
    "  }",
    "}",
    "exports.up = (pgm) => {",
    "  pgm.sql('UPDATE {table} SET a = {value} WHERE id = 1', { table: 't', value: 2 });",
    "};",
  ].join("\n");
  assert.equal(reads(code), ["MikroORM: update ?? set a = ? where id = 1", "node-pg-migrate: UPDATE {table} SET a = {value} WHERE id = 1"]);
});

test("MikroORM's execute: on an entity manager or connection, or given values in a file importing it", () => {
  const code = [
    'import { EntityManager } from "@mikro-orm/postgresql";',
    "await this.manager.execute('update t set a = ? where id = ?', [1, 2]);",
    "await em.getConnection().execute('delete from t where id = ?', [3]);",
    "await store.execute('delete from t where id = ?', [4]);",
  ].join("\n");
  assert.equal(reads(code), [
    "MikroORM: update t set a = ? where id = ?",
    "MikroORM: delete from t where id = ?",
    "MikroORM: delete from t where id = ?",
  ]);
  // without MikroORM in the file or the project, `execute` sends the text as written
  assert.equal(skipped("await this.manager.execute('delete from t where id = ?', [4]);"), ["fragment: 'delete from t where id = ?'"]);
});

// --- sinks, comments, statements ------------------------------------------------------------------

test("default sinks: runSql, addSql, pgm.sql, knex.schema.raw, sequelize.query, queryRunner.query", () => {
  const calls: [string, string][] = [
    ["db.runSql('DELETE FROM t', cb)", "runSql"],
    ["this.addSql('DELETE FROM t')", "addSql"],
    ["pgm.sql('DELETE FROM t')", "pgm.sql"],
    ["knex.schema.raw('DELETE FROM t')", "raw"],
    ["sequelize.query('DELETE FROM t')", "query"],
    ["queryInterface.sequelize.query('DELETE FROM t')", "query"],
    ["queryRunner.query('DELETE FROM t')", "query"],
  ];
  for (const [call, sink] of calls) {
    assert.equal(
      extracted(`await ${call};`).parts.map((p) => `${p.origin} ${p.sink}`),
      [`function ${sink}`],
      call,
    );
  }
  // a lone word handed to one of them is not SQL, nor is a sink's name on its own a reason to read
  assert.equal(extracted("pgm.sql('x');\nawait db.runSql(name, cb);").parts, []);
});

test("a string that opens with a -- or /* */ comment is SQL, in a file with no other hint", () => {
  const code = "exports.up = function (db, cb) {\n  db.runSql(`\n    -- flags get a description\n    /* see #12 */ ALTER TABLE flags ADD COLUMN description text;\n  `, cb);\n};\n";
  assert.equal(reads(code), ["-: -- flags get a description\n    /* see #12 */ ALTER TABLE flags ADD COLUMN description text;"]);
  // a plain literal too (no sink): it is read when it starts with a keyword after its comments
  assert.equal(reads("const q = `-- purge\nDELETE FROM sessions WHERE expires < now()`;\n"), ["-: -- purge\nDELETE FROM sessions WHERE expires < now()"]);
});

test("a string of several statements: one that does not parse hides nothing else", () => {
  const code = "await db.runSql(`\n  UPDATE t SET a = 1;\n  ALTER TABLE t ADD COLUMN IF NOT EXISTS;\n  DELETE FROM sessions;\n`, cb);\n";
  assert.equal(reads(code), ["-: UPDATE t SET a = 1;\n  ALTER TABLE t ADD COLUMN IF NOT EXISTS;\n  DELETE FROM sessions; (1 of 3 not parsed)"]);
  // the others are linted; the broken one is not reported (in code, only nesting limits are)
  assert.equal(findings(code), ["2:3-2:11 require-where UPDATE without WHERE changes every row of t", "4:3-4:23 require-where DELETE without WHERE removes every row of sessions"]);
  // a plain literal (no sink) must still parse whole to be taken for SQL
  assert.equal(reads("const q = 'UPDATE t SET a = 1; SELEC 2';"), []);
});

// --- interpolated names ---------------------------------------------------------------------------

test("an interpolation that qualifies a name, or is a quoted name, reads as a name", () => {
  const code = "await pool.query(sql`update ${table} set a = 1 where ${table}.${fields.id} = 1 and ${schema}.t.x = ${sql.identifier(['y'])}`);";
  assert.equal(
    extracted(code).parts.map((p) => p.doc.sql),
    ['update "${table}" set a = 1 where "${table}"."${fields.id}" = 1 and "${schema}".t.x = "${sql.identifier([\'y\'])}"'],
  );
});

// --- code migrations, with no configuration -------------------------------------------------------

const fixtures = path.join(root, "test/fixtures/migration-tools");
const config = new Config({}, root, "test", builtin);

/** The rules these tests are about: how the tool's transaction is read. */
const TRANSACTION_RULES = new Set(["transaction-incompatible-statement", "require-transaction", "unbalanced-transaction"]);

function migration(rel: string, all = false): string[] {
  const file = path.join(fixtures, rel);
  return lintText(readFileSync(file, "utf8"), config, { filePath: file })
    .messages.filter((m) => all || TRANSACTION_RULES.has(m.ruleId ?? ""))
    .map((m) => `${m.line}:${m.column} ${m.ruleId} ${m.severity === 2 ? "error" : "warn"} ${m.message}${m.help ? ` | ${m.help}` : ""}`);
}

test("TypeORM: CREATE INDEX CONCURRENTLY in its transaction is an error naming TypeORM and its opt-out; transaction = false lifts it", () => {
  assert.equal(migration("typeorm/src/migrations/1714000000000-CreateTickets.ts"), [
    '8:30 transaction-incompatible-statement error CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and here it runs inside the transaction TypeORM opens around the migrations it runs (migrationsTransactionMode "all") | with TypeORM 0.3.20: set transaction = false in that migration and run migrations with migrationsTransactionMode "each" (in the default "all" TypeORM refuses a migration that sets it)',
  ]);
  assert.equal(migration("typeorm/src/migrations/1714100000000-TicketStatusIndex.ts"), []);
  // a code migration is a migration: the migration-safety rules are on there with no configuration
  assert.equal(
    migration("typeorm/src/migrations/1714000000000-CreateTickets.ts", true).map((l) => l.split(" ").slice(0, 2).join(" ")),
    // (the index is built on a table the string before created: no lock to wait for there; the
    // DROP TABLE of line 12 is in down(), which undoes the up: not reported as a drop)
    ["7:58 prefer-bigint-over-int", "7:58 prefer-identity-column", "8:30 transaction-incompatible-statement", "12:30 require-lock-timeout"],
  );
});

test("knex, node-pg-migrate, MikroORM, Sequelize, db-migrate: each tool's transaction and opt-out", () => {
  // knex: `export const config = { transaction: false }`; node-pg-migrate: pgm.noTransaction();
  // MikroORM: isTransactional() returning false; Sequelize: no transaction unless the migration opens one
  for (const rel of [
    "knex/migrations/20240502090000_leads_email_index.js",
    "node-pg-migrate/migrations/1717200000000_samples-unit.js",
    "mikro-orm/src/migrations/Migration20240702120000.ts",
    "sequelize/migrations/20240601000000-create-pages.js",
  ]) {
    assert.equal(migration(rel), [], rel);
  }
  // the same statement inside the tool's transaction is an error that says which
  const dir = tempDir({
    "package.json": JSON.stringify({ dependencies: { "db-migrate": "0.11.14", sequelize: "6.37.8" } }),
    "migrations/20240901000000-flags-index.js": "exports.up = function (db, cb) {\n  db.runSql('CREATE INDEX CONCURRENTLY flags_name_idx ON flags (name)', cb);\n};\n",
    "migrations/20240902000000-pages.js":
      "module.exports = {\n  up: async (queryInterface) => {\n    await queryInterface.sequelize.transaction(async (t) => {\n      await queryInterface.sequelize.query('CREATE INDEX CONCURRENTLY pages_x ON pages (x)', { transaction: t });\n    });\n  },\n};\n",
  });
  const run = (rel: string) => {
    const file = path.join(dir, rel);
    return lintText(readFileSync(file, "utf8"), config, { filePath: file })
      .messages.filter((m) => TRANSACTION_RULES.has(m.ruleId ?? ""))
      .map((m) => `${m.line}:${m.column} ${m.message}`);
  };
  assert.equal(run("migrations/20240901000000-flags-index.js"), [
    "2:14 CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and here it runs inside the transaction db-migrate opens around each migration",
  ]);
  assert.equal(run("migrations/20240902000000-pages.js"), [
    "4:45 CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and here it runs inside the transaction this migration opens",
  ]);
});

test("a Sequelize query handed a transaction runs in it, however the option is written", () => {
  const dir = tempDir({
    "package.json": JSON.stringify({ dependencies: { sequelize: "6.37.8", "sequelize-cli": "6.6.2" } }),
    "migrations/20240903000000-a.ts":
      "module.exports = {\n  up: async (queryInterface: any) => {\n    const t = await queryInterface.sequelize.transaction();\n    await queryInterface.sequelize.query('CREATE INDEX CONCURRENTLY a_x ON a (x)', { 'transaction': t as any });\n    await queryInterface.sequelize.query('CREATE INDEX CONCURRENTLY a_y ON a (y)', { transaction: null });\n    await t.commit();\n  },\n};\n",
  });
  const file = path.join(dir, "migrations/20240903000000-a.ts");
  const lines = lintText(readFileSync(file, "utf8"), config, { filePath: file })
    .messages.filter((m) => TRANSACTION_RULES.has(m.ruleId ?? ""))
    .map((m) => `${m.line}:${m.column} ${m.message}`);
  assert.equal(lines, ["4:43 CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and here it runs inside the transaction this migration opens"]);
});

test("the SQL strings of one migration run in turn: a table one creates is new to the next, up and down apart", () => {
  const dir = tempDir({
    "package.json": JSON.stringify({ dependencies: { typeorm: "0.3.20", pg: "8.11.3", sequelize: "6.37.8" } }),
    "src/migrations/1734786061496-Initial.ts": [
      'import type { MigrationInterface, QueryRunner } from "typeorm";',
      "export class Initial1734786061496 implements MigrationInterface {",
      "  public async up(queryRunner: QueryRunner): Promise<void> {",
      "    await queryRunner.query(`SET lock_timeout = '5s'`);",
      '    await queryRunner.query(`CREATE TABLE "media" ("id" SERIAL NOT NULL, "tmdbId" integer NOT NULL, CONSTRAINT "PK_media" PRIMARY KEY ("id"))`);',
      '    await queryRunner.query(`CREATE INDEX "IDX_media_tmdb" ON "media" ("tmdbId")`);',
      '    await queryRunner.query(`ALTER TABLE "media" ADD CONSTRAINT "FK_media_user" FOREIGN KEY ("userId") REFERENCES "user"("id")`);',
      '    await queryRunner.query(`CREATE INDEX "IDX_user_email" ON "user" ("email")`);',
      "  }",
      "  public async down(queryRunner: QueryRunner): Promise<void> {",
      '    await queryRunner.query(`CREATE INDEX "IDX_media_old" ON "media" ("tmdbId")`);',
      "  }",
      "}",
      "",
    ].join("\n"),
    // Sequelize sends each string on its own, outside a transaction: the table is still new, but a
    // constraint added NOT VALID by one string and validated by the next is not validated in its transaction
    "migrations/20240601000000-pages.js": [
      "module.exports = {",
      "  up: async (queryInterface) => {",
      '    await queryInterface.sequelize.query(`CREATE TABLE pages (id serial PRIMARY KEY, doc_id int)`);',
      '    await queryInterface.sequelize.query(`CREATE INDEX pages_doc ON pages (doc_id)`);',
      '    await queryInterface.sequelize.query(`ALTER TABLE docs ADD CONSTRAINT docs_len CHECK (length(title) < 200) NOT VALID`);',
      '    await queryInterface.sequelize.query(`ALTER TABLE docs VALIDATE CONSTRAINT docs_len`);',
      "  },",
      "};",
      "",
    ].join("\n"),
  });
  const run = (rel: string) => {
    const file = path.join(dir, rel);
    // the lock rules (the column type rules, also on in migrations, are not what this is about)
    return lintText(readFileSync(file, "utf8"), config, { filePath: file })
      .messages.filter((m) => !m.ruleId?.startsWith("prefer-"))
      .map((m) => `${m.line} ${m.ruleId}`);
  };
  // the index and the foreign key on the new table say nothing; the index on "user", an existing
  // table, is reported, and lock_timeout set by the first string holds for the ones after it
  assert.equal(run("src/migrations/1734786061496-Initial.ts"), ["8 require-concurrent-index", "11 require-concurrent-index", "11 require-lock-timeout"]);
  // the two ALTER TABLEs of docs, one string each, are one stretch without lock_timeout: one report
  assert.equal(run("migrations/20240601000000-pages.js"), ["5 require-lock-timeout"]);
  // TypeORM runs the strings of a migration in one transaction: validating there what the string
  // before added NOT VALID holds the lock the NOT VALID was meant to avoid
  writeFileSync(
    path.join(dir, "src/migrations/1734786061497-Check.ts"),
    [
      'import type { MigrationInterface, QueryRunner } from "typeorm";',
      "export class Check1734786061497 implements MigrationInterface {",
      "  public async up(queryRunner: QueryRunner): Promise<void> {",
      "    await queryRunner.query(`SET lock_timeout = '5s'`);",
      "    await queryRunner.query(`ALTER TABLE docs ADD CONSTRAINT docs_len CHECK (length(title) < 200) NOT VALID`);",
      "    await queryRunner.query(`ALTER TABLE docs VALIDATE CONSTRAINT docs_len`);",
      "  }",
      "}",
      "",
    ].join("\n"),
  );
  const file = path.join(dir, "src/migrations/1734786061497-Check.ts");
  assert.equal(
    lintText(readFileSync(file, "utf8"), config, { filePath: file }).messages.map((m) => `${m.line} ${m.ruleId} ${m.message.replace(/:.*/, "")}`),
    ['6 require-not-valid-constraint VALIDATE CONSTRAINT docs_len in the same transaction that added it NOT VALID (the transaction TypeORM opens around the migrations it runs (migrationsTransactionMode "all"))'],
  );
});

test("a migration string of several statements runs as one query: CONCURRENTLY beside another fails there too", () => {
  assert.equal(
    findings("export const config = { transaction: false };\nexports.up = (knex) => knex.raw('SET lock_timeout = 1000; CREATE INDEX CONCURRENTLY i ON t (a)');\n", "migrations/1_x.js").map((l) =>
      l.replace(/^(\S+ \S+).*$/, "$1"),
    ),
    ["2:59-2:95 transaction-incompatible-statement"],
  );
});

test("what a code migration's down runs undoes its up: drops and renames there are not reported", () => {
  const dir = tempDir({
    "package.json": JSON.stringify({ dependencies: { typeorm: "0.3.20", pg: "8.11.3", knex: "3.1.0", "node-pg-migrate": "7.9.1" } }),
    "src/migrations/1734786061500-Tags.ts": [
      'import type { MigrationInterface, QueryRunner } from "typeorm";',
      "export class Tags1734786061500 implements MigrationInterface {",
      "  public async up(queryRunner: QueryRunner): Promise<void> {",
      '    await queryRunner.query(`ALTER TABLE "post" DROP COLUMN "legacy_tags"`);',
      "  }",
      "  public async down(queryRunner: QueryRunner): Promise<void> {",
      '    await queryRunner.query(`DROP TABLE "tag"`);',
      '    await queryRunner.query(`ALTER TABLE "post" RENAME COLUMN "topics" TO "tags"`);',
      "  }",
      "}",
      "",
    ].join("\n"),
    "migrations/20240601000000_tags.js": [
      "exports.up = async function (knex) {",
      "  await knex.raw('DROP TABLE tag_archive');",
      "};",
      "exports.down = async (knex) => {",
      "  await knex.raw('DROP TABLE tag');",
      "};",
      "",
    ].join("\n"),
    "migrations/1717200000000_tags.mjs": [
      "export async function up(pgm) {",
      "  pgm.sql('ALTER TABLE post RENAME TO article');",
      "}",
      "export const down = (pgm) => {",
      "  pgm.sql('ALTER TABLE article RENAME TO post');",
      "};",
      "",
    ].join("\n"),
  });
  const dropsAndRenames = /^no-(drop|rename)-/;
  const run = (rel: string) => {
    const file = path.join(dir, rel);
    return lintText(readFileSync(file, "utf8"), config, { filePath: file })
      .messages.filter((m) => dropsAndRenames.test(m.ruleId ?? ""))
      .map((m) => `${m.line} ${m.ruleId}`);
  };
  // the up's drop is reported; the down's drop and rename are what a down is for
  assert.equal(run("src/migrations/1734786061500-Tags.ts"), ["4 no-drop-column"]);
  assert.equal(run("migrations/20240601000000_tags.js"), ["2 no-drop-table"]);
  assert.equal(run("migrations/1717200000000_tags.mjs"), ["2 no-rename-table"]);
});

test("Sequelize's down: property and db-migrate's exports.down = function are downs too; what a rollback still rewrites is reported", () => {
  // the shapes outline (sequelize-cli) and Unleash (db-migrate) write their migrations in
  const lintIn = (deps: Record<string, string>, rel: string, code: string) => {
    const dir = tempDir({ "package.json": JSON.stringify({ dependencies: deps }), [rel]: code });
    const file = path.join(dir, rel);
    return lintText(code, config, { filePath: file })
      .messages.filter((m) => /^no-(drop|rename)-|^no-column-type-change$/.test(m.ruleId ?? ""))
      .map((m) => `${m.line} ${m.ruleId}`);
  };
  const sequelize = [
    '"use strict";',
    "module.exports = {",
    "  up: async (queryInterface) => {",
    '    await queryInterface.sequelize.query(\'ALTER TABLE shares DROP COLUMN "legacyUrl"\');',
    "  },",
    "  down: async (queryInterface) =>",
    "    queryInterface.sequelize.transaction(async (transaction) => {",
    '      await queryInterface.sequelize.query(\'ALTER TABLE shares ALTER COLUMN "documentId" DROP NOT NULL\', { transaction });',
    "      await queryInterface.sequelize.query('DROP TABLE share_views', { transaction });",
    "    }),",
    "};",
    "",
  ].join("\n");
  // the transaction callback nested in down() is still the down
  assert.equal(lintIn({ sequelize: "6.37.0", "sequelize-cli": "6.6.2", pg: "8.11.3" }, "migrations/20240101000000-shares.js", sequelize), [
    "4 no-drop-column",
  ]);
  const dbMigrate = [
    "exports.up = function (db, callback) {",
    "  db.runSql('ALTER TABLE events RENAME TO audit_events', callback);",
    "};",
    "exports.down = function (db, callback) {",
    "  db.runSql(`",
    "    ALTER TABLE audit_events RENAME TO events;",
    "    ALTER TABLE counters ALTER COLUMN total TYPE integer;",
    "    DROP TABLE audit_archive;",
    "  `, callback);",
    "};",
    "",
  ].join("\n");
  // the rename back and the drop are what the down is for; turning a bigint back into an integer
  // rewrites the live table when the rollback runs, so that is still said
  assert.equal(lintIn({ "db-migrate": "0.11.14", "db-migrate-pg": "1.5.2" }, "migrations/20240101000000-events.js", dbMigrate), [
    "2 no-rename-table",
    "7 no-column-type-change",
  ]);
});

test.run();

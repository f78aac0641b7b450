import { suite } from "uvu";
import * as assert from "uvu/assert";
import { parseDocument, type DocumentOptions, type Statement } from "../src/sql/document.js";
import { isPlaceOf, migrationState, type MigrationState } from "../src/sql/migration-state.js";
import type { DocumentRun } from "../src/run-model/types.js";
import "./helpers.js";

const test = suite("migration state");

/** Feeds every statement, as rules do; returns the state and the statements (DO bodies flattened after their block). */
function feed(sql: string, options: DocumentOptions = {}): { state: MigrationState; stmts: Statement[]; last: Statement } {
  const { doc, statements } = parseDocument(sql, options);
  const state = migrationState(doc);
  const stmts: Statement[] = [];
  for (const s of statements) {
    state.see(s);
    state.see(s); // idempotent
    stmts.push(s, ...(s.nodeType === "DoStmt" ? s.body : []));
  }
  return { state, stmts, last: stmts[stmts.length - 1]! };
}

const t = (name: string, schema: string | null = null) => ({ schema, name });

test("a table created earlier is new; the statement creating it is not after itself", () => {
  const { state, stmts } = feed("CREATE TABLE orders (id bigint);\nCREATE INDEX ON orders (id);");
  assert.is(state.newTable(t("orders"), stmts[0]!), null);
  const at = state.newTable(t("orders"), stmts[1]!);
  assert.ok(at);
  assert.is(at!.sameTransaction, false, "two autocommitted statements");
  assert.is(at!.hasRows, false);
});

test("a fact keeps where its statement stands, not the statement", () => {
  const { state, stmts } = feed("CREATE TABLE orders (id bigint);\nINSERT INTO orders VALUES (1);\nCREATE INDEX ON orders (id);");
  const fact = state.newTable(t("orders"), stmts[2]!)!.fact;
  assert.equal({ ...fact.stmt }, { doc: stmts[0]!.doc, start: stmts[0]!.start, end: stmts[0]!.end });
  assert.is.not(fact.stmt, stmts[0]!);
  assert.ok(isPlaceOf(fact.stmt, stmts[0]!));
  assert.not.ok(isPlaceOf(fact.stmt, stmts[1]!));
  assert.ok(isPlaceOf(fact.loadedBy!, stmts[1]!), "the INSERT that loaded it");
});

test("schemas: qualified names must agree; an unqualified one follows SET search_path", () => {
  const { state, stmts } = feed("CREATE TABLE app.orders (id bigint);\nSELECT 1;\nSET search_path TO billing, public;\nSELECT 2;");
  assert.ok(state.newTable(t("orders", "app"), stmts[1]!));
  assert.is(state.newTable(t("orders", "other"), stmts[1]!), null);
  assert.ok(state.newTable(t("orders"), stmts[1]!), "schema unknown before SET search_path: the name decides");
  const rv = { relname: "orders", relpersistence: "p" };
  assert.ok(state.newTable(rv, stmts[1]!));
  assert.is(state.newTable(rv, stmts[3]!), null, "after SET search_path, orders is billing.orders");
});

test("same transaction: BEGIN … COMMIT, the migration tool's, not across COMMIT", () => {
  const a = feed("BEGIN;\nCREATE TABLE n (a int);\nALTER TABLE n ADD CHECK (a > 0);\nCOMMIT;\nALTER TABLE n ADD CHECK (a < 9);");
  assert.is(a.state.newTable(t("n"), a.stmts[2]!)!.sameTransaction, true);
  assert.is(a.state.newTable(t("n"), a.stmts[4]!)!.sameTransaction, false);
  const b = feed("CREATE TABLE n (a int);\nCREATE INDEX ON n (a);", { assumeInTransaction: true });
  assert.is(b.state.newTable(t("n"), b.last)!.sameTransaction, true);
});

test("ROLLBACK ends the block and undoes it: the table is gone", () => {
  const { state, stmts } = feed("BEGIN;\nCREATE TABLE n (a int);\nSELECT 1;\nROLLBACK;\nCREATE INDEX ON n (a);");
  assert.ok(state.newTable(t("n"), stmts[2]!));
  assert.is(state.newTable(t("n"), stmts[4]!), null);
});

test("ROLLBACK TO SAVEPOINT undoes what came after the savepoint only", () => {
  const { state, last } = feed("BEGIN;\nCREATE TABLE a (x int);\nSAVEPOINT s;\nCREATE TABLE b (x int);\nROLLBACK TO SAVEPOINT s;\nCOMMIT;\nSELECT 1;");
  assert.ok(state.newTable(t("a"), last));
  assert.is(state.newTable(t("b"), last), null);
});

test("DROP and RENAME end the exemption under the old name; RENAME carries it to the new one", () => {
  const { state, stmts } = feed("CREATE TABLE n (a int);\nALTER TABLE n RENAME TO m;\nSELECT 1;\nDROP TABLE m;\nSELECT 2;");
  assert.is(state.newTable(t("n"), stmts[2]!), null);
  assert.ok(state.newTable(t("m"), stmts[2]!));
  assert.ok(state.newTable(t("m"), stmts[3]!), "the DROP itself still sees the table");
  assert.is(state.newTable(t("m"), stmts[4]!), null);
});

test("a DROP finds the names as PostgreSQL folds them: quoted kept, unquoted ASCII lowered, others as written", () => {
  const { state, stmts } = feed('CREATE TABLE "Orders" (a int);\nCREATE TABLE Élan (a int);\nCREATE INDEX Idx ON "Orders" (a);\nDROP TABLE "Orders", ÉLAN;\nDROP INDEX IDX;\nSELECT 1;');
  assert.ok(state.newTable(t("Orders"), stmts[3]!));
  assert.is(state.newTable(t("Orders"), stmts[5]!), null);
  assert.ok(state.newTable(t("Élan"), stmts[3]!), "É is not folded");
  assert.is(state.newTable(t("Élan"), stmts[5]!), null, "ÉLAN folds to Élan");
  assert.ok(state.index(null, "idx", stmts[4]!));
  assert.is(state.index(null, "idx", stmts[5]!), null);
});

test("names read from the text stop where the name does: a letter beyond ASCII sends the statement to the parser", () => {
  const { state, stmts } = feed("CREATE TABLE aÉb (x int);\nINSERT INTO aÉb VALUES (1);\nCREATE TABLE a (x int);\nCREATE INDEX i ON aÉb (x);\nSELECT 1;");
  assert.ok(state.newTable(t("aÉb"), stmts[4]!)!.hasRows, "the INSERT filled aÉb");
  assert.is(state.newTable(t("a"), stmts[4]!)!.hasRows, false, "not a");
  assert.equal(state.index(null, "i", stmts[4]!)?.table, { schema: null, name: "aÉb" });
});

test("rows: INSERT, COPY FROM and CREATE TABLE AS put rows in a new table; a temp table is marked", () => {
  const { state, stmts } = feed(
    "CREATE TABLE n (a int);\nSELECT 1;\nINSERT INTO N VALUES (1);\nCREATE TABLE c AS SELECT 1 AS a;\nCREATE TEMP TABLE tmp (a int);\nSELECT 2;",
  );
  assert.is(state.newTable(t("n"), stmts[1]!)!.hasRows, false);
  assert.is(state.newTable(t("n"), stmts[3]!)!.hasRows, true);
  assert.is(state.newTable(t("c"), stmts[5]!)!.hasRows, true);
  assert.is(state.newTable({ relname: "tmp", relpersistence: "p" }, stmts[5]!)!.fact.temporary, true);
});

test("constraints: NOT VALID, then VALIDATE in the same or a later transaction", () => {
  const { state, stmts } = feed(
    "BEGIN;\nALTER TABLE t ADD CONSTRAINT c CHECK (a IS NOT NULL) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT c;\nCOMMIT;\nALTER TABLE t ALTER a SET NOT NULL;",
  );
  const c = state.constraint(t("t"), "c", stmts[4]!)!;
  assert.is(c.notValid, true);
  assert.is(c.validatedAt, stmts[2]!.start);
  assert.is(c.txId, state.transactionOf(stmts[2]!).id, "validated in the transaction that added it");
  assert.is.not(c.txId, state.transactionOf(stmts[4]!).id);
  assert.is(state.constraint(t("t"), "c", stmts[1]!), null, "not before it is added");
});

test("constraints: VALIDATE of a constraint from an earlier migration is known by name; DROP CONSTRAINT ends it", () => {
  const { state, stmts } = feed("ALTER TABLE t VALIDATE CONSTRAINT t_a_not_null;\nSELECT 1;\nALTER TABLE t DROP CONSTRAINT t_a_not_null;\nSELECT 2;");
  assert.is(state.constraint(t("t"), "t_a_not_null", stmts[1]!)!.contype, "");
  assert.is(state.constraintsOn(t("t"), stmts[3]!).length, 0);
});

test("a rolled-back NOT VALID constraint is gone", () => {
  const { state, last } = feed("BEGIN;\nALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID;\nROLLBACK;\nALTER TABLE t VALIDATE CONSTRAINT c;");
  const c = state.constraint(t("t"), "c", last, last.end)!;
  assert.is(c.contype, "", "only the later VALIDATE is known");
});

test("timeouts: SET, SET LOCAL until the end of the block, RESET, = 0, set_config, ROLLBACK", () => {
  const { state, stmts } = feed(
    [
      "SET lock_timeout = '2s';", // 0
      "SELECT 1;", // 1
      "RESET lock_timeout;", // 2
      "SELECT 2;", // 3
      "BEGIN;", // 4
      "SET LOCAL lock_timeout = '1s';", // 5
      "SELECT 3;", // 6
      "COMMIT;", // 7
      "SELECT 4;", // 8
      "SET lock_timeout TO 0;", // 9
      "SELECT 5;", // 10
      "SELECT set_config('lock_timeout', '3s', false);", // 11
      "SELECT 6;", // 12
      "BEGIN;", // 13
      "SET statement_timeout = '5min';", // 14
      "ROLLBACK;", // 15
      "SELECT 7;", // 16
      "SET LOCAL lock_timeout = '9s';", // 17: outside a block, no effect
      "SELECT 8;", // 18
    ].join("\n"),
  );
  const lock = (i: number) => state.setting("lock_timeout", stmts[i]!);
  assert.is(lock(1)!.value, "2s");
  assert.is(lock(3), null);
  assert.is(lock(6)!.value, "1s");
  assert.is(lock(6)!.local, true);
  assert.is(lock(8), null, "SET LOCAL ended with the block");
  assert.is(lock(10)!.disabled, true);
  assert.is(lock(12)!.value, "3s");
  assert.is(state.setting("statement_timeout", stmts[15]!)!.value, "5min");
  assert.is(state.setting("statement_timeout", stmts[16]!), null, "rolled back");
  assert.is(lock(18)!.value, "3s");
});

test("emptied: TRUNCATE or DELETE without WHERE, in the same transaction, until rows come back", () => {
  const { state, stmts } = feed(
    "BEGIN;\nDELETE FROM resets;\nSELECT 1;\nINSERT INTO resets VALUES (1);\nSELECT 2;\nTRUNCATE a, b;\nCOMMIT;\nSELECT 3;\nDELETE FROM c WHERE id = 1;\nSELECT 4;",
  );
  assert.ok(state.emptiedInTransaction(t("resets"), stmts[2]!));
  assert.is(state.emptiedInTransaction(t("resets"), stmts[4]!), null, "rows were inserted since");
  assert.ok(state.emptiedInTransaction(t("b"), stmts[6]!));
  assert.is(state.emptiedInTransaction(t("b"), stmts[7]!), null, "another transaction");
  assert.is(state.emptiedInTransaction(t("c"), stmts[9]!), null, "a DELETE with WHERE empties nothing");
});

test("names read from the text fold and unquote as the parser does", () => {
  const long = "t".repeat(70);
  const { state, stmts, last } = feed(
    `CREATE TABLE "Orders" (id int);\nCREATE UNLOGGED TABLE IF NOT EXISTS App.Items (id int);\nCREATE TABLE ${long} (id int);\nCREATE UNIQUE INDEX "Orders_Idx" ON ONLY "Orders" (id);\nINSERT INTO "Orders" VALUES (1);\nSELECT 1;`,
  );
  assert.ok(state.newTable(t("Orders"), last));
  assert.is(state.newTable(t("orders"), last), null, "quoted names keep their case");
  assert.ok(state.newTable(t("items", "app"), last));
  assert.is(state.newTable(t("items", "app"), last)!.fact.ifNotExists, true);
  assert.ok(state.newTable(t("t".repeat(63)), last), "PostgreSQL truncates to 63 bytes");
  assert.equal(state.index(null, "Orders_Idx", last)?.table, { schema: null, name: "Orders" });
  assert.is(state.newTable(t("Orders"), stmts[4]!)!.hasRows, false);
  assert.is(state.newTable(t("Orders"), last)!.hasRows, true);
});

test("DO blocks: their statements count, in order; function bodies do not run", () => {
  const { state, stmts } = feed(
    "DO $$ BEGIN CREATE TABLE n (a int); CREATE INDEX n_a ON n (a); END $$;\nCREATE FUNCTION f() RETURNS void LANGUAGE sql AS $$ CREATE TABLE g (a int) $$;\nSELECT 1;",
  );
  const [, create, index] = stmts;
  assert.is(state.newTable(t("n"), create!), null);
  assert.ok(state.newTable(t("n"), index!));
  assert.is(state.newTable(t("g"), stmts[stmts.length - 1]!), null);
  assert.ok(state.index(null, "n_a", stmts[stmts.length - 1]!));
});

test("SQL in code: several statements in one string run as one implicit transaction", () => {
  const { state, stmts } = feed("CREATE TABLE n (a int); CREATE INDEX ON n (a);", { kind: "embedded" });
  assert.is(state.transactionOf(stmts[1]!).kind, "implicit");
  assert.is(state.newTable(t("n"), stmts[1]!)!.sameTransaction, true);
});

/** How Prisma Migrate sends a migration: the whole file as one query string. */
const sentWhole: DocumentRun = {
  mode: "implicit",
  tool: "prisma",
  toolName: "Prisma Migrate",
  transactionName: "the implicit transaction of the query",
  refusedHelp: "",
  unit: "migration",
  optOut: null,
  refused: "fails",
  apart: [],
  source: "detected",
  role: "up",
};

test("a migration its tool sends as one query string is one implicit transaction, up to a transaction command", () => {
  const { state, stmts } = feed("CREATE TABLE n (a int);\nCREATE INDEX ON n (a);\nCOMMIT;\nALTER TABLE n ADD CHECK (a > 0);\nALTER TABLE n ADD CHECK (a < 9);", { run: sentWhole });
  assert.is(state.transactionOf(stmts[0]!).kind, "implicit");
  assert.is(state.newTable(t("n"), stmts[1]!)!.sameTransaction, true, "a script, not only SQL in code");
  assert.is(state.transactionOf(stmts[2]!).kind, "none", "COMMIT itself");
  assert.is(state.newTable(t("n"), stmts[3]!)!.sameTransaction, false, "after COMMIT: the next implicit transaction");
  assert.is(state.transactionOf(stmts[3]!).id, state.transactionOf(stmts[4]!).id);
  assert.is(state.transactionOf(stmts[3]!).kind, "implicit");
});

test("SET LOCAL lasts to the end of an implicit transaction", () => {
  const { state, stmts } = feed("SET LOCAL lock_timeout = '2s';\nALTER TABLE a ADD COLUMN b int;\nCOMMIT;\nALTER TABLE a ADD COLUMN c int;", { run: sentWhole });
  assert.is(state.setting("lock_timeout", stmts[1]!)?.value, "2s");
  assert.is(state.setting("lock_timeout", stmts[3]!), null);
});

test.run();

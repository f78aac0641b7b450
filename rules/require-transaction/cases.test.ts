import { suite } from "uvu";
import * as assert from "uvu/assert";
import { applyFixes } from "../../src/lint/lint-text.js";
import { runRule } from "../../test/document-runner.js";
import { lint } from "../../test/helpers.js";
import { ruleTester } from "../../test/rule-tester.js";

const SEVERAL = /^(\d+) writes run outside a transaction block: a failure part-way leaves up to (\d+) of them applied, with no way to roll them back$/;

ruleTester("require-transaction", {
  valid: [
    { name: "one write is atomic on its own (dataFixes is off by default)", code: "UPDATE orders SET is_deleted = true WHERE id IN (1, 2, 3);" },
    "SELECT * FROM orders;\nSELECT count(*) FROM customers;",
    "BEGIN;\nINSERT INTO a VALUES (1);\nINSERT INTO a VALUES (2);\nCOMMIT;",
    { name: "ROLLBACK ends a protected block too", code: "BEGIN;\nDELETE FROM a WHERE id = 1;\nUPDATE b SET x = 1 WHERE id = 2;\nROLLBACK;" },
    { name: "START TRANSACTION … END", code: "START TRANSACTION;\nINSERT INTO a VALUES (1);\nINSERT INTO a VALUES (2);\nEND;" },
    { name: "savepoints inside the block", code: "BEGIN;\nINSERT INTO a VALUES (1);\nSAVEPOINT s;\nINSERT INTO a VALUES (2);\nRELEASE SAVEPOINT s;\nCOMMIT;" },
    { name: "COMMIT AND CHAIN keeps writes in a block", code: "BEGIN;\nINSERT INTO a VALUES (1);\nCOMMIT AND CHAIN;\nINSERT INTO a VALUES (2);\nCOMMIT;" },
    { name: "the migration tool wraps the file (config)", code: "CREATE TABLE a (id int);\nINSERT INTO a VALUES (1);", assumeInTransaction: true },
    { name: "the migration tool wraps the file (directive)", code: "-- sqlguard-assume-in-transaction\nCREATE TABLE a (id int);\nINSERT INTO a VALUES (1);" },
    { name: "a migration marked to run outside a transaction", code: "-- sqlguard-no-transaction\nCREATE TABLE a (id int);\nINSERT INTO a VALUES (1);" },
    {
      name: "statements PostgreSQL refuses in a block are not counted",
      code: "CREATE INDEX CONCURRENTLY a_x ON a (x);\nCREATE INDEX CONCURRENTLY a_y ON a (y);\nVACUUM ANALYZE a;",
    },
    { name: "a DO block is one statement, whatever it does inside", code: "DO $$\nBEGIN\n  UPDATE a SET x = 1 WHERE id = 1;\n  DELETE FROM b WHERE id = 2;\nEND $$;" },
    { name: "minWrites", code: "INSERT INTO a VALUES (1);\nINSERT INTO a VALUES (2);", options: { minWrites: 3 } },
    { name: "SET, SHOW, EXPLAIN are not writes", code: "SET search_path = app;\nEXPLAIN DELETE FROM a;\nSHOW work_mem;\nINSERT INTO a VALUES (1);" },
  ],
  invalid: [
    {
      code: "INSERT INTO a VALUES (1);\nINSERT INTO a VALUES (2);",
      errors: [
        {
          messageId: "several",
          message: "2 writes run outside a transaction block: a failure part-way leaves up to 1 of them applied, with no way to roll them back",
          line: 1,
          column: 1,
          endLine: 1,
          endColumn: 25,
          severity: 2,
          help: /^wrap the writes in BEGIN; … COMMIT;/,
        },
      ],
    },
    {
      name: "DDL counts: a migration run by hand",
      code: "CREATE TABLE users (id bigint);\nALTER TABLE orders ADD COLUMN user_id bigint;\nUPDATE orders SET user_id = 1 WHERE user_id IS NULL;\nCREATE INDEX orders_user_id ON orders (user_id);",
      errors: [{ message: "4 writes run outside a transaction block: a failure part-way leaves up to 3 of them applied, with no way to roll them back", line: 1, column: 1, endColumn: 31 }],
    },
    {
      name: "writes after the block is committed",
      code: "BEGIN;\nINSERT INTO a VALUES (1);\nCOMMIT;\nINSERT INTO a VALUES (2);\nDELETE FROM b WHERE id = 3;",
      errors: [{ message: SEVERAL, line: 4, column: 1 }],
    },
    {
      name: "writes after a ROLLBACK are unprotected again",
      code: "BEGIN;\nSELECT 1;\nROLLBACK;\nTRUNCATE staging;\nINSERT INTO staging SELECT * FROM src;",
      errors: [{ message: SEVERAL, line: 4, column: 1, endColumn: 17 }],
    },
    {
      name: "writes before the BEGIN",
      code: "UPDATE a SET x = 1 WHERE id = 1;\nDELETE FROM b WHERE id = 1;\nBEGIN;\nINSERT INTO c VALUES (1);\nCOMMIT;",
      errors: [{ message: SEVERAL, line: 1, column: 1 }],
    },
    {
      name: "MERGE, COPY FROM and psql's \\copy are writes",
      code: "MERGE INTO stock s USING d ON s.id = d.id WHEN MATCHED THEN DELETE;\nCOPY t FROM '/tmp/t.csv';\n\\copy t from 'local.csv' csv\n",
      errors: [{ message: /^3 writes/, line: 1, column: 1 }],
    },
    {
      name: "COPY … FROM stdin",
      code: "CREATE TABLE t (a int);\nCOPY t (a) FROM stdin;\n1\n2\n\\.\n",
      errors: [{ message: /^2 writes/, line: 1, column: 1 }],
    },
    { name: "minWrites 1", code: "DELETE FROM a WHERE id = 1;", options: { minWrites: 1 }, errors: [{ message: /^1 writes/, line: 1, column: 1 }] },
    {
      name: "dataFixes: a lone UPDATE in a data-fix script",
      code: "-- fix the three corrupted orders\nUPDATE orders\nSET is_deleted = true\nWHERE id IN (1, 2, 3);",
      options: { dataFixes: true },
      errors: [
        {
          messageId: "lone",
          message: "UPDATE runs outside a transaction block: with BEGIN first you could check how many rows it touched and ROLLBACK if that is wrong",
          line: 2,
          column: 1,
          endLine: 4,
          endColumn: 22,
          help: "run it as BEGIN; … (check the row count) … COMMIT; or ROLLBACK;",
        },
      ],
    },
    {
      name: "positions after multi-byte text",
      code: "SELECT '😀';\nINSERT INTO \"Bestellungen_ü\" VALUES (1);\nINSERT INTO \"Bestellungen_ü\" VALUES (2);",
      errors: [{ message: SEVERAL, line: 2, column: 1, endColumn: 40 }],
    },
  ],
});

const test = suite("require-transaction: suggestion and SQL in code");

test("suggests wrapping the writes in BEGIN; … COMMIT; when the script has no transaction control", () => {
  const sql = "SET search_path = app;\nINSERT INTO a VALUES (1);\nINSERT INTO a VALUES (2)\n";
  const m = lint(sql).messages.find((x) => x.ruleId === "require-transaction")!;
  assert.is(m.severity, 1, "a warning by default");
  assert.is(m.fix, undefined);
  assert.equal(m.related?.map((r) => `${r.line}:${r.column} ${r.message}`), ["3:1 write 2 of 2 (INSERT), also outside a transaction"]);
  const s = m.suggestions![0]!;
  assert.is(s.desc, "Wrap the writes in BEGIN; … COMMIT;");
  const fixed = applyFixes(sql, [s.fix]);
  assert.is(fixed, "SET search_path = app;\nBEGIN;\nINSERT INTO a VALUES (1);\nINSERT INTO a VALUES (2);\nCOMMIT;\n");
  assert.equal(lint(fixed).messages, []);
  // the file's own line breaks, CR-only too
  const cr = "INSERT INTO a VALUES (1);\rINSERT INTO a VALUES (2);\r";
  const crFix = lint(cr).messages.find((x) => x.ruleId === "require-transaction")!.suggestions![0]!.fix;
  assert.is(applyFixes(cr, [crFix]), "BEGIN;\rINSERT INTO a VALUES (1);\rINSERT INTO a VALUES (2);\rCOMMIT;\r");
  const withBlock = lint("BEGIN; INSERT INTO a VALUES (1); COMMIT;\nINSERT INTO a VALUES (2);\nINSERT INTO a VALUES (3);").messages[0]!;
  assert.is(withBlock.suggestions, undefined, "no blind wrapping where the script already manages transactions");
});

test("SQL in code: one statement per string is normal; one string of several is one implicit transaction", () => {
  const embedded = { kind: "embedded" as const };
  assert.equal(runRule("require-transaction", "UPDATE orders SET paid = true WHERE id = $1", embedded), []);
  assert.equal(runRule("require-transaction", "UPDATE orders SET paid = true WHERE id = $1", embedded, { minWrites: 1, dataFixes: true }), []);
  assert.equal(runRule("require-transaction", "INSERT INTO a VALUES (1); INSERT INTO b VALUES (2)", embedded), []);
  assert.equal(runRule("require-transaction", "INSERT INTO a VALUES (1); COMMIT; INSERT INTO b VALUES (2); INSERT INTO c VALUES (3)", embedded), [
    "1:1-1:25 3 writes in this string commit in 2 separate transactions: a failure in the last one leaves 1 of them applied",
  ]);
  assert.equal(runRule("require-transaction", "INSERT INTO a VALUES (1); INSERT INTO b VALUES (2)", { kind: "embedded", assumeInTransaction: true }), []);
});

test.run();

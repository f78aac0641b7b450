import { suite } from "uvu";
import * as assert from "uvu/assert";
import { runRule } from "../../test/document-runner.js";
import { applyFixes } from "../../src/lint/lint-text.js";
import { lint } from "../../test/helpers.js";
import { ruleTester } from "../../test/rule-tester.js";

ruleTester("unbalanced-transaction", {
  valid: [
    "BEGIN;\nUPDATE t SET a = 1 WHERE id = 1;\nCOMMIT;",
    "CREATE TABLE users (id bigint);",
    { name: "ROLLBACK closes the block", code: "BEGIN;\nCREATE TABLE users (id bigint);\nROLLBACK;" },
    {
      name: "\\set AUTOCOMMIT off: psql opens a block before each statement run outside one, so COMMIT and ROLLBACK close something (psql.sql)",
      code: "\\set AUTOCOMMIT off\nINSERT INTO t VALUES (1);\nCOMMIT;\nSELECT * FROM t;\nCOMMIT;\nINSERT INTO t VALUES (2);\nROLLBACK;\n\\set AUTOCOMMIT on",
    },
    { name: "END and ABORT close it", code: "BEGIN WORK; SELECT 1; END; START TRANSACTION; SELECT 2; ABORT TRANSACTION;" },
    { name: "one block after another", code: "BEGIN;\nSELECT 1;\nCOMMIT;\nBEGIN;\nSELECT 2;\nCOMMIT;" },
    {
      name: "a BEGIN after ROLLBACK is not nested (squawk reports it)",
      code: "BEGIN;\nINSERT INTO t VALUES (1);\nROLLBACK;\nBEGIN;\nINSERT INTO t VALUES (2);\nCOMMIT;",
    },
    {
      name: "savepoints neither open nor close the block",
      code: "BEGIN;\nSAVEPOINT a;\nDELETE FROM t WHERE id = 1;\nROLLBACK TO SAVEPOINT a;\nRELEASE SAVEPOINT a;\nCOMMIT;",
    },
    { name: "COMMIT AND CHAIN keeps a block open for the final COMMIT", code: "BEGIN;\nINSERT INTO t VALUES (1);\nCOMMIT AND CHAIN;\nINSERT INTO t VALUES (2);\nCOMMIT;" },
    { name: "ROLLBACK AND CHAIN too", code: "BEGIN; INSERT INTO t VALUES (1); ROLLBACK AND CHAIN; INSERT INTO t VALUES (2); COMMIT;" },
    { name: "PREPARE TRANSACTION ends the block", code: "BEGIN;\nINSERT INTO t VALUES (1);\nPREPARE TRANSACTION 'tx1';\nCOMMIT PREPARED 'tx1';" },
    { name: "assumed transaction, no transaction control", code: "CREATE TABLE t (id int);\nINSERT INTO t VALUES (1);", assumeInTransaction: true },
    {
      name: "-- sqlguard-no-transaction: the file manages its own transactions",
      code: "-- sqlguard-no-transaction\nBEGIN;\nSELECT 1;\nCOMMIT;",
      assumeInTransaction: true,
    },
    { name: "transaction control inside a DO body is not top level", code: "DO $$ BEGIN COMMIT; END $$;" },
    { name: "a procedure body is not top level", code: "CREATE PROCEDURE p() LANGUAGE plpgsql AS $$ BEGIN COMMIT; END $$;" },
    { name: "psql meta-commands between", code: "BEGIN;\n\\set x 1\nSELECT :x;\nCOMMIT;" },
  ],
  invalid: [
    {
      name: "\\set AUTOCOMMIT off and no COMMIT: the session's end rolls the work back",
      code: "\\set AUTOCOMMIT off\nUPDATE t SET a = 2 WHERE a = 1;\n",
      errors: [
        {
          messageId: "unclosedImplicit",
          message:
            "with AUTOCOMMIT off, psql opened a transaction before this statement that is never committed: when the script ends, the session closes and everything from here on is rolled back",
          line: 2,
          column: 1,
          related: ["3:1-3:1 the script ends here with the transaction still open"],
        },
      ],
    },
    {
      name: "\\set AUTOCOMMIT on again: a COMMIT after it has nothing to commit",
      code: "\\set AUTOCOMMIT off\nINSERT INTO t VALUES (1);\nROLLBACK;\n\\set AUTOCOMMIT on\nCOMMIT;",
      errors: [{ messageId: "stray", line: 5, column: 1 }],
    },
    {
      code: "BEGIN;\nCREATE TABLE users (id bigint);\n",
      errors: [
        {
          messageId: "unclosed",
          message: "BEGIN opens a transaction that is never closed: its changes are rolled back when the session ends, and until then it holds its locks",
          line: 1,
          column: 1,
          endLine: 1,
          endColumn: 6,
          help: "end the block with COMMIT; (or ROLLBACK; for a dry run)",
        },
      ],
    },
    { name: "BEGIN WORK", code: "BEGIN WORK;\nCREATE TABLE users (id bigint);", errors: [{ messageId: "unclosed", line: 1, column: 1, endColumn: 11 }] },
    {
      name: "START TRANSACTION",
      code: "START TRANSACTION ISOLATION LEVEL SERIALIZABLE;\nCREATE TABLE users (id bigint);",
      errors: [{ message: /^START TRANSACTION opens a transaction that is never closed/, line: 1, column: 1, endColumn: 47 }],
    },
    {
      name: "the last of several blocks is not closed",
      code: "BEGIN;\nCREATE TABLE users (id bigint);\nCOMMIT;\n\nBEGIN;\nCREATE TABLE posts (id bigint);\n",
      errors: [{ messageId: "unclosed", line: 5, column: 1, endColumn: 6 }],
    },
    {
      name: "a block opened again after ROLLBACK",
      code: "BEGIN;\nSELECT 1;\nROLLBACK;\nBEGIN;\nSELECT 2;",
      errors: [{ messageId: "unclosed", line: 4, column: 1 }],
    },
    {
      name: "COMMIT AND CHAIN leaves a block open",
      code: "BEGIN;\nINSERT INTO t VALUES (1);\nCOMMIT AND CHAIN;\nINSERT INTO t VALUES (2);",
      errors: [{ message: /^COMMIT AND CHAIN opens a transaction that is never closed/, line: 3, column: 1, endColumn: 17 }],
    },
    {
      name: "BEGIN inside an open block",
      code: "BEGIN;\nBEGIN;\nSELECT 1;\nCOMMIT;",
      errors: [
        {
          messageId: "nested",
          message:
            "BEGIN inside the transaction block opened by BEGIN on line 1: PostgreSQL ignores it with a warning, so the next COMMIT or ROLLBACK ends the outer block as well",
          line: 2,
          column: 1,
          endColumn: 6,
        },
      ],
    },
    {
      name: "nested, then the second COMMIT has no block",
      code: "START TRANSACTION;\nBEGIN;\nUPDATE t SET a = 1 WHERE id = 2;\nEND;\nEND;",
      errors: [
        { message: /^BEGIN inside the transaction block opened by START TRANSACTION on line 1/, line: 2, column: 1 },
        {
          messageId: "stray",
          message:
            "END with no transaction block open (the last one closed with END on line 4): PostgreSQL only warns, and nothing is committed here — each statement before it already committed on its own",
          line: 5,
          column: 1,
          endColumn: 4,
        },
      ],
    },
    {
      name: "COMMIT repeated",
      code: "BEGIN;\nSELECT 1;\nCOMMIT;\nCOMMIT;",
      errors: [{ messageId: "stray", line: 4, column: 1, endColumn: 7 }],
    },
    {
      name: "ROLLBACK with no BEGIN undoes nothing",
      code: "UPDATE orders SET is_deleted = true WHERE id IN (1, 2, 3);\nROLLBACK;",
      errors: [
        {
          messageId: "strayRollback",
          message: "ROLLBACK with no transaction block open: nothing is undone — each statement before it already committed on its own (is a BEGIN missing?)",
          line: 2,
          column: 1,
          endColumn: 9,
        },
      ],
    },
    { name: "ABORT with no BEGIN", code: "DELETE FROM t WHERE id = 1; ABORT;", errors: [{ messageId: "strayRollback", line: 1, column: 29, endColumn: 34 }] },
    {
      name: "SAVEPOINT and COMMIT AND CHAIN need a block",
      code: "SAVEPOINT a;\nCOMMIT AND CHAIN;",
      errors: [
        { messageId: "strayRefused", message: "SAVEPOINT with no transaction block open: PostgreSQL refuses it (SAVEPOINT can only be used in transaction blocks)", line: 1, column: 1, endColumn: 12 },
        { messageId: "strayRefused", message: /^COMMIT AND CHAIN with no transaction block open/, line: 2, column: 1 },
      ],
    },
    {
      name: "assumed transaction: COMMIT ends the tool's transaction",
      code: "SELECT 1;\nCOMMIT;",
      assumeInTransaction: true,
      errors: [
        {
          messageId: "endsAssumed",
          message:
            "COMMIT commits the migration tool's transaction (config assumeInTransaction) part-way: the statements before it are committed on their own, and the rest runs without a transaction",
          line: 2,
          column: 1,
          endColumn: 7,
          help: "leave transaction control to the runner, or mark the file -- sqlguard-no-transaction if it must manage its own transactions",
        },
      ],
    },
    {
      name: "assumed transaction: ROLLBACK undoes it",
      code: "SELECT 1;\n-- Not sure why rollback would be used in a migration\nROLLBACK;",
      assumeInTransaction: true,
      errors: [{ messageId: "rollbackAssumed", line: 3, column: 1, endColumn: 9 }],
    },
    {
      name: "assumed transaction: BEGIN … COMMIT is nesting",
      code: "BEGIN;\nSELECT 1;\nCOMMIT;",
      assumeInTransaction: true,
      errors: [
        {
          messageId: "nestedAssumed",
          message:
            "BEGIN inside the migration tool's transaction (config assumeInTransaction): PostgreSQL ignores it with a warning, and the COMMIT meant for it ends the outer transaction early",
          line: 1,
          column: 1,
        },
        { messageId: "endsAssumed", line: 3, column: 1 },
      ],
    },
    {
      name: "assumed by the file directive",
      code: "-- sqlguard-assume-in-transaction\nBEGIN;\nBEGIN;\nSELECT 1;\nCOMMIT;",
      errors: [
        { message: /^BEGIN inside the migration tool's transaction \(-- sqlguard-assume-in-transaction\)/, line: 2, column: 1 },
        { messageId: "nestedAssumed", line: 3, column: 1 },
        { messageId: "endsAssumed", line: 5, column: 1 },
      ],
    },
    {
      name: "assumed transaction: COMMIT AND CHAIN commits part of it",
      code: "INSERT INTO t VALUES (1);\nCOMMIT AND CHAIN;\nINSERT INTO t VALUES (2);",
      assumeInTransaction: true,
      errors: [
        {
          message: "COMMIT AND CHAIN commits the migration tool's transaction (config assumeInTransaction) part-way: the statements before it are committed on their own",
          line: 2,
          column: 1,
        },
      ],
    },
    {
      name: "the COMMIT … BEGIN trick in a wrapped file is reported once, at the COMMIT",
      code: "COMMIT;\nCREATE INDEX CONCURRENTLY i ON t (a);\nBEGIN;",
      assumeInTransaction: true,
      errors: [{ messageId: "endsAssumed", line: 1, column: 1 }],
    },
    {
      name: "positions after multi-byte text",
      code: "SELECT 'naïve 😀';\nBEGIN;\nINSERT INTO t VALUES ('ü');",
      errors: [{ messageId: "unclosed", line: 2, column: 1, endColumn: 6 }],
    },
  ],
});

const test = suite("unbalanced-transaction: suggestions and SQL in code");

const fixed = (sql: string, which: number) => {
  const m = lint(sql).messages.find((x) => x.ruleId === "unbalanced-transaction");
  assert.ok(m?.suggestions, "has suggestions");
  assert.is(m!.fix, undefined, "a suggestion, never an automatic fix");
  const s = m!.suggestions![which]!;
  return { desc: s.desc, text: applyFixes(sql, [s.fix]) };
};

test("suggests COMMIT; (or ROLLBACK;) at the end, keeping the file's line breaks", () => {
  // a statement psql sent with \g is terminated: COMMIT goes after the \g, not before it
  assert.equal(fixed("BEGIN;\nSELECT 1\n\\g\n", 0), { desc: "Add COMMIT; at the end of the script", text: "BEGIN;\nSELECT 1\n\\g\nCOMMIT;\n" });
  assert.equal(fixed("BEGIN;\nCREATE TABLE users (id bigint);\n", 0), {
    desc: "Add COMMIT; at the end of the script",
    text: "BEGIN;\nCREATE TABLE users (id bigint);\nCOMMIT;\n",
  });
  assert.equal(fixed("BEGIN;\nCREATE TABLE users (id bigint);\n", 1), {
    desc: "Add ROLLBACK; at the end of the script (a dry run)",
    text: "BEGIN;\nCREATE TABLE users (id bigint);\nROLLBACK;\n",
  });
  assert.is(fixed("START TRANSACTION;\nCREATE TABLE posts (id bigint);", 0).text, "START TRANSACTION;\nCREATE TABLE posts (id bigint);\nCOMMIT;\n");
  assert.is(fixed("BEGIN;\r\nCREATE TABLE users (id bigint);\r\n", 0).text, "BEGIN;\r\nCREATE TABLE users (id bigint);\r\nCOMMIT;\r\n");
  assert.is(fixed("BEGIN;\rCREATE TABLE users (id bigint);\r", 0).text, "BEGIN;\rCREATE TABLE users (id bigint);\rCOMMIT;\r");
  assert.is(fixed("BEGIN;\nCREATE TABLE users (id bigint)", 0).text, "BEGIN;\nCREATE TABLE users (id bigint);\nCOMMIT;", "ends the last statement first");
  const after = fixed("BEGIN;\nCREATE TABLE users (id bigint);\n-- done\n", 0).text;
  assert.is(lint(after).messages.filter((m) => m.ruleId === "unbalanced-transaction").length, 0, "the suggestion fixes it");
});

test("SQL in code: a block may span strings, so only what is wrong inside one string is reported", () => {
  const embedded = { kind: "embedded" as const };
  assert.equal(runRule("unbalanced-transaction", "BEGIN", embedded), [], "query('BEGIN')");
  assert.equal(runRule("unbalanced-transaction", "COMMIT", embedded), [], "query('COMMIT')");
  assert.equal(runRule("unbalanced-transaction", "ROLLBACK", embedded), []);
  assert.equal(runRule("unbalanced-transaction", "BEGIN; INSERT INTO t VALUES (1);", embedded), []);
  assert.equal(runRule("unbalanced-transaction", "BEGIN; BEGIN; SELECT 1; COMMIT;", embedded), [
    "1:8-1:13 BEGIN inside the transaction block opened by BEGIN earlier in this string: PostgreSQL ignores it with a warning, so the next COMMIT or ROLLBACK ends the outer block as well",
  ]);
  // Inside a code-level transaction (sql.begin, db.transaction…): BEGIN and COMMIT are nesting.
  const wrapped = { kind: "embedded" as const, assumeInTransaction: true };
  assert.equal(runRule("unbalanced-transaction", "COMMIT", wrapped), [
    "1:1-1:7 COMMIT commits the transaction the code opens around this SQL part-way: the statements before it are committed on their own, and the rest runs without a transaction",
  ]);
  assert.equal(runRule("unbalanced-transaction", "BEGIN", wrapped), [
    "1:1-1:6 BEGIN inside the transaction the code opens around this SQL: PostgreSQL ignores it with a warning, and the COMMIT meant for it ends the outer transaction early",
  ]);
  assert.equal(runRule("unbalanced-transaction", "SAVEPOINT a", wrapped), []);
});

test.run();

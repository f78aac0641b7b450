import { suite } from "uvu";
import * as assert from "uvu/assert";
import { parseDocument } from "../../src/sql/document.js";
import { parseSql } from "../../src/sql/parser.js";
import { ruleTester } from "../../test/rule-tester.js";
import { blankLineFix, gapsOf } from "./index.js";

const story = "UPDATE orders\nSET is_deleted = true\n\nWHERE id IN (1, 2, 3);";
const storyMessage = "a client that splits on blank lines would run `UPDATE orders SET is_deleted = true` — every row of orders";
const prisma = [
  "-- CreateTable",
  'CREATE TABLE "DataMigration" (',
  '    "id" TEXT NOT NULL,',
  '    "name" TEXT NOT NULL,',
  '    "completedAt" TIMESTAMP(3),',
  "",
  '    CONSTRAINT "DataMigration_pkey" PRIMARY KEY ("id")',
  ");",
].join("\n");

ruleTester("ambiguous-statement-split", {
  valid: [
    { name: "blank lines between statements", code: "UPDATE orders SET is_deleted = true WHERE id = 1;\n\nDELETE FROM orders WHERE id = 2;\n" },
    { name: "a line holding only a comment is not blank", code: "UPDATE orders\nSET is_deleted = true\n--\nWHERE id IN (1, 2, 3);" },
    { name: "blank line after the last token, before the ;", code: "DELETE FROM orders WHERE id = 2\n\n;" },
    {
      name: "blank lines inside a dollar-quoted function body",
      code: "CREATE FUNCTION purge_test_orders() RETURNS void LANGUAGE plpgsql AS $$\nBEGIN\n  UPDATE orders SET is_deleted = true\n\n  WHERE id IN (1, 2, 3);\nEND\n$$;",
    },
    { name: "blank lines inside a DO block", code: "DO $body$\nBEGIN\n  DELETE FROM orders\n\n  WHERE id = 1;\nEND\n$body$;" },
    {
      name: "blank lines inside a string literal (pgcrypto's PGP armour)",
      code: [
        "SELECT pgp_sym_decrypt(dearmor('",
        "-----BEGIN PGP MESSAGE-----",
        "",
        "ww0EBwMCxf8PTrQBmJdl0jcB0gQBhY5D",
        "=+ooL",
        "-----END PGP MESSAGE-----",
        "'), 'key');",
      ].join("\n"),
    },
    { name: "blank lines inside an E'' string", code: "UPDATE notes SET body = E'first\\n\n\nsecond' WHERE id = 1;" },
    { name: "blank lines inside a quoted identifier", code: 'SELECT 1 AS "two\n\nlines";' },
    { name: "blank lines inside a block comment", code: "UPDATE orders SET is_deleted = true /* only the\n\nbroken ones */ WHERE id IN (1, 2, 3);" },
    { name: "blank lines inside a nested block comment", code: "DELETE FROM orders /* a /* b\n\n*/ c\n\n*/ WHERE id = 1;" },
    { name: "Prisma's blank line before CONSTRAINT … PRIMARY KEY: no part runs", code: prisma },
    { name: "the part before the blank line ends with a comma", code: "SELECT id,\n\n       name\nFROM customers;" },
    { name: "SELECT * with no FROM fails on its own", code: "SELECT *\n\nFROM orders;" },
    { name: "columns with no FROM fail on their own", code: "SELECT o.id, c.name\n\nFROM orders o JOIN customers c ON c.id = o.customer_id;" },
    { name: "UPDATE cut before its FROM names a table it does not know", code: "UPDATE orders o SET total = s.total\n\nFROM order_sums s WHERE o.id = s.order_id;" },
    { name: "INSERT … SELECT * cut before its FROM", code: "INSERT INTO archive SELECT *\n\nFROM orders WHERE closed;" },
    { name: "a part that reads a WITH query the cut left behind fails", code: "WITH RECURSIVE t(i) AS (\n  VALUES (1) UNION ALL SELECT i + 1 FROM t WHERE i < 5\n)\n\nSELECT * FROM t;" },
    {
      name: "a write that reads a WITH query the cut left behind fails",
      code: "WITH moved AS (\n  SELECT id FROM orders WHERE status = 'closed'\n)\n\nINSERT INTO archive SELECT * FROM orders WHERE id IN (SELECT id FROM moved);",
    },
    { name: "the part is the same statement (RESTRICT is the default)", code: "DROP TABLE old_orders\n\nRESTRICT;" },
    {
      name: "a directive on the line before the blank line",
      code: "SELECT id, total FROM orders\n-- sqlguard-disable-next-line ambiguous-statement-split -- run by psql only\n\nWHERE customer_id = 42;",
    },
    { name: "a statement that does not parse is syntax-error's", code: "UPDATE orders SET\n\nWHERE id = 1;", syntaxErrors: true },
    {
      name: "SQL in a code file is sent whole by the driver (not a script document)",
      code: "export const q = sql`UPDATE orders\nSET is_deleted = true\n\nWHERE id = ${id}`;\n",
      filename: "orders.ts",
    },
  ],
  invalid: [
    {
      name: "the story's statement",
      code: story,
      errors: [
        {
          messageId: "write",
          message: storyMessage,
          line: 3,
          column: 1,
          endLine: 3,
          endColumn: 1,
          severity: 2,
          help: "remove the blank line, or run the file as a script",
          related: ["1:1-1:7 the statement starts here"],
        },
      ],
      output: "UPDATE orders\nSET is_deleted = true\nWHERE id IN (1, 2, 3);",
    },
    {
      name: "the story's statement with CRLF line ends",
      code: "UPDATE orders\r\nSET is_deleted = true\r\n\r\nWHERE id IN (1, 2, 3);\r\n",
      errors: [{ message: storyMessage, line: 3, column: 1, endLine: 3, endColumn: 1, severity: 2 }],
      output: "UPDATE orders\r\nSET is_deleted = true\r\nWHERE id IN (1, 2, 3);\r\n",
    },
    {
      name: "a whitespace-only blank line",
      code: "UPDATE orders\nSET is_deleted = true\n  \t\nWHERE id IN (1, 2, 3);",
      errors: [{ message: storyMessage, line: 3, column: 1, endLine: 3, endColumn: 4 }],
      output: "UPDATE orders\nSET is_deleted = true\nWHERE id IN (1, 2, 3);",
    },
    {
      name: "a lone CR blank line",
      code: "UPDATE orders SET is_deleted = true\r\rWHERE id = 1;",
      errors: [{ message: storyMessage, line: 2, column: 1, endLine: 2, endColumn: 1 }],
      output: "UPDATE orders SET is_deleted = true\rWHERE id = 1;",
    },
    {
      name: "a comment after the blank line",
      code: "UPDATE orders\nSET is_deleted = true\n\n-- only the broken ones\nWHERE id IN (1, 2, 3);",
      errors: [{ message: storyMessage, line: 3, column: 1, endLine: 3, endColumn: 1 }],
      output: "UPDATE orders\nSET is_deleted = true\n-- only the broken ones\nWHERE id IN (1, 2, 3);",
    },
    {
      name: "comments are left out of the quote",
      code: "UPDATE orders /* all of them? */ SET is_deleted = true -- soft delete\n\nWHERE id = 1;",
      errors: [{ message: storyMessage, line: 2, column: 1 }],
    },
    {
      name: "DELETE … WHERE cond_a / blank / AND cond_b runs the wider DELETE",
      code: "delete from table_a where cond_a\n\nand cond_b;",
      errors: [
        {
          message: "a client that splits on blank lines would run `delete from table_a where cond_a` — the rows of table_a matching cond_a",
          line: 2,
          column: 1,
          severity: 2,
        },
      ],
      output: "delete from table_a where cond_a\nand cond_b;",
    },
    {
      name: "INSERT … SELECT / blank / WHERE (DBeaver's Smart mode cuts it too)",
      code: "INSERT INTO archive SELECT * FROM orders\n\nWHERE created_at < now() - interval '1 year';",
      errors: [
        {
          message: "a client that splits on blank lines would run `INSERT INTO archive SELECT * FROM orders` — inserts every row of orders into archive",
          line: 2,
          column: 1,
          severity: 2,
        },
      ],
    },
    {
      name: "a SELECT head is a warning",
      code: "SELECT id, total FROM orders\n\nWHERE customer_id = 42;",
      errors: [
        {
          messageId: "read",
          message: "a client that splits on blank lines would run `SELECT id, total FROM orders` on its own — a read-only query, but not the one written here",
          line: 2,
          column: 1,
          severity: 1,
        },
      ],
    },
    {
      name: "consecutive blank lines are one cut, reported once",
      code: "DELETE FROM orders\n\n  \nWHERE id = 1;",
      errors: [{ message: "a client that splits on blank lines would run `DELETE FROM orders` — every row of orders", line: 2, column: 1, endLine: 3, endColumn: 3 }],
      output: "DELETE FROM orders\nWHERE id = 1;",
    },
    {
      name: "one report per blank line; the text up to a later blank line is a statement too",
      code: "DELETE FROM orders\n\nWHERE customer_id = 42\n\nAND status = 'test';",
      errors: [
        { message: "a client that splits on blank lines would run `DELETE FROM orders` — every row of orders", line: 2, column: 1 },
        { message: "a client that splits on blank lines would run `DELETE FROM orders WHERE customer_id = 42` — the rows of orders matching customer_id = 42", line: 4, column: 1 },
      ],
      output: "DELETE FROM orders\nWHERE customer_id = 42\nAND status = 'test';",
    },
    {
      name: "the most dangerous part decides, and the same hazard is not reported twice",
      code: "WITH doomed AS (SELECT id FROM orders WHERE status = 'test')\n\nDELETE FROM orders\n\nWHERE id IN (SELECT id FROM doomed);",
      errors: [{ message: "a client that splits on blank lines would run `DELETE FROM orders` — every row of orders", line: 2, column: 1, related: ["1:1-1:5 the statement starts here"] }],
    },
    {
      name: "a statement inside a BEGIN ATOMIC body runs on its own",
      code: "CREATE FUNCTION close_month() RETURNS void LANGUAGE sql BEGIN ATOMIC\n  INSERT INTO archive SELECT * FROM orders WHERE closed;\n\n  DELETE FROM orders WHERE closed;\nEND;",
      errors: [{ message: "a client that splits on blank lines would run `DELETE FROM orders WHERE closed` — the rows of orders matching closed", line: 3, column: 1, severity: 2 }],
    },
    {
      name: "psql variables are quoted as written",
      code: "UPDATE :schema.orders\nSET is_deleted = true\n\nWHERE id = :id;",
      errors: [{ message: "a client that splits on blank lines would run `UPDATE :schema.orders SET is_deleted = true` — every row of :schema.orders", line: 3, column: 1 }],
    },
    {
      name: "plain EXPLAIN does not run the statement; the part after the blank line does",
      code: "EXPLAIN\n\nDELETE FROM orders WHERE id = 1;",
      errors: [{ message: "a client that splits on blank lines would run `DELETE FROM orders WHERE id = 1` — the rows of orders matching id = 1", line: 2, column: 1, severity: 2 }],
    },
    {
      name: "the same destruction as the whole statement is a warning (require-where reports the statement)",
      code: "DELETE FROM sessions\n\nRETURNING id;",
      errors: [
        {
          messageId: "sameEffect",
          message: "a client that splits on blank lines would run `DELETE FROM sessions` — every row of sessions, as the whole statement does, but without the rest of it",
          line: 2,
          column: 1,
          severity: 1,
        },
      ],
    },
    {
      name: "the same write as the whole statement, only its RETURNING cut off, is a warning",
      code: "UPDATE orders SET status = 'paid' WHERE id = 42\n\nRETURNING *;",
      errors: [
        {
          messageId: "sameEffect",
          message: "a client that splits on blank lines would run `UPDATE orders SET status = 'paid' WHERE id = 42` — the rows of orders matching id = 42, as the whole statement does, but without the rest of it",
          line: 2,
          column: 1,
          severity: 1,
        },
      ],
    },
    {
      name: "a SELECT writes through its WITH: cut before its UNION ALL, it writes what the whole statement writes",
      code: [
        "WITH due AS (SELECT id FROM rate_limit WHERE tenant_id = $1 FOR UPDATE),",
        "refill AS (UPDATE rate_limit rl SET value = 0 FROM due WHERE rl.id = due.id RETURNING rl.*)",
        "SELECT * FROM rate_limit WHERE id NOT IN (SELECT id FROM refill)",
        "",
        "UNION ALL",
        "",
        "SELECT * FROM refill;",
      ].join("\n"),
      errors: [{ messageId: "sameEffect", line: 4, column: 1, severity: 1 }],
    },
    {
      name: "a cut that changes what is written stays an error, RETURNING or not",
      code: "UPDATE orders SET status = 'paid'\n\nWHERE id = 42 RETURNING *;",
      errors: [{ messageId: "write", line: 2, column: 1, severity: 2 }],
    },
    {
      name: "schema change",
      code: "ALTER TABLE orders\n  ADD COLUMN archived boolean\n\n  DEFAULT false;",
      errors: [{ message: "a client that splits on blank lines would run `ALTER TABLE orders ADD COLUMN archived boolean` — alters table orders", line: 3, column: 1, severity: 2 }],
    },
    {
      name: "DROP of fewer tables",
      code: "DROP TABLE orders_backup\n\n, orders_backup_2;",
      errors: [{ message: "a client that splits on blank lines would run `DROP TABLE orders_backup` — drops table orders_backup", line: 2, column: 1, severity: 2 }],
    },
    {
      name: "TRUNCATE of fewer tables",
      code: "TRUNCATE staging_orders\n\n, staging_customers;",
      errors: [{ message: "a client that splits on blank lines would run `TRUNCATE staging_orders` — empties staging_orders", line: 2, column: 1, severity: 2 }],
    },
    {
      name: "CREATE SCHEMA with its elements",
      code: "CREATE SCHEMA billing\n  CREATE TABLE invoices (id int)\n\n  CREATE VIEW open_invoices AS SELECT id FROM invoices;",
      errors: [
        {
          message: "a client that splits on blank lines would run `CREATE SCHEMA billing CREATE TABLE invoices (id int)` — creates schema billing with only 1 of its 2 objects",
          line: 3,
          column: 1,
        },
      ],
    },
    {
      name: "a statement the parser splits out of one lexer item keeps its own positions",
      code: "CREATE FUNCTION begin() RETURNS int LANGUAGE sql AS 'select 1';\n\nUPDATE orders SET is_deleted = true\n\nWHERE id = 1;",
      errors: [{ message: storyMessage, line: 4, column: 1, related: ["3:1-3:7 the statement starts here"] }],
      output: "CREATE FUNCTION begin() RETURNS int LANGUAGE sql AS 'select 1';\n\nUPDATE orders SET is_deleted = true\nWHERE id = 1;",
    },
    {
      name: "reportIncomplete: Prisma's blank line, as a warning",
      code: prisma,
      options: { reportIncomplete: true },
      errors: [
        {
          messageId: "incomplete",
          message: "a client that splits on blank lines would cut this statement here; each part fails on its own, so nothing runs",
          line: 6,
          column: 1,
          severity: 1,
          related: ["2:1-2:7 the statement starts here"],
        },
      ],
      output: prisma.replace(",\n\n", ",\n"),
    },
    {
      name: "reportIncomplete: a part that parses but would fail at once",
      code: "SELECT *\n\nFROM orders;",
      options: { reportIncomplete: true },
      errors: [{ messageId: "incomplete", line: 2, column: 1, severity: 1 }],
    },
    {
      name: "reportIncomplete does not change what complete parts report",
      code: story,
      options: { reportIncomplete: true },
      errors: [{ message: storyMessage, line: 3, column: 1, severity: 2 }],
    },
    {
      name: "a piece that neither reads nor writes (VACUUM cut from VACUUM ANALYZE)",
      code: "VACUUM\n\nANALYZE orders;\n",
      errors: [
        {
          messageId: "other",
          message: "a client that splits on blank lines would run `VACUUM` on its own — not the statement written here",
          line: 2,
          column: 1,
          severity: 1,
        },
      ],
    },
  ],
});

const test = suite("ambiguous-statement-split fix");

test("the fix is refused when the statement without the lines would parse to another AST", () => {
  // The lexer never calls a line holding SQL blank; pretend it did (a lexer bug, or a construct it
  // misreads), to check the guard that keeps such a fix from changing what runs.
  const sql = "DELETE FROM orders\nWHERE id = 1\nAND status = 'test';";
  const stmt = parseDocument(sql).statements[0]!;
  const notBlank = sql.indexOf("AND");
  assert.is(blankLineFix(stmt, gapsOf(sql, [notBlank])), null);
});

test("the fix removes every blank line of the statement in one edit, and keeps the AST", () => {
  const sql = "DELETE FROM orders\n\nWHERE customer_id = 42\n \nAND status = 'test';";
  const stmt = parseDocument(sql).statements[0]!;
  const fix = blankLineFix(stmt, gapsOf(sql, stmt.blankLines))!;
  assert.equal(fix, { start: 19, end: 45, text: "WHERE customer_id = 42\n" });
  const fixed = sql.slice(0, fix.start) + fix.text + sql.slice(fix.end);
  assert.is(fixed, "DELETE FROM orders\nWHERE customer_id = 42\nAND status = 'test';");
  assert.ok(parseSql(fixed).ok);
});

test("gaps: consecutive blank lines (LF, CRLF, lone CR) are one gap", () => {
  assert.equal(gapsOf("a\n\n\nb", [2, 3]), [{ start: 2, end: 3, next: 4 }]);
  assert.equal(gapsOf("a\r\n  \r\n\r\nb", [3, 7]), [{ start: 3, end: 7, next: 9 }]);
  assert.equal(gapsOf("a\r\rb\n\nc", [2, 5]), [
    { start: 2, end: 2, next: 3 },
    { start: 5, end: 5, next: 6 },
  ]);
});

test.run();

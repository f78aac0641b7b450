import { ruleTester } from "../../test/rule-tester.js";

ruleTester("require-concurrent-drop-index", {
  valid: [
    "DROP INDEX CONCURRENTLY IF EXISTS orders_customer_idx;",
    "DROP TABLE IF EXISTS some_table;",
    "DROP TRIGGER IF EXISTS foo ON foo_table;",
    { name: "an index this migration built on a table it created", code: "CREATE TABLE t (a int);\nCREATE INDEX t_a ON t (a);\nDROP INDEX t_a;" },
  ],
  invalid: [
    {
      code: "DROP INDEX orders_customer_idx;",
      errors: [
        {
          messageId: "drop",
          message:
            "DROP INDEX orders_customer_idx without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on its table: it waits for every running query on the table, and every query after it waits too, reads included",
          line: 1,
          column: 1,
          endColumn: 31,
          severity: 2,
          help: "DROP INDEX CONCURRENTLY orders_customer_idx, one index per statement, outside a transaction block",
        },
      ],
    },
    { name: "IF EXISTS does not help", code: "DROP INDEX IF EXISTS app.field_name_idx;", errors: [{ message: /^DROP INDEX app\.field_name_idx without CONCURRENTLY/, line: 1, column: 1 }] },
    { name: "several at once", code: "DROP INDEX idx1, idx2;", errors: [{ message: /^DROP INDEX idx1, idx2 without/, line: 1, column: 1 }] },
    {
      name: "a name that must be quoted is quoted in the help, so the statement can be run as written",
      code: 'DROP INDEX "Poll_urlId_key", public."my index", "user";',
      errors: [{ help: 'DROP INDEX CONCURRENTLY "Poll_urlId_key", public."my index", "user", one index per statement, outside a transaction block', line: 1, column: 1 }],
    },
    { name: "an index built here on an existing table", code: "CREATE INDEX CONCURRENTLY t_a ON t (a);\nDROP INDEX t_a;", errors: [{ messageId: "drop", line: 2, column: 1 }] },
  ],
});

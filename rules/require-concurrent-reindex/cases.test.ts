import { ruleTester } from "../../test/rule-tester.js";

ruleTester("require-concurrent-reindex", {
  valid: [
    "REINDEX TABLE CONCURRENTLY orders;",
    "REINDEX INDEX CONCURRENTLY orders_pkey;",
    "REINDEX (CONCURRENTLY, VERBOSE) TABLE orders;",
    { name: "REINDEX SYSTEM cannot be concurrent", code: "REINDEX SYSTEM shop;" },
    { name: "before PostgreSQL 12 there is no CONCURRENTLY", code: "REINDEX TABLE orders;", settings: { postgresVersion: 11 } },
    { name: "a table created in this migration", code: "CREATE TABLE t (a int);\nREINDEX TABLE t;" },
    { name: "an index built here on a new table", code: "CREATE TABLE t (a int);\nCREATE INDEX t_a ON t (a);\nREINDEX INDEX t_a;" },
  ],
  invalid: [
    {
      code: "REINDEX TABLE orders;",
      errors: [
        {
          messageId: "reindex",
          message:
            "REINDEX TABLE orders without CONCURRENTLY locks out writes to the table and takes an ACCESS EXCLUSIVE lock on each index it rebuilds: queries that would use an index wait until it is rebuilt",
          line: 1,
          column: 1,
          endColumn: 21,
          help: "REINDEX TABLE CONCURRENTLY orders, outside a transaction block",
        },
      ],
    },
    { code: "REINDEX INDEX app.orders_pkey;", errors: [{ message: /^REINDEX INDEX app\.orders_pkey without/, line: 1, column: 1 }] },
    { code: "REINDEX SCHEMA app;", errors: [{ message: /^REINDEX SCHEMA app without/, line: 1, column: 1 }] },
    { code: "REINDEX DATABASE shop;", errors: [{ message: /^REINDEX DATABASE shop without/, line: 1, column: 1 }] },
    { name: "CONCURRENTLY false is a plain REINDEX", code: "REINDEX (CONCURRENTLY false) INDEX i;", errors: [{ messageId: "reindex", line: 1, column: 1 }] },
  ],
});

import { ruleTester } from "../../test/rule-tester.js";

const v19 = { postgresVersion: 19 };

ruleTester("prefer-repack-concurrently", {
  valid: [
    { name: "before PostgreSQL 19 there is no REPACK to suggest", code: "VACUUM FULL orders;\nCLUSTER orders USING orders_pkey;" },
    { name: "a plain VACUUM", code: "VACUUM (ANALYZE) orders;", settings: v19 },
    { name: "FULL false", code: "VACUUM (FULL false) orders;", settings: v19 },
    { name: "VACUUM FREEZE", code: "VACUUM FREEZE orders;", settings: v19 },
    { name: "a table created in this migration", code: "CREATE TABLE t (a int);\nCLUSTER t USING t_pkey;", settings: v19 },
  ],
  invalid: [
    {
      code: "VACUUM FULL orders;",
      settings: v19,
      errors: [
        {
          messageId: "vacuum",
          message: "VACUUM FULL orders rewrites each table under an ACCESS EXCLUSIVE lock: every query on it waits, reads included, until the copy is done",
          line: 1,
          column: 1,
          endColumn: 19,
          severity: 2,
          help: "on PostgreSQL 19 and later, REPACK CONCURRENTLY orders does the same rewrite while reads and writes go on",
        },
      ],
    },
    { code: "VACUUM (FULL) a, b;", settings: v19, errors: [{ message: /^VACUUM FULL a, b rewrites/, line: 1, column: 1 }] },
    { code: "VACUUM FULL;", settings: v19, errors: [{ message: /^VACUUM FULL rewrites each table/, line: 1, column: 1 }] },
    { code: "CLUSTER foo USING foo_idx;", settings: v19, errors: [{ messageId: "cluster", message: /^CLUSTER foo rewrites the table in index order/, line: 1, column: 1 }] },
    { name: "the old syntax", code: "CLUSTER foo_idx ON foo;", settings: v19, errors: [{ messageId: "cluster", line: 1, column: 1 }] },
    { name: "every clustered table", code: "CLUSTER;", settings: v19, errors: [{ message: /^CLUSTER rewrites/, line: 1, column: 1 }] },
  ],
});

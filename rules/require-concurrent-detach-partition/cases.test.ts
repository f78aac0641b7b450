import { ruleTester } from "../../test/rule-tester.js";

ruleTester("require-concurrent-detach-partition", {
  valid: [
    "ALTER TABLE measurements DETACH PARTITION measurements_2020 CONCURRENTLY;",
    { name: "FINALIZE completes an interrupted concurrent detach", code: "ALTER TABLE measurements DETACH PARTITION measurements_2020 FINALIZE;" },
    { name: "before PostgreSQL 14 there is no CONCURRENTLY", code: "ALTER TABLE measurements DETACH PARTITION measurements_2020;", settings: { postgresVersion: 13 } },
    { name: "a partitioned table created in this migration", code: "CREATE TABLE m (d date) PARTITION BY RANGE (d);\nALTER TABLE m DETACH PARTITION m_2020;" },
    "ALTER TABLE measurements ATTACH PARTITION measurements_2021 FOR VALUES FROM ('2021-01-01') TO ('2022-01-01');",
  ],
  invalid: [
    {
      code: "ALTER TABLE measurements DETACH PARTITION measurements_2020;",
      errors: [
        {
          messageId: "detach",
          message:
            "DETACH PARTITION measurements_2020 without CONCURRENTLY holds ACCESS EXCLUSIVE locks on measurements and measurements_2020: every query on the partitioned table waits, reads included",
          line: 1,
          column: 26,
          endColumn: 60,
          help: /DETACH PARTITION … CONCURRENTLY, outside a transaction block \(if it is interrupted, finish it with DETACH PARTITION … FINALIZE\)/,
        },
      ],
    },
    { name: "PostgreSQL 14", code: "ALTER TABLE app.m DETACH PARTITION app.m_2020;", settings: { postgresVersion: 14 }, errors: [{ message: /^DETACH PARTITION app\.m_2020 without CONCURRENTLY holds ACCESS EXCLUSIVE locks on app\.m and app\.m_2020/, line: 1, column: 19 }] },
  ],
});

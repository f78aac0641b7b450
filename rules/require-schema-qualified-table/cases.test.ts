import { ruleTester } from "../../test/rule-tester.js";

ruleTester("require-schema-qualified-table", {
  valid: [
    "CREATE TABLE public.my_table (id bigint);\nALTER TABLE public.my_table ADD COLUMN c int;\nDROP TABLE public.my_table;",
    "CREATE TABLE public.t AS SELECT 1;",
    { name: "temporary tables live in pg_temp", code: "CREATE TEMP TABLE t (id int) ON COMMIT DROP;\nCREATE TEMP TABLE u AS SELECT 1;" },
    { name: "the file sets search_path", code: "SET search_path TO app;\nCREATE TABLE t (id int);\nDROP TABLE u;" },
    { name: "not tables", code: "CREATE MATERIALIZED VIEW mv AS SELECT 1;\nCREATE INDEX i ON t (a);\nCREATE VIEW v AS SELECT 1;" },
  ],
  invalid: [
    {
      code: "CREATE TABLE my_table (id bigint);",
      errors: [
        {
          message: "CREATE TABLE my_table without a schema: it goes into whichever schema comes first in search_path when this runs",
          help: "write the schema (public.my_table), or SET search_path earlier in the file",
          line: 1,
          column: 14,
          endColumn: 22,
        },
      ],
    },
    { name: "CREATE TABLE … AS", code: "CREATE TABLE t AS SELECT 1;", errors: [{ messageId: "created", line: 1, column: 14, endColumn: 15 }] },
    {
      name: "ALTER TABLE, RENAME",
      code: "ALTER TABLE t ADD COLUMN c int;\nALTER TABLE \"T\" RENAME TO u;",
      errors: [
        { message: "ALTER TABLE t without a schema: it is whichever t search_path finds first when this runs", line: 1, column: 13, endColumn: 14 },
        { message: 'ALTER TABLE "T" without a schema: it is whichever "T" search_path finds first when this runs', line: 2, column: 13, endColumn: 16 },
      ],
    },
    { name: "DROP TABLE, only the unqualified name", code: "DROP TABLE a, s.b;", errors: [{ message: /^DROP TABLE a without a schema/, line: 1, column: 12, endColumn: 13 }] },
  ],
});

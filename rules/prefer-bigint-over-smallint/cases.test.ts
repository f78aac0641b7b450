import { ruleTester } from "../../test/rule-tester.js";

const tail = ": a 16-bit integer runs out at 32,767, and making it bigint later rewrites the table and its indexes under an ACCESS EXCLUSIVE lock";

ruleTester("prefer-bigint-over-smallint", {
  valid: [
    "CREATE TABLE t (id bigint PRIMARY KEY, priority smallint, weekday int2);",
    { name: "32-bit keys are the other rule's", code: "CREATE TABLE t (id int PRIMARY KEY, n serial);" },
    { name: "a column of a composite primary key", code: "CREATE TABLE t (shard smallint, seq bigint, PRIMARY KEY (shard, seq));" },
    { name: "pg_catalog.smallserial does not exist: only the bare name is the pseudo-type", code: "CREATE TABLE t (n myschema.smallserial);" },
  ],
  invalid: [
    {
      code: "CREATE TABLE t (\n  id smallserial PRIMARY KEY,\n  role_id int2 REFERENCES roles,\n  rank smallint,\n  ids smallint[],\n  n serial2\n);",
      errors: [
        { message: `column id smallserial is a serial column${tail}`, help: "use bigserial: 6 more bytes a row, and no migration when the values pass 32,767", line: 2, column: 6, endColumn: 17 },
        { message: `column role_id int2 is a foreign key${tail}`, help: /^use bigint:/, line: 3, column: 11, endColumn: 15 },
        { message: `column ids smallint[] is named as an id${tail}`, line: 5, column: 7, endColumn: 17 },
        { message: `column n serial2 is a serial column${tail}`, line: 6, column: 5, endColumn: 12 },
      ],
    },
    { name: "ADD COLUMN", code: "ALTER TABLE t ADD COLUMN parent_id SMALLINT;", errors: [{ message: `column parent_id SMALLINT is named as an id${tail}`, line: 1, column: 36, endColumn: 44 }] },
    { name: "columns: all", code: "CREATE TABLE t (rank smallint);", options: { columns: "all" }, errors: [{ message: `column rank smallint${tail}`, line: 1, column: 22, endColumn: 30 }] },
  ],
});

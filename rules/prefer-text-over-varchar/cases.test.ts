import { ruleTester } from "../../test/rule-tester.js";

const tail =
  ": the limit can only change with ALTER COLUMN … TYPE, which takes an ACCESS EXCLUSIVE lock (blocking reads and writes), and lowering it rewrites the whole table under that lock";

ruleTester("prefer-text-over-varchar", {
  valid: [
    "CREATE TABLE t (name text NOT NULL CHECK (char_length(name) <= 100), note varchar, other character varying);",
    { name: "char(n) is the other rule's", code: "CREATE TABLE t (code char(2));" },
    { name: "a domain or a cast is not a column", code: "CREATE DOMAIN short_text AS varchar(20); SELECT 'x'::varchar(3);" },
  ],
  invalid: [
    {
      code: "CREATE TABLE users (email varchar(255) NOT NULL);",
      errors: [
        {
          message: `column email varchar(255)${tail}`,
          help: "use text, with CHECK (char_length(email) <= n) if the limit matters: a new limit is then a CHECK added NOT VALID and validated while reads and writes go on",
          line: 1,
          column: 27,
          endColumn: 39,
        },
      ],
    },
    {
      name: "every spelling, arrays, pg_catalog",
      code: "CREATE TABLE t (\n  b character varying(255) NOT NULL,\n  c pg_catalog.varchar(10),\n  d VARCHAR(20)[]\n);",
      errors: [
        { message: `column b character varying(255)${tail}`, line: 2, column: 5, endColumn: 27 },
        { message: `column c pg_catalog.varchar(10)${tail}`, line: 3, column: 5, endColumn: 27 },
        { message: `column d VARCHAR(20)[]${tail}`, line: 4, column: 5, endColumn: 18 },
      ],
    },
    { name: "ALTER COLUMN … TYPE", code: "ALTER TABLE t ALTER COLUMN kind TYPE varchar(1000);", errors: [{ message: `column kind varchar(1000)${tail}`, line: 1, column: 38, endColumn: 51 }] },
    {
      name: "ADD COLUMN, a quoted name",
      code: 'ALTER TABLE t ADD COLUMN "Name" varchar(64);',
      errors: [{ message: `column "Name" varchar(64)${tail}`, help: /CHECK \(char_length\("Name"\) <= n\)/, line: 1, column: 33, endColumn: 44 }],
    },
  ],
});

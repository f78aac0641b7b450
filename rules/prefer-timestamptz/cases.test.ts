import { ruleTester } from "../../test/rule-tester.js";

const tail =
  ": timestamp without time zone stores a wall-clock reading, not a moment; comparisons, now() and clients in other time zones then depend on each session's TimeZone";

ruleTester("prefer-timestamptz", {
  valid: [
    "CREATE TABLE t (a timestamptz, b timestamp with time zone, c timestamptz(3), d time, e date, f interval);",
    { name: "pg_catalog.varchar is not a timestamp (squawk reports it here)", code: "CREATE TABLE t (e pg_catalog.varchar(100));" },
    { name: "a type of another schema", code: "CREATE TABLE t (e legacy.timestamp);" },
    { name: "a cast is not a column", code: "SELECT now()::timestamp;" },
  ],
  invalid: [
    {
      code: "CREATE TABLE events (created_at timestamp NOT NULL DEFAULT now());",
      errors: [
        {
          message: `column created_at timestamp${tail}`,
          help: "use timestamptz: it stores an absolute moment and shows it in the session's time zone",
          line: 1,
          column: 33,
          endColumn: 42,
        },
      ],
    },
    {
      name: "every spelling, pg_catalog.timestamp too (squawk misses it)",
      code: "CREATE TABLE t (\n  b timestamp(3) without time zone,\n  c pg_catalog.timestamp,\n  d timestamp[],\n  e TIMESTAMP WITHOUT TIME ZONE NOT NULL\n);",
      errors: [
        { message: `column b timestamp(3) without time zone${tail}`, line: 2, column: 5, endColumn: 35 },
        { message: `column c pg_catalog.timestamp${tail}`, line: 3, column: 5, endColumn: 25 },
        { message: `column d timestamp[]${tail}`, line: 4, column: 5, endColumn: 16 },
        { message: `column e TIMESTAMP WITHOUT TIME ZONE${tail}`, line: 5, column: 5, endColumn: 32 },
      ],
    },
    {
      name: "ALTER COLUMN … TYPE",
      code: "ALTER TABLE t ALTER COLUMN created_at TYPE timestamp USING created_at::timestamp;",
      errors: [{ message: `column created_at timestamp${tail}`, line: 1, column: 44, endColumn: 53 }],
    },
    { name: "ADD COLUMN", code: "ALTER TABLE t ADD COLUMN seen_at timestamp(6);", errors: [{ message: `column seen_at timestamp(6)${tail}`, line: 1, column: 34, endColumn: 46 }] },
  ],
});

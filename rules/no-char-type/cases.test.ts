import { ruleTester } from "../../test/rule-tester.js";

ruleTester("no-char-type", {
  valid: [
    "CREATE TABLE t (code text, name varchar(100), note character varying);",
    { name: '"char" is the one-byte internal type, not character(n)', code: 'CREATE TABLE t (kind "char", other pg_catalog.char);' },
    { name: "nchar varying is varchar", code: "CREATE TABLE t (c nchar varying(3));" },
    { name: "a type of another schema", code: "CREATE TABLE t (c myschema.bpchar);" },
    { name: "not a column: a cast", code: "SELECT 'a'::char(3);" },
    { name: "a composite type is not a table", code: "CREATE TYPE pair AS (a char(2), b char(2));" },
    { name: "a foreign table's columns are not stored here", code: "ALTER FOREIGN TABLE f ADD COLUMN c char(2);" },
  ],
  invalid: [
    {
      code: "CREATE TABLE t (code char(3));",
      errors: [
        {
          message:
            "column code char(3): character(n) pads every value with spaces to its length, ignores trailing spaces when comparing, and is no faster than text in PostgreSQL",
          help: "use text (with CHECK (char_length(code) <= n) if the length matters) or varchar(n)",
          line: 1,
          column: 22,
          endColumn: 29,
        },
      ],
    },
    {
      name: "every spelling: char, character(n), national character, bpchar, arrays",
      code: "CREATE TABLE t (\n  a char,\n  b character(10) NOT NULL,\n  d national character(5)[],\n  e bpchar\n);",
      errors: [
        { message: /^column a char:/, line: 2, column: 5, endColumn: 9 },
        { message: /^column b character\(10\):/, line: 3, column: 5, endColumn: 18 },
        { message: /^column d national character\(5\)\[\]:/, line: 4, column: 5, endColumn: 28 },
        { message: /^column e bpchar:/, line: 5, column: 5, endColumn: 11 },
      ],
    },
    { code: "CREATE TABLE t (c pg_catalog.bpchar(4));", errors: [{ message: /^column c pg_catalog\.bpchar\(4\):/, line: 1, column: 19, endColumn: 39 }] },
    { name: "ADD COLUMN", code: "ALTER TABLE t ADD COLUMN flag CHAR(1) DEFAULT 'N';", errors: [{ message: /^column flag CHAR\(1\):/, line: 1, column: 31, endColumn: 38 }] },
    {
      name: "ALTER COLUMN … TYPE",
      code: "ALTER TABLE t ALTER COLUMN code TYPE character(2) USING code::character(2);",
      errors: [{ message: /^column code character\(2\):/, line: 1, column: 38, endColumn: 50 }],
    },
    { name: "inside a DO block", code: "DO $$ BEGIN CREATE TABLE t (c char(2)); END $$;", errors: [{ line: 1, column: 31, endColumn: 38 }] },
    { name: "SQL in TypeScript", filename: "case.ts", code: "await sql`CREATE TABLE t (c char(2))`;", errors: [{ line: 1, column: 29, endColumn: 36 }] },
  ],
});

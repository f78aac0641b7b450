import { ruleTester } from "../../test/rule-tester.js";

ruleTester("no-domain-constraint", {
  valid: [
    "CREATE DOMAIN email AS text;",
    { name: "a DEFAULT is no constraint", code: "CREATE DOMAIN counter AS int DEFAULT 0;" },
    { name: "NULL is no constraint", code: "CREATE DOMAIN note AS text NULL;" },
  ],
  invalid: [
    {
      code: "CREATE DOMAIN price AS numeric(15,5) CHECK (VALUE > 0);",
      errors: [
        {
          messageId: "constraint",
          message:
            "CREATE DOMAIN price with a CHECK: adding a column of this type to a table rewrites the table, and changing the constraint later checks every column of the domain while writes to those tables wait",
          line: 1,
          column: 1,
          endColumn: 55,
          help: /put the CHECK on the columns that use it/,
        },
      ],
    },
    { code: "CREATE DOMAIN app.code AS text NOT NULL CHECK (VALUE ~ '^[A-Z]+$');", errors: [{ message: /^CREATE DOMAIN app\.code with a CHECK and NOT NULL:/, line: 1, column: 1 }] },
  ],
});

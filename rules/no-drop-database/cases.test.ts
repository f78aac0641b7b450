import { ruleTester } from "../../test/rule-tester.js";

ruleTester("no-drop-database", {
  valid: ["DROP SCHEMA app CASCADE;", "DROP TABLE t;", "CREATE DATABASE app;"],
  invalid: [
    {
      code: "DROP DATABASE app;",
      errors: [
        {
          message: "DROP DATABASE app removes the whole database, every table and every row in it, with no way back: it has no place in a migration",
          help: "drop databases by hand, with a backup taken, never from a migration that runs on every environment",
          line: 1,
          column: 1,
          endColumn: 18,
        },
      ],
    },
    { name: "IF EXISTS, FORCE, a quoted name", code: 'DROP DATABASE IF EXISTS "App" WITH (FORCE);', errors: [{ message: /^DROP DATABASE "App" removes/, line: 1, column: 1, endColumn: 43 }] },
  ],
});

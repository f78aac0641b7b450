import { ruleTester } from "../../test/rule-tester.js";

ruleTester("require-enum-value-position", {
  valid: [
    "ALTER TYPE status ADD VALUE 'archived' AFTER 'done';",
    "ALTER TYPE status ADD VALUE IF NOT EXISTS 'new' BEFORE 'open';",
    { name: "RENAME VALUE", code: "ALTER TYPE status RENAME VALUE 'a' TO 'b';" },
    { name: "the values of a new type are in the order written", code: "CREATE TYPE status AS ENUM ('open', 'done');" },
  ],
  invalid: [
    {
      code: "ALTER TYPE status ADD VALUE 'archived';",
      errors: [
        {
          message:
            "ALTER TYPE status ADD VALUE 'archived' without BEFORE or AFTER puts 'archived' last: ORDER BY, <, > and min()/max() on status follow the order the values were declared in",
          help: "say where it belongs: ADD VALUE 'archived' BEFORE '…' or AFTER '…' (AFTER the current last value when last is meant)",
          line: 1,
          column: 1,
          endColumn: 39,
        },
      ],
    },
    {
      name: "IF NOT EXISTS, a schema, a quoted type name",
      code: "ALTER TYPE app.\"Status\" ADD VALUE IF NOT EXISTS 'archived';",
      errors: [{ message: /^ALTER TYPE app\."Status" ADD VALUE 'archived' without BEFORE or AFTER/, line: 1, column: 1, endColumn: 59 }],
    },
  ],
});

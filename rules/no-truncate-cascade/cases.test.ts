import { ruleTester } from "../../test/rule-tester.js";

ruleTester("no-truncate-cascade", {
  valid: ["TRUNCATE users;", "TRUNCATE users, sessions RESTRICT;", "TRUNCATE TABLE ONLY audit RESTART IDENTITY;", "DELETE FROM users WHERE id = 1;"],
  invalid: [
    {
      code: "TRUNCATE users CASCADE;",
      errors: [
        {
          message:
            "TRUNCATE users CASCADE also empties every table with a foreign key to users, and every table referencing those, none of them named here, each under an ACCESS EXCLUSIVE lock",
          help: "name every table to empty in the TRUNCATE, without CASCADE: PostgreSQL then refuses if another table still references one of them",
          line: 1,
          column: 1,
          endColumn: 23,
        },
      ],
    },
    {
      name: "several tables, ONLY, RESTART IDENTITY",
      code: "TRUNCATE TABLE ONLY a, b.c RESTART IDENTITY CASCADE;",
      errors: [{ message: /^TRUNCATE a, b\.c CASCADE also empties every table with a foreign key to them,/, line: 1, column: 1, endColumn: 52 }],
    },
    { name: "inside a function body", code: "CREATE FUNCTION reset() RETURNS void LANGUAGE sql AS $$ TRUNCATE users CASCADE $$;", errors: [{ line: 1, column: 57, endColumn: 79 }] },
  ],
});

import { ruleTester } from "../../test/rule-tester.js";

const msg = (t: string, c: string) =>
  `DROP NOT NULL on ${t}.${c}: from now on NULLs may be written, and code, reports and other services that read ${c} as never NULL break on the first one`;

ruleTester("no-drop-not-null", {
  valid: [
    { name: "a column added earlier in this migration", code: "ALTER TABLE t ADD COLUMN c int NOT NULL DEFAULT 0;\nALTER TABLE t ALTER COLUMN c DROP NOT NULL;" },
    { name: "a function body runs when the function is called", code: `CREATE FUNCTION f() RETURNS void LANGUAGE sql AS $$ ALTER TABLE t ALTER COLUMN c DROP NOT NULL $$;` },
    { name: "a table created earlier in this migration", code: "CREATE TABLE n (a int NOT NULL);\nALTER TABLE n ALTER COLUMN a DROP NOT NULL;" },
    "ALTER TABLE users ALTER COLUMN email SET NOT NULL;",
    "ALTER TABLE users ALTER COLUMN email DROP DEFAULT;",
    { name: "a domain", code: "ALTER DOMAIN d DROP NOT NULL;" },
  ],
  invalid: [
    {
      code: "ALTER TABLE users ALTER COLUMN email DROP NOT NULL;",
      errors: [
        {
          message: msg("users", "email"),
          help: "first make every reader of email handle NULL and deploy that, then drop the constraint, then deploy the code that writes NULLs; then say so: -- sqlguard-disable-next-line no-drop-not-null -- <why it is safe now>",
          line: 1,
          column: 19,
          endColumn: 51,
        },
      ],
    },
    {
      name: "several commands, COLUMN left out, a quoted name",
      code: 'ALTER TABLE users ALTER email DROP NOT NULL, ALTER COLUMN "Name" DROP NOT NULL;',
      errors: [
        { message: msg("users", "email"), line: 1, column: 19, endColumn: 44 },
        { message: msg("users", '"Name"'), line: 1, column: 46, endColumn: 79 },
      ],
    },
  ],
});

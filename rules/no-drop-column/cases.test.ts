import { ruleTester } from "../../test/rule-tester.js";

const msg = (c: string, t: string) =>
  `DROP COLUMN ${c} of ${t}: code still deployed that selects or writes ${c} fails as soon as this commits (an ORM that lists every column fails even where it never uses it)`;

ruleTester("no-drop-column", {
  valid: [
    { name: "a column added earlier in this migration", code: "ALTER TABLE t ADD COLUMN tmp bigint;\nUPDATE t SET tmp = id;\nALTER TABLE t DROP COLUMN tmp;" },
    { name: "a table renamed in this migration: the rename is reported", code: "ALTER TABLE user_ RENAME TO person;\nALTER TABLE person DROP COLUMN password;" },
    { name: "a function body runs when the function is called", code: `CREATE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC ALTER TABLE t DROP COLUMN c; END;` },
    { name: "a table created earlier in this migration", code: "CREATE TABLE n (a int, b int);\nALTER TABLE n DROP COLUMN b;" },
    { name: "not a table", code: "ALTER FOREIGN TABLE f DROP COLUMN x;\nALTER TYPE comp DROP ATTRIBUTE x;" },
    "ALTER TABLE users DROP CONSTRAINT users_email_key;",
  ],
  invalid: [
    {
      code: "ALTER TABLE users DROP COLUMN legacy_name;",
      errors: [
        {
          message: msg("legacy_name", "users"),
          help: "first deploy code that no longer uses legacy_name (Rails: ignored_columns; Django: remove the field with SeparateDatabaseAndState), then drop it in a later migration; then say so: -- sqlguard-disable-next-line no-drop-column -- <why it is safe now>",
          line: 1,
          column: 19,
          endColumn: 42,
        },
      ],
    },
    {
      name: "several commands: each drop at its clause",
      code: 'ALTER TABLE users\n  ADD COLUMN full_name text,\n  DROP COLUMN IF EXISTS "firstName" CASCADE,\n  DROP last_name;',
      errors: [
        { message: msg('"firstName"', "users"), line: 3, column: 3, endColumn: 44 },
        { message: msg("last_name", "users"), line: 4, column: 3, endColumn: 17 },
      ],
    },
    { name: "ONLY, a schema", code: "ALTER TABLE ONLY public.users DROP COLUMN x;", errors: [{ message: msg("x", "public.users"), line: 1, column: 31, endColumn: 44 }] },
  ],
});

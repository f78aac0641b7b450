import { ruleTester } from "../../test/rule-tester.js";

const pattern = [
  "ALTER TABLE foo ADD CONSTRAINT foo_bar_not_null CHECK (bar IS NOT NULL) NOT VALID;",
  "COMMIT;",
  "BEGIN;",
  "ALTER TABLE foo VALIDATE CONSTRAINT foo_bar_not_null;",
  "COMMIT;",
  "BEGIN;",
  "ALTER TABLE foo ALTER COLUMN bar SET NOT NULL;",
  "ALTER TABLE foo DROP CONSTRAINT foo_bar_not_null;",
  "COMMIT;",
].join("\n");

ruleTester("no-set-not-null-scan", {
  valid: [
    { name: "the validated CHECK pattern (PostgreSQL 12+)", code: `BEGIN;\n${pattern}` },
    { name: "the same on PostgreSQL 12", code: `BEGIN;\n${pattern}`, settings: { postgresVersion: 12 } },
    {
      name: "a CHECK added valid (without NOT VALID) proves it too",
      code: "ALTER TABLE foo ADD CONSTRAINT c CHECK (bar IS NOT NULL AND bar <> '');\nALTER TABLE foo ALTER COLUMN bar SET NOT NULL;",
    },
    {
      name: "VALIDATE of a constraint from an earlier migration, named for the column",
      code: "ALTER TABLE foo VALIDATE CONSTRAINT foo_bar_not_null;\nALTER TABLE foo ALTER COLUMN bar SET NOT NULL;\nALTER TABLE foo DROP CONSTRAINT foo_bar_not_null;",
    },
    {
      name: "PostgreSQL 18: a validated NOT NULL constraint",
      code: "ALTER TABLE foo ADD CONSTRAINT foo_bar_nn NOT NULL bar NOT VALID;\nALTER TABLE foo VALIDATE CONSTRAINT foo_bar_nn;\nALTER TABLE foo ALTER COLUMN bar SET NOT NULL;",
      settings: { postgresVersion: 18 },
    },
    { name: "a table created in this migration", code: "CREATE TABLE foo (bar int);\nALTER TABLE foo ALTER COLUMN bar SET NOT NULL;" },
    { name: "ADD COLUMN … NOT NULL is no-add-required-column's", code: "ALTER TABLE foo ADD COLUMN baz int NOT NULL DEFAULT 0;" },
    { name: "DROP NOT NULL", code: "ALTER TABLE foo ALTER COLUMN bar DROP NOT NULL;" },
  ],
  invalid: [
    {
      code: "ALTER TABLE core_recipe ALTER COLUMN foo SET NOT NULL;",
      errors: [
        {
          messageId: "scan",
          message:
            "SET NOT NULL on foo: PostgreSQL reads every row of core_recipe to check for NULLs while holding an ACCESS EXCLUSIVE lock, so reads and writes wait until the scan is done",
          line: 1,
          column: 25,
          endColumn: 54,
          help: "first ADD CONSTRAINT … CHECK (foo IS NOT NULL) NOT VALID, commit, VALIDATE CONSTRAINT in a later transaction; SET NOT NULL then skips the scan (PostgreSQL 12+)",
        },
      ],
    },
    {
      name: "inside BEGIN … COMMIT (alembic)",
      code: "BEGIN;\nALTER TABLE my_table ALTER COLUMN my_column SET NOT NULL;\nUPDATE my_table SET my_column = 0 WHERE my_column IS NULL;\nCOMMIT;",
      errors: [{ messageId: "scan", line: 2, column: 22 }],
    },
    {
      name: "PostgreSQL 11: the CHECK does not help",
      code: `BEGIN;\n${pattern}`,
      settings: { postgresVersion: 11 },
      errors: [{ messageId: "beforeTwelve", message: /before PostgreSQL 12 nothing lets it skip the scan$/, line: 8, column: 17, help: /keep the CHECK/ }],
    },
    {
      name: "the CHECK is still NOT VALID",
      code: "ALTER TABLE foo ADD CONSTRAINT foo_bar_nn CHECK (bar IS NOT NULL) NOT VALID;\nALTER TABLE foo ALTER COLUMN bar SET NOT NULL;",
      errors: [
        {
          messageId: "notValidated",
          message: /^SET NOT NULL on bar: the CHECK foo_bar_nn that proves it is still NOT VALID here/,
          line: 2,
          column: 17,
          related: ["1:1-1:76 added NOT VALID here"],
        },
      ],
    },
    {
      name: "the validated CHECK is on another column",
      code: "ALTER TABLE foo ADD CONSTRAINT foo_baz_nn CHECK (baz IS NOT NULL) NOT VALID;\nALTER TABLE foo VALIDATE CONSTRAINT foo_baz_nn;\nALTER TABLE foo ALTER COLUMN bar SET NOT NULL;",
      errors: [{ messageId: "scan", line: 3, column: 17 }],
    },
    {
      name: "a CHECK that does not prove IS NOT NULL (an OR)",
      code: "ALTER TABLE foo ADD CONSTRAINT c CHECK (bar IS NOT NULL OR baz > 0);\nALTER TABLE foo ALTER COLUMN bar SET NOT NULL;",
      errors: [{ messageId: "scan", line: 2, column: 17 }],
    },
    {
      name: "a VALIDATE of an unrelated constraint proves nothing",
      code: "ALTER TABLE foo VALIDATE CONSTRAINT foo_owner_fk;\nALTER TABLE foo ALTER COLUMN bar SET NOT NULL;",
      errors: [{ messageId: "scan", line: 2, column: 17 }],
    },
  ],
});

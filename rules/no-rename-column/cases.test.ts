import { ruleTester } from "../../test/rule-tester.js";

ruleTester("no-rename-column", {
  valid: [
    { name: "a column added earlier in this migration (a type change by swap)", code: 'ALTER TABLE "TaskEvent" ADD COLUMN "tmp_start" bigint;\nALTER TABLE "TaskEvent" DROP COLUMN "startTime";\nALTER TABLE "TaskEvent" RENAME COLUMN "tmp_start" TO "startTime";' },
    { name: "columns of a table renamed in this migration: the rename is reported", code: "ALTER TABLE user_ RENAME TO person;\nALTER TABLE person RENAME COLUMN user_id TO person_id;" },
    { name: "a function body runs when the function is called", code: `CREATE FUNCTION f() RETURNS void LANGUAGE sql AS $$ ALTER TABLE t RENAME COLUMN a TO b $$;` },
    { name: "a table created earlier in this migration", code: "CREATE TABLE n (a int);\nALTER TABLE n RENAME COLUMN a TO b;" },
    { name: "a view's column, a constraint, an index", code: "ALTER VIEW v RENAME COLUMN a TO b;\nALTER TABLE t RENAME CONSTRAINT a TO b;\nALTER INDEX i RENAME TO j;" },
  ],
  invalid: [
    {
      code: "ALTER TABLE users RENAME COLUMN name TO full_name;",
      errors: [
        {
          message: "RENAME COLUMN name TO full_name on users: code still deployed uses name and fails from the moment this commits until code using full_name is out everywhere",
          help: "add full_name as a new column, write both (a trigger or the application), backfill, move the readers to full_name, then drop name in a later migration; or keep the column's name and rename it only in the application's mapping",
          line: 1,
          column: 1,
          endColumn: 50,
        },
      ],
    },
    {
      name: "COLUMN left out, a quoted new name",
      code: 'ALTER TABLE users RENAME name TO "fullName";',
      errors: [{ message: /^RENAME COLUMN name TO "fullName" on users:/, line: 1, column: 1, endColumn: 44 }],
    },
  ],
});

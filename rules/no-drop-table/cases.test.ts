import { ruleTester } from "../../test/rule-tester.js";

const msg = (t: string) => `DROP TABLE ${t}: application code still deployed that reads or writes ${t} fails as soon as this commits, and its rows cannot be brought back`;

ruleTester("no-drop-table", {
  valid: [
    { name: "the new name of a table renamed in this migration", code: "ALTER TABLE jobs RENAME TO jobs_legacy;\nCREATE TABLE jobs (id bigint);\nINSERT INTO jobs SELECT id FROM jobs_legacy;\nDROP TABLE jobs_legacy;" },
    { name: "a function body runs when the function is called", code: `CREATE FUNCTION drop_old() RETURNS void LANGUAGE plpgsql AS $$ BEGIN DROP TABLE old_events; END $$;` },
    { name: "a table created earlier in this migration", code: "CREATE TABLE tmp (a int);\nINSERT INTO tmp VALUES (1);\nDROP TABLE tmp;" },
    { name: "a temporary table", code: "CREATE TEMP TABLE s (a int);\nDROP TABLE s;" },
    { name: "created, renamed, dropped", code: "CREATE TABLE a (x int);\nALTER TABLE a RENAME TO b;\nDROP TABLE b;" },
    { name: "DROP … IF EXISTS, then CREATE: the re-runnable way to create it", code: "DROP TABLE IF EXISTS tenant CASCADE;\nCREATE TABLE tenant (id bigint);" },
    { name: "other objects", code: "DROP VIEW v;\nDROP INDEX i;\nDROP MATERIALIZED VIEW m;" },
  ],
  invalid: [
    {
      code: "DROP TABLE orders;",
      errors: [
        {
          message: msg("orders"),
          help: "drop a table only after the code that used it is gone (deployed, not just merged), in a later migration; then say so: -- sqlguard-disable-next-line no-drop-table -- <why it is safe now>",
          line: 1,
          column: 1,
          endColumn: 18,
        },
      ],
    },
    {
      name: "several tables: each at its name",
      code: "DROP TABLE IF EXISTS app.orders, order_items CASCADE;",
      errors: [
        { message: msg("app.orders"), line: 1, column: 22, endColumn: 32 },
        { message: msg("order_items"), line: 1, column: 34, endColumn: 45 },
      ],
    },
    { name: "CREATE TABLE IF NOT EXISTS may have found the table already there", code: "CREATE TABLE IF NOT EXISTS t (a int);\nDROP TABLE t;", errors: [{ message: msg("t"), line: 2, column: 1 }] },
    { name: "dropped, then created again: the old rows are gone", code: "DROP TABLE tenant;\nCREATE TABLE tenant (id bigint);", errors: [{ message: msg("tenant"), line: 1, column: 1 }] },
    { name: "a creation that was rolled back does not count", code: "BEGIN;\nCREATE TABLE n (a int);\nROLLBACK;\nDROP TABLE n;", errors: [{ message: msg("n"), line: 4, column: 1 }] },
    { name: "inside a DO block", code: "DO $$ BEGIN DROP TABLE legacy; END $$;", errors: [{ message: msg("legacy"), line: 1, column: 13, endColumn: 30 }] },
    { name: "SQL in TypeScript", filename: "case.ts", code: 'await sql`DROP TABLE "Sessions"`;', errors: [{ message: msg('"Sessions"'), line: 1, column: 11, endColumn: 32 }] },
  ],
});

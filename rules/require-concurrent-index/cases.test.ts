import { ruleTester } from "../../test/rule-tester.js";

ruleTester("require-concurrent-index", {
  valid: [
    "CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);",
    "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);",
    { name: "a table created in the same block", code: "BEGIN;\nCREATE TABLE core_foo (id serial PRIMARY KEY, tenant_id int);\nCREATE INDEX core_foo_tenant_idx ON core_foo (tenant_id);\nCOMMIT;" },
    { name: "a table created earlier in the migration, no block (squawk issue 349)", code: "CREATE TABLE n (a int8);\nCREATE INDEX n_a ON n (a);" },
    { name: "a table created in the tool's transaction", code: "CREATE TABLE n (a int8);\nCREATE INDEX n_a ON n (a);", assumeInTransaction: true },
    { name: "a table created from a query: still new, no one uses it yet", code: "CREATE TABLE report AS SELECT * FROM orders;\nCREATE INDEX ON report (customer_id);" },
    { name: "a temporary table", code: "CREATE INDEX ON pg_temp.scratch (a);" },
    {
      // the syntax error is reported; once it is corrected the table is new (sqlx's CLI tests)
      name: "a table whose CREATE TABLE PostgreSQL rejects is still the migration's own",
      code: "create table post (id integer primary key, user_id integer references user (id));\ncreate index post_user on post (user_id);",
      syntaxErrors: true,
    },
    { name: "a new table renamed", code: "CREATE TABLE orders_new (LIKE orders);\nALTER TABLE orders_new RENAME TO orders_v2;\nCREATE INDEX ON orders_v2 (id);" },
    { name: "schemas: a qualified new table", code: "CREATE TABLE app.n (a int);\nCREATE INDEX ON app.n (a);" },
    {
      name: "ON ONLY a partitioned table: the parent's index only, no partition built (hatchet's GIN indexes)",
      code: "CREATE INDEX IF NOT EXISTS ix_runs_meta\n    ON ONLY v1_runs_olap USING gin (additional_metadata jsonb_path_ops);",
    },
  ],
  invalid: [
    {
      code: "CREATE INDEX orders_customer_idx ON orders (customer_id);",
      errors: [
        {
          messageId: "index",
          message: "CREATE INDEX without CONCURRENTLY holds a SHARE lock on orders for the whole build: every INSERT, UPDATE and DELETE on it waits until the index is done",
          line: 1,
          column: 1,
          endColumn: 57,
          help: "CREATE INDEX CONCURRENTLY, on its own outside a transaction block (a migration of its own, run without the tool's transaction)",
        },
      ],
    },
    { name: "unnamed, unique", code: "CREATE UNIQUE INDEX ON app.users (lower(email));", errors: [{ message: /^CREATE UNIQUE INDEX without CONCURRENTLY holds a SHARE lock on app\.users/, line: 1, column: 1 }] },
    { name: "another schema's table of the same name is not new", code: "CREATE TABLE a.n (x int);\nCREATE INDEX ON b.n (x);", errors: [{ messageId: "index", line: 2, column: 1 }] },
    {
      name: "a table created in a block that was rolled back",
      code: "BEGIN;\nCREATE TABLE n (a int);\nROLLBACK;\nCREATE INDEX ON n (a);",
      errors: [{ messageId: "index", line: 4, column: 1 }],
    },
    {
      name: "after SET search_path, an unqualified name is in that schema",
      code: "CREATE TABLE public.n (a int);\nSET search_path TO app;\nCREATE INDEX ON n (a);",
      errors: [{ message: /SHARE lock on app\.n /, line: 3, column: 1 }],
    },
    { name: "inside a DO block", code: "DO $$ BEGIN CREATE INDEX i ON t (a); END $$;", errors: [{ messageId: "index", line: 1, column: 13, endColumn: 36 }] },
  ],
});

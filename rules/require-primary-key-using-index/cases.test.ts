import { ruleTester } from "../../test/rule-tester.js";

ruleTester("require-primary-key-using-index", {
  valid: [
    { name: "USING INDEX: the index was built beforehand", code: "ALTER TABLE items ADD CONSTRAINT items_pk PRIMARY KEY USING INDEX items_pk_idx;" },
    { name: "PRIMARY KEY in CREATE TABLE", code: "CREATE TABLE items (id bigint PRIMARY KEY);" },
    { name: "a table created in this migration", code: "CREATE TABLE items (id bigint NOT NULL);\nALTER TABLE items ADD PRIMARY KEY (id);" },
    { name: "a column without PRIMARY KEY", code: "ALTER TABLE items ADD COLUMN code text;" },
  ],
  invalid: [
    {
      code: "ALTER TABLE items ADD PRIMARY KEY (id);",
      errors: [
        {
          messageId: "constraint",
          message:
            "ADD PRIMARY KEY builds its unique index while holding an ACCESS EXCLUSIVE lock on items: reads and writes wait until the whole table is indexed (and its columns checked for NULLs)",
          line: 1,
          column: 19,
          endColumn: 39,
          help: "CREATE UNIQUE INDEX CONCURRENTLY first (outside a transaction), then ADD CONSTRAINT … PRIMARY KEY USING INDEX (a brief lock)",
        },
      ],
    },
    {
      name: "ADD COLUMN … PRIMARY KEY",
      code: "ALTER TABLE a\n  ADD COLUMN b serial PRIMARY KEY;",
      errors: [{ messageId: "column", message: /^ADD COLUMN b … PRIMARY KEY builds a unique index while holding an ACCESS EXCLUSIVE lock on a:/, line: 2, column: 3, endColumn: 34 }],
    },
    {
      name: "after dropping the old key",
      code: "ALTER TABLE items DROP CONSTRAINT items_pkey, ADD CONSTRAINT items_pkey PRIMARY KEY (id, tenant_id);",
      errors: [{ messageId: "constraint", line: 1, column: 47 }],
    },
  ],
});

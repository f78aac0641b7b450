import { ruleTester } from "../../test/rule-tester.js";

ruleTester("require-not-valid-foreign-key", {
  valid: [
    { name: "NOT VALID: no scan", code: "ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;" },
    {
      name: "NOT VALID, commit, VALIDATE later (the same-transaction VALIDATE is require-not-valid-constraint's)",
      code: "ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT fk;",
    },
    { name: "REFERENCES inside CREATE TABLE", code: "CREATE TABLE items (id bigint PRIMARY KEY, order_id bigint REFERENCES orders (id));" },
    {
      name: "a table created in this migration is empty",
      code: "CREATE TABLE emails (id uuid PRIMARY KEY, user_id uuid NOT NULL);\nALTER TABLE emails ADD CONSTRAINT emails_user_fk FOREIGN KEY (user_id) REFERENCES users (id);",
    },
    {
      name: "the same in a transaction the migration tool opens",
      code: "CREATE TABLE emails (id uuid PRIMARY KEY, user_id uuid NOT NULL);\nALTER TABLE emails ADD CONSTRAINT emails_user_fk FOREIGN KEY (user_id) REFERENCES users (id);",
      assumeInTransaction: true,
    },
    { name: "ADD COLUMN … REFERENCES its own table: the lock it holds covers the one it asks for", code: "ALTER TABLE comment ADD COLUMN parent_id bigint REFERENCES comment (id);" },
    {
      name: "ADD COLUMN … REFERENCES a table created in this migration: no one else holds a lock on it",
      code: "CREATE TABLE tag (id bigint PRIMARY KEY);\nALTER TABLE post ADD COLUMN tag_id bigint REFERENCES tag (id);",
    },
    { name: "other constraints are other rules'", code: "ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0);" },
  ],
  invalid: [
    {
      name: "ADD COLUMN … REFERENCES without a default: nothing is checked, but the lock on the referenced table is awaited holding this one",
      code: "ALTER TABLE emails ADD COLUMN user_id int REFERENCES users (id);",
      errors: [
        {
          messageId: "columnLock",
          message:
            "ADD COLUMN user_id … REFERENCES users holds an ACCESS EXCLUSIVE lock on emails while it waits for a SHARE ROW EXCLUSIVE lock on users: behind one long write to users, every query on emails, reads included, waits too (no row is checked: the new column is NULL everywhere)",
          help: /^add the column first; then, in a later transaction, ADD CONSTRAINT … FOREIGN KEY … REFERENCES users NOT VALID/,
          line: 1,
          column: 20,
          severity: 1,
        },
      ],
    },
    {
      name: "one wait per referenced table, however many columns reference it",
      code: "ALTER TABLE report\n  ADD COLUMN creator_id int REFERENCES person (id),\n  ADD COLUMN resolver_id int REFERENCES person (id),\n  ADD COLUMN post_id int REFERENCES post (id);",
      errors: [
        { messageId: "columnLock", message: /^ADD COLUMN creator_id … REFERENCES person/, line: 2, column: 3, severity: 1 },
        { messageId: "columnLock", message: /^ADD COLUMN post_id … REFERENCES post/, line: 4, column: 3, severity: 1 },
      ],
    },
    {
      name: "… DEFAULT NULL is no default",
      code: "ALTER TABLE emails ADD COLUMN user_id int DEFAULT NULL REFERENCES users (id);",
      errors: [{ messageId: "columnLock", line: 1, column: 20, severity: 1 }],
    },
    {
      name: "FOREIGN KEY on an existing table",
      code: "ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);",
      errors: [
        {
          messageId: "constraint",
          message:
            "FOREIGN KEY without NOT VALID: PostgreSQL checks every row of orders against customers while holding SHARE ROW EXCLUSIVE locks on both, so writes to both tables wait until the check is done",
          line: 1,
          column: 20,
          endColumn: 105,
          help: /NOT VALID \(brief lock, no scan\), commit, then VALIDATE CONSTRAINT in a later transaction/,
        },
      ],
    },
    {
      name: "the second action of a multi-action ALTER TABLE, in a block",
      code: "BEGIN;\nALTER TABLE app.email\n  ADD COLUMN user_id int,\n  ADD FOREIGN KEY (user_id) REFERENCES app.users (id);\nCOMMIT;",
      errors: [{ messageId: "constraint", message: /every row of app\.email against app\.users/, line: 4, column: 3, endLine: 4, endColumn: 54 }],
    },
    {
      name: "a new table already filled: the check holds a lock on the referenced table",
      code: "CREATE TABLE emails (id uuid, user_id uuid);\nINSERT INTO emails SELECT id, owner FROM legacy_emails;\nALTER TABLE emails ADD FOREIGN KEY (user_id) REFERENCES users (id);",
      errors: [
        {
          messageId: "loaded",
          message:
            "FOREIGN KEY without NOT VALID on emails, created in this migration but already filled (rows loaded on line 2): checking its rows holds a SHARE ROW EXCLUSIVE lock on users, so writes to users wait until the check is done",
          line: 3,
          column: 20,
        },
      ],
    },
    {
      name: "a new table created from a query",
      code: "CREATE TABLE emails AS SELECT id, owner AS user_id FROM legacy_emails;\nALTER TABLE emails ADD FOREIGN KEY (user_id) REFERENCES users (id);",
      errors: [{ messageId: "loaded", message: /already filled \(created from a query\)/, line: 2, column: 20 }],
    },
    {
      name: "ADD COLUMN … REFERENCES with a default: every row is checked",
      code: "ALTER TABLE emails ADD COLUMN user_id int DEFAULT 1 REFERENCES users (id);",
      errors: [{ messageId: "column", message: /^ADD COLUMN user_id … REFERENCES users with a DEFAULT: every row of emails/, line: 1, column: 20, help: /without the DEFAULT/ }],
    },
    {
      name: "a table dropped and created again is new only from its CREATE",
      code: "ALTER TABLE t ADD FOREIGN KEY (a) REFERENCES u (id);\nDROP TABLE t;\nCREATE TABLE t (a int);\nALTER TABLE t ADD FOREIGN KEY (a) REFERENCES u (id);",
      errors: [{ messageId: "constraint", line: 1, column: 15 }],
    },
  ],
});

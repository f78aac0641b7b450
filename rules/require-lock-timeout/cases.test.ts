import { ruleTester } from "../../test/rule-tester.js";

const withStatement = { statementTimeout: true };

ruleTester("require-lock-timeout", {
  valid: [
    "SET lock_timeout = '5s';\nALTER TABLE t ADD COLUMN c boolean;",
    { name: "names are case-insensitive", code: "SET Lock_Timeout = '1s';\nALTER TABLE t ADD COLUMN c boolean;" },
    { name: "SET LOCAL inside the block", code: "BEGIN;\nSET LOCAL lock_timeout = '2s';\nALTER TABLE t ADD COLUMN c int;\nCOMMIT;" },
    { name: "set_config", code: "SELECT set_config('lock_timeout', '3s', false);\nCREATE INDEX CONCURRENTLY i ON t (a);" },
    { name: "reads and writes take no lock worth a timeout", code: "SELECT 1;\nINSERT INTO t VALUES (1);\nUPDATE t SET a = 1 WHERE id = 2;" },
    { name: "objects no query uses yet: types, functions, new tables", code: "CREATE TYPE mood AS ENUM ('ok');\nCREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'select 1';\nCREATE TABLE n (id bigint);\nCREATE INDEX ON n (id);\nALTER TABLE n ADD COLUMN note text;" },
    { name: "both, with statementTimeout", code: "SET lock_timeout = '5s';\nSET statement_timeout = '10min';\nALTER TABLE t ADD COLUMN c int;", options: withStatement },
  ],
  invalid: [
    {
      code: "ALTER TABLE t ADD COLUMN c boolean;\nSELECT 1;",
      errors: [
        {
          messageId: "lock",
          message:
            "ALTER TABLE on t waits for a lock with no lock_timeout set: stuck behind one long-running transaction, it makes every later query on the table queue behind it, reads included",
          line: 1,
          column: 1,
          endColumn: 35,
          help: /SET lock_timeout = '5s' \(or SET LOCAL inside the transaction\) before it/,
        },
      ],
    },
    {
      name: "once per gap, not once per statement",
      code: "ALTER TABLE a ADD COLUMN c int;\nALTER TABLE b ADD COLUMN c int;\nSET lock_timeout = '1s';\nALTER TABLE c ADD COLUMN c int;\nRESET lock_timeout;\nDROP INDEX i;",
      errors: [
        { messageId: "lock", line: 1, column: 1 },
        { messageId: "lock", message: /^DROP INDEX waits for a lock/, line: 6, column: 1 },
      ],
    },
    { name: "set after the DDL", code: "ALTER TABLE t ADD COLUMN c int;\nSET lock_timeout = '1s';", errors: [{ messageId: "lock", line: 1, column: 1 }] },
    { name: "a custom setting of the same name is not it", code: "SET foo.lock_timeout = '1s';\nALTER TABLE t ADD COLUMN c int;", errors: [{ messageId: "lock", line: 2, column: 1 }] },
    {
      name: "0 means no limit",
      code: "SET lock_timeout = 0;\nCREATE INDEX i ON t (a);",
      errors: [{ message: /^CREATE INDEX on t waits for a lock with no lock_timeout set \(lock_timeout is 0, no limit, since line 1\)/, line: 2, column: 1 }],
    },
    {
      name: "SET LOCAL ends with its block",
      code: "BEGIN;\nSET LOCAL lock_timeout = '1s';\nALTER TABLE t ADD COLUMN a int;\nCOMMIT;\nALTER TABLE t ADD COLUMN b int;",
      errors: [{ messageId: "lock", line: 5, column: 1 }],
    },
    {
      name: "a ROLLBACK undoes the SET",
      code: "BEGIN;\nSET lock_timeout = '1s';\nROLLBACK;\nALTER TABLE t ADD COLUMN b int;",
      errors: [{ messageId: "lock", line: 4, column: 1 }],
    },
    {
      name: "a new table that references an existing one locks it",
      code: "CREATE TABLE n (id bigint, user_id bigint REFERENCES users (id));",
      errors: [{ message: /^CREATE TABLE … REFERENCES on users waits for a lock/, line: 1, column: 1 }],
    },
    {
      name: "a lock that blocks writes",
      code: "CREATE INDEX i ON t (a);",
      errors: [{ messageId: "lockWrites", message: /it makes every later INSERT, UPDATE and DELETE on the table queue behind it$/, line: 1, column: 1 }],
    },
    {
      name: "a lock that blocks only other schema changes: COMMENT ON, VACUUM, CONCURRENTLY",
      code: "COMMENT ON COLUMN t.c IS 'x';",
      errors: [{ messageId: "lockDdl", message: /^COMMENT ON on t waits for a lock .*the migration waits with it \(queries go on; other schema changes on the table queue\)$/, line: 1, column: 1 }],
    },
    { name: "a plain VACUUM", code: "VACUUM (FULL false) t;", errors: [{ messageId: "lockDdl", message: /^VACUUM on t waits/, line: 1, column: 1 }] },
    { name: "LOCK in its mode", code: "BEGIN;\nLOCK TABLE a IN SHARE MODE;\nCOMMIT;", errors: [{ messageId: "lockWrites", line: 2, column: 1 }] },
    {
      name: "statementTimeout: statement_timeout too",
      code: "SET lock_timeout = '1s';\nALTER TABLE t ADD COLUMN c int;",
      options: withStatement,
      errors: [{ messageId: "statement", message: /^ALTER TABLE on t runs with no statement_timeout set/, line: 2, column: 1, help: /SET statement_timeout before it/ }],
    },
    {
      name: "inside a DO block",
      code: "DO $$ BEGIN ALTER TABLE t ADD COLUMN c int; END $$;",
      errors: [{ messageId: "lock", line: 1, column: 13 }],
    },
  ],
});

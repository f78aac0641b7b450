import { suite } from "uvu";
import * as assert from "uvu/assert";
import { runRule } from "../../test/document-runner.js";
import { ruleTester, type InvalidCase } from "../../test/rule-tester.js";

/** Every statement PostgreSQL 18 refuses inside a transaction block, with the name its error gives. */
const REFUSED: [string, string][] = [
  ["CREATE INDEX CONCURRENTLY i ON t (a)", "CREATE INDEX CONCURRENTLY"],
  ["CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a)", "CREATE INDEX CONCURRENTLY"],
  ["DROP INDEX CONCURRENTLY IF EXISTS i", "DROP INDEX CONCURRENTLY"],
  ["REINDEX INDEX CONCURRENTLY i", "REINDEX CONCURRENTLY"],
  ["REINDEX (CONCURRENTLY, VERBOSE) TABLE t", "REINDEX CONCURRENTLY"],
  ["REINDEX SCHEMA app", "REINDEX SCHEMA"],
  ["REINDEX DATABASE shop", "REINDEX DATABASE"],
  ["REINDEX SYSTEM", "REINDEX SYSTEM"],
  ["VACUUM", "VACUUM"],
  ["VACUUM (ANALYZE, VERBOSE) t", "VACUUM"],
  ["CLUSTER", "CLUSTER without a table name"],
  ["CLUSTER VERBOSE", "CLUSTER without a table name"],
  ["DISCARD ALL", "DISCARD ALL"],
  ["ALTER SYSTEM SET work_mem = '64MB'", "ALTER SYSTEM"],
  ["CREATE DATABASE shop", "CREATE DATABASE"],
  ["DROP DATABASE IF EXISTS shop", "DROP DATABASE"],
  ["ALTER DATABASE shop SET TABLESPACE fast", "ALTER DATABASE … SET TABLESPACE"],
  ["CREATE TABLESPACE fast LOCATION '/ssd'", "CREATE TABLESPACE"],
  ["DROP TABLESPACE fast", "DROP TABLESPACE"],
  ["CREATE SUBSCRIPTION s CONNECTION 'host=pub' PUBLICATION p", "CREATE SUBSCRIPTION … WITH (create_slot = true)"],
  ["CREATE SUBSCRIPTION s CONNECTION 'host=pub' PUBLICATION p WITH (connect = false, create_slot = true)", "CREATE SUBSCRIPTION … WITH (create_slot = true)"],
  ["ALTER SUBSCRIPTION s REFRESH PUBLICATION", "ALTER SUBSCRIPTION … REFRESH PUBLICATION"],
  ["ALTER SUBSCRIPTION s SET PUBLICATION p", "ALTER SUBSCRIPTION … SET PUBLICATION with refresh"],
  ["ALTER SUBSCRIPTION s ADD PUBLICATION p WITH (refresh = true)", "ALTER SUBSCRIPTION … ADD PUBLICATION with refresh"],
  ["ALTER SUBSCRIPTION s SET (failover = true)", "ALTER SUBSCRIPTION … SET (failover)"],
  ["ALTER SUBSCRIPTION s SET (two_phase = false)", "ALTER SUBSCRIPTION … SET (two_phase = false)"],
  ["ALTER TABLE measurements DETACH PARTITION m2020 CONCURRENTLY", "ALTER TABLE … DETACH PARTITION … CONCURRENTLY"],
  ["COMMIT PREPARED 'tx1'", "COMMIT PREPARED"],
  ["ROLLBACK PREPARED 'tx1'", "ROLLBACK PREPARED"],
];

const inBlock: InvalidCase[] = REFUSED.map(([sql, command]) => ({
  name: `in a block: ${sql}`,
  code: `BEGIN;\n${sql};\nCOMMIT;`,
  errors: [{ messageId: "inBlock", message: `${command} cannot run inside a transaction block, and here it runs in the block opened by BEGIN on line 1`, line: 2, column: 1, endColumn: sql.length + 1 }],
}));

ruleTester("transaction-incompatible-statement", {
  valid: [
    ...REFUSED.map(([sql]) => ({ name: `outside a block: ${sql}`, code: `${sql};` })),
    "BEGIN;\nCREATE INDEX i ON t (a);\nDROP INDEX j;\nREINDEX TABLE t;\nCOMMIT;",
    "BEGIN;\nANALYZE t;\nCLUSTER t USING t_pkey;\nDISCARD PLANS;\nALTER DATABASE shop SET work_mem = '1MB';\nCOMMIT;",
    "BEGIN; CREATE SUBSCRIPTION s CONNECTION 'host=pub' PUBLICATION p WITH (connect = false); COMMIT;",
    "BEGIN; ALTER SUBSCRIPTION s SET PUBLICATION p WITH (refresh = false); ALTER SUBSCRIPTION s SET (two_phase = true); COMMIT;",
    {
      name: "DROP SUBSCRIPTION once its slot is detached",
      code: "BEGIN;\nALTER SUBSCRIPTION s DISABLE;\nALTER SUBSCRIPTION s SET (slot_name = NONE);\nDROP SUBSCRIPTION s;\nCOMMIT;",
    },
    { name: "ALTER TYPE … ADD VALUE may run in a block since PostgreSQL 12", code: "BEGIN;\nALTER TYPE mood ADD VALUE 'happy';\nCOMMIT;" },
    { name: "ROLLBACK ends the block", code: "BEGIN;\nSELECT 1;\nROLLBACK;\nVACUUM t;" },
    { name: "END ends the block", code: "BEGIN; SELECT 1; END; CREATE INDEX CONCURRENTLY i ON t (a);" },
    { name: "PREPARE TRANSACTION ends the block", code: "BEGIN; INSERT INTO t VALUES (1); PREPARE TRANSACTION 'tx1'; COMMIT PREPARED 'tx1';" },
    { name: "a savepoint does not end it, a later COMMIT does", code: "BEGIN; SAVEPOINT a; RELEASE a; COMMIT; VACUUM;" },
    {
      name: "-- sqlguard-no-transaction: a migration run outside a transaction",
      code: "-- sqlguard-no-transaction\nCREATE INDEX CONCURRENTLY i ON t (a);",
      assumeInTransaction: true,
    },
    {
      name: "a wrapped file that commits first runs the statement outside (squawk agrees)",
      code: "COMMIT;\nCREATE UNIQUE INDEX CONCURRENTLY i ON t (a);\nBEGIN;\nALTER TABLE t ADD CONSTRAINT u UNIQUE USING INDEX i;",
      assumeInTransaction: true,
    },
    "BEGIN;\nLOCK TABLE t IN ACCESS EXCLUSIVE MODE;\nSET LOCAL lock_timeout = '1s';\nSET TRANSACTION ISOLATION LEVEL SERIALIZABLE;\nSET CONSTRAINTS ALL DEFERRED;\nDECLARE c CURSOR FOR SELECT 1;\nCOMMIT;",
    { name: "a wrapped file may LOCK and SET LOCAL", code: "LOCK TABLE t;\nSET LOCAL lock_timeout = '1s';", assumeInTransaction: true },
    { name: "AUTOCOMMIT off: psql opens a block before LOCK", code: "\\set AUTOCOMMIT off\nLOCK TABLE t;\nCOMMIT;" },
    "DECLARE c CURSOR WITH HOLD FOR SELECT 1;",
    "SET lock_timeout = '1s';",
    { name: "value used after its transaction committed", code: "BEGIN;\nALTER TYPE mood ADD VALUE 'happy';\nCOMMIT;\nUPDATE surveys SET mood = 'happy' WHERE id = 1;" },
    {
      name: "enum created in the same transaction may use its new values",
      code: "BEGIN;\nCREATE TYPE mood AS ENUM ('sad');\nALTER TYPE mood ADD VALUE 'happy';\nINSERT INTO surveys (mood) VALUES ('happy');\nCOMMIT;",
    },
    { name: "newEnumValues off", code: "BEGIN;\nALTER TYPE mood ADD VALUE 'happy';\nUPDATE s SET mood = 'happy' WHERE id = 1;\nCOMMIT;", options: { newEnumValues: false } },
    {
      name: "implicitTransaction: a lone statement in a file sent as one query runs outside any transaction",
      code: "-- CreateIndex\nCREATE INDEX CONCURRENTLY \"Run_status_idx\" ON \"Run\" (\"status\");\n",
      assumeInTransaction: true,
      options: { implicitTransaction: true },
    },
    { name: "function bodies are not top level", code: "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN LOCK TABLE t; END $$;" },
  ],
  invalid: [
    ...inBlock,
    {
      name: "squawk's example: CREATE INDEX CONCURRENTLY between BEGIN and COMMIT",
      code: "-- instead of\nBEGIN;\nCREATE INDEX CONCURRENTLY \"field_name_idx\" ON \"table_name\" (\"field_name\");\nCOMMIT;",
      errors: [
        {
          messageId: "inBlock",
          line: 3,
          column: 1,
          endLine: 3,
          endColumn: 74,
          help: "PostgreSQL stops with “CREATE INDEX CONCURRENTLY cannot run inside a transaction block”: run it on its own, outside BEGIN … COMMIT",
        },
      ],
    },
    {
      name: "assumed: even alone, in a file the migration tool wraps",
      code: "-- run index creation in a standalone migration\nCREATE UNIQUE INDEX CONCURRENTLY \"field_name_idx\" ON \"table_name\" (\"field_name\");",
      assumeInTransaction: true,
      errors: [
        {
          messageId: "inAssumed",
          message:
            "CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and here it runs inside the migration tool's transaction (config assumeInTransaction)",
          line: 2,
          column: 1,
          endColumn: 81,
          help: "move it to a migration of its own marked -- sqlguard-no-transaction, and have the runner apply that one outside a transaction",
        },
      ],
    },
    {
      name: "assumed by the file directive",
      code: "/* sqlguard-assume-in-transaction */\nVACUUM ANALYZE t;",
      errors: [{ message: "VACUUM cannot run inside a transaction block, and here it runs inside the migration tool's transaction (-- sqlguard-assume-in-transaction)", line: 2, column: 1, endColumn: 17 }],
    },
    {
      name: "a nested BEGIN in a wrapped file does not leave the tool's transaction",
      code: "BEGIN;\nCREATE DATABASE shop;",
      assumeInTransaction: true,
      errors: [{ messageId: "inAssumed", line: 2, column: 1 }],
    },
    {
      name: "START TRANSACTION, and the block COMMIT AND CHAIN reopens",
      code: "START TRANSACTION;\nVACUUM t;\nCOMMIT AND CHAIN;\nDROP DATABASE shop;\nCOMMIT;",
      errors: [
        { message: /in the block opened by START TRANSACTION on line 1$/, line: 2, column: 1 },
        { message: "DROP DATABASE cannot run inside a transaction block, and here it runs in the block opened by COMMIT AND CHAIN on line 3", line: 4, column: 1 },
      ],
    },
    {
      name: "DROP SUBSCRIPTION with its slot",
      code: "BEGIN;\nDROP SUBSCRIPTION s;\nCOMMIT;",
      errors: [{ message: "DROP SUBSCRIPTION cannot run inside a transaction block while the subscription has a replication slot, and here it runs in the block opened by BEGIN on line 1", line: 2, column: 1 }],
    },
    {
      name: "ALTER TYPE … ADD VALUE for PostgreSQL 11",
      code: "BEGIN;\nALTER TYPE mood ADD VALUE 'happy';\nCOMMIT;",
      options: { postgresVersion: 11 },
      errors: [{ message: /^ALTER TYPE … ADD VALUE cannot run inside a transaction block/, line: 2, column: 1, endColumn: 34 }],
    },
    {
      name: "a new enum value used in the same transaction",
      code: "BEGIN;\nALTER TYPE mood ADD VALUE 'happy';\nUPDATE surveys SET mood = 'happy' WHERE id = 1;\nCOMMIT;",
      errors: [
        {
          messageId: "newEnumValue",
          message:
            "'happy' was added to mood by ALTER TYPE … ADD VALUE on line 2 in this same transaction: PostgreSQL refuses to use it before that transaction commits (unsafe use of new value)",
          line: 3,
          column: 27,
          endColumn: 34,
        },
      ],
    },
    {
      name: "a new enum value used in a wrapped file",
      code: "ALTER TYPE public.\"Status\" ADD VALUE 'ARCHIVED';\nALTER TABLE t ALTER COLUMN s SET DEFAULT 'ARCHIVED';",
      assumeInTransaction: true,
      errors: [{ message: /^'ARCHIVED' was added to public\."Status" by ALTER TYPE/, line: 2, column: 42, endColumn: 52 }],
    },
    {
      name: "implicitTransaction: several statements sent as one query are one implicit transaction",
      code: "CREATE INDEX CONCURRENTLY a ON t (a);\nCREATE INDEX CONCURRENTLY b ON t (b);",
      assumeInTransaction: true,
      options: { implicitTransaction: true },
      errors: [
        {
          messageId: "inImplicitFile",
          message:
            "CREATE INDEX CONCURRENTLY cannot run inside a transaction block: the migration tool sends this file as one query, and PostgreSQL runs several statements sent together as one implicit transaction",
          line: 1,
          column: 1,
        },
        { messageId: "inImplicitFile", line: 2, column: 1 },
      ],
    },
    {
      name: "LOCK and DECLARE need a block (in a script that manages its own transactions)",
      code: "LOCK TABLE t IN SHARE MODE;\nDECLARE c CURSOR FOR SELECT 1;\nBEGIN;\nCOMMIT;",
      errors: [
        { messageId: "needsBlock", message: "LOCK TABLE outside a transaction block: PostgreSQL refuses it (it can only be used in transaction blocks)", line: 1, column: 1, endColumn: 27, severity: 2 },
        { messageId: "needsBlock", message: /^DECLARE CURSOR \(without WITH HOLD\) outside/, line: 2, column: 1, severity: 2 },
      ],
    },
    {
      name: "LOCK in a file with no transaction command at all: a migration tool may wrap it (graphile-worker's 000011.sql), a warning",
      code: "--! breaking-change\nlock table jobs;\nalter table jobs alter column attempts type int2;",
      errors: [
        {
          messageId: "needsBlockUnknown",
          message:
            "LOCK TABLE outside a transaction block, unless the migration tool runs this file in one: PostgreSQL refuses it outside (it can only be used in transaction blocks)",
          line: 2,
          column: 1,
          endColumn: 16,
          severity: 1,
          help: /^nothing in this file opens or closes a transaction: if a migration tool runs it in one, list it in the config's assumeInTransaction/,
        },
      ],
    },
    {
      name: "a file marked -- sqlguard-no-transaction surely runs outside a block: LOCK is an error",
      code: "-- sqlguard-no-transaction\nLOCK TABLE t;",
      errors: [{ messageId: "needsBlock", line: 2, column: 1, severity: 2 }],
    },
    {
      name: "with \\set AUTOCOMMIT off, psql opens the block: a statement psql refuses to wrap is named with where the block began",
      code: "\\set AUTOCOMMIT off\nINSERT INTO t VALUES (1);\nVACUUM t;\nCOMMIT;\nVACUUM t;",
      errors: [
        {
          messageId: "inBlock",
          message: "VACUUM cannot run inside a transaction block, and here it runs in the block opened by psql before the statement on line 2 (AUTOCOMMIT is off)",
          line: 3,
          column: 1,
          related: ["2:1-2:25 the block was opened here"],
        },
      ],
    },
    {
      name: "SET LOCAL, SET TRANSACTION and SET CONSTRAINTS do nothing outside a block (a warning)",
      code: "SET LOCAL lock_timeout = '1s';\nSET TRANSACTION READ ONLY;\nSET CONSTRAINTS ALL DEFERRED;\nALTER TABLE t ADD COLUMN c int;",
      errors: [
        {
          messageId: "noEffect",
          message: "SET LOCAL outside a transaction block has no effect: PostgreSQL only warns, and the setting is gone before the next statement",
          line: 1,
          column: 1,
          endColumn: 30,
          severity: 1,
        },
        { message: /^SET TRANSACTION outside/, line: 2, column: 1, severity: 1 },
        { message: /^SET CONSTRAINTS outside/, line: 3, column: 1, severity: 1 },
      ],
    },
    {
      name: "after ROLLBACK ends a block, LOCK is outside again",
      code: "BEGIN;\nLOCK TABLE t;\nROLLBACK;\nLOCK TABLE t;",
      errors: [{ messageId: "needsBlock", line: 4, column: 1 }],
    },
    {
      name: "positions after multi-byte text and CRLF",
      code: "SELECT 'ß😀';\r\nBEGIN;\r\nCREATE INDEX CONCURRENTLY \"índice\" ON t (a);\r\nCOMMIT;\r\n",
      errors: [{ messageId: "inBlock", line: 3, column: 1, endColumn: 44 }],
    },
    {
      name: "several statements in one string of code: one implicit transaction",
      filename: "src/db.ts",
      code: "await db.query(`CREATE INDEX CONCURRENTLY a_x ON a (x); UPDATE a SET x = 1 WHERE id = 1`);\n",
      errors: [
        {
          messageId: "inImplicit",
          message: "CREATE INDEX CONCURRENTLY cannot run inside a transaction block: a string of several statements runs as one implicit transaction",
          line: 1,
          column: 17,
          endColumn: 55,
          help: "send it as a query of its own (in a migration: a migration of its own)",
        },
      ],
    },
    {
      name: "Prisma Migrate 6 sends a migration as one query",
      filename: "test/fixtures/migration-tools/prisma-6/prisma/migrations/20990101000000_case/migration.sql",
      code: "CREATE TABLE a (x int);\nCREATE INDEX CONCURRENTLY a_x ON a (x);\n",
      errors: [
        {
          messageId: "inToolImplicit",
          message:
            "CREATE INDEX CONCURRENTLY cannot run inside a transaction block: Prisma Migrate 6.19.3 sends this migration as one query, and PostgreSQL runs several statements sent together as one implicit transaction",
          line: 2,
          column: 1,
          endColumn: 39,
          help: /^with Prisma Migrate 6\.19\.3: give the statement a migration of its own/,
        },
      ],
    },
    {
      name: "dbmate's transaction:false still sends the section as one query",
      filename: "test/fixtures/migration-tools/dbmate/db/migrations/20990101000000_case.sql",
      code: "-- migrate:up transaction:false\nCREATE TABLE b (x int);\nCREATE INDEX CONCURRENTLY b_x ON b (x);\n\n-- migrate:down\nDROP TABLE b;\n",
      errors: [
        {
          messageId: "inToolImplicitOptOut",
          message:
            "CREATE INDEX CONCURRENTLY cannot run inside a transaction block: even with -- migrate:up transaction:false, dbmate 2.26.0 sends this migrate:up section as one query, and PostgreSQL runs several statements sent together as one implicit transaction",
          line: 3,
          column: 1,
          endColumn: 39,
          help: /^with dbmate 2\.26\.0: give the statement a section of its own/,
        },
      ],
    },
    {
      name: "Flyway refuses a migration that mixes it with other statements",
      filename: "test/fixtures/migration-tools/flyway/src/main/resources/db/migration/V9__case.sql",
      code: "CREATE TABLE c (x int);\nCREATE INDEX CONCURRENTLY c_x ON c (x);\n",
      errors: [
        {
          messageId: "flywayMixed",
          line: 2,
          column: 1,
          endColumn: 39,
          help: /^with Flyway: move the statement to a migration of its own/,
        },
      ],
    },
  ],
});

const test = suite("transaction-incompatible-statement: SQL in code");

test("one string of several statements is one implicit transaction; a lone statement is not", () => {
  const embedded = { kind: "embedded" as const };
  assert.equal(runRule("transaction-incompatible-statement", "CREATE INDEX CONCURRENTLY i ON t (a)", embedded), []);
  assert.equal(runRule("transaction-incompatible-statement", "VACUUM t; ANALYZE t", embedded), [
    "1:1-1:9 VACUUM cannot run inside a transaction block: a string of several statements runs as one implicit transaction",
  ]);
  assert.equal(runRule("transaction-incompatible-statement", "LOCK TABLE t", embedded), [], "a BEGIN may have been sent before");
  assert.equal(runRule("transaction-incompatible-statement", "BEGIN; VACUUM t; COMMIT", embedded), [
    "1:8-1:16 VACUUM cannot run inside a transaction block, and here it runs in the block opened by BEGIN earlier in this string",
  ]);
});

test("inside a code-level transaction (sql.begin, db.transaction…) even one statement is refused", () => {
  const wrapped = { kind: "embedded" as const, assumeInTransaction: true };
  assert.equal(runRule("transaction-incompatible-statement", "CREATE INDEX CONCURRENTLY i ON t (a)", wrapped), [
    "1:1-1:37 CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and here it runs inside the transaction the code opens around this SQL",
  ]);
});

test.run();

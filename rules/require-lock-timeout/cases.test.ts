import { readFileSync } from "node:fs";
import path from "node:path";
import tsParser from "@typescript-eslint/parser";
import { Linter } from "eslint";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { builtin } from "../../rules/index.js";
import { Config } from "../../src/engine/config.js";
import plugin from "../../src/eslint/index.js";
import { lintText } from "../../src/lint/lint-text.js";
import { root, tempDir } from "../../test/helpers.js";
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
    // a table the transaction holds ACCESS EXCLUSIVE on: the next statements on it wait for no one
    { name: "held", code: "BEGIN;\nSET LOCAL lock_timeout = '1s';\nALTER TABLE t DROP CONSTRAINT t_a;\nSET LOCAL lock_timeout = 0;\nALTER TABLE t ADD CONSTRAINT t_a CHECK (a > 0);\nCREATE INDEX t_b ON t (b);\nCOMMIT;" },
    // SHARE ROW EXCLUSIVE (the trigger) shuts out all that SHARE (the index) would wait for
    { name: "held stronger", code: "BEGIN;\nSET LOCAL lock_timeout = '1s';\nCREATE TRIGGER t_audit AFTER UPDATE ON t FOR EACH ROW EXECUTE FUNCTION audit();\nRESET lock_timeout;\nCREATE INDEX t_b ON t (b);\nCOMMIT;" },
    { name: "ROLLBACK TO a savepoint set after the lock was taken keeps it", code: "BEGIN;\nSET LOCAL lock_timeout = '1s';\nALTER TABLE t ADD COLUMN a int;\nSAVEPOINT s;\nALTER TABLE u ADD COLUMN a int;\nROLLBACK TO SAVEPOINT s;\nRELEASE SAVEPOINT s;\nSET LOCAL lock_timeout = 0;\nALTER TABLE t ADD COLUMN b int;\nCOMMIT;" },
    { name: "taken again after ROLLBACK TO SAVEPOINT", code: "BEGIN;\nSET LOCAL lock_timeout = '1s';\nSAVEPOINT s;\nALTER TABLE t ADD COLUMN a int;\nROLLBACK TO SAVEPOINT s;\nALTER TABLE t ADD COLUMN a bigint;\nSET LOCAL lock_timeout = 0;\nALTER TABLE t ADD COLUMN b int;\nCOMMIT;" },
    { name: "a foreign key between two tables of this migration", code: "CREATE TABLE a (id bigint PRIMARY KEY);\nCREATE TABLE b (a_id bigint);\nALTER TABLE b ADD CONSTRAINT b_a FOREIGN KEY (a_id) REFERENCES a (id);" },
    // the rule tells a CREATE TABLE that locks nothing from its words: names that only contain them
    { name: "a new table whose names contain the words but that references nothing", code: 'CREATE TABLE partitions_seen (references_count int, "partition" text, repartitioned bool);' },
    { name: "dropping, altering, rebuilding an index built on a new table", code: "CREATE TABLE n (a int);\nCREATE INDEX n_a ON n (a);\nALTER INDEX n_a SET (fillfactor = 70);\nREINDEX INDEX n_a;\nDROP INDEX n_a;" },
  ],
  invalid: [
    {
      name: "a stretch reported for a wait of schema changes only is reported again where reads wait too",
      code: "CREATE INDEX CONCURRENTLY orders_a ON orders (a);\nCOMMENT ON TABLE orders IS 'x';\nCREATE INDEX orders_b ON orders (b);\nALTER TABLE orders ALTER COLUMN b SET NOT NULL;\nALTER TABLE orders ADD COLUMN c int;",
      errors: [
        { messageId: "lockDdl", line: 1, column: 1 },
        { messageId: "lockWrites", line: 3, column: 1 },
        { messageId: "lock", line: 4, column: 1 },
      ],
    },
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
      name: "the words that lock, in any case, across lines, after a quoted name",
      code: 'CREATE TABLE n (\n  id bigint,\n  "UserId" bigint\n    rEfErEnCeS users (id)\n);\nCREATE TABLE m_2024 pArTiTiOn\nOF m FOR VALUES IN (2024);',
      errors: [
        { message: /^CREATE TABLE … REFERENCES on users waits for a lock/, line: 1, column: 1 },
        { message: /^CREATE TABLE … PARTITION OF on m waits for a lock/, line: 6, column: 1 },
      ],
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
    {
      name: "a foreign key added to a new table still waits for the table it references",
      code: 'CREATE TABLE "core"."p" ("id" uuid NOT NULL, "roleId" uuid NOT NULL);\nALTER TABLE "core"."p" ADD CONSTRAINT "FK_p_role" FOREIGN KEY ("roleId") REFERENCES "core"."role"("id");',
      errors: [{ messageId: "lockWrites", message: /^ALTER TABLE … REFERENCES on core\.role waits for a lock with no lock_timeout set: .*every later INSERT, UPDATE and DELETE/, line: 2, column: 1 }],
    },
    {
      name: "so does a column added with REFERENCES",
      code: "CREATE TABLE p (id bigint);\nALTER TABLE p ADD COLUMN role_id bigint REFERENCES role (id);",
      errors: [{ messageId: "lockWrites", message: /^ALTER TABLE … REFERENCES on role waits/, line: 2, column: 1 }],
    },
    {
      name: "a foreign key between two existing tables locks both",
      code: "ALTER TABLE orders ADD CONSTRAINT orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id), ADD CONSTRAINT orders_parent FOREIGN KEY (parent_id) REFERENCES orders (id);",
      errors: [{ messageId: "lockWrites", message: /^ALTER TABLE on orders, customers waits/, line: 1, column: 1 }],
    },
    {
      name: "a new table referencing a new one and an existing one: only the existing one waits",
      code: "CREATE TABLE n (id bigint PRIMARY KEY);\nCREATE TABLE c (n_id bigint REFERENCES n, user_id bigint REFERENCES users);",
      errors: [{ message: /^CREATE TABLE … REFERENCES on users waits/, line: 2, column: 1 }],
    },
    {
      name: "an existing table attached to a new partitioned table",
      code: "CREATE TABLE m (d date) PARTITION BY RANGE (d);\nALTER TABLE m ATTACH PARTITION m_2020 FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');",
      errors: [{ messageId: "lock", message: /^ALTER TABLE … ATTACH PARTITION on m_2020 waits/, line: 2, column: 1 }],
    },
    {
      name: "SHARE held does not cover ACCESS EXCLUSIVE: an ALTER after an index on the same table waits",
      code: "BEGIN;\nSET LOCAL lock_timeout = '1s';\nCREATE INDEX t_a ON t (a);\nRESET lock_timeout;\nALTER TABLE t ADD COLUMN b int;\nCOMMIT;",
      errors: [{ messageId: "lock", line: 5, column: 1 }],
    },
    {
      name: "the message names only the tables that wait: the one already held is left out",
      code: "BEGIN;\nSET LOCAL lock_timeout = '1s';\nALTER TABLE a ADD COLUMN b_id bigint;\nSET LOCAL lock_timeout = 0;\nALTER TABLE a ADD CONSTRAINT a_b FOREIGN KEY (b_id) REFERENCES b (id);\nCOMMIT;",
      errors: [{ messageId: "lockWrites", message: /^ALTER TABLE … REFERENCES on b waits for a lock with no lock_timeout set \(lock_timeout is 0, no limit, since line 4\)/, line: 5, column: 1 }],
    },
    {
      name: "ROLLBACK TO SAVEPOINT gives the locks taken since back",
      code: "BEGIN;\nSET LOCAL lock_timeout = '1s';\nSAVEPOINT s;\nALTER TABLE t ADD COLUMN a int;\nROLLBACK TO SAVEPOINT s;\nSET LOCAL lock_timeout = 0;\nALTER TABLE t ADD COLUMN a bigint;\nCOMMIT;",
      errors: [{ messageId: "lock", line: 7, column: 1 }],
    },
    {
      name: "dropping an index built on an existing table names the table",
      code: "SET lock_timeout = '1s';\nCREATE INDEX t_a ON t (a);\nRESET lock_timeout;\nDROP INDEX t_a;",
      errors: [{ messageId: "lock", message: /^DROP INDEX on t waits/, line: 4, column: 1 }],
    },
    {
      name: "so does rebuilding it",
      code: "SET lock_timeout = '1s';\nCREATE INDEX t_a ON t (a);\nRESET lock_timeout;\nREINDEX INDEX t_a;",
      errors: [{ messageId: "lock", message: /^REINDEX on t waits/, line: 4, column: 1 }],
    },
  ],
});

const test = suite("require-lock-timeout: the SQL strings of a migration written in code");

/** A TypeORM migration class whose `up` sends each string with queryRunner.query, and `down` the others. */
function typeorm(name: string, up: string[], down: string[] = []): string {
  const calls = (list: string[]) => list.map((q) => `    await queryRunner.query(\`${q}\`);`);
  return [
    'import { MigrationInterface, QueryRunner } from "typeorm";',
    "",
    `export class ${name} implements MigrationInterface {`,
    "  public async up(queryRunner: QueryRunner): Promise<void> {",
    ...calls(up),
    "  }",
    "  public async down(queryRunner: QueryRunner): Promise<void> {",
    ...calls(down),
    "  }",
    "}",
    "",
  ].join("\n");
}

const FILES = {
  "package.json": JSON.stringify({ dependencies: { typeorm: "0.3.20", pg: "8.11.3" } }),
  "src/migrations/1700000000000-Two.ts": typeorm(
    "Two1700000000000",
    ['ALTER TABLE "orders" ADD COLUMN "a" text', 'ALTER TABLE "orders" ADD COLUMN "b" text', 'ALTER TABLE "customers" ADD COLUMN "c" text'],
    ['ALTER TABLE "customers" DROP COLUMN "c"', 'ALTER TABLE "orders" DROP COLUMN "b"'],
  ),
  "src/migrations/1700000000001-Gaps.ts": typeorm("Gaps1700000000001", [
    'ALTER TABLE "a" ADD COLUMN "x" int',
    "SET lock_timeout = '5s'",
    'ALTER TABLE "b" ADD COLUMN "x" int',
    "SET lock_timeout = 0",
    'ALTER TABLE "c" ADD COLUMN "x" int',
    'ALTER TABLE "d" ADD COLUMN "x" int',
  ]),
  "src/migrations/1700000000002-Role.ts": typeorm(
    "Role1700000000002",
    [
      'CREATE TABLE "core"."p" ("id" uuid NOT NULL, "roleId" uuid NOT NULL, CONSTRAINT "PK_p" PRIMARY KEY ("id"))',
      'CREATE INDEX "IDX_p_role" ON "core"."p" ("roleId")',
      'ALTER TABLE "core"."p" ADD CONSTRAINT "FK_p_role" FOREIGN KEY ("roleId") REFERENCES "core"."role"("id") ON DELETE CASCADE',
    ],
    ['ALTER TABLE "core"."p" DROP CONSTRAINT "FK_p_role"', 'DROP TABLE "core"."p"'],
  ),
};

const config = new Config({}, root, "test", builtin);
/** Where, and the message up to "waits": the command and the tables. */
const short = (m: { line: number; column: number; message: string }) => `${m.line}:${m.column} ${m.message.replace(/ waits for a lock with no lock_timeout set|:.*/g, "")}`;
const eslintConfig: Linter.Config[] = [{ files: ["**/*.ts"], languageOptions: { parser: tsParser as Linter.Parser } }, ...plugin.configs.recommended];

test("one report per stretch across the strings, on its first statement; up and down are runs of their own", () => {
  const dir = tempDir(FILES);
  const linter = new Linter({ configType: "flat", cwd: dir });
  const found = (rel: string) => {
    const file = path.join(dir, rel);
    const text = readFileSync(file, "utf8");
    const cli = lintText(text, config, { filePath: file })
      .messages.filter((m) => m.ruleId === "require-lock-timeout")
      .map(short);
    // ESLint runs each rule over the strings in turn, on the same documents: the same answers
    const eslint = linter
      .verify(text, eslintConfig, file)
      .filter((m) => m.ruleId === "sqlguard/require-lock-timeout")
      .map(short);
    assert.equal(eslint, cli, `${rel}: ESLint and the CLI`);
    return cli;
  };
  const expected: [string, string[]][] = [
    // three strings, no lock_timeout anywhere: one report, on the first; down is another run
    ["1700000000000-Two.ts", ["5:30 ALTER TABLE on orders", "10:30 ALTER TABLE on customers"]],
    // a SET in one string protects the strings after it; turned off, a new stretch starts
    ["1700000000001-Gaps.ts", ["5:30 ALTER TABLE on a", "9:30 ALTER TABLE on c (lock_timeout is 0, no limit, since an earlier query of this migration)"]],
    // the foreign key on the new table waits for the table it references; in down, the DROP TABLE
    // after the DROP CONSTRAINT waits for nothing (the transaction holds the table already)
    ["1700000000002-Role.ts", ["7:30 ALTER TABLE … REFERENCES on core.role", "10:30 ALTER TABLE on core.p"]],
  ];
  for (const [name, lines] of expected) assert.equal(found(`src/migrations/${name}`), lines, name);
});

test.run();

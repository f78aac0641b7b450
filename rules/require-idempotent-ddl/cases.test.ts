import { ruleTester } from "../../test/rule-tester.js";

ruleTester("require-idempotent-ddl", {
  valid: [
    { name: "in a block, all or nothing", code: "BEGIN;\nALTER TABLE core_foo ADD COLUMN answer_id int;\nCREATE TABLE t (a int);\nDROP INDEX i;\nCOMMIT;" },
    { name: "in the migration tool's transaction", code: "SELECT 1;\nALTER TABLE core_foo ADD COLUMN answer_id int;\nDROP TABLE t;", assumeInTransaction: true },
    { name: "one statement is atomic on its own", code: "ALTER TABLE core_foo ADD COLUMN answer_id int;" },
    {
      // Prisma (before 7.4) and golang-migrate send the file as one query: one implicit transaction
      name: "a migration its tool sends as one query string, all or nothing",
      code: 'ALTER TABLE "Document" DROP COLUMN "templateId";\nALTER TABLE "Document" ADD COLUMN "source" TEXT;',
      filename: "test/fixtures/migration-tools/prisma-6/prisma/migrations/20240401000000_case/migration.sql",
    },
    {
      name: "golang-migrate sends the file as one query too",
      code: "DROP INDEX items_name;\nALTER TABLE items ADD COLUMN note text;",
      filename: "test/fixtures/migration-tools/golang-migrate/migrations/000009_case.up.sql",
    },
    {
      name: "guarded",
      code: "ALTER TABLE t ADD COLUMN IF NOT EXISTS a int, DROP COLUMN IF EXISTS b, DROP CONSTRAINT IF EXISTS c;\nCREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);\nCREATE TABLE IF NOT EXISTS u (a int);\nDROP INDEX CONCURRENTLY IF EXISTS j;\nDROP TYPE IF EXISTS mood;",
    },
    { name: "DROP CONSTRAINT IF EXISTS, then ADD of that name", code: "ALTER TABLE app_email DROP CONSTRAINT IF EXISTS email_uniq;\nALTER TABLE app_email ADD CONSTRAINT email_uniq UNIQUE USING INDEX email_idx;" },
    { name: "unnamed CREATE INDEX gets a new name each time", code: "SELECT 1;\nCREATE INDEX CONCURRENTLY ON t (a);" },
    { name: "TEMP … ON COMMIT DROP", code: "SELECT 1;\nCREATE TEMP TABLE scratch (id int) ON COMMIT DROP;" },
    { name: "actions that run twice without harm", code: "SELECT 1;\nALTER TABLE t ENABLE ROW LEVEL SECURITY, ALTER COLUMN a SET NOT NULL, ALTER COLUMN b SET DEFAULT 0, VALIDATE CONSTRAINT c;" },
    { name: "reads and writes", code: "SELECT 1;\nINSERT INTO t VALUES (1);" },
    {
      name: "Prisma Migrate sends the migration as one query: one implicit transaction, all or nothing",
      filename: "test/fixtures/migration-tools/prisma-6/prisma/migrations/20990101000000_tags/migration.sql",
      code: 'CREATE TABLE "Tag" ("id" TEXT NOT NULL);\nALTER TABLE "Post" ADD COLUMN "tagId" TEXT;\nDROP INDEX "Post_old_idx";',
    },
  ],
  invalid: [
    {
      name: "goose without its transaction sends statement by statement",
      filename: "db/migrations/00012_post_tags.sql",
      code: "-- +goose Up\n-- +goose NO TRANSACTION\nALTER TABLE post ADD COLUMN tag_id bigint;\nCREATE INDEX CONCURRENTLY post_tag_idx ON post (tag_id);",
      errors: [
        { messageId: "guard", line: 3, column: 18 },
        { messageId: "guard", line: 4, column: 1 },
      ],
    },
    {
      code: "SELECT 1;\nALTER TABLE core_foo ADD COLUMN answer_id int;",
      errors: [
        {
          messageId: "guard",
          message:
            "ADD COLUMN without IF NOT EXISTS, outside a transaction: if the migration stops after this statement, running it again fails here because answer_id exists",
          line: 2,
          column: 22,
          endColumn: 46,
          help: "run the migration in a transaction (then it is all or nothing), or write IF NOT EXISTS",
        },
      ],
    },
    {
      name: "CREATE TABLE, CREATE INDEX, DROP",
      code: "CREATE TABLE t (a int);\nCREATE INDEX CONCURRENTLY t_a ON t (a);\nDROP INDEX CONCURRENTLY old_idx;\nDROP TYPE mood;",
      errors: [
        { message: /^CREATE TABLE without IF NOT EXISTS, .* because t exists$/, line: 1, column: 1 },
        { message: /^CREATE INDEX without IF NOT EXISTS, .* because t_a exists$/, line: 2, column: 1 },
        { message: /^DROP INDEX without IF EXISTS, .* because old_idx is gone$/, line: 3, column: 1 },
        { message: /^DROP TYPE without IF EXISTS, .* because mood is gone$/, line: 4, column: 1 },
      ],
    },
    { name: "DROP COLUMN / DROP CONSTRAINT", code: "SELECT 1;\nALTER TABLE t DROP COLUMN c, DROP CONSTRAINT k;", errors: [{ message: /^DROP COLUMN without IF EXISTS.* c is gone$/, line: 2, column: 15 }, { message: /^DROP CONSTRAINT without IF EXISTS.* k is gone$/, line: 2, column: 30 }] },
    {
      name: "a second ADD after one DROP",
      code: "ALTER TABLE app_email DROP CONSTRAINT IF EXISTS email_uniq;\nALTER TABLE app_email ADD CONSTRAINT email_uniq UNIQUE USING INDEX email_idx;\nALTER TABLE app_email ADD CONSTRAINT email_uniq UNIQUE USING INDEX email_idx;",
      errors: [{ messageId: "constraint", message: /^ADD CONSTRAINT email_uniq outside a transaction/, line: 3, column: 23, help: /DROP CONSTRAINT IF EXISTS email_uniq just before/ }],
    },
    { name: "an unnamed constraint is added twice", code: "SELECT 1;\nALTER TABLE t ADD CHECK (a > 0);", errors: [{ messageId: "copy", line: 2, column: 15 }] },
    { name: "an action with no IF form", code: "SELECT 1;\nALTER TABLE m ATTACH PARTITION m_2024 FOR VALUES IN (2024);", errors: [{ messageId: "again", message: /^ATTACH PARTITION outside a transaction cannot run twice/, line: 2, column: 15 }] },
    { name: "ROLLBACK ends the block", code: "BEGIN;\nSELECT 1;\nROLLBACK;\nCREATE TABLE t (a int);", errors: [{ messageId: "guard", line: 4, column: 1 }] },
    { name: "a TEMP table without ON COMMIT DROP", code: "SELECT 1;\nCREATE TEMP TABLE scratch (id int);", errors: [{ messageId: "guard", line: 2, column: 1 }] },
  ],
});

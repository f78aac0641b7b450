import { ruleTester } from "../../test/rule-tester.js";

ruleTester("no-column-type-change", {
  valid: [
    { name: "a table created in this migration", code: "CREATE TABLE t (a int);\nALTER TABLE t ALTER COLUMN a TYPE bigint;" },
    { name: "other column changes", code: "ALTER TABLE t ALTER COLUMN a SET DEFAULT 0, ALTER COLUMN a DROP NOT NULL;" },
    {
      name: "timestamp to timestamptz with the session in UTC (PostgreSQL 12+): no rewrite",
      code: "SET timezone = 'UTC';\nALTER TABLE person ALTER COLUMN published TYPE timestamptz USING published;\nALTER TABLE post ALTER COLUMN updated TYPE timestamptz;",
    },
    {
      name: "and back, timestamptz to timestamp, with the session in UTC: no rewrite either (a down migration)",
      code: "SET timezone TO utc;\nALTER TABLE community_moderator ALTER COLUMN published TYPE timestamp USING published;",
    },
    {
      name: "and back after SET timezone = 'UTC' (a down migration undoing the above)",
      code: "SET timezone = 'UTC';\nALTER TABLE person ALTER COLUMN published TYPE timestamp USING published;",
    },
  ],
  invalid: [
    {
      name: "int to bigint: a rewrite",
      code: "ALTER TABLE orders ALTER COLUMN id TYPE bigint;",
      errors: [
        {
          messageId: "rewrite",
          message:
            "ALTER COLUMN id TYPE bigint: PostgreSQL rewrites orders and rebuilds its indexes while holding an ACCESS EXCLUSIVE lock, so reads and writes wait until it is done",
          line: 1,
          column: 20,
          endColumn: 47,
          severity: 2,
          help: /add a column of the new type/,
        },
      ],
    },
    {
      name: "USING converts every value",
      code: "BEGIN;\nALTER TABLE core_recipe ALTER COLUMN edits TYPE text USING edits #>> '{}';\nCOMMIT;",
      errors: [{ messageId: "using", message: /^ALTER COLUMN edits TYPE text USING …: every value is converted/, line: 2, column: 25, severity: 2 }],
    },
    {
      name: "to text or a longer varchar: maybe free, at most a warning",
      code: "ALTER TABLE t ALTER COLUMN a TYPE varchar(255), ALTER COLUMN b SET DATA TYPE text;",
      errors: [
        { messageId: "maybe", message: /^ALTER COLUMN a TYPE varchar\(255\): free only if the column's current type converts without change \(a shorter varchar/, line: 1, column: 15, severity: 1, help: /check the column's current type/ },
        { messageId: "maybe", message: /^ALTER COLUMN b TYPE text: free only if .*\(varchar, or text already\)/, line: 1, column: 49, severity: 1 },
      ],
    },
    {
      name: "timestamp to timestamptz: free only in UTC (PostgreSQL 12+)",
      code: "ALTER TABLE t ALTER COLUMN created_at TYPE timestamptz;",
      errors: [{ messageId: "maybe", message: /\(timestamp, when the session's TimeZone is UTC, or a timestamptz of smaller precision\)/, line: 1, column: 15, severity: 1 }],
    },
    {
      name: "to timestamp outside UTC: maybe free (from timestamptz in UTC, or a smaller precision), so a warning",
      code: "ALTER TABLE t ALTER COLUMN created_at TYPE timestamp;",
      errors: [{ messageId: "maybe", message: /\(timestamptz, when the session's TimeZone is UTC, or a timestamp of smaller precision\)/, line: 1, column: 15, severity: 1 }],
    },
    {
      name: "timestamptz to timestamp over several lines: the action's own line and column",
      code: "ALTER TABLE federation_allowlist\n    ALTER COLUMN published TYPE timestamp\n    USING published;",
      errors: [{ messageId: "maybe", message: /\(timestamptz, when the session's TimeZone is UTC/, line: 2, column: 5, severity: 1 }],
    },
    {
      name: "with a precision (Prisma's TIMESTAMPTZ(3)) every value is rounded: a rewrite even in UTC",
      code: 'SET timezone = \'UTC\';\nALTER TABLE "Session" ALTER COLUMN "expiresAt" SET DATA TYPE TIMESTAMPTZ(3);',
      errors: [{ messageId: "rewrite", line: 2, column: 23, severity: 2 }],
    },
    {
      name: "USING the column itself is no conversion of its own",
      code: "ALTER TABLE t ALTER COLUMN note TYPE text USING note::text;",
      errors: [{ messageId: "maybe", line: 1, column: 15, severity: 1 }],
    },
    {
      name: "a time zone other than UTC",
      code: "SET TIME ZONE 'Europe/Prague';\nALTER TABLE t ALTER COLUMN created_at TYPE timestamptz USING created_at;",
      errors: [{ messageId: "maybe", line: 2, column: 15, severity: 1 }],
    },
    {
      name: "timestamptz before PostgreSQL 12: a rewrite",
      code: "ALTER TABLE t ALTER COLUMN created_at TYPE timestamptz;",
      settings: { postgresVersion: 11 },
      errors: [{ messageId: "rewrite", line: 1, column: 15, severity: 2 }],
    },
    {
      name: "an enum swap (Prisma)",
      code: 'ALTER TABLE "Job" ALTER COLUMN "status" TYPE "JobStatus_new" USING ("status"::text::"JobStatus_new");',
      errors: [{ messageId: "using", message: /^ALTER COLUMN status TYPE JobStatus_new USING/, line: 1, column: 19 }],
    },
  ],
});

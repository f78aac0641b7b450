/**
 * `sqlguard verify` end to end, with the real PGlite, through the CLI users run: the examples
 * (each finding the issue asks for, from the cache, in another format, a dry run), --staged, and
 * a project without migrations. Part of `npm run test:verify` (see verify-pglite.ts); the heavier
 * cases (every rule fixture, timeouts, crashes) are in verify-heavy.test.ts.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawnCli as cli, root, tempDir } from "./helpers.js";
import { git, gitEnv, repo } from "./git.js";
import { freshCache, withPglite } from "./verify-pglite.js";

const test = suite("verify (PGlite)");

interface JsonResult {
  filePath: string;
  messages: { ruleId: string; line: number; column: number; severity: number; message: string }[];
}

const short = (results: JsonResult[], cwd: string) =>
  results.flatMap((r) => r.messages.map((m) => `${path.relative(cwd, r.filePath)}:${m.line}:${m.column} ${m.ruleId} ${m.message.split(/, a table|:/)[0]}`)).sort();

const examples = path.join(root, "examples");

if (withPglite) {
  let exampleCache = "";

  test("examples: a failing migration, a measured rewrite and lock, a query naming a dropped column, each at its place", async () => {
    exampleCache = await freshCache();
    const r = cli(["verify", "-f", "json", "--cache-dir", exampleCache], { cwd: examples, env: { CI: "true" } });
    assert.is(r.code, 1, r.stderr);
    assert.equal(short(JSON.parse(r.stdout) as JsonResult[], examples), [
      'customers.ts:8:56 verify-query column "legacy_code" does not exist (SQLSTATE 42703, against the schema of prisma/migrations)',
      "prisma/migrations/20240201000000_drop_legacy_code/migration.sql:2:1 verify-lock ALTER TABLE takes AccessExclusiveLock on customers",
      "prisma/migrations/20240301000000_order_totals_bigint/migration.sql:3:1 verify-lock ALTER TABLE takes AccessExclusiveLock on orders",
      "prisma/migrations/20240301000000_order_totals_bigint/migration.sql:3:1 verify-rewrite ALTER TABLE rewrites orders",
      "prisma/migrations/20240401000000_customers_email_index/migration.sql:3:58 verify-migration-error Prisma Migrate would stop here",
    ]);
    assert.match(r.stderr, /prisma\/migrations \(Prisma Migrate\): 3 of 5 migrations applied \(applied now\) — stopped: 20240401000000_customers_email_index\/migration\.sql failed/);
    assert.match(r.stderr, /statements of code and scripts: \d+ in \d+ files? prepared against the schema, 1 rejected/);
    assert.not.match(r.stderr, /\r/); // no progress line in CI
  });

  test("an unchanged set comes from the cache, with the same findings, in any format", () => {
    const r = cli(["verify", "-f", "sarif", "--cache-dir", exampleCache], { cwd: examples });
    assert.is(r.code, 1, r.stderr);
    assert.match(r.stderr, /3 of 5 migrations applied \(from the cache\)/);
    const sarif = JSON.parse(r.stdout) as { runs: { results: { ruleId: string }[] }[] };
    assert.equal(sarif.runs[0]!.results.map((x) => x.ruleId).sort(), ["verify-lock", "verify-lock", "verify-migration-error", "verify-query", "verify-rewrite"]);
  });

  test("--dry-run: rows changed per statement and the share of each table, rolled back", () => {
    const r = cli(["verify", "--dry-run", "cancel-stale-orders.sql", "--seed", "seed.sql", "--cache-dir", exampleCache], { cwd: examples });
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, /cancel-stale-orders\.sql:4:1 {2}UPDATE {2}10 rows\n {6}orders: 10 updated \(5% of its 200 rows\)/);
    assert.match(r.stdout, /cancel-stale-orders\.sql:5:1 {2}DELETE {2}40 rows\n {6}orders: 40 deleted \(20% of its 200 rows\)/);
    assert.match(r.stdout, /cancel-stale-orders\.sql:3:1 {2}BEGIN {2}skipped/);
  });

  test("--staged: the new migration and the queries that read what it changes", async () => {
    const cache = await freshCache();
    const dir = repo({
      "prisma/migrations/migration_lock.toml": 'provider = "postgresql"\n',
      "prisma/migrations/20240101000000_init/migration.sql": 'CREATE TABLE "users" ("id" SERIAL PRIMARY KEY, "name" TEXT, "nick" TEXT);\nCREATE TABLE "notes" ("id" SERIAL PRIMARY KEY, "body" TEXT);\n',
      "src/users.ts": 'export const q = (db: any) => db.query("SELECT id, nick FROM users");\n',
      "src/notes.ts": 'export const n = (db: any) => db.query("SELECT body FROM notes");\n',
    });
    git(dir, ["add", "-A"]);
    git(dir, ["commit", "-qm", "init"]);
    // staged: a migration that drops users.nick (the working tree has a later edit, unstaged)
    const m = "prisma/migrations/20240201000000_drop_nick/migration.sql";
    mkdirSync(path.join(dir, path.dirname(m)), { recursive: true });
    writeFileSync(path.join(dir, m), 'ALTER TABLE "users" DROP COLUMN "nick";\n');
    git(dir, ["add", m]);
    writeFileSync(path.join(dir, m), 'ALTER TABLE "users" DROP COLUMN "name";\n');
    const r = cli(["verify", "--staged", "-f", "json", "--cache-dir", cache], { cwd: dir, env: gitEnv() });
    assert.is(r.code, 1, r.stderr);
    assert.equal(short(JSON.parse(r.stdout) as JsonResult[], dir), [
      "prisma/migrations/20240201000000_drop_nick/migration.sql:1:1 verify-lock ALTER TABLE takes AccessExclusiveLock on users",
      'src/users.ts:1:52 verify-query column "nick" does not exist (SQLSTATE 42703, against the schema of prisma/migrations)',
    ]);
    assert.match(r.stderr, /only what the changes touch/);
  });
} else {
  test("skipped: PGlite tests run with npm run test:verify", () => undefined);
}

// No PGlite needed: nothing to apply.
test("a project without migrations says so and exits 0", () => {
  const dir = tempDir({ "src/a.ts": 'export const q = (db: any) => db.query("SELECT 1");\n' });
  const r = cli(["verify"], { cwd: dir });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /no migration folder found/);
});

test("a bad option and a bad config are said as such (exit 2), not as internal errors", () => {
  const dir = tempDir({ "bad.json": "{", "migrations/001_a.sql": "SELECT 1;\n" });
  const usage = cli(["verify", "--bogus"], { cwd: dir });
  assert.is(usage.code, 2);
  assert.match(usage.stderr, /^sqlguard: verify: Unknown option '--bogus'\.\nRun 'sqlguard verify --help' for usage\.\n$/);
  const config = cli(["verify", "-c", "bad.json", "--no-cache"], { cwd: dir });
  assert.is(config.code, 2);
  assert.match(config.stderr, /^sqlguard: invalid configuration: bad\.json: not valid JSON/);
  assert.not.match(config.stderr, /internal error/);
});

test.run();

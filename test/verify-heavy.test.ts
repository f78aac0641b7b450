/**
 * The heavier end-to-end runs of `sqlguard verify`, each starting PGlite: every verify rule's
 * fixture projects against their snapshots, a statement that never ends, a deep recursion,
 * --quiet/--rule and a dry run's JSON. Part of `npm run test:verify` (see verify-pglite.ts).
 * UPDATE_SNAPSHOTS=1 rewrites the snapshots.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawnCli as cli, root, tempDir } from "./helpers.js";
import { freshCache, withPglite } from "./verify-pglite.js";

const test = suite("verify (heavy)");

interface JsonResult {
  filePath: string;
  messages: { ruleId: string; line: number; column: number; endLine: number; endColumn: number; severity: number; message: string }[];
}

function isCI(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== "" && ci !== "0" && ci !== "false";
}

if (withPglite) {
  for (const id of readdirSync(path.join(root, "rules")).filter((x) => x.startsWith("verify-"))) {
    const dir = path.join(root, "rules", id, "fixtures");
    for (const name of readdirSync(dir).sort()) {
      const project = path.join(dir, name);
      if (!statSync(project).isDirectory()) continue;
      test(`rules/${id}/fixtures/${name}`, async () => {
        const cache = await freshCache();
        const r = cli(["verify", "-f", "json", "--cache-dir", cache], { cwd: project, env: { CI: "true" } });
        assert.ok(r.code === 0 || r.code === 1, r.stderr);
        const lines = (JSON.parse(r.stdout) as JsonResult[]).flatMap((f) =>
          f.messages.map((m) => `${path.relative(project, f.filePath)}:${m.line}:${m.column}-${m.endLine}:${m.endColumn} ${m.ruleId} ${m.message}`),
        );
        const summary = r.stderr.split("\n").filter((l) => l.startsWith("sqlguard verify:"));
        const actual = [...lines, "", ...summary].join("\n") + "\n";
        const snap = `${project}.snap`;
        if (!existsSync(snap) && isCI()) assert.unreachable(`${path.relative(root, snap)} is missing: run the heavy tests locally to write it`);
        if (process.env.UPDATE_SNAPSHOTS || !existsSync(snap)) writeFileSync(snap, actual);
        assert.fixture(actual, readFileSync(snap, "utf8"));
      });
    }
  }

  test("a statement that never ends is stopped at the timeout, reported, and the schema before it rebuilt", async () => {
    const cache = await freshCache();
    const dir = tempDir({
      "migrations/001_t.sql": "CREATE TABLE t (id int);\n",
      "migrations/002_sleep.sql": "SELECT pg_sleep(600);\n",
      "src/q.ts": 'export const q = (db: any) => db.query("SELECT id, nope FROM t");\n',
    });
    const r = cli(["verify", "-f", "json", "--timeout", "3", "--cache-dir", cache], { cwd: dir, env: { CI: "true" } });
    const results = JSON.parse(r.stdout) as JsonResult[];
    const messages = results.flatMap((f) => f.messages.map((m) => `${path.basename(f.filePath)}:${m.line} ${m.ruleId} ${m.message}`));
    assert.ok(messages.some((m) => /^002_sleep\.sql:1 verify-limit not verified: SELECT did not finish within 3 s/.test(m)), messages.join("\n"));
    assert.ok(messages.some((m) => /^q\.ts:1 verify-query column "nope" does not exist/.test(m)), messages.join("\n"));
    assert.match(r.stderr, /1 of 2 migrations applied/);
  });

  test("a deep recursion fails cleanly (PGlite's thread has a big stack), never a crash", async () => {
    const cache = await freshCache();
    const dir = tempDir({
      "migrations/001_f.sql": "CREATE FUNCTION f(n int) RETURNS int LANGUAGE sql AS 'SELECT CASE WHEN n = 0 THEN 0 ELSE f(n - 1) + 1 END';\n",
      "migrations/002_call.sql": "SELECT f(100000);\n",
    });
    const r = cli(["verify", "-f", "json", "--cache-dir", cache], { cwd: dir, env: { CI: "true" } });
    const messages = (JSON.parse(r.stdout) as JsonResult[]).flatMap((f) => f.messages.map((m) => `${m.ruleId} ${m.message}`));
    assert.equal(messages.length, 1, messages.join("\n"));
    assert.match(messages[0]!, /^verify-(migration-error .*stack depth limit exceeded|limit .*PGlite crashed)/);
  });

  test("--quiet, --rule and a dry run's JSON", async () => {
    const cache = await freshCache();
    const examples = path.join(root, "examples");
    const quiet = cli(["verify", "-f", "compact", "--quiet", "--rule", "verify-query:off", "--cache-dir", cache], { cwd: examples });
    assert.equal(quiet.stdout.trim().split("\n").filter((l) => l.includes(" - ")).length, 1, quiet.stdout);
    const json = cli(["verify", "--dry-run", "cancel-stale-orders.sql", "-f", "json", "--cache-dir", cache], { cwd: examples });
    const parsed = JSON.parse(json.stdout) as { dryRun: { statements: { line: number; rowCount: number | null }[] }; results: unknown[] };
    assert.equal(parsed.dryRun.statements.map((s) => [s.line, s.rowCount]), [[3, null], [4, 0], [5, 0], [6, 1], [7, null]]);
  });
} else {
  test("skipped: PGlite tests run with npm run test:verify", () => undefined);
}

test.run();

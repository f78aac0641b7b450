/**
 * The real command, as a user's shell starts it: the bundle (dist/bundle/bin.cjs) in a child
 * process. Only what a process of its own can show is here — the bundle starts and finds its
 * modules, the exit code reaches the shell, standard input is a real stream, a fix is written to
 * disk by the real command, the bundled worker thread gives the single-thread answer. The rest of
 * the CLI is tested in process (cli.test.ts and others, through test/in-process.ts). The FIFO and
 * closed-pipe cases are in hostile.test.ts and cache-trust.test.ts, also with real processes.
 */
import { chmodSync, readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { root, spawnCli, tempDir } from "./helpers.js";
import { cli } from "./in-process.js";

const test = suite("the real command (child processes)");

test("the bundle starts: --version, --help, and the exit codes 0, 1 and 2", () => {
  const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version: string };
  assert.is(spawnCli(["--version"]).stdout, `${pkg.version}\n`);
  assert.match(spawnCli(["--help"]).stdout, /Usage:\n {2}sqlguard \[options\] \[paths\|globs\.\.\.\]/);
  const dir = tempDir({ "ok.sql": "SELECT 1;\n", "bad.sql": "DELETE FROM orders;\n" });
  const clean = spawnCli(["ok.sql"], { cwd: dir });
  assert.equal([clean.code, clean.stdout, clean.stderr], [0, "", ""]);
  const bad = spawnCli(["-f", "compact", "."], { cwd: dir });
  assert.is(bad.code, 1);
  assert.is(bad.stdout, "bad.sql: line 1, col 1, Error - DELETE without WHERE removes every row of orders (require-where)\n\n1 problem\n");
  const usage = spawnCli(["--bogus"], { cwd: dir });
  assert.is(usage.code, 2);
  assert.match(usage.stderr, /Unknown option '--bogus'/);
});

test("standard input is read from the real stream", () => {
  const r = spawnCli(["--stdin", "--stdin-filename", "x.ts", "-f", "compact"], { cwd: tempDir(), input: "await db.query('DELETE FROM t');\n" });
  assert.is(r.code, 1, r.stderr);
  assert.is(r.stdout, "x.ts: line 1, col 17, Error - DELETE without WHERE removes every row of t (require-where)\n\n1 problem\n");
});

test("--fix writes the file: through a temporary file and a rename, keeping the mode", () => {
  const dir = tempDir({ "hotfix.sql": "-- hotfix\nUPDATE orders\nSET is_deleted = true\n\nWHERE id IN (1, 2, 3)\n" });
  const file = path.join(dir, "hotfix.sql");
  chmodSync(file, 0o640);
  const fixed = spawnCli(["--fix", "hotfix.sql"], { cwd: dir });
  assert.is(fixed.code, 0, fixed.stdout + fixed.stderr);
  assert.is(fixed.stdout, "");
  assert.is(readFileSync(file, "utf8"), "-- hotfix\nUPDATE orders\nSET is_deleted = true\nWHERE id IN (1, 2, 3);\n");
  assert.is(statSync(file).mode & 0o777, 0o640, "the file keeps its mode");
  assert.equal(readdirSync(dir), ["hotfix.sql"], "no temporary file is left behind");
});

test("the bundled worker thread gives exactly the single-thread output", async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 12; i++) files[`f${String(i).padStart(2, "0")}.sql`] = `SELECT ${i};\n${i % 3 === 0 ? `DELETE FROM t${i};\n` : ""}SELECT FROM WHERE;\n`;
  const dir = tempDir(files);
  const one = await cli(["--concurrency", "off", "-f", "json", "."], { cwd: dir });
  const two = spawnCli(["--concurrency", "2", "-f", "json", "."], { cwd: dir });
  assert.is(one.code, 1);
  assert.is(two.stderr, "");
  assert.is(two.code, one.code);
  assert.is(two.stdout, one.stdout);
});

test.run();

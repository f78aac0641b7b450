import { chmodSync, symlinkSync, mkdirSync, readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { write } from "./git.js";
import { root, tempDir } from "./helpers.js";
import { cli } from "./in-process.js";

const test = suite("cli");

test("exit 0 on clean files, 1 on errors, 2 on usage errors", async () => {
  const dir = tempDir({ "ok.sql": "SELECT 1;\n", "bad.sql": "DELETE FROM orders;\n" });
  assert.is((await cli(["ok.sql"], { cwd: dir })).code, 0);
  const r = await cli(["."], { cwd: dir });
  assert.is(r.code, 1);
  assert.match(r.stdout, /bad\.sql\n {2}1:1 {2}error {2}DELETE without WHERE removes every row of orders {2}require-where/);
  assert.match(r.stdout, /1 \| DELETE FROM orders;\n\s+\| \^{18}/);
  assert.match(r.stdout, /✖ 1 problem \(1 error, 0 warnings\)/);
  assert.is((await cli(["--bogus"], { cwd: dir })).code, 2);
  assert.match((await cli(["--bogus"], { cwd: dir })).stderr, /Unknown option '--bogus'/);
  assert.is((await cli(["missing.sql"], { cwd: dir })).code, 2);
  assert.match((await cli(["nope/*.sql"], { cwd: dir })).stderr, /No files match the pattern "nope\/\*\.sql"/);
  assert.is((await cli(["--format", "xml"], { cwd: dir })).code, 2);
});

test("--format json has ESLint's shape", async () => {
  const dir = tempDir({ "a.sql": "SELECT 1;\nUPDATE t SET a = 1;\n" });
  const r = await cli(["--format", "json", "a.sql"], { cwd: dir });
  assert.is(r.code, 1);
  const json = JSON.parse(r.stdout);
  assert.equal(json, [
    {
      filePath: path.join(dir, "a.sql"),
      messages: [
        {
          ruleId: "require-where",
          severity: 2,
          message: "UPDATE without WHERE changes every row of t",
          line: 2,
          column: 1,
          endLine: 2,
          endColumn: 9,
          help: "add a WHERE that names the rows; if every row is meant, say why: -- sqlguard-disable-next-line require-where -- <reason>",
        },
      ],
      suppressedMessages: [],
      errorCount: 1,
      fatalErrorCount: 0,
      warningCount: 0,
      fixableErrorCount: 0,
      fixableWarningCount: 0,
      usedDeprecatedRules: [],
    },
  ]);
});

test("--format compact, --rule, --quiet, --max-warnings", async () => {
  const dir = tempDir({ "a.sql": "DELETE FROM t;\n" });
  assert.is((await cli(["-f", "compact", "a.sql"], { cwd: dir })).stdout, "a.sql: line 1, col 1, Error - DELETE without WHERE removes every row of t (require-where)\n\n1 problem\n");
  const warn = await cli(["--rule", "require-where:warn", "a.sql"], { cwd: dir });
  assert.is(warn.code, 0);
  assert.match(warn.stdout, /warning/);
  assert.is((await cli(["--rule", "require-where:warn", "--quiet", "a.sql"], { cwd: dir })).stdout, "");
  const over = await cli(["--rule", "require-where:warn", "--max-warnings", "0", "a.sql"], { cwd: dir });
  assert.is(over.code, 1);
  assert.match(over.stderr, /too many warnings \(maximum: 0\)/);
  assert.is((await cli(["--rule", "require-where:off", "a.sql"], { cwd: dir })).code, 0);
  assert.is((await cli(["--rule", "nope:off", "a.sql"], { cwd: dir })).code, 2);
});

test("--stdin with --stdin-filename", async () => {
  const r = await cli(["--stdin", "--stdin-filename", "fix.sql", "-f", "compact"], { cwd: tempDir(), input: "SELECT 1;\nDELETE FROM t;" });
  assert.is(r.code, 1);
  assert.is(r.stdout, "fix.sql: line 2, col 1, Error - DELETE without WHERE removes every row of t (require-where)\n\n1 problem\n");
});

test("folders are walked, .gitignore and config ignores respected, output sorted", async () => {
  const dir = tempDir({
    ".gitignore": "build/\n*.tmp.sql\n",
    ".git/HEAD": "ref: refs/heads/main\n",
    "b/z.sql": "DELETE FROM z;",
    "a/y.sql": "DELETE FROM y;",
    "a/.gitignore": "local.sql\n",
    "a/local.sql": "DELETE FROM local;",
    "build/gen.sql": "DELETE FROM gen;",
    "scratch.tmp.sql": "DELETE FROM tmp;",
    "node_modules/pkg/x.sql": "DELETE FROM nm;",
    "vendor/v.sql": "DELETE FROM v;",
    "notes.txt": "DELETE FROM txt;",
    "sqlguard.config.json": '{ "ignores": ["vendor/"] }',
  });
  const r = await cli(["-f", "compact"], { cwd: dir });
  assert.equal(r.stdout.split("\n").filter((l) => l.includes("Error")).map((l) => l.split(":")[0]), ["a/y.sql", "b/z.sql"]);
  // from a subfolder, the root .gitignore still applies
  const sub = await cli(["-f", "compact", "."], { cwd: path.join(dir, "a") });
  assert.equal(sub.stdout.split("\n").filter((l) => l.includes("Error")).map((l) => l.split(":")[0]), ["y.sql"]);
  // globs
  const g = await cli(["-f", "compact", "**/*.sql"], { cwd: dir });
  assert.equal(g.stdout.split("\n").filter((l) => l.includes("Error")).map((l) => l.split(":")[0]), ["a/y.sql", "b/z.sql"]);
  // a file named explicitly is linted whatever its extension (text rules only for unknown types)
  assert.is((await cli(["notes.txt"], { cwd: dir })).code, 0);
});

test("bad input never stops the run: unreadable, binary, broken symlink, invalid UTF-8, folder named x.sql", async () => {
  const dir = tempDir({
    "good.sql": "DELETE FROM t;",
    "binary.sql": Buffer.from([0x00, 0x01, 0x02, 0x03, 0xff, 0x00]),
    "latin1.sql": Buffer.concat([Buffer.from("SELECT 'caf"), Buffer.from([0xe9]), Buffer.from("';\nDELETE FROM u;\n")]),
    "locked.sql": "SELECT 1;",
  });
  symlinkSync(path.join(dir, "nowhere.sql"), path.join(dir, "dangling.sql"));
  mkdirSync(path.join(dir, "folder.sql"));
  chmodSync(path.join(dir, "locked.sql"), 0o000);
  const r = await cli(["-f", "compact", "."], { cwd: dir });
  assert.is(r.code, 1);
  assert.is(r.stderr, "");
  const lines = r.stdout.split("\n");
  assert.ok(lines.includes("binary.sql: line 1, col 1, Error - not a text file (binary content, e.g. NUL bytes); not linted"));
  assert.ok(lines.includes("dangling.sql: line 1, col 1, Error - broken symbolic link (its target does not exist); not linted"));
  assert.ok(lines.includes("good.sql: line 1, col 1, Error - DELETE without WHERE removes every row of t (require-where)"));
  assert.ok(lines.some((l) => /^latin1\.sql: line 1, col 12, Warning - not valid UTF-8 \(byte 0xE9 here/.test(l)));
  assert.ok(lines.includes("latin1.sql: line 2, col 1, Error - DELETE without WHERE removes every row of u (require-where)"));
  if (process.getuid?.() !== 0) assert.ok(lines.includes("locked.sql: line 1, col 1, Error - permission denied: cannot read the file; not linted"));
  chmodSync(path.join(dir, "locked.sql"), 0o644);
});

test("a BOM is not a column; --fix keeps it", async () => {
  const dir = tempDir({ "a.sql": "\ufeffDELETE FROM t;\nSELECT 1" });
  assert.match((await cli(["-f", "compact", "a.sql"], { cwd: dir })).stdout, /a\.sql: line 1, col 1, Error - DELETE without WHERE/);
  await cli(["--fix", "a.sql"], { cwd: dir });
  assert.is(readFileSync(path.join(dir, "a.sql"), "utf8"), "\ufeffDELETE FROM t;\nSELECT 1;");
});

test("--max-file-size", async () => {
  const dir = tempDir({ "big.sql": "SELECT 1;\n".repeat(200) });
  const r = await cli(["-f", "compact", "--max-file-size", "1kb", "big.sql"], { cwd: dir });
  assert.is(r.code, 1);
  assert.match(r.stdout, /big\.sql: line 1, col 1, Error - file is 2 KB, over the limit of 1 KB \(raise it with --max-file-size, 0 for no limit\); not linted/);
});

test("colour only when asked: a terminal, NO_COLOR, FORCE_COLOR, TERM=dumb, --color, --no-color", async () => {
  const dir = tempDir({ "a.sql": "DELETE FROM t;" });
  const colour = /\u001b\[/;
  const plain = { NO_COLOR: undefined, FORCE_COLOR: undefined, TERM: "xterm-256color" };
  assert.not.match((await cli(["a.sql"], { cwd: dir })).stdout, colour);
  assert.not.match((await cli(["a.sql"], { cwd: dir, env: plain })).stdout, colour, "not a terminal");
  assert.match((await cli(["a.sql"], { cwd: dir, env: plain, isTTY: true })).stdout, /\u001b\[31m/, "a terminal");
  assert.not.match((await cli(["a.sql"], { cwd: dir, env: { ...plain, NO_COLOR: "1" }, isTTY: true })).stdout, colour, "NO_COLOR");
  assert.not.match((await cli(["a.sql"], { cwd: dir, env: { ...plain, TERM: "dumb" }, isTTY: true })).stdout, colour, "TERM=dumb");
  assert.not.match((await cli(["a.sql"], { cwd: dir, env: { ...plain, FORCE_COLOR: "0" }, isTTY: true })).stdout, colour, "FORCE_COLOR=0");
  assert.match((await cli(["a.sql"], { cwd: dir, env: { NO_COLOR: undefined, FORCE_COLOR: "1" } })).stdout, /\u001b\[31m/);
  assert.match((await cli(["--color", "a.sql"], { cwd: dir })).stdout, colour);
  assert.not.match((await cli(["--no-color", "a.sql"], { cwd: dir, env: plain, isTTY: true })).stdout, colour);
  assert.not.match((await cli(["-o", "out.txt", "a.sql"], { cwd: dir, env: plain, isTTY: true })).stdout, colour);
  assert.not.match(readFileSync(path.join(dir, "out.txt"), "utf8"), colour, "a report file has no colour");
});

test("--version and --help", async () => {
  const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version: string };
  assert.is((await cli(["--version"])).stdout.trim(), pkg.version);
  const help = await cli(["--help"]);
  assert.is(help.code, 0);
  assert.match(help.stdout, /Usage:/);
  assert.match(help.stdout, /--stdin-filename/);
});

test("nothing is written without --fix", async () => {
  const dir = tempDir({ "a.sql": "DELETE FROM t" });
  await cli(["."], { cwd: dir });
  assert.is(readFileSync(path.join(dir, "a.sql"), "utf8"), "DELETE FROM t");
});

test("the examples show what the tool is for", async () => {
  const r = await cli(["examples"]);
  assert.is(r.code, 1);
  assert.match(r.stdout, /examples\/delete-without-where\.sql\n(?:.*\n)*? {2}2:1 {2}error {2}DELETE without WHERE removes every row of orders/);
  assert.match(r.stdout, /examples\/orders\.ts\n {2}8:21 {2}error {2}UPDATE without WHERE changes every row of orders/);
  assert.not.match(r.stdout, /orders\.ts[\s\S]*1[0-9]:\d+ {2}error/, "the clean query is clean");
  assert.match(r.stdout, /examples\/config\/database\.yml\n {2}11:8 {2}error {2}PostgreSQL URI with an inline password points at production host shop-prod\.[\s\S]*postgres:\/\/shop_app:\*\*\*\*@shop-prod/);
  assert.not.match(r.stdout, /Tr0ub4dor/);
  assert.match(
    r.stdout,
    /examples\/blank-line-update\.sql\n {2}6:1 {2}error {2}a client that splits on blank lines would run `UPDATE orders SET is_deleted = true` — every row of orders {2}ambiguous-statement-split\n/,
  );
  assert.match(r.stdout, /\n {5}4:1 {2}note: the statement starts here\n {5}help: remove the blank line, or run the file as a script\n/);
});

test("--fix rewrites the file through a temporary file and a rename; nothing changes without it", async () => {
  const original = "-- hotfix\nUPDATE orders\nSET is_deleted = true\n\nWHERE id IN (1, 2, 3)\n";
  const dir = tempDir({ "hotfix.sql": original });
  const file = path.join(dir, "hotfix.sql");
  chmodSync(file, 0o640);

  const before = await cli(["hotfix.sql", "-f", "compact"], { cwd: dir });
  assert.is(before.code, 1);
  assert.is(
    before.stdout,
    [
      "hotfix.sql: line 4, col 1, Error - a client that splits on blank lines would run `UPDATE orders SET is_deleted = true` — every row of orders (ambiguous-statement-split)",
      'hotfix.sql: line 5, col 22, Warning - missing `;` after the last statement: clients that run "up to the next `;`" (and scripts joined end to end) would run it together with whatever follows (require-semicolon)',
      "",
      "2 problems",
      "",
    ].join("\n"),
  );
  assert.is(readFileSync(file, "utf8"), original, "nothing is written without --fix");

  const fixed = await cli(["--fix", "hotfix.sql"], { cwd: dir });
  assert.is(fixed.code, 0, fixed.stdout + fixed.stderr);
  assert.is(fixed.stdout, "");
  assert.is(readFileSync(file, "utf8"), "-- hotfix\nUPDATE orders\nSET is_deleted = true\nWHERE id IN (1, 2, 3);\n");
  assert.is(statSync(file).mode & 0o777, 0o640, "the file keeps its mode");
  assert.equal(readdirSync(dir), ["hotfix.sql"], "no temporary file is left behind");

  // A second run has nothing left to fix and writes nothing.
  const mtime = statSync(file).mtimeMs;
  assert.is((await cli(["--fix", "hotfix.sql"], { cwd: dir })).code, 0);
  assert.is(statSync(file).mtimeMs, mtime);
});

test("require-semicolon is a warning by default: exit 0 unless --max-warnings", async () => {
  const dir = tempDir({ "a.sql": "SELECT 1" });
  const r = await cli(["a.sql"], { cwd: dir });
  assert.is(r.code, 0);
  assert.match(r.stdout, /1:9 {2}warning {2}missing `;` after the last statement/);
  assert.is((await cli(["--max-warnings", "0", "a.sql"], { cwd: dir })).code, 1);
});

test("SQL in TypeScript and JavaScript: walked, located, and a file that does not parse does not stop the run", async () => {
  const dir = tempDir({
    "src/repo.ts": "export const wipe = () => pool.query(`\n  DELETE FROM carts`);\n",
    "src/legacy.cjs": "module.exports = (db) => db.none('UPDATE users SET active = false');\n",
    "src/broken.tsx": "await pool.query('SELECT 1');\nconst x = <div>;\n",
    "src/clean.mjs": "export const q = (id) => pool.query('DELETE FROM carts WHERE id = $1', [id]);\n",
    "src/types.d.ts": "export type Q = 'DELETE FROM t';\n",
    "src/video.ts": Buffer.from([0x47, 0x00, 0x11, 0x10, 0x00, 0x42, 0xf0, 0x25]),
    "notes.md": "DELETE FROM t;\n",
  });
  const r = await cli(["-f", "compact", "."], { cwd: dir });
  assert.is(r.code, 1);
  assert.is(r.stderr, "");
  assert.equal(r.stdout.split("\n").filter((l) => l.includes(" - ")), [
    "src/broken.tsx: line 2, col 12, Error - Parsing error: JSX element 'div' has no corresponding closing tag.",
    "src/legacy.cjs: line 1, col 35, Error - UPDATE without WHERE changes every row of users (require-where)",
    "src/repo.ts: line 2, col 3, Error - DELETE without WHERE removes every row of carts (require-where)",
  ]);
  // a binary file named .ts is skipped in a walk, and reported when named
  assert.match((await cli(["-f", "compact", "src/video.ts"], { cwd: dir })).stdout, /src\/video\.ts: line 1, col 1, Error - not a text file/);
  // --stdin with a code file name
  const stdin = await cli(["--stdin", "--stdin-filename", "x.ts", "-f", "compact"], { cwd: dir, input: "await db.query('DELETE FROM t');\n" });
  assert.is(stdin.stdout, "x.ts: line 1, col 17, Error - DELETE without WHERE removes every row of t (require-where)\n\n1 problem\n");
});

test("each run reads the project as it is: a second run in the same process sees the files added since", async () => {
  // main() is called again in one process (these tests, an editor integration): what the run model
  // read of the project (manifests, lockfiles, migration folders) must not outlive the run.
  const dir = tempDir({ "prisma/migrations/20240101000000_x/migration.sql": "CREATE TABLE b (x int);\nCREATE INDEX CONCURRENTLY b_x ON b (x);\n" });
  const args = ["-f", "compact", "--rule", "require-transaction:off", "."];
  assert.equal(await cli(args, { cwd: dir }), { code: 0, stdout: "", stderr: "" }, "a plain script: each statement on its own");
  write(dir, { "prisma/migrations/migration_lock.toml": 'provider = "postgresql"\n', "package.json": JSON.stringify({ devDependencies: { prisma: "6.19.3" } }) });
  const now = await cli(args, { cwd: dir });
  assert.is(now.code, 1, "a Prisma migration now: sent as one query");
  assert.match(now.stdout, /line 2, col 1, Error - CREATE INDEX CONCURRENTLY cannot run inside a transaction block: Prisma Migrate 6\.19\.3 sends this migration as one query/);
});

test("a JavaScript config changed between two runs in the same process is read again", async () => {
  const dir = tempDir({ "a.sql": "DELETE FROM t;\n", "sqlguard.config.mjs": 'export default { rules: { "require-where": "warn" } };\n' });
  assert.match((await cli(["-f", "compact", "a.sql"], { cwd: dir })).stdout, /Warning - DELETE without WHERE/);
  write(dir, { "sqlguard.config.mjs": 'export default { rules: { "require-where": "off" } };\n' });
  assert.is((await cli(["-f", "compact", "a.sql"], { cwd: dir })).stdout, "");
});

test.run();

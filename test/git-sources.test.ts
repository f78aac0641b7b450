import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { bin, tempDir } from "./helpers.js";
import { cli } from "./in-process.js";
import { commitAll, git, gitEnv, repo, write } from "./git.js";
import { bySize } from "../src/sources/git.js";

const test = suite("git sources: --staged and --changed-since");

const env = gitEnv();
const run = (args: string[], cwd: string) => cli(args, { cwd, env });
/** The files named in compact output, in order. */
const files = (stdout: string) => [...new Set(stdout.split("\n").filter((l) => / line \d+, col \d+, /.test(l)).map((l) => l.slice(0, l.indexOf(": line "))))];

test("--staged in a repository with no commit yet lints the index, not the working tree", async () => {
  const dir = repo({ "a.sql": "SELECT 1;\n", "b.sql": "DELETE FROM orders;\n" });
  git(dir, ["add", "a.sql", "b.sql"]);
  // Working-tree edits after staging are not what will be committed.
  write(dir, { "a.sql": "SELECT 1;\nDELETE FROM not_staged;\n", "b.sql": "SELECT 'fixed but not staged';\n", "c.sql": "DELETE FROM untracked;\n" });
  const r = await run(["--staged", "-f", "compact"], dir);
  assert.is(r.code, 1, r.stderr);
  assert.is(r.stdout, "b.sql: line 1, col 1, Error - DELETE without WHERE removes every row of orders (require-where)\n\n1 problem\n");
});

test("--staged: a partially staged file is linted exactly as it will be committed", async () => {
  const dir = repo({ "fix.sql": "SELECT 1;\n" });
  commitAll(dir);
  write(dir, { "fix.sql": "SELECT 1;\nUPDATE accounts SET balance = 0;\n" });
  git(dir, ["add", "fix.sql"]);
  write(dir, { "fix.sql": "SELECT 1;\nUPDATE accounts SET balance = 0 WHERE id = 7;\n" }); // fixed only in the working tree
  const staged = await run(["--staged", "-f", "compact"], dir);
  assert.is(staged.code, 1);
  assert.match(staged.stdout, /fix\.sql: line 2, col 1, Error - UPDATE without WHERE changes every row of accounts/);
  assert.is((await run(["-f", "compact", "fix.sql"], dir)).code, 0, "the working tree copy is clean");

  // And the other way round: the staged copy is clean, the working tree is not.
  git(dir, ["add", "fix.sql"]);
  write(dir, { "fix.sql": "DELETE FROM accounts;\n" });
  assert.is((await run(["--staged"], dir)).code, 0);
});

test("--staged: renames are linted under their new name, deletions and unchanged files are not linted", async () => {
  const dir = repo({ "old name.sql": "DELETE FROM a;\n", "gone.sql": "DELETE FROM b;\n", "kept.sql": "DELETE FROM c;\n" });
  commitAll(dir);
  git(dir, ["mv", "old name.sql", "new name.sql"]);
  git(dir, ["rm", "-q", "gone.sql"]);
  const r = await run(["--staged", "-f", "compact"], dir);
  assert.is(r.code, 1);
  assert.equal(files(r.stdout), ["new name.sql"]);
  // Nothing staged at all: nothing to lint, exit 0, no output.
  commitAll(dir);
  const none = await run(["--staged"], dir);
  assert.is(none.code, 0);
  assert.is(none.stdout, "");
});

test("--staged: paths with spaces and non-ASCII names, run from a subfolder, limited by paths", async () => {
  const dir = repo({
    "db/migrations/001 init.sql": "DELETE FROM one;\n",
    "db/données/été.sql": "DELETE FROM deux;\n",
    "other/x.sql": "DELETE FROM three;\n",
  });
  git(dir, ["add", "-A"]);
  const all = await run(["--staged", "-f", "compact"], path.join(dir, "db"));
  // Every staged file of the repository (the commit takes them all); outside the folder, absolute paths.
  assert.equal(files(all.stdout), ["données/été.sql", "migrations/001 init.sql", path.join(dir, "other", "x.sql")]);
  const limited = await run(["--staged", "-f", "compact", "données"], path.join(dir, "db"));
  assert.equal(files(limited.stdout), ["données/été.sql"]);
  const json = JSON.parse((await run(["--staged", "-f", "json"], dir)).stdout) as { filePath: string }[];
  assert.ok(json.some((r) => r.filePath === path.join(dir, "db", "données", "été.sql")), "JSON carries the working-tree path of the staged file");
});

test("--staged picks files like a folder walk: SQL files, config ignores; a file named explicitly is always linted", async () => {
  const dir = repo({
    "sqlguard.config.json": JSON.stringify({ ignores: ["vendor/"] }),
    "a.sql": "DELETE FROM a;\n",
    "vendor/v.sql": "DELETE FROM v;\n",
    "notes.txt": "DELETE FROM t;\n",
    "logo.png": Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x00]),
  });
  git(dir, ["add", "-A"]);
  assert.equal(files((await run(["--staged", "-f", "compact"], dir)).stdout), ["a.sql"]);
  // A folder walk of the working tree picks the same file.
  assert.equal(files((await run(["-f", "compact", "."], dir)).stdout), ["a.sql"]);
  // Named explicitly: linted whatever its type (text rules only for unknown types).
  assert.is((await run(["--staged", "notes.txt"], dir)).code, 0);
});

test("--staged skips symlinks and submodules, and does not read a blob over --max-file-size", async () => {
  const dir = repo({ "big.sql": "SELECT 1;\n".repeat(300), "real.sql": "SELECT 1;\n" });
  symlinkSync("real.sql", path.join(dir, "link.sql"));
  git(dir, ["add", "-A"]);
  const r = await run(["--staged", "-f", "compact", "--max-file-size", "1kb"], dir);
  assert.is(r.code, 1);
  assert.equal(files(r.stdout), ["big.sql"]);
  assert.match(r.stdout, /big\.sql: line 1, col 1, Error - file is 2.9 KB, over the limit of 1 KB \(raise it with --max-file-size, 0 for no limit\); not linted/);
});

test("a plain git pre-commit hook running `sqlguard --staged` blocks a bad commit, including `git commit -a`", () => {
  const dir = repo({ "ok.sql": "SELECT 1;\n" });
  commitAll(dir);
  mkdirSync(path.join(dir, ".git", "hooks"), { recursive: true });
  const hook = path.join(dir, ".git", "hooks", "pre-commit");
  writeFileSync(hook, `#!/bin/sh\nexec "${process.execPath}" "${bin}" --staged\n`);
  chmodSync(hook, 0o755);

  write(dir, { "cleanup.sql": "DELETE FROM orders;\n" });
  git(dir, ["add", "cleanup.sql"]);
  const blocked = git(dir, ["commit", "-m", "cleanup"], { allowFail: true });
  assert.is.not(blocked.code, 0);
  assert.match(blocked.stdout + blocked.stderr, /DELETE without WHERE removes every row of orders/);

  write(dir, { "cleanup.sql": "DELETE FROM orders WHERE id = 1;\n" });
  git(dir, ["add", "cleanup.sql"]);
  assert.is(git(dir, ["commit", "-q", "-m", "cleanup"], { allowFail: true }).code, 0);

  // `git commit -a` stages into a temporary index (GIT_INDEX_FILE): that is what gets linted.
  write(dir, { "ok.sql": "UPDATE t SET a = 1;\n" });
  const all = git(dir, ["commit", "-a", "-m", "all"], { allowFail: true });
  assert.is.not(all.code, 0);
  assert.match(all.stdout + all.stderr, /UPDATE without WHERE changes every row of t/);
});

test("--changed-since REF: committed, uncommitted and new files since the merge base; deletions skipped", async () => {
  const dir = repo({ "base.sql": "DELETE FROM base;\n", "doomed.sql": "SELECT 1;\n", "edited.sql": "SELECT 1;\n" });
  commitAll(dir, "base");
  git(dir, ["checkout", "-q", "-b", "feature"]);
  write(dir, { "feature.sql": "DELETE FROM feature;\n", "edited.sql": "SELECT 1;\nUPDATE edited SET a = 1;\n" });
  git(dir, ["rm", "-q", "doomed.sql"]);
  commitAll(dir, "feature");
  write(dir, { "wip dir/wip.sql": "DELETE FROM wip;\n", ".gitignore": "ignored.sql\n", "ignored.sql": "DELETE FROM ignored;\n" });
  // main moves on after the branch point: its changes are not ours.
  git(dir, ["checkout", "-q", "main"]);
  write(dir, { "main-only.sql": "DELETE FROM main_only;\n" });
  git(dir, ["add", "main-only.sql"]);
  git(dir, ["commit", "-q", "-m", "main"]);
  git(dir, ["checkout", "-q", "feature"]);

  const r = await run(["--changed-since", "main", "-f", "compact"], dir);
  assert.is(r.code, 1, r.stderr);
  assert.equal(files(r.stdout), ["edited.sql", "feature.sql", "wip dir/wip.sql"]);
  // Paths limit it, relative to where it runs.
  assert.equal(files((await run(["--changed-since", "main", "-f", "compact", "."], path.join(dir, "wip dir"))).stdout), ["wip.sql"]);
  // Nothing changed: exit 0.
  assert.is((await run(["--changed-since", "HEAD", "-f", "compact", "base.sql"], dir)).code, 0);
});

test("--changed-since: unknown ref, outside a repository, conflicting flags are usage errors (exit 2)", async () => {
  const dir = repo({ "a.sql": "SELECT 1;\n" });
  commitAll(dir);
  const unknown = await run(["--changed-since", "origin/nope"], dir);
  assert.is(unknown.code, 2);
  assert.match(unknown.stderr, /unknown git ref "origin\/nope"/);
  const outside = await run(["--changed-since", "main"], tempDir());
  assert.is(outside.code, 2);
  assert.match(outside.stderr, /--changed-since needs a git repository/);
  const stagedOutside = await run(["--staged"], tempDir());
  assert.is(stagedOutside.code, 2);
  assert.match(stagedOutside.stderr, /--staged needs a git repository/);
  assert.match((await run(["--changed-since", "--staged"], dir)).stderr, /Option '--changed-since' argument is ambiguous/);
  assert.match((await run(["--staged", "--changed-since", "main"], dir)).stderr, /cannot be combined/);
  assert.match((await run(["--staged", "--fix"], dir)).stderr, /--fix cannot be combined with --staged/);
  assert.match((await run(["--staged", "--stdin"], dir)).stderr, /cannot be combined/);
  // A repository with no commit has nothing to compare with.
  const empty = repo({ "a.sql": "SELECT 1;\n" });
  assert.match((await run(["--changed-since", "main"], empty)).stderr, /there is no commit on this branch yet/);
  rmSync(empty, { recursive: true, force: true });
});

test("staged content is read in groups of bounded size, in order, one file at least per group", () => {
  const sizes = (groups: { size: number }[][]) => groups.map((g) => g.map((f) => f.size));
  assert.equal(sizes(bySize([{ size: 40 }, { size: 30 }, { size: 50 }, { size: 200 }, { size: 10 }], 100)), [[40, 30], [50], [200], [10]]);
  assert.equal(sizes(bySize([], 100)), []);
  assert.equal(sizes(bySize([{ size: NaN }, { size: 5 }], 10)), [[NaN, 5]]);
});

test.run();

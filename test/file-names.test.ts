/**
 * File names are bytes: one that is not UTF-8 (`lat\xe9.sql`) is found, read, fixed and shown
 * (`"lat\351.sql"`, as git shows it) by every source, git's included; a line break in a name never
 * splits a line of output.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { decodeName, encodeName, quotePath } from "../src/util/file-names.js";
import { commitAll, git, gitEnv, repo } from "./git.js";
import { tempDir } from "./helpers.js";
import { cli } from "./in-process.js";

const test = suite("file-names");

const LATIN1 = Buffer.from("lat\xe9.sql", "latin1");
const env = (): NodeJS.ProcessEnv => {
  const e: NodeJS.ProcessEnv = { ...process.env, ...gitEnv() };
  for (const k of Object.keys(e)) if (e[k] === undefined) delete e[k];
  return e;
};

/** Writes a file whose name is given as bytes (Node writes a Buffer path as is). */
function writeRaw(dir: string, name: Buffer, content: string): void {
  writeFileSync(Buffer.concat([Buffer.from(dir + "/"), name]), content);
}

test("names decode losslessly, and are quoted as git quotes them", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 24 }), (b) => {
      assert.is(encodeName(decodeName(b)).toString("hex"), Buffer.from(b).toString("hex"));
    }),
    { numRuns: 3000 },
  );
  assert.is(decodeName(Buffer.from("caf\u00e9.sql")), "caf\u00e9.sql", "valid UTF-8 is text");
  assert.is(quotePath(decodeName(LATIN1)), '"lat\\351.sql"');
  assert.is(quotePath("caf\u00e9 \u{1f600}.sql"), "caf\u00e9 \u{1f600}.sql", "valid non-ASCII is shown as is");
  assert.is(quotePath("a\nb\t\"c\\.sql"), '"a\\nb\\t\\"c\\\\.sql"');
  assert.is(quotePath("x\u0001.sql"), '"x\\001.sql"');
  // the same as git's own quoting, for names without valid non-ASCII text
  const dir = repo();
  const names = [LATIN1, Buffer.from("a\nb.sql"), Buffer.from('q"x.sql'), Buffer.from("t\tab\\s.sql"), Buffer.from([0x78, 0xff, 0xfe, 0x01, 0x2e, 0x73])];
  for (const n of names) writeRaw(dir, n, "SELECT 1;\n");
  git(dir, ["add", "-A"]);
  const listed = spawnSync("git", ["ls-files"], { cwd: dir, env: env() }).stdout.toString("latin1").split("\n").filter(Boolean).sort();
  const ours = names.map((n) => quotePath(decodeName(n))).sort();
  assert.equal(ours, listed);
});

test("--staged and --changed-since find a file whose name is not UTF-8, read it, and show its name as git does", async () => {
  const dir = repo({ "base.sql": "SELECT 1;\n" });
  commitAll(dir);
  writeRaw(dir, LATIN1, "DELETE FROM t;\n");
  writeRaw(dir, Buffer.from("a\nb.sql"), "DELETE FROM u;\n");
  git(dir, ["add", "-A"]);
  const expected = [
    '"a\\nb.sql": line 1, col 1, Error - DELETE without WHERE removes every row of u (require-where)',
    '"lat\\351.sql": line 1, col 1, Error - DELETE without WHERE removes every row of t (require-where)',
    "",
    "2 problems",
    "",
  ].join("\n");
  const staged = await cli(["--staged", "-f", "compact"], { cwd: dir, env: gitEnv() });
  assert.is(staged.stdout, expected, staged.stderr);
  assert.is(staged.code, 1);
  const changed = await cli(["--changed-since", "HEAD", "-f", "compact"], { cwd: dir, env: gitEnv() });
  assert.is(changed.stdout, expected, changed.stderr);
  commitAll(dir);
  const committed = await cli(["--changed-since", "HEAD~1", "-f", "compact"], { cwd: dir, env: gitEnv() });
  assert.is(committed.stdout, expected, committed.stderr);
  // and a folder walk, --fix included: the file with that very name is fixed
  writeRaw(dir, LATIN1, "SELECT 2");
  const fixed = await cli(["--fix", "-f", "compact", "."], { cwd: dir, env: gitEnv() });
  assert.is(fixed.stderr, "");
  assert.ok(fixed.stdout.includes('"a\\nb.sql": line 1, col 1, Error - DELETE'), fixed.stdout);
  assert.is(readFileSync(Buffer.concat([Buffer.from(dir + "/"), LATIN1]), "utf8"), "SELECT 2;");
  assert.equal(
    readdirSync(dir, { encoding: "buffer" })
      .map((b) => b.toString("hex"))
      .sort(),
    [".git", "a\nb.sql", "base.sql"].map((n) => Buffer.from(n).toString("hex")).concat(LATIN1.toString("hex")).sort(),
    "no other file was made",
  );
});

test("--changed-since in a repository with no commit yet says so (HEAD too), not 'unknown git ref'", async () => {
  const dir = repo({ "a.sql": "SELECT 1;\n" });
  for (const ref of ["HEAD", "main", "origin/main"]) {
    const r = await cli(["--changed-since", ref], { cwd: dir, env: gitEnv() });
    assert.is(r.code, 2);
    assert.match(r.stderr, `sqlguard: --changed-since: there is no commit on this branch yet, so nothing has changed since "${ref}"`);
    assert.not.match(r.stderr, "unknown git ref");
  }
});

test("a line break or control character in a name: one line per problem in every format", async () => {
  const dir = tempDir({ "a\nb.sql": "DELETE FROM t;\n", "c\rd\u0007.sql": "DELETE FROM u;\n" });
  const compact = await cli(["-f", "compact", "."], { cwd: dir });
  assert.equal(compact.stdout.split("\n"), [
    '"a\\nb.sql": line 1, col 1, Error - DELETE without WHERE removes every row of t (require-where)',
    '"c\\rd\\a.sql": line 1, col 1, Error - DELETE without WHERE removes every row of u (require-where)',
    "",
    "2 problems",
    "",
  ]);
  const stylish = await cli(["-f", "stylish", "."], { cwd: dir });
  assert.ok(stylish.stdout.split("\n").includes('"a\\nb.sql"'), stylish.stdout);
  assert.not.match(stylish.stdout, /[\r\u0007]/);
  const github = await cli(["-f", "github", "."], { cwd: dir });
  const lines = github.stdout.trim().split("\n");
  assert.is(lines.length, 2, github.stdout);
  assert.match(lines[0]!, /^::error file=a%0Ab\.sql,line=1,/);
  assert.match(lines[1]!, /^::error file="c\\rd\\a\.sql",line=1,/);
  const sarif = JSON.parse((await cli(["-f", "sarif", "."], { cwd: dir })).stdout);
  const uris = sarif.runs[0].results.map((r: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => r.locations[0]!.physicalLocation.artifactLocation.uri);
  assert.equal(uris, ["a%0Ab.sql", "c%0Dd%07.sql"]);
  const json = JSON.parse((await cli(["-f", "json", "."], { cwd: dir })).stdout);
  assert.equal(json.map((r: { filePath: string }) => path.basename(r.filePath)), ["a\nb.sql", "c\rd\u0007.sql"]);
});

test.run();

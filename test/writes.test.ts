/**
 * sqlguard writes nothing unless asked: no run without --fix changes a byte of the tree (no cache
 * file without --cache, no report file without -o). With --fix it writes through a temporary file
 * and a rename, applies fixable findings only, and reports the findings of the fixed text.
 */
import { createHash } from "node:crypto";
import { chmodSync, existsSync, lstatSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { writeFileAtomically } from "../src/util/write.js";
import { tempDir } from "./helpers.js";
import { cli } from "./in-process.js";

const test = suite("writes");

/** A hash of every path, mode, size and content under a folder (mtimes too: a rewrite of the same bytes counts). */
function treeHash(dir: string): string {
  const h = createHash("sha256");
  const visit = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      const st = lstatSync(p);
      h.update(`${path.relative(dir, p)}\0${st.mode}\0${st.size}\0${st.mtimeMs}\0`);
      if (st.isDirectory()) visit(p);
      else if (st.isFile()) h.update(readFileSync(p));
    }
  };
  visit(dir);
  return h.digest("hex");
}

const FILES = {
  "migrations/001.sql": "-- hotfix\nUPDATE orders\nSET is_deleted = true\n\nWHERE id IN (1, 2, 3)\n",
  "migrations/002.sql": "DELETE FROM sessions;\nSELECT 1",
  "src/db.ts": "export const purge = () => sql`DELETE FROM carts`;\n",
  ".env": "DATABASE_URL=postgres://app:S3cret-pw@db.prod.acme.com/app\n",
  "sqlguard.config.json": JSON.stringify({ rules: { "require-transaction": "warn" } }),
};

test("no run without --fix writes anything: every format, stdout or not, threads, quiet, max-warnings", async () => {
  const dir = tempDir(FILES);
  const before = treeHash(dir);
  const runs = [
    [],
    ["-f", "json"],
    ["-f", "sarif"],
    ["-f", "github"],
    ["-f", "compact", "--quiet"],
    ["--max-warnings", "0"],
    ["--concurrency", "2"],
    ["--rule", "require-semicolon:error"],
    ["migrations/002.sql"],
  ];
  for (const args of runs) {
    const r = await cli(args, { cwd: dir });
    assert.is(r.code, 1, `${args.join(" ")}: ${r.stderr}`);
    assert.is(treeHash(dir), before, `sqlguard ${args.join(" ")} changed the tree`);
  }
  assert.not.ok(existsSync(path.join(dir, ".sqlguardcache")), "no cache file without --cache");
  // standard input is read, never written back
  const stdin = await cli(["--stdin", "--stdin-filename", "migrations/001.sql"], { cwd: dir, input: "DELETE FROM t" });
  assert.is(stdin.code, 1);
  assert.is(treeHash(dir), before);
  // -o writes the report and nothing else
  const out = await cli(["-f", "json", "-o", "report.json"], { cwd: dir });
  assert.is(out.code, 1);
  assert.ok(JSON.parse(readFileSync(path.join(dir, "report.json"), "utf8")).length >= 3);
  assert.equal(readdirSync(dir).sort(), [".env", "migrations", "report.json", "sqlguard.config.json", "src"]);
});

test("--fix: fixable findings only, written atomically, and the findings reported are those of the fixed text", async () => {
  const dir = tempDir(FILES);
  chmodSync(path.join(dir, "migrations/001.sql"), 0o640);
  const r = await cli(["--fix", "-f", "compact", "."], { cwd: dir });
  assert.is(r.code, 1, r.stderr);
  // 001: the blank line inside the UPDATE is removed and the missing ; added (both fixable)
  assert.is(readFileSync(path.join(dir, "migrations/001.sql"), "utf8"), "-- hotfix\nUPDATE orders\nSET is_deleted = true\nWHERE id IN (1, 2, 3);\n");
  assert.is(statSync(path.join(dir, "migrations/001.sql")).mode & 0o777, 0o640, "the mode is kept");
  // 002: only the ; is added; the DELETE without WHERE stays (no rule rewrites a write's rows)
  assert.is(readFileSync(path.join(dir, "migrations/002.sql"), "utf8"), "DELETE FROM sessions;\nSELECT 1;");
  // code and the .env file are never rewritten
  assert.is(readFileSync(path.join(dir, "src/db.ts"), "utf8"), FILES["src/db.ts"]);
  assert.is(readFileSync(path.join(dir, ".env"), "utf8"), FILES[".env"]);
  // what is reported is the fixed text's findings, at the fixed text's positions
  const lines = r.stdout.trim().split("\n");
  assert.not.ok(lines.some((l) => l.includes("migrations/001.sql")), r.stdout);
  assert.ok(lines.includes("migrations/002.sql: line 1, col 1, Error - DELETE without WHERE removes every row of sessions (require-where)"), r.stdout);
  assert.not.ok(lines.some((l) => /require-semicolon/.test(l)), "the fixed problems are gone");
  // no temporary file is left anywhere
  const all = (d: string): string[] => readdirSync(d).flatMap((n) => (statSync(path.join(d, n)).isDirectory() ? all(path.join(d, n)) : [n]));
  assert.not.ok(all(dir).some((n) => n.endsWith(".tmp")), all(dir).join(", "));
  // positions after a fix that removed a line: a later finding moves up with it
  const shifted = tempDir({ "a.sql": "UPDATE t\nSET a = 1\n\nWHERE id = 1;\nDELETE FROM t;\n" });
  const s = await cli(["--fix", "-f", "compact", "a.sql"], { cwd: shifted });
  assert.ok(s.stdout.split("\n").includes("a.sql: line 4, col 1, Error - DELETE without WHERE removes every row of t (require-where)"), s.stdout);
  assert.is(readFileSync(path.join(shifted, "a.sql"), "utf8"), "UPDATE t\nSET a = 1\nWHERE id = 1;\nDELETE FROM t;\n");
});

test("a failed write removes its temporary file and leaves the original as it was", async () => {
  const dir = tempDir({ "target/keep.txt": "x" });
  // renaming a file over a non-empty folder fails after the temporary file was written
  let error: Error | null = null;
  try {
    await writeFileAtomically(path.join(dir, "target"), "SELECT 1;\n");
  } catch (e) {
    error = e as Error;
  }
  assert.match((error as NodeJS.ErrnoException | null)?.code ?? "", /^(EISDIR|ENOTEMPTY|EEXIST|ENOTDIR)$/);
  assert.equal(readdirSync(dir), ["target"], "no temporary file left");
  assert.is(readFileSync(path.join(dir, "target/keep.txt"), "utf8"), "x");
});

test.run();

/**
 * `--cache` never costs a run: a cache location that is not a file (a FIFO, a device) is neither
 * read (it would block) nor replaced; a damaged cache file is a miss, entry by entry; a cache that
 * cannot be written is a warning.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { bin, tempDir } from "./helpers.js";
import { cli } from "./in-process.js";

const test = suite("cache-trust");

const FILES = { "a.sql": "DELETE FROM a;\n", "b.sql": "UPDATE b SET x = 1 WHERE id = 2;\n" };

test("a FIFO as the cache location, or among the files: the run ends, with a warning (a real process)", () => {
  const dir = tempDir(FILES);
  for (const name of ["cache.fifo", "lint.fifo"]) assert.is(spawnSync("mkfifo", [path.join(dir, name)]).status, 0);
  const r = spawnSync(process.execPath, [bin, "--cache", "--cache-location", "cache.fifo", "-f", "compact", "a.sql", "lint.fifo"], {
    cwd: dir,
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: "1" },
  });
  assert.is(r.signal, null, "it did not hang");
  assert.is(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, "a.sql: line 1, col 1, Error - DELETE without WHERE");
  assert.match(r.stdout, "lint.fifo: line 1, col 1, Error - not a regular file; not linted");
  assert.is(
    r.stderr,
    `sqlguard: warning: the cache location ${path.join(dir, "cache.fifo")} is a named pipe (FIFO), not a file; running without a cache (give --cache-location a file or a folder)\n`,
  );
  assert.ok(statSync(path.join(dir, "cache.fifo")).isFIFO(), "the FIFO is left alone");
});

test("a cache file of the right version with damaged entries is a miss, never exit 2", async () => {
  const dir = tempDir(FILES);
  const fresh = await cli(["--cache", "-f", "compact", "."], { cwd: dir });
  assert.is(fresh.code, 1, fresh.stderr);
  const file = path.join(dir, ".sqlguardcache");
  const good = JSON.parse(readFileSync(file, "utf8"));
  const a = path.join(dir, "a.sql");
  type Data = { files: Record<string, { hash: string; result: Record<string, unknown> & { messages: Record<string, unknown>[] } }> } & Record<string, unknown>;
  const damage: [string, (d: Data) => void][] = [
    ["files: null", (d) => (d.files = null as never)],
    ["files: an array", (d) => (d.files = [] as never)],
    ["an entry: null", (d) => (d.files[a] = null as never)],
    ["result: null", (d) => (d.files[a]!.result = null as never)],
    ["messages: null", (d) => (d.files[a]!.result.messages = null as never)],
    ["a message: null", (d) => (d.files[a]!.result.messages[0] = null as never)],
    ["line: a string", (d) => (d.files[a]!.result.messages[0]!.line = "1")],
    ["severity: 3", (d) => (d.files[a]!.result.messages[0]!.severity = 3)],
    ["an unknown rule", (d) => (d.files[a]!.result.messages[0]!.ruleId = "no-such-rule")],
    ["errorCount: 0 with an error", (d) => (d.files[a]!.result.errorCount = 0)],
    ["errorCount: a string", (d) => (d.files[a]!.result.errorCount = "1")],
    ["lines: null", (d) => (d.files[a]!.result.lines = null)],
    ["a line: a number", (d) => (d.files[a]!.result.lines = { 1: 5 })],
    ["fix: a string", (d) => (d.files[a]!.result.messages[0]!.fix = "x")],
    ["hash: a number", (d) => (d.files[a]!.hash = 5 as never)],
    ["an entry named __proto__", (d) => Object.defineProperty(d.files, "__proto__", { value: { hash: 1 }, enumerable: true })],
  ];
  for (const [what, change] of damage) {
    const data = structuredClone(good) as Data;
    change(data);
    writeFileSync(file, JSON.stringify(data));
    const r = await cli(["--cache", "-f", "compact", "."], { cwd: dir });
    assert.is(r.code, fresh.code, `${what}: ${r.stderr}`);
    assert.is(r.stdout, fresh.stdout, what);
    assert.is(r.stderr, "", what);
  }
  for (const text of ["", "null", "[]", "{", '"x"', "\u0000\u0001"]) {
    writeFileSync(file, text);
    const r = await cli(["--cache", "-f", "compact", "."], { cwd: dir });
    assert.is(r.code, fresh.code, JSON.stringify(text));
    assert.is(r.stdout, fresh.stdout);
  }
  // the damaged entries were replaced by sound ones
  const healed = await cli(["--cache", "-f", "compact", "."], { cwd: dir });
  assert.is(healed.stdout, fresh.stdout);
});

test("a folder as the cache location holds .sqlguardcache; a cache that cannot be written is a warning", async () => {
  const dir = tempDir(FILES);
  mkdirSync(path.join(dir, "cachedir"));
  const r = await cli(["--cache", "--cache-location", "cachedir", "-f", "compact", "."], { cwd: dir });
  assert.is(r.code, 1, r.stderr);
  assert.ok(existsSync(path.join(dir, "cachedir/.sqlguardcache")));
  const slash = await cli(["--cache", "--cache-location", "later/", "-f", "compact", "."], { cwd: dir });
  assert.is(slash.code, 1, slash.stderr);
  assert.ok(existsSync(path.join(dir, "later/.sqlguardcache")));
  // below a file: no folder can be made there
  const bad = await cli(["--cache", "--cache-location", "a.sql/cache", "-f", "compact", "a.sql"], { cwd: dir });
  assert.is(bad.code, 1, bad.stderr);
  assert.match(bad.stdout, "a.sql: line 1, col 1, Error - DELETE without WHERE");
  assert.match(bad.stderr, /^sqlguard: warning: (cannot read|could not write) the cache /);
  assert.is(readFileSync(path.join(dir, "a.sql"), "utf8"), FILES["a.sql"]);
});

test.run();

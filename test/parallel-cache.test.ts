import { readFileSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { tempDir } from "./helpers.js";
import { cli } from "./in-process.js";
import { failedFile, lintFile, lintFiles } from "../src/cli/lint-files.js";
import { lintInParallel } from "../src/cli/pool.js";
import { Config } from "../src/engine/config.js";
import { builtin } from "../rules/index.js";

const test = suite("threads and cache");

const files: Record<string, string> = {};
for (let i = 0; i < 12; i++) files[`f${String(i).padStart(2, "0")}.sql`] = `SELECT ${i};\n${i % 3 === 0 ? "DELETE FROM t" + i + ";\n" : ""}SELECT FROM WHERE;\n`;

test("worker threads give exactly the single-thread output", async () => {
  const dir = tempDir(files);
  const one = await cli(["--concurrency", "off", "-f", "json", "."], { cwd: dir });
  const two = await cli(["--concurrency", "2", "-f", "json", "."], { cwd: dir });
  assert.is(one.code, 1);
  assert.is(two.code, one.code);
  assert.is(two.stdout, one.stdout);
  assert.is(two.stderr, "");
  assert.is((await cli(["--concurrency", "zero", "."], { cwd: dir })).code, 2);
});

test("three threads on files of many sizes, some read from disk and some in hand (staged): the one-thread results, in order", async () => {
  const sizes: Record<string, string> = {};
  for (let i = 0; i < 20; i++) sizes[`g${String(i).padStart(2, "0")}.sql`] = `${"SELECT 1;\n".repeat((i * 37) % 200)}DELETE FROM t${i};\nSELECT FROM WHERE;\n`;
  const dir = tempDir(sizes);
  const names = Object.keys(sizes);
  const files = names.map((n, i) => ({ path: path.join(dir, n), explicit: false, ...(i % 3 === 0 ? { bytes: Buffer.from(sizes[n]!) } : {}) }));
  files.push({ path: path.join(dir, "missing.sql"), explicit: true });
  const config = new Config({}, dir, "test", builtin);
  const options = { cwd: dir, fix: false, maxFileSize: 1 << 20 };
  const seen: string[] = [];
  const one = await lintFiles(files, config, { ...options, concurrency: "off" });
  const three = await lintFiles(files, config, { ...options, concurrency: 3 }, async (r) => void seen.push(r.filePath));
  assert.equal(three, one);
  assert.equal(seen.sort(), files.map((f) => f.path).sort(), "every result seen once, as it came");
  assert.match(three[three.length - 1]!.messages[0]!.message, /disappeared|not linted/);
  // auto: a worker joins while a core is idle, or never; the results are the same either way
  const whenIdle = await lintInParallel(files, config, options, 2, lintFile, undefined, failedFile, true);
  assert.equal(whenIdle, one);
});

test("--cache reuses results for unchanged files and notices changes, config and version", async () => {
  const dir = tempDir({ "a.sql": "DELETE FROM a;\n", "b.sql": "SELECT 1;\n" });
  const first = await cli(["--cache", "-f", "compact", "."], { cwd: dir });
  assert.is(first.code, 1);
  const cacheFile = path.join(dir, ".sqlguardcache");
  assert.ok(existsSync(cacheFile));
  // a hit gives the same answer
  assert.is((await cli(["--cache", "-f", "compact", "."], { cwd: dir })).stdout, first.stdout);
  // poison the cached result to prove the second run read it, then change the file: re-linted
  const data = JSON.parse(readFileSync(cacheFile, "utf8"));
  data.files[path.join(dir, "b.sql")].result.messages = [];
  data.files[path.join(dir, "a.sql")].result.messages[0].message = "from the cache";
  writeFileSync(cacheFile, JSON.stringify(data));
  assert.match((await cli(["--cache", "-f", "compact", "."], { cwd: dir })).stdout, /from the cache/);
  writeFileSync(path.join(dir, "a.sql"), "DELETE FROM a2;\n");
  assert.match((await cli(["--cache", "-f", "compact", "."], { cwd: dir })).stdout, /every row of a2/);
  // a config change drops the cache
  writeFileSync(path.join(dir, "sqlguard.config.json"), '{ "rules": { "require-where": "warn" } }');
  assert.match((await cli(["--cache", "-f", "compact", "."], { cwd: dir })).stdout, /Warning - DELETE without WHERE/);
  // --fix --cache: the fixed file is remembered as written; a remembered result with something
  // to fix is linted and fixed again
  writeFileSync(path.join(dir, "c.sql"), "SELECT 3");
  assert.is((await cli(["--cache", "-f", "compact", "c.sql"], { cwd: dir })).code, 0);
  assert.is((await cli(["--cache", "--fix", "-f", "compact", "c.sql"], { cwd: dir })).code, 0);
  assert.is(readFileSync(path.join(dir, "c.sql"), "utf8"), "SELECT 3;");
  const remembered = JSON.parse(readFileSync(cacheFile, "utf8")).files[path.join(dir, "c.sql")];
  assert.equal(remembered.result.messages, [], "the result of the fixed text");
  // --cache-location
  const other = await cli(["--cache", "--cache-location", "tmp/cache.json", "."], { cwd: dir });
  assert.is(other.code, 0);
  assert.ok(existsSync(path.join(dir, "tmp/cache.json")));
});

test.run();

/**
 * Whatever a config file holds, the answer is a config error naming the key (exit 2), never an
 * "internal error": empty globs, deep or circular values, keys named like Object.prototype's
 * members; and what is right is accepted (a BOM, `maxFileSize: 0` meaning no limit).
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { Config, ConfigError, loadConfig } from "../src/engine/config.js";
import { tempDir } from "./helpers.js";
import { cli } from "./in-process.js";
import { builtin } from "../rules/index.js";

const test = suite("config-trust");

function error(user: unknown): string {
  try {
    new Config(user as never, "/tmp", "/tmp/sqlguard.config.json", builtin);
  } catch (e) {
    assert.instance(e, ConfigError, String((e as Error)?.stack));
    return (e as Error).message;
  }
  return "(accepted)";
}

const nested = (depth: number, inner: unknown = 1): unknown => {
  let v = inner;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
};

test("empty globs are config errors naming the key", () => {
  assert.is(error({ overrides: [{ files: [""] }] }), "sqlguard.config.json: overrides[0].files[0]: must not be empty");
  assert.is(error({ assumeInTransaction: [""] }), "sqlguard.config.json: assumeInTransaction[0]: must not be empty");
  assert.is(error({ ignores: ["vendor", ""] }), "sqlguard.config.json: ignores[1]: must not be empty");
  assert.is(error({ prodHosts: [""] }), "sqlguard.config.json: prodHosts[0]: must not be empty");
  assert.match(error({ overrides: [{ files: ["a".repeat(70_000)] }] }), /^sqlguard\.config\.json: overrides\[0\]\.files\[0\]: not a usable glob \(Input length/);
});

test("5,000 nested arrays, anywhere, and circular values: a short config error", () => {
  const deep = nested(5000);
  assert.match(error(deep), /^sqlguard\.config\.json: must be an object \(got \[\[\[\[/);
  assert.match(error({ ignores: deep }), /^sqlguard\.config\.json: ignores\[0\]: must be a string \(got \[\[\[/);
  assert.match(error({ rules: { "require-where": deep } }), /rules\.require-where: severity must be "off", "warn" or "error" \(got \[\[\[/);
  assert.match(error({ rules: { "require-where": ["error", deep] } }), /rules\.require-where: options: must be an object \(got \[\[\[/);
  assert.match(error({ embedded: { tags: deep } }), /embedded\.tags\[0\]: must be a string/);
  const cycle: Record<string, unknown> = {};
  cycle.self = cycle;
  assert.match(error({ rules: { "require-where": ["error", cycle] } }), /rules\.require-where: self: unknown option/);
  assert.match(error({ overrides: [{ files: ["a"], ...cycle }] }), /overrides\[0\]\.self: unknown option/);
  for (const m of [error(deep), error({ ignores: deep })]) assert.ok(m.length < 200, m);
});

test("keys named like Object.prototype's members are unknown at every level", () => {
  for (const key of ["constructor", "toString", "hasOwnProperty", "__proto__", "valueOf", "isPrototypeOf"]) {
    const at = (o: object) => JSON.parse(JSON.stringify(o).replace(/"KEY"/g, JSON.stringify(key))) as unknown;
    assert.match(error(at({ KEY: 1 })), new RegExp(`^sqlguard\\.config\\.json: ${key}: unknown option`), key);
    assert.match(error(at({ overrides: [{ files: ["a"], KEY: 1 }] })), new RegExp(`overrides\\[0\\]\\.${key}: unknown option`), key);
    assert.match(error(at({ embedded: { KEY: [] } })), new RegExp(`embedded\\.${key}: unknown option`), key);
    assert.match(error(at({ rules: { "require-where": ["error", { KEY: true }] } })), new RegExp(`rules\\.require-where: ${key}: unknown option`), key);
    assert.match(error(at({ rules: { KEY: "error" } })), new RegExp(`rules\\.${key.replace(/_/g, "_")}: unknown rule`), key);
    assert.match(error(at({ overrides: [{ files: ["a"], rules: { KEY: "warn" } }] })), /unknown rule/, key);
    assert.match(error({ rules: { "require-where": key } }), /severity must be "off", "warn" or "error"/, key);
  }
  // a JS config's `__proto__:` sets the prototype instead of a key: not a plain object
  assert.match(error({ __proto__: { rules: {} } }), /^sqlguard\.config\.json: must be a plain object/);
  assert.match(error({ embedded: { __proto__: { literals: false } } }), /embedded: must be a plain object/);
  // a required key inherited from a prototype is not there
  assert.match(error({ overrides: [Object.create({ files: ["a"] })] }), /overrides\[0\]: must be a plain object/);
});

test("a config file with a UTF-8 BOM is read; package.json too", async () => {
  const dir = tempDir({ "sqlguard.config.json": '\ufeff{ "rules": { "require-where": "warn" } }', "a.sql": "DELETE FROM t;\n" });
  const c = await loadConfig({ ruleSet: builtin, cwd: dir });
  assert.is(c.rulesFor(path.join(dir, "a.sql")).get("require-where")?.severity, "warn");
  const pkg = tempDir({ "package.json": '\ufeff{ "name": "x", "sqlguard": { "rules": { "require-where": "off" } } }' });
  const p = await loadConfig({ ruleSet: builtin, cwd: pkg });
  assert.is(p.source, path.join(pkg, "package.json"));
  assert.not.ok(p.rulesFor(path.join(pkg, "a.sql")).has("require-where"));
});

test("maxFileSize: 0 and \"0\" both mean no limit; sizes are said so they differ", async () => {
  for (const v of [0, "0", "0MB", "0 kb"]) assert.is(new Config({ maxFileSize: v }, "/p", "x", builtin).maxFileSize, Number.POSITIVE_INFINITY, String(v));
  assert.is(new Config({ maxFileSize: "1kb" }, "/p", "x", builtin).maxFileSize, 1024);
  assert.match(error({ maxFileSize: -1 }), /maxFileSize: must be ≥ 0/);
  assert.match(error({ maxFileSize: "0.0001kb" }), /maxFileSize: "0\.0001kb" is less than a byte \(0 means no limit\)/);
  const dir = tempDir({ "big.sql": "SELECT 1;\n".repeat(20), "sqlguard.config.json": '{ "maxFileSize": 0 }' });
  const none = await cli(["-f", "compact", "big.sql"], { cwd: dir });
  assert.is(none.code, 0, none.stdout + none.stderr);
  assert.is(none.stdout, "");
  const cli0 = await cli(["-f", "compact", "--max-file-size", "0", "big.sql"], { cwd: dir });
  assert.is(cli0.code, 0, cli0.stdout);
  const lots = await cli(["--max-file-size", "lots", "big.sql"], { cwd: dir });
  assert.is(lots.code, 2);
  assert.match(lots.stderr, /^sqlguard: --max-file-size: expected a number of bytes or a size like "20MB", 0 for no limit \(got "lots"\)/);
  // 200 bytes over a 100-byte limit: in bytes, not "1 KB, over the limit of 1 KB"
  const small = await cli(["-f", "compact", "--max-file-size", "100", "big.sql"], { cwd: dir });
  assert.match(small.stdout, "big.sql: line 1, col 1, Error - file is 200 bytes, over the limit of 100 bytes (raise it with --max-file-size, 0 for no limit); not linted");
  writeFileSync(path.join(dir, "big.sql"), "SELECT 1;\n".repeat(200));
  const close = await cli(["-f", "compact", "--max-file-size", "1999", "big.sql"], { cwd: dir });
  assert.match(close.stdout, "file is 2000 bytes, over the limit of 1999 bytes");
});

test("the CLI: exit 2 and a message naming the key, never 'internal error'", async () => {
  const cases: [string, RegExp][] = [
    ['{"overrides":[{"files":[""]}]}', /overrides\[0\]\.files\[0\]: must not be empty/],
    ['{"assumeInTransaction":[""]}', /assumeInTransaction\[0\]: must not be empty/],
    ['{"ignores":' + "[".repeat(5000) + "1" + "]".repeat(5000) + "}", /ignores\[0\]: must be a string/],
    ["[".repeat(5000) + "]".repeat(5000), /sqlguard\.config\.json: must be an object/],
    ['{"constructor":{}}', /constructor: unknown option/],
    ['{"rules":{"require-where":"toString"}}', /severity must be/],
    ['{"__proto__":{"rules":{}}}', /__proto__: unknown option/],
  ];
  for (const [text, pattern] of cases) {
    const dir = tempDir({ "sqlguard.config.json": text, "a.sql": "SELECT 1;\n" });
    const r = await cli(["a.sql"], { cwd: dir });
    assert.is(r.code, 2, text.slice(0, 60));
    assert.match(r.stderr, /^sqlguard: invalid configuration: sqlguard\.config\.json: /);
    assert.match(r.stderr, pattern);
    assert.not.match(r.stderr, "internal error");
  }
  // --rule: the same lookups
  const dir = tempDir({ "a.sql": "SELECT 1;\n" });
  for (const flag of ["constructor:error", "require-where:constructor", "__proto__:warn"]) {
    const r = await cli(["--rule", flag, "a.sql"], { cwd: dir });
    assert.is(r.code, 2, flag);
    assert.not.match(r.stderr, "internal error");
  }
});

test.run();

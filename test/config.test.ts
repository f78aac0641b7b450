import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { Config, ConfigError, findConfigFile, loadConfig, parseRuleFlag } from "../src/engine/config.js";
import { lintText } from "../src/lint/lint-text.js";
import { tempDir } from "./helpers.js";
import { cli } from "./in-process.js";
import { builtin } from "../rules/index.js";

const test = suite("config");

const bad = (user: unknown, pattern: RegExp) => {
  try {
    new Config(user as never, "/tmp", "/tmp/sqlguard.config.json", builtin);
  } catch (e) {
    assert.instance(e, ConfigError);
    assert.match((e as Error).message, pattern);
    return;
  }
  assert.unreachable(`expected a ConfigError matching ${pattern}`);
};

test("unknown keys, rules, severities and options are errors naming them", () => {
  bad({ rulez: {} }, /sqlguard\.config\.json: rulez: unknown option .*the config knows: rules, ignores/);
  bad({ rules: { "require-wher": "error" } }, /rules\.require-wher: unknown rule "require-wher" \(did you mean "require-where"\?\)/);
  bad({ rules: { "require-where": "fatal" } }, /rules\.require-where: severity must be "off", "warn" or "error" \(got "fatal"\)/);
  bad({ rules: { "require-where": ["error", { always: true }] } }, /rules\.require-where: always: unknown option \(known: alwaysTrue, joins, bodies, ignoreTables\)/);
  bad({ rules: { "require-where": ["error", { alwaysTrue: "yes" }] } }, /alwaysTrue: must be true or false \(got "yes"\)/);
  bad({ rules: { "syntax-error": ["error", {}] } }, /syntax-error: this rule takes no options/);
  bad({ ignores: "vendor" }, /ignores: must be an array/);
  bad({ overrides: [{ rules: {} }] }, /overrides\[0\]\.files: is required/);
  bad({ maxFileSize: "lots" }, /maxFileSize/);
});

test("severities, numbers like ESLint, options with defaults", () => {
  const c = new Config({ rules: { "require-where": ["warn", { joins: false }], "syntax-error": 0 } }, "/p", "x", builtin);
  const rules = c.rulesFor("/p/a.sql");
  assert.is(rules.get("require-where")?.severity, "warn");
  assert.equal(rules.get("require-where")?.options, { alwaysTrue: true, joins: false, bodies: true, ignoreTables: [] });
  assert.not.ok(rules.has("syntax-error"));
});

test("overrides, ignores and assumeInTransaction are relative to the config folder", () => {
  const c = new Config(
    {
      ignores: ["vendor/", "*.gen.sql"],
      assumeInTransaction: ["migrations/**"],
      overrides: [{ files: ["test/**/*.sql"], rules: { "require-where": "off" }, assumeInTransaction: true }],
    },
    "/p",
    "x",
    builtin,
  );
  assert.ok(c.isIgnored("/p/vendor/x.sql"));
  assert.ok(c.isIgnored("/p/db/a.gen.sql"));
  assert.not.ok(c.isIgnored("/p/db/a.sql"));
  assert.not.ok(c.isIgnored("/elsewhere/vendor/x.sql"));
  assert.ok(c.assumeInTransaction("/p/migrations/001.sql"));
  assert.ok(c.assumeInTransaction("/p/test/a/b.sql"));
  assert.not.ok(c.assumeInTransaction("/p/scripts/fix.sql"));
  assert.not.ok(c.rulesFor("/p/test/a/b.sql").has("require-where"));
  assert.ok(c.rulesFor("/p/src/b.sql").has("require-where"));
});

test("--rule values", () => {
  assert.equal(parseRuleFlag("require-where:warn"), ["require-where", "warn"]);
  assert.equal(parseRuleFlag('require-where:["error",{"joins":false}]'), ["require-where", ["error", { joins: false }]]);
  assert.throws(() => parseRuleFlag("require-where"), /expected id:severity/);
});

test("found upwards: json, mjs, package.json; --config; broken JSON is located", async () => {
  const dir = tempDir({ "sqlguard.config.json": '{ "rules": { "require-where": "warn" } }', "sub/deeper/x.sql": "" });
  const c = await loadConfig({ ruleSet: builtin, cwd: path.join(dir, "sub/deeper") });
  assert.is(c.source, path.join(dir, "sqlguard.config.json"));
  assert.is(c.rulesFor(path.join(dir, "x.sql")).get("require-where")?.severity, "warn");

  const mjs = tempDir({ "sqlguard.config.mjs": 'export default { rules: { "require-where": "off" } };' });
  assert.not.ok((await loadConfig({ ruleSet: builtin, cwd: mjs })).rulesFor(path.join(mjs, "a.sql")).has("require-where"));

  const pkg = tempDir({ "package.json": JSON.stringify({ name: "x", sqlguard: { rules: { "require-where": "warn" } } }) });
  assert.is((await loadConfig({ ruleSet: builtin, cwd: pkg })).rulesFor(path.join(pkg, "a.sql")).get("require-where")?.severity, "warn");

  const other = tempDir({ "custom.json": '{ "rules": { "require-where": "off" } }' });
  assert.not.ok((await loadConfig({ ruleSet: builtin, cwd: other, configFile: "custom.json" })).rulesFor(path.join(other, "a.sql")).has("require-where"));

  const broken = tempDir({ "sqlguard.config.json": '{\n  "rules": {,}\n}' });
  try {
    await loadConfig({ ruleSet: builtin, cwd: broken });
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /sqlguard\.config\.json: not valid JSON: .* at line 2, column 13/);
  }
});

test("migrationTool per overrides entry: the tool that runs those files, or none; a typo is an error", () => {
  const c = new Config(
    {
      overrides: [
        { files: ["db/**/*.sql"], migrationTool: "golang-migrate" },
        { files: ["db/scripts/**"], migrationTool: "none" },
      ],
    },
    "/p",
    "x",
    builtin,
  );
  assert.is(c.migrationTool("/p/db/001_init.sql"), "golang-migrate");
  assert.is(c.migrationTool("/p/db/scripts/fix.sql"), "none");
  assert.is(c.migrationTool("/p/other.sql"), undefined);
  assert.throws(() => new Config({ overrides: [{ files: ["**"], migrationTool: "gooze" as "goose" }] }, "/p", "x", builtin), /migrationTool/);
  // the linter applies it: a file of two CONCURRENTLY statements sent as one query
  const dir = tempDir({ "db/001_idx.sql": "CREATE INDEX CONCURRENTLY a ON t (a);\nCREATE INDEX CONCURRENTLY b ON t (b);\n" });
  const cfg = new Config({ overrides: [{ files: ["db/**"], migrationTool: "golang-migrate" }] }, dir, "x", builtin);
  const file = path.join(dir, "db/001_idx.sql");
  const found = lintText(readFileSync(file, "utf8"), cfg, { filePath: file }).messages.filter((m) => m.ruleId === "transaction-incompatible-statement");
  assert.equal(found.map((m) => m.line), [1, 2]);
  assert.match(found[0]!.message, /golang-migrate sends this migration as one query/);
});

test("the CLI exits 2 with the message on a bad config", async () => {
  const dir = tempDir({ "a.sql": "DELETE FROM t;" });
  writeFileSync(path.join(dir, "sqlguard.config.json"), '{ "rulz": {} }');
  const r = await cli(["."], { cwd: dir });
  assert.is(r.code, 2);
  assert.match(r.stderr, /sqlguard: invalid configuration: sqlguard\.config\.json: rulz: unknown option/);
  assert.is(r.stdout, "");
});

test("the config search passes over a folder that has a config's name, and a package.json without a sqlguard key", () => {
  const dir = tempDir({ "sqlguard.config.json": '{"rules":{}}', "app/package.json": '{"name":"app"}', "app/src/x.sql": "SELECT 1;" });
  mkdirSync(path.join(dir, "app/src/sqlguard.config.json"));
  assert.equal(findConfigFile(path.join(dir, "app/src")), { file: path.join(dir, "sqlguard.config.json"), packageJson: false });
  writeFileSync(path.join(dir, "app/package.json"), '\uFEFF{"name":"app","sqlguard":{}}');
  assert.equal(findConfigFile(path.join(dir, "app/src")), { file: path.join(dir, "app/package.json"), packageJson: true });
});

test.run();

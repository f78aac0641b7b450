/**
 * The JSON Schema of sqlguard.config.json that the package ships: the committed file is the one
 * the code generates (drift fails here), it is a valid draft-07 schema, and a standard validator
 * (ajv) accepts and refuses the configs the command accepts and refuses.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { builtinRules } from "../rules/index.js";
import { Config, ConfigError, type UserConfig } from "../src/engine/config.js";
import { withDefaults } from "../src/engine/schema.js";
import { configJsonSchema, configJsonSchemaText, SCHEMA_FILE } from "../src/docs/config-schema.js";
import { builtin } from "../rules/index.js";
import { root } from "./helpers.js";

const test = suite("config schema");
const require = createRequire(import.meta.url);

type Validate = ((data: unknown) => boolean) & { errors?: { dataPath: string; message: string }[] | null };
const Ajv = require("ajv") as new (o: object) => { compile(s: object): Validate; validateSchema(s: object): boolean; errors: unknown };
const ajv = new Ajv({ allErrors: true });
const validate = ajv.compile(configJsonSchema());

function commandAccepts(user: unknown): string | null {
  try {
    new Config(user as UserConfig, root, path.join(root, "sqlguard.config.json"), builtin);
    return null;
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
}

test(`${SCHEMA_FILE} is the generated one (run \`npm run docs\`), and a valid draft-07 schema`, () => {
  assert.is(readFileSync(path.join(root, SCHEMA_FILE), "utf8"), configJsonSchemaText(), `${SCHEMA_FILE} is stale: run npm run docs`);
  assert.ok(ajv.validateSchema(configJsonSchema()), JSON.stringify(ajv.errors));
});

test("what the command accepts, the schema accepts: every key, every rule with its options", () => {
  const everyRule: Record<string, unknown> = {};
  for (const r of builtinRules) everyRule[r.id] = r.schema ? ["warn", withDefaults(r.schema, undefined)] : ["error"];
  const configs: unknown[] = [
    {},
    { $schema: "./node_modules/sqlguard/sqlguard.config.schema.json" },
    { rules: { "require-where": ["error", { ignoreTables: ["staging_*"] }] }, ignores: ["vendor/", "db/seeds/*.sql"], overrides: [{ files: ["test/**"], rules: { "require-where": "off" } }] },
    { rules: everyRule },
    { rules: { "require-where": 1, "require-semicolon": "0", "syntax-error": 2 } },
    {
      extends: "sqlguard:migrations",
      assumeInTransaction: ["migrations/**"],
      prodHosts: ["*.prod.acme.com"],
      localHosts: ["db.internal"],
      postgresVersion: 16,
      reportUnusedDirectives: "error",
      maxFileSize: "20MB",
      embedded: { tags: ["pgsql"], functions: ["runSql", "!raw"], transactions: ["withTx"], literals: false },
      overrides: [{ files: ["db/**"], extends: ["sqlguard:migrations"], assumeInTransaction: true, migrationTool: "goose", rules: { "require-transaction": ["warn", {}] } }],
    },
    { maxFileSize: 0 },
    { maxFileSize: "512kb" },
    { maxFileSize: " 1.5 G " },
    { maxFileSize: "100" },
  ];
  for (const c of configs) {
    assert.is(commandAccepts(c), null, JSON.stringify(c));
    assert.ok(validate(c), `${JSON.stringify(c).slice(0, 200)}: ${JSON.stringify(validate.errors)}`);
  }
});

test("what the command refuses, the schema refuses", () => {
  const configs: unknown[] = [
    { rule: {} },
    { rules: { "require-wher": "error" } },
    { rules: { "require-where": "fatal" } },
    { rules: { "require-where": ["error", { ignoreTables: "staging_*" }] } },
    { rules: { "require-where": ["error", { nope: true }] } },
    { rules: { "syntax-error": ["error", {}] } },
    { rules: { "require-where": ["error", {}, {}] } },
    { rules: { "require-where": [] } },
    { ignores: [""] },
    { ignores: "vendor/" },
    { overrides: [{ rules: {} }] },
    { overrides: [{ files: ["x"], rules: { nope: "off" } }] },
    { overrides: [{ files: ["x"], migrationTool: "rails" }] },
    { postgresVersion: 8 },
    { reportUnusedDirectives: "yes" },
    { embedded: { literals: "no" } },
    { extends: "sqlguard:everything" },
    { maxFileSize: "lots" },
    { maxFileSize: -1 },
  ];
  for (const c of configs) {
    assert.ok(commandAccepts(c) !== null, `the command accepts ${JSON.stringify(c)}`);
    assert.not.ok(validate(c), `the schema accepts ${JSON.stringify(c)}`);
  }
});

test("every rule has its entry, with what it catches and its docs", () => {
  const rules = (configJsonSchema().definitions as { rules: { properties: Record<string, { description: string }> } }).rules.properties;
  assert.equal(Object.keys(rules), builtinRules.map((r) => r.id));
  for (const r of builtinRules) {
    assert.ok(rules[r.id]!.description.startsWith(r.description), r.id);
    assert.ok(rules[r.id]!.description.endsWith(`/rules/${r.id}/README.md`), r.id);
  }
});

test.run();

/**
 * End to end, as a user has it: a project folder whose node_modules holds this package as
 * `sqlguard` (a link) next to the project's own ESLint and TypeScript parser, an eslint.config.js
 * that adds sqlguard's configs to the project's, and ESLint's Node API (`new ESLint`) — the same
 * API editors' ESLint extensions call — on TypeScript, JavaScript and SQL files. (Real installs
 * from the registry, with typescript-eslint's typed configs: test/e2e/eslint-matrix.ts.)
 */
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ESLint } from "eslint";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { root, tempDir } from "./helpers.js";

const test = suite("eslint end to end");

const PASSWORD = "rep0rts-2024";

const FILES: Record<string, string> = {
  "package.json": JSON.stringify({ name: "shop", private: true, type: "module" }),
  "src/orders.ts": [
    'import pg from "pg";',
    "const pool = new pg.Pool();",
    "export async function cancel(): Promise<void> {",
    "  await pool.query(`UPDATE orders SET note = 'annul\\u00e9e' -- ✓",
    "    , status = 'cancelled'`);",
    "}",
    "// eslint-disable-next-line sqlguard/require-where -- the whole table, on purpose",
    'export const reset = () => pool.query("DELETE FROM carts");',
    "// sqlguard-disable-next-line require-where -- nightly",
    "export const purge = () => pool.query(`",
    "  DELETE FROM sessions`);",
    `export const reports = "postgres://reports:${PASSWORD}@reports.c8f2kq1z3abc.eu-west-1.rds.amazonaws.com/reports";`,
    "",
  ].join("\n"),
  "src/legacy.js": "export const wipe = (db) => db.query('DELETE FROM audit_log WHERE 1 = 1');\nexport const view = <b>x</b>;\n",
  "src/nothing.ts": "export const add = (a: number, b: number): number => a + b;\n",
  "db/migrations/001_init.sql": [
    "BEGIN;",
    "UPDATE accounts SET balance = 0;",
    "-- eslint-disable-next-line sqlguard/require-where -- reset before launch",
    "DELETE FROM ledger;",
    "-- sqlguard-disable-next-line require-where -- reset before launch",
    "DELETE FROM payouts;",
    "SELEC 1;",
    "COMMIT",
    "",
  ].join("\r\n"),
  "db/seed.psql": "\\set ON_ERROR_STOP on\nSELECT 1;\n",
};

function project(config: string, files: Record<string, string> = FILES): string {
  const dir = tempDir({ ...files, "eslint.config.js": config });
  mkdirSync(path.join(dir, "node_modules"), { recursive: true });
  symlinkSync(root, path.join(dir, "node_modules", "sqlguard"), "dir");
  // the project's own ESLint (for `eslint/config`) and TypeScript parser, installed next to the plugin
  symlinkSync(path.join(root, "node_modules", "eslint"), path.join(dir, "node_modules", "eslint"), "dir");
  mkdirSync(path.join(dir, "node_modules", "@typescript-eslint"));
  symlinkSync(path.join(root, "node_modules", "@typescript-eslint", "parser"), path.join(dir, "node_modules", "@typescript-eslint", "parser"), "dir");
  return dir;
}

/** The project's own part of its config: a parser for TypeScript, JSX in .js files. */
const PROJECT_IMPORTS = 'import tsParser from "@typescript-eslint/parser";\nimport sqlguard from "sqlguard/eslint";\n';
const PROJECT_OWN = [
  '  { files: ["**/*.ts"], languageOptions: { parser: tsParser } },',
  '  { files: ["**/*.js"], languageOptions: { parserOptions: { ecmaFeatures: { jsx: true } } } },',
].join("\n");
const CONFIG = `${PROJECT_IMPORTS}export default [\n${PROJECT_OWN}\n  ...sqlguard.configs.recommended,\n];\n`;

type Brief = Record<string, string[]>;
function summary(dir: string, results: ESLint.LintResult[]): Brief {
  const out: Brief = {};
  for (const r of results) {
    out[path.relative(dir, r.filePath).split(path.sep).join("/")] = r.messages.map(
      (m) => `${m.line}:${m.column}-${m.endLine}:${m.endColumn} ${m.severity} ${m.ruleId ?? "-"} ${m.message}`,
    );
  }
  return out;
}

const EXPECTED: Brief = {
  "db/migrations/001_init.sql": [
    "2:1-2:16 2 sqlguard/require-where UPDATE without WHERE changes every row of accounts",
    '7:1-7:6 2 sqlguard/syntax-error syntax error at or near "SELEC"',
    '8:7-8:7 1 sqlguard/require-semicolon missing `;` after the last statement: clients that run "up to the next `;`" (and scripts joined end to end) would run it together with whatever follows',
  ],
  "db/seed.psql": [],
  "eslint.config.js": [],
  "src/legacy.js": ["1:39-1:60 2 sqlguard/require-where WHERE 1 = 1 is always true: DELETE removes every row of audit_log"],
  "src/nothing.ts": [],
  "src/orders.ts": [
    "4:21-4:34 2 sqlguard/require-where UPDATE without WHERE changes every row of orders",
    "12:25-12:113 2 sqlguard/no-prod-connection-string PostgreSQL URI with an inline password points at production host reports.c8f2kq1z3abc.eu-west-1.rds.amazonaws.com (an Amazon RDS / Aurora database)",
  ],
};

test("sqlguard's configs after the project's: TS, JS and SQL files, exact positions, both kinds of directives", async () => {
  const dir = project(CONFIG);
  const eslint = new ESLint({ cwd: dir });
  const results = await eslint.lintFiles(["."]);
  assert.equal(summary(dir, results), EXPECTED);
  // what ESLint prints: the password never
  const formatter = await eslint.loadFormatter("stylish");
  const printed = await formatter.format(results);
  assert.ok(printed.includes("sqlguard/no-prod-connection-string"), printed);
  assert.not.ok(printed.includes(PASSWORD), printed);
  for (const r of results) assert.not.ok(JSON.stringify(r.messages).includes(PASSWORD));
});

test("spread, concat, first or last, defineConfig and extends work the same; a nested array is refused", async () => {
  const forms = {
    first: `${PROJECT_IMPORTS}export default [\n  ...sqlguard.configs.recommended,\n${PROJECT_OWN}\n];\n`,
    concat: `${PROJECT_IMPORTS}export default [\n${PROJECT_OWN}\n].concat(sqlguard.configs.recommended);\n`,
    defineConfig: `import { defineConfig } from "eslint/config";\n${PROJECT_IMPORTS}export default defineConfig([\n${PROJECT_OWN}\n  sqlguard.configs.recommended,\n]);\n`,
    extends: `import { defineConfig } from "eslint/config";\n${PROJECT_IMPORTS}export default defineConfig([\n${PROJECT_OWN}\n  { plugins: { sqlguard }, extends: ["sqlguard/recommended"] },\n]);\n`,
  };
  for (const [name, config] of Object.entries(forms)) {
    const dir = project(config);
    assert.equal(summary(dir, await new ESLint({ cwd: dir }).lintFiles(["."])), EXPECTED, name);
  }
  // `export default [sqlguard.configs.recommended]` (a config array inside the array): ESLint >= 9
  // only flattens nested arrays through defineConfig
  const nested = project('import sqlguard from "sqlguard/eslint";\nexport default [sqlguard.configs.recommended];\n');
  try {
    await new ESLint({ cwd: nested }).lintFiles(["."]);
    assert.unreachable("ESLint accepted a nested array");
  } catch (e) {
    assert.match(String(e), /Unexpected array/);
  }
});

test("--fix, --cache, and a config next to other configs", async () => {
  const dir = project(
    [
      PROJECT_IMPORTS,
      "export default [",
      PROJECT_OWN,
      '  { ignores: ["src/legacy.js"] },',
      "  ...sqlguard.configs.recommended,",
      '  { files: ["db/**/*.sql"], rules: { "sqlguard/require-where": "warn" } },',
      '  { settings: { sqlguard: { assumeInTransaction: ["db/migrations/**"] } } },',
      "];",
      "",
    ].join("\n"),
  );
  const eslint = new ESLint({ cwd: dir, fix: true, cache: true, cacheLocation: path.join(dir, ".eslintcache") });
  const first = await eslint.lintFiles(["."]);
  const migration = first.find((r) => r.filePath.endsWith("001_init.sql"))!;
  assert.equal(
    migration.messages.map((m) => `${m.line}:${m.column} ${m.severity} ${m.ruleId}`),
    // the migration tool's transaction (settings): BEGIN is nested in it, COMMIT ends it early
    ["1:1 2 sqlguard/unbalanced-transaction", "2:1 1 sqlguard/require-where", "7:1 2 sqlguard/syntax-error", "8:1 2 sqlguard/unbalanced-transaction"],
  );
  assert.ok(migration.output?.endsWith("SELEC 1;\r\nCOMMIT;\r\n"), migration.output);
  assert.not.ok(first.some((r) => r.filePath.endsWith("legacy.js")));
  await ESLint.outputFixes(first);
  assert.ok(readFileSync(path.join(dir, "db/migrations/001_init.sql"), "utf8").endsWith("COMMIT;\r\n"));
  const again = await new ESLint({ cwd: dir, cache: true, cacheLocation: path.join(dir, ".eslintcache") }).lintFiles(["."]);
  assert.equal(summary(dir, again)["src/orders.ts"], EXPECTED["src/orders.ts"]);
  assert.equal(
    summary(dir, again)["db/migrations/001_init.sql"]!.map((m) => m.split(" ").slice(0, 3).join(" ")),
    ["1:1-1:6 2 sqlguard/unbalanced-transaction", "2:1-2:16 1 sqlguard/require-where", "7:1-7:6 2 sqlguard/syntax-error", "8:1-8:7 2 sqlguard/unbalanced-transaction"],
  );
});

test("eslint.config.mjs and .cjs in a project that is not ESM; lintText as editors call it", async () => {
  const files = { ...FILES, "package.json": JSON.stringify({ name: "shop", private: true }) };
  const dir = project("", files);
  writeFileSync(path.join(dir, "eslint.config.mjs"), CONFIG);
  const eslint = new ESLint({ cwd: dir, overrideConfigFile: path.join(dir, "eslint.config.mjs") });
  // editors send the unsaved text with the file's path
  const [result] = await eslint.lintText("-- a draft\nDELETE FROM drafts;\n", { filePath: path.join(dir, "db/draft.sql") });
  assert.equal(
    result!.messages.map((m) => `${m.line}:${m.column}-${m.endLine}:${m.endColumn} ${m.ruleId}`),
    ["2:1-2:19 sqlguard/require-where"],
  );
  const [ts] = await eslint.lintText("await sql`DELETE FROM drafts`;\n", { filePath: path.join(dir, "src/draft.ts") });
  assert.equal(ts!.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}`), ["1:11 sqlguard/require-where"]);
  // a CommonJS config cannot require() a module with top-level await, but may export a promise
  writeFileSync(
    path.join(dir, "eslint.config.cjs"),
    [
      'const tsParser = require("@typescript-eslint/parser");',
      'module.exports = import("sqlguard/eslint").then(({ default: sqlguard }) => [',
      '  { files: ["**/*.ts"], languageOptions: { parser: tsParser } },',
      "  ...sqlguard.configs.recommended,",
      "]);",
      "",
    ].join("\n"),
  );
  const cjs = new ESLint({ cwd: dir, overrideConfigFile: path.join(dir, "eslint.config.cjs") });
  const [fromCjs] = await cjs.lintText("DELETE FROM drafts;\n", { filePath: path.join(dir, "db/draft.sql") });
  assert.equal(fromCjs!.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}`), ["1:1 sqlguard/require-where"]);
  // require() itself gets a message that says what to write instead (not Node's ERR_REQUIRE_ASYNC_MODULE)
  writeFileSync(path.join(dir, "eslint.config.cjs"), 'const sqlguard = require("sqlguard/eslint");\nmodule.exports = [...sqlguard.configs.recommended];\n');
  try {
    await new ESLint({ cwd: dir, overrideConfigFile: path.join(dir, "eslint.config.cjs") }).lintText("SELECT 1;\n", { filePath: path.join(dir, "db/draft.sql") });
    assert.unreachable("require() of the plugin loaded");
  } catch (e) {
    const message = (e as Error).message;
    assert.match(message, /^sqlguard\/eslint is an ES module and cannot be loaded with require\(\)/);
    assert.match(message, /module\.exports = import\("sqlguard\/eslint"\)\.then/);
    assert.not.match(message, /ERR_REQUIRE/);
  }
});

test.run();

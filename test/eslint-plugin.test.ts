/**
 * The ESLint plugin with ESLint's Linter: metadata generated from the registry, the recommended
 * config, directives (ESLint's and sqlguard's) in both file kinds, `settings.sqlguard`, secrets,
 * and the same findings at the same places as the CLI on every fixture and example.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import tsParser from "@typescript-eslint/parser";
import { Linter } from "eslint";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { builtinRules } from "../rules/index.js";
import { docsUrl } from "../src/engine/rule.js";
import { withDefaults } from "../src/engine/schema.js";
import plugin from "../src/eslint/index.js";
import { lint, root } from "./helpers.js";

const test = suite("eslint plugin");

/** The rules ESLint runs: those `sqlguard verify` measures need a database and are not offered. */
const rules = builtinRules.filter((r) => !r.verify);

test("the rules sqlguard verify measures are not ESLint rules", () => {
  for (const r of builtinRules.filter((x) => x.verify)) assert.not.ok(r.id in plugin.rules, r.id);
});

const linter = new Linter({ configType: "flat", cwd: root });
type Extra = Linter.Config[];
/** What a project configures itself: its parser for TypeScript, JSX in its .js files. */
const PROJECT: Linter.Config[] = [
  { files: ["**/*.{ts,tsx,mts,cts}"], languageOptions: { parser: tsParser as Linter.Parser } },
  { files: ["**/*.{js,jsx}"], languageOptions: { parserOptions: { ecmaFeatures: { jsx: true } } } },
];
function verify(code: string, filename: string, extra: Extra = []): Linter.LintMessage[] {
  return linter.verify(code, [...PROJECT, ...plugin.configs.recommended, ...extra], path.join(root, filename));
}
const only = (id: string, messages: Linter.LintMessage[]) => messages.filter((m) => m.ruleId === `sqlguard/${id}`);
const brief = (messages: Linter.LintMessage[]) => messages.map((m) => `${m.line}:${m.column}-${m.endLine}:${m.endColumn} ${m.ruleId ?? "-"} ${m.message}`);

// --- metadata ---------------------------------------------------------------------------------------

test("every rule of the registry is an ESLint rule with the same metadata", () => {
  assert.equal(Object.keys(plugin.rules).sort(), rules.map((r) => r.id).sort());
  for (const r of rules) {
    const meta = plugin.rules[r.id]!.meta!;
    assert.is(meta.docs?.url, docsUrl(r.id), r.id);
    assert.ok(meta.docs?.url?.endsWith(`/rules/${r.id}/README.md`), r.id);
    assert.is(meta.docs?.description, r.description, r.id);
    assert.equal(meta.messages, r.messages, r.id);
    assert.equal(meta.schema, r.schema ? [r.schema] : [], r.id);
    if (r.schema) assert.is((meta.schema as unknown[])[0], r.schema, `${r.id}: the CLI's schema object itself`);
    assert.equal(meta.defaultOptions, r.schema ? [withDefaults(r.schema, undefined)] : undefined, r.id);
    assert.is(meta.fixable, r.fixable ? "code" : undefined, r.id);
    assert.is(meta.hasSuggestions, r.hasSuggestions ? true : undefined, r.id);
  }
});

test("the recommended config: every rule at its default severity, .sql through the language, nothing set for the project's code files", () => {
  const recommended = plugin.configs.recommended;
  assert.ok(Array.isArray(recommended));
  const seen = new Map<string, unknown>();
  for (const c of recommended) for (const [id, v] of Object.entries(c.rules ?? {})) seen.set(id, v);
  // migration rules are on too: like the CLI, they report only in files detected as migrations
  for (const r of rules) assert.is(seen.get(`sqlguard/${r.id}`), r.defaultSeverity === "off" ? undefined : r.defaultSeverity, r.id);
  const sqlConfig = recommended.find((c) => c.language === "sqlguard/sql")!;
  assert.equal(sqlConfig.files, ["**/*.sql", "**/*.psql", "**/*.pgsql"]);
  // a guest: no parser, no parser options, no language options for anything (issue 17)
  for (const c of recommended) assert.is(c.languageOptions, undefined, c.name);
  assert.equal(recommended.map((c) => c.name), ["sqlguard/recommended/plugin", "sqlguard/recommended/code", "sqlguard/recommended/sql"]);
  assert.is(plugin.meta.name, "sqlguard");
  assert.ok(plugin.languages?.sql);
  // each config object for code only names rules that read code; the .sql one only those that read scripts
  const code = recommended.find((c) => c.name === "sqlguard/recommended/code")!;
  for (const id of Object.keys(code.rules!)) assert.ok(rules.find((r) => `sqlguard/${r.id}` === id)!.appliesTo.some((k) => k !== "script"), id);
});

test("the recommended config lints all eight code extensions and three SQL ones", () => {
  for (const ext of [".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"]) {
    const code = ext === ".tsx" || ext === ".jsx" ? "const el = <b>{db.query('DELETE FROM t')}</b>;" : "db.query('DELETE FROM t');";
    assert.equal(brief(verify(code, `src/x${ext}`)), [`1:${ext.endsWith("x") ? 26 : 11}-1:${ext.endsWith("x") ? 39 : 24} sqlguard/require-where DELETE without WHERE removes every row of t`], ext);
  }
  for (const ext of [".sql", ".psql", ".pgsql"]) assert.equal(brief(verify("DELETE FROM t;", `db/x${ext}`)), ["1:1-1:14 sqlguard/require-where DELETE without WHERE removes every row of t"], ext);
});

// --- directives ---------------------------------------------------------------------------------------

test("TS: eslint-disable-next-line covers the next line; sqlguard-disable-next-line the whole string", () => {
  const eslintDirective = "// eslint-disable-next-line sqlguard/require-where\nawait sql`DELETE FROM a`;";
  assert.equal(brief(verify(eslintDirective, "a.ts")), []);
  const multiLine = "// eslint-disable-next-line sqlguard/require-where\nawait sql`SELECT 1;\n  DELETE FROM b`;";
  // ESLint's directive names the line the template starts on; the DELETE is two lines down
  assert.equal(brief(verify(multiLine, "a.ts")), [
    "1:1-undefined:undefined - Unused eslint-disable directive (no problems were reported from 'sqlguard/require-where').",
    "3:3-3:16 sqlguard/require-where DELETE without WHERE removes every row of b",
  ]);
  const ours = "// sqlguard-disable-next-line require-where -- purge\nawait sql`SELECT 1;\n  DELETE FROM b`;";
  assert.equal(brief(verify(ours, "a.ts")), []);
  const prefixed = "/* sqlguard-disable-next-line sqlguard/require-where */\nawait sql`DELETE FROM b`;";
  assert.equal(brief(verify(prefixed, "a.ts")), []);
  const range = "/* eslint-disable sqlguard/require-where */\nawait sql`DELETE FROM a`;\n/* eslint-enable sqlguard/require-where */\nawait sql`DELETE FROM b`;";
  assert.equal(brief(verify(range, "a.ts")), ["4:11-4:24 sqlguard/require-where DELETE without WHERE removes every row of b"]);
});

test("SQL: eslint-disable-next-line, -line, block ranges, and rule settings in comments", () => {
  const file = "db/m.sql";
  assert.equal(brief(verify("-- eslint-disable-next-line sqlguard/require-where -- backfill, all rows\nDELETE FROM t;", file)), []);
  assert.equal(brief(verify("DELETE FROM t; -- eslint-disable-line sqlguard/require-where", file)), []);
  assert.equal(
    brief(only("require-where", verify("/* eslint-disable sqlguard/require-where */\nDELETE FROM a;\n/* eslint-enable sqlguard/require-where */\nDELETE FROM b;", file))),
    ["4:1-4:14 sqlguard/require-where DELETE without WHERE removes every row of b"],
  );
  assert.equal(brief(verify("-- eslint sqlguard/require-where: off\nDELETE FROM t;\nSELECT 1", file)), [
    '3:9-3:9 sqlguard/require-semicolon missing `;` after the last statement: clients that run "up to the next `;`" (and scripts joined end to end) would run it together with whatever follows',
  ]);
  // all rules
  assert.equal(brief(verify("-- eslint-disable-next-line\nDELETE FROM t", file)), []);
  // what the ESLint language server's "Disable … for this line" writes in a .sql file (block comment style)
  assert.equal(brief(verify("BEGIN;\n/** eslint-disable-next-line sqlguard/require-where */\nDELETE FROM t;\nCOMMIT;", file)), []);
  assert.equal(brief(verify("/** eslint-disable sqlguard/require-where */\nDELETE FROM t;", file)), []);
});

test("SQL: unused and malformed ESLint directives are reported as ESLint reports them", () => {
  const file = "db/m.sql";
  const unused = verify("-- eslint-disable-next-line sqlguard/require-where\nSELECT 1;", file, [{ linterOptions: { reportUnusedDisableDirectives: "error" } }]);
  assert.equal(
    unused.map((m) => `${m.line}:${m.column} ${m.message}`),
    ["1:1 Unused eslint-disable directive (no problems were reported from 'sqlguard/require-where')."],
  );
  assert.is(unused[0]!.severity, 2);
  // ESLint's fix removes the whole comment
  assert.equal(unused[0]!.fix, { range: [0, 50], text: " " });
  // as in JavaScript: a block eslint-disable-next-line may span lines (it covers the line after
  // its end); eslint-disable-line may not
  assert.equal(brief(verify("/* eslint-disable-next-line\n   sqlguard/require-where */\nawait sql`DELETE FROM t`;", "a.ts")), []);
  assert.ok(brief(verify("await sql`DELETE FROM t`; /* eslint-disable-line\n   sqlguard/require-where */", "a.ts")).some((m) => m.endsWith("eslint-disable-line comment should not span multiple lines.")));
  assert.equal(brief(verify("/* eslint-disable-next-line\n   sqlguard/require-where */\nDELETE FROM t;", file)), []);
  const spanning = verify("DELETE FROM t; /* eslint-disable-line\n   sqlguard/require-where */", file);
  assert.ok(brief(spanning).includes("1:16-2:29 - eslint-disable-line comment should not span multiple lines."), brief(spanning).join("\n"));
  const unknown = verify("-- eslint-disable-next-line sqlguard/require-wher\nDELETE FROM t;", file);
  assert.ok(brief(unknown).some((m) => /Definition for rule 'sqlguard\/require-wher' was not found/.test(m)), brief(unknown).join("\n"));
  const bad = verify("-- eslint sqlguard/require-where: [nope\nSELECT 1;", file);
  assert.ok(bad.some((m) => m.fatal && /Failed to parse JSON/.test(m.message)), brief(bad).join("\n"));
  const off = verify("-- eslint-disable-next-line sqlguard/require-where\nDELETE FROM t;", file, [{ linterOptions: { noInlineConfig: true } }]);
  assert.equal(brief(off).map((m) => m.replace(/ \(.*$/, "")), [
    "1:1-1:51 - '-- eslint-disable-next-line sqlguard/require-where' has no effect because you have 'noInlineConfig' setting in your config.",
    "2:1-2:14 sqlguard/require-where DELETE without WHERE removes every row of t",
  ].map((m) => m.replace(/ \(.*$/, "")));
});

test("SQL: sqlguard directives, with and without the sqlguard/ prefix", () => {
  const file = "db/m.sql";
  assert.equal(brief(verify("-- sqlguard-disable-next-line require-where -- nightly\nDELETE FROM t;", file)), []);
  assert.equal(brief(verify("-- sqlguard-disable-next-line sqlguard/require-where\nDELETE FROM t;", file)), []);
  assert.equal(brief(verify("DELETE FROM t; -- sqlguard-disable-line", file)), []);
  assert.equal(
    brief(only("require-where", verify("-- sqlguard-disable require-where\nDELETE FROM a;\n-- sqlguard-enable require-where\nDELETE FROM b;", file))),
    ["4:1-4:14 sqlguard/require-where DELETE without WHERE removes every row of b"],
  );
  // a file directive: the migration tool wraps this file in a transaction
  assert.equal(brief(verify("-- sqlguard-assume-in-transaction\nUPDATE t SET a = 1 WHERE id = 1;\nINSERT INTO t VALUES (1);", file)), []);
});

// --- settings -----------------------------------------------------------------------------------------

test("settings.sqlguard is checked like the CLI's config: unknown keys and bad values stop ESLint with a clear message", () => {
  const run = (settings: unknown) => () => verify("DELETE FROM t;", "db/m.sql", [{ settings: { sqlguard: settings } }]);
  assert.throws(run({ prodHost: ["x"] }), /settings\.sqlguard\.prodHost: unknown option \(known: prodHosts, localHosts, postgresVersion, assumeInTransaction, embedded\)/);
  assert.throws(run({ rules: { "require-where": "off" } }), /settings\.sqlguard\.rules: not a setting of the ESLint plugin: set them in sqlguard\.config\.json, which the plugin reads, or in ESLint's "rules"/);
  assert.throws(run({ prodHosts: "db.prod" }), /settings\.sqlguard\.prodHosts: must be an array/);
  assert.throws(run({ assumeInTransaction: "migrations/**" }), /settings\.sqlguard\.assumeInTransaction: must be an array/);
  assert.throws(run({ embedded: { tags: ["not a name"] } }), /settings\.sqlguard\.embedded\.tags\[0\]: "not a name" is not a name/);
  assert.throws(run(7), /settings\.sqlguard must be an object/);
  // valid ones pass
  assert.equal(brief(run({ prodHosts: ["*.prod.acme.com"], localHosts: [], assumeInTransaction: false, embedded: { functions: ["runSql"] } })()).length, 1);
});

test("settings.sqlguard.embedded.functions adds a query function", () => {
  const code = "await runQuery('DELETE FROM t');";
  assert.equal(brief(verify(code, "a.ts", [{ settings: { sqlguard: { embedded: { functions: ["runQuery"], literals: false } } } }])), [
    "1:17-1:30 sqlguard/require-where DELETE without WHERE removes every row of t",
  ]);
  assert.equal(brief(verify(code, "a.ts", [{ settings: { sqlguard: { embedded: { literals: false } } } }])), []);
});

test("settings.sqlguard.assumeInTransaction reads code the same way (SQL in a migration file)", () => {
  const code = "await db.query('BEGIN; UPDATE t SET a = 1 WHERE id = 1; COMMIT;');";
  const assumed = verify(code, "migrations/001.ts", [{ settings: { sqlguard: { assumeInTransaction: ["migrations/**"] } } }]);
  assert.ok(brief(assumed).some((m) => m.includes("sqlguard/unbalanced-transaction")), brief(assumed).join("\n"));
  assert.equal(brief(verify(code, "migrations/001.ts")), []);
});

// --- secrets ------------------------------------------------------------------------------------------

test("migration rules report in files detected as migrations, as in the CLI, and nowhere else", () => {
  const sql = "-- +goose Up\nCREATE INDEX orders_customer ON orders (customer_id);\n";
  const ids = (messages: Linter.LintMessage[]) => messages.map((m) => m.ruleId);
  // a goose migration (its annotation says so): the index is built with a lock that blocks writes
  assert.ok(ids(verify(sql, "db/migrations/00001_orders.sql")).includes("sqlguard/require-concurrent-index"));
  // the same statement in a script nobody runs as a migration
  assert.not.ok(ids(verify(sql.replace("-- +goose Up\n", ""), "scripts/report.sql")).includes("sqlguard/require-concurrent-index"));
});

test("no message, suggestion or fix carries a password, in code or in SQL", () => {
  const secrets = ["hunter22", "s3cretpw", "Passw0rd!x"];
  const ts = [
    'const a = "postgres://admin:hunter22@orders.cluster-abc.eu-west-1.rds.amazonaws.com/app";',
    "// postgres://root:s3cretpw@prod-db.c1.us-east-1.rds.amazonaws.com/app",
    "await db.query(\"UPDATE t SET a = 1 WHERE 'host=x1.c9akciq32xyz.eu-west-1.rds.amazonaws.com password=Passw0rd!x' <> '' OR true\");",
    "const b = `Server=sql1.database.windows.net;Database=app;User Id=sa;Password=hunter22;`;",
  ].join("\n");
  const sql = [
    "CREATE SERVER prod FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'db.prod.c9akciq32xyz.eu-west-1.rds.amazonaws.com', dbname 'app');",
    "CREATE USER MAPPING FOR app SERVER prod OPTIONS (user 'app', password 'hunter22');",
    "UPDATE t SET a = 1 WHERE 'host=x1.c9akciq32xyz.eu-west-1.rds.amazonaws.com password=Passw0rd!x' <> '' OR true;",
    "SELECT dblink_connect('postgres://u:s3cretpw@x1.c9akciq32xyz.eu-west-1.rds.amazonaws.com/db');",
    "BEGIN;",
    "UPDATE t SET note = 'password=hunter22 host=x1.c9akciq32xyz.eu-west-1.rds.amazonaws.com' WHERE id = 1;",
  ].join("\n");
  for (const [code, file] of [
    [ts, "src/db.ts"],
    [sql, "db/prod.sql"],
  ] as const) {
    const messages = verify(code, file);
    assert.ok(messages.length >= 3, `${file}: ${brief(messages).join("\n")}`);
    assert.ok(messages.some((m) => m.ruleId === "sqlguard/no-prod-connection-string"), file);
    const printed = JSON.stringify(messages);
    for (const s of secrets) assert.not.ok(printed.includes(s), `${file}: ${s} in ${printed}`);
  }
});

// --- same findings as the CLI -------------------------------------------------------------------------

const LINTED = /\.(sql|psql|pgsql|ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
const samples: string[] = [];
for (const id of readdirSync(path.join(root, "rules"))) {
  const dir = path.join("rules", id, "fixtures");
  try {
    for (const name of readdirSync(path.join(root, dir)).sort()) if (LINTED.test(name)) samples.push(path.join(dir, name));
  } catch {
    // a rule without fixtures
  }
}
for (const name of readdirSync(path.join(root, "examples")).sort()) if (LINTED.test(name)) samples.push(path.join("examples", name));

test("the same findings at the same places and severities as the CLI, on every fixture and example", () => {
  assert.ok(samples.length >= 15, `${samples.length} samples`);
  for (const file of samples) {
    const text = readFileSync(path.join(root, file), "utf8");
    const cli = lint(text, { filePath: file.split(path.sep).join("/"), config: { reportUnusedDirectives: "off" } }).messages;
    const eslint = verify(text, file);
    // severities too: a finding the engine caps at warning is a warning in ESLint as well
    const cliBrief = cli.map((m) => `${m.severity} ${m.line}:${m.column}-${m.endLine}:${m.endColumn} sqlguard/${m.ruleId} ${m.message}`).sort();
    assert.equal(eslint.map((m, i) => `${m.severity} ${brief(eslint)[i]}`).sort(), cliBrief, file);
  }
});

test.run();

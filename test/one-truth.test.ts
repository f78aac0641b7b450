/**
 * One truth in the editor, the hook and CI: a tree of SQL and TypeScript files, with a
 * sqlguard.config.json and both kinds of directives, linted by the command (in process) and by
 * ESLint's Node API with the plugin's recommended config (what editors call). Same findings, same
 * places, same messages; the same unused directives; `settings.sqlguard` overrides the file.
 */
import path from "node:path";
import { ESLint, type Linter } from "eslint";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import plugin from "../src/eslint/index.js";
import { tempDir } from "./helpers.js";
import { cli } from "./in-process.js";

const test = suite("one truth");

const CONFIG = {
  rules: { "require-where": ["error", { ignoreTables: ["scratch_*"] }], "require-transaction": "off" },
  ignores: ["vendor/"],
  overrides: [{ files: ["scripts/**"], rules: { "require-semicolon": "off", "require-where": "off" } }],
  localHosts: ["*.internal.acme.com"],
  assumeInTransaction: ["migrations/**"],
};

const TREE: Record<string, string> = {
  "sqlguard.config.json": JSON.stringify(CONFIG, null, 2),
  "db/cleanup.sql": [
    "BEGIN;",
    "-- eslint-disable-next-line sqlguard/require-where -- backfill, every row",
    "UPDATE orders SET flag = true;",
    "DELETE FROM carts; -- eslint-disable-line sqlguard/require-where",
    "/* eslint-disable sqlguard/require-where */",
    "DELETE FROM a;",
    "/* eslint-enable sqlguard/require-where */",
    "DELETE FROM b;",
    "-- sqlguard-disable-next-line require-where -- purge",
    "DELETE FROM c;",
    "DELETE FROM scratch_x;",
    "-- eslint-disable-next-line sqlguard/require-where",
    "SELECT 1;",
    "-- eslint-disable-next-line no-console -- another plugin's rule: not sqlguard's business",
    "DELETE FROM d;",
    "/** eslint-disable-next-line sqlguard/require-where */",
    "DELETE FROM e;",
    "COMMIT",
    "",
  ].join("\n"),
  "db/blanket.sql": "-- eslint-disable\nDELETE FROM everything;\nSELECT 1\n",
  "scripts/report.sql": "DELETE FROM tmp_report;\nSELECT 1\n",
  "vendor/legacy.sql": "DELETE FROM legacy;\n",
  "migrations/001_init.sql": "BEGIN;\nCREATE TABLE t (id bigint);\nCOMMIT;\n",
  "db/migrations/00002_archive.sql": "-- +goose Up\nCREATE TABLE orders_archive (id bigint PRIMARY KEY);\nCREATE INDEX orders_customer ON orders (customer_id);\n",
  "src/queries.ts": [
    "// eslint-disable-next-line sqlguard/require-where",
    "await sql`DELETE FROM a`;",
    "await sql`UPDATE b SET x = 1`; // eslint-disable-line sqlguard/require-where",
    "/* eslint-disable sqlguard/require-where */",
    "await sql`DELETE FROM c`;",
    "/* eslint-enable sqlguard/require-where */",
    "await sql`DELETE FROM d`;",
    "// eslint-disable-next-line sqlguard/require-where",
    "await sql`SELECT 1;",
    "  DELETE FROM e`;",
    "await sql`-- eslint-disable-next-line sqlguard/require-where",
    "DELETE FROM f`;",
    "// sqlguard-disable-next-line require-where -- the whole template",
    "await sql`SELECT 1;",
    "  DELETE FROM g`;",
    "/** eslint-disable-next-line sqlguard/require-where */",
    "await sql`DELETE FROM h`;",
    "// eslint-disable-next-line no-console, sqlguard/require-where",
    "await sql`DELETE FROM i`;",
    "// eslint-disable-next-line no-console",
    "await sql`DELETE FROM j`;",
    "",
  ].join("\n"),
  "src/generated.ts": "/* eslint-disable */\nexport const wipe = (db) => db.query('DELETE FROM everything');\n",
  "src/connections.ts": [
    'export const prod = "postgres://app:s3cret-pw@orders.acme.com/app";',
    'export const reports = "postgres://app:r3ports-pw@reports.internal.acme.com/app";',
    "",
  ].join("\n"),
  "scripts/old.ts": "await sql`DELETE FROM old`;\n",
};

const CODE_OR_SQL = /\.(sql|ts)$/;

/** `file line:col-endLine:endCol severity rule message`, sorted. */
type Finding = string;

async function viaCli(dir: string): Promise<{ findings: Finding[]; unused: string[] }> {
  const run = await cli(["--format", "json", "."], { cwd: dir });
  assert.ok(run.code === 0 || run.code === 1, run.stderr);
  const findings: Finding[] = [];
  const unused: string[] = [];
  for (const r of JSON.parse(run.stdout) as ESLint.LintResult[]) {
    const file = path.relative(dir, r.filePath).split(path.sep).join("/");
    if (!CODE_OR_SQL.test(file)) continue;
    for (const m of r.messages) {
      if (m.ruleId) findings.push(`${file} ${m.line}:${m.column}-${m.endLine}:${m.endColumn} ${m.severity} sqlguard/${m.ruleId} ${m.message}`);
      else if (/^unused eslint-/.test(m.message)) unused.push(`${file}:${m.line}`);
    }
  }
  return { findings: findings.sort(), unused: unused.sort() };
}

async function viaEslint(dir: string, extra: Linter.Config[] = []): Promise<{ findings: Finding[]; unused: string[] }> {
  const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: [...plugin.configs.recommended, ...extra] });
  const findings: Finding[] = [];
  const unused: string[] = [];
  for (const r of await eslint.lintFiles(["."])) {
    const file = path.relative(dir, r.filePath).split(path.sep).join("/");
    for (const m of r.messages) {
      if (m.ruleId?.startsWith("sqlguard/")) findings.push(`${file} ${m.line}:${m.column}-${m.endLine}:${m.endColumn} ${m.severity} ${m.ruleId} ${m.message}`);
      else if (/^Unused eslint-disable directive .*'sqlguard\//.test(m.message)) unused.push(`${file}:${m.line}`);
      else if (!/^Unused eslint-disable directive \(no problems were reported from 'no-console'\)/.test(m.message)) assert.unreachable(`${file}: ${m.line}:${m.column} ${m.ruleId} ${m.message}`);
    }
  }
  return { findings: findings.sort(), unused: unused.sort() };
}

test("a tree of SQL and TypeScript with a config and both kinds of directives: the command and ESLint agree", async () => {
  const dir = tempDir(TREE);
  const cli = await viaCli(dir);
  const eslint = await viaEslint(dir);
  assert.equal(eslint.findings, cli.findings);
  assert.equal(eslint.unused, cli.unused);
  // and what they agree on is what the config and the directives say
  const short = cli.findings.map((f) => {
    const [file, at, , rule] = f.split(" ");
    return `${file} ${at!.split(":")[0]} ${rule!.slice("sqlguard/".length)}`;
  }).sort();
  assert.equal(short, [
    "db/cleanup.sql 15 require-where", // an ESLint directive for another plugin's rule
    "db/cleanup.sql 18 require-semicolon",
    "db/cleanup.sql 8 require-where", // after eslint-enable
    "db/migrations/00002_archive.sql 3 require-concurrent-index", // a goose migration
    "db/migrations/00002_archive.sql 3 require-lock-timeout",
    "migrations/001_init.sql 1 unbalanced-transaction", // config assumeInTransaction
    "migrations/001_init.sql 3 unbalanced-transaction",
    "src/connections.ts 1 no-prod-connection-string", // line 2's host is in the config's localHosts
    "src/queries.ts 10 require-where", // ESLint's disable-next-line covers the line the template starts on
    "src/queries.ts 12 require-where", // ESLint does not read a directive inside a SQL string
    "src/queries.ts 17 require-where", // nor one in a /** */ block in code (it does in .sql)
    "src/queries.ts 21 require-where", // an ESLint directive for another plugin's rule
    "src/queries.ts 7 require-where", // after eslint-enable
  ]);
  assert.equal(cli.unused, ["db/cleanup.sql:12", "src/queries.ts:8"]);
});

test("settings.sqlguard overrides the config file, key by key", async () => {
  const dir = tempDir(TREE);
  const { findings } = await viaEslint(dir, [{ settings: { sqlguard: { localHosts: [] } } }]);
  const connections = findings.filter((f) => f.startsWith("src/connections.ts"));
  assert.equal(
    connections.map((f) => f.split(" ")[1]!.split(":")[0]),
    ["1", "2"],
  );
  // the rest of the config still applies: vendor/ is ignored, scripts/ has require-where off
  assert.not.ok(findings.some((f) => f.startsWith("vendor/") || f.startsWith("scripts/")), findings.join("\n"));
});

test("options given in ESLint's config win over the config file's; a rule the file does not name runs as ESLint says", async () => {
  const dir = tempDir(TREE);
  const { findings } = await viaEslint(dir, [
    { rules: { "sqlguard/require-where": ["error", { ignoreTables: ["a", "b", "d", "e", "h", "i", "j", "f"] }], "sqlguard/require-schema-qualified-table": "warn" } },
  ]);
  assert.ok(findings.some((f) => f.includes("DELETE without WHERE removes every row of scratch_x")), findings.join("\n"));
  assert.ok(findings.some((f) => f.includes("sqlguard/require-schema-qualified-table")), findings.join("\n"));
});

test("an invalid config file stops ESLint with the message the command gives", async () => {
  const dir = tempDir({ ...TREE, "sqlguard.config.json": JSON.stringify({ rules: { "require-wher": "error" } }) });
  const run = await cli(["db/cleanup.sql"], { cwd: dir });
  assert.is(run.code, 2);
  const message = /sqlguard\.config\.json: rules\.require-wher: unknown rule "require-wher" \(did you mean "require-where"\?\)/;
  assert.match(run.stderr, message);
  const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: plugin.configs.recommended });
  try {
    await eslint.lintFiles(["db/cleanup.sql"]);
    assert.unreachable("ESLint went on");
  } catch (e) {
    assert.match((e as Error).message, message);
  }
});

test("the nearest config to each file applies in ESLint (as ESLint 10 finds its own); edits are seen at once", async () => {
  const dir = tempDir({
    "a/sqlguard.config.json": JSON.stringify({ rules: { "require-where": "off" } }),
    "a/x.sql": "DELETE FROM t;\n",
    "b/x.sql": "DELETE FROM t;\n",
  });
  const lint = async () => {
    const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: plugin.configs.recommended });
    return (await eslint.lintFiles(["."])).map((r) => `${path.relative(dir, r.filePath)} ${r.messages.map((m) => m.ruleId).join(",")}`);
  };
  assert.equal(await lint(), ["a/x.sql ", "b/x.sql sqlguard/require-where"]);
  const { writeFileSync } = await import("node:fs");
  writeFileSync(path.join(dir, "a/sqlguard.config.json"), JSON.stringify({ rules: { "require-where": "warn" } }) + "\n\n");
  assert.equal(await lint(), ["a/x.sql sqlguard/require-where", "b/x.sql sqlguard/require-where"]);
});

test("a config in code (sqlguard.config.mjs, .js of either kind) is read by the plugin too", async () => {
  const lint = async (files: Record<string, string>) => {
    const dir = tempDir({ "a.sql": "DELETE FROM t;\n", ...files });
    const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: plugin.configs.recommended });
    const [r] = await eslint.lintFiles(["a.sql"]);
    return r!.messages.map((m) => `${m.severity} ${m.ruleId}`);
  };
  assert.equal(await lint({ "sqlguard.config.mjs": 'export default { rules: { "require-where": "off" } };\n' }), []);
  assert.equal(await lint({ "sqlguard.config.js": 'export default { rules: { "require-where": "off" } };\n', "package.json": '{ "type": "module" }' }), []);
  assert.equal(await lint({ "sqlguard.config.js": 'module.exports = { rules: { "require-where": "off" } };\n' }), []);
  assert.equal(await lint({ "package.json": JSON.stringify({ sqlguard: { rules: { "require-where": "off" } } }) }), []);
  assert.equal(await lint({}), ["2 sqlguard/require-where"]);
});

test.run();

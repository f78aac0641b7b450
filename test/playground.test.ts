/**
 * The playground's engine side in Node, with the real parser: what the page lints and how (the
 * story's finding and its fix, SQL in TypeScript, the migration tool set in the panel), its config
 * errors word for word the command line's, the config controls' edits, and the state a link holds.
 * The page itself, in Chromium, is test/playground-browser.test.ts.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { applyFixes } from "../src/lint/fixes.js";
import { loadParser } from "../src/sql/parser.js";
import { FILES, lintTab, readConfig } from "../src/playground/engine.js";
import { migrationToolOf, ruleControl, setMigrationTool, setPostgresVersion, setRule, toJson } from "../src/playground/config-edit.js";
import { decodeState, encodeState, type PlaygroundState } from "../src/playground/state.js";
import type { Config } from "../src/engine/config.js";
import { brief, tempDir } from "./helpers.js";
import { cli } from "./in-process.js";

const test = suite("playground");

const STORY = "UPDATE orders\nSET is_deleted = true\n\nWHERE id IN (1, 2, 3)\n";

test.before(async () => {
  await loadParser();
});

function configOf(text: string): Config {
  const outcome = readConfig(text);
  if (!outcome.ok) throw new Error(outcome.message);
  return outcome.config;
}

test("the story: the split at line 3, a fix that removes the blank line, and nothing left after it", () => {
  const result = lintTab("sql", STORY, configOf("{}"));
  const split = result.messages.find((m) => m.ruleId === "ambiguous-statement-split");
  assert.ok(split, brief(result.messages).join("\n"));
  assert.is(`${split.line}:${split.column}`, "3:1");
  assert.is(split.severity, 2);
  assert.match(split.message, /would run `UPDATE orders SET is_deleted = true`/);
  assert.ok(split.fix, "the split carries its fix");
  const fixed = applyFixes(STORY, [split.fix]);
  assert.is(fixed, "UPDATE orders\nSET is_deleted = true\nWHERE id IN (1, 2, 3)\n", "only the blank line goes");
  const after = lintTab("sql", fixed, configOf("{}"));
  assert.equal(after.messages.map((m) => m.ruleId), ["require-semicolon"], "the split is gone; the missing ; remains");
  assert.is(after.output, undefined, "the page's text is never changed by linting");
});

test("the .ts tab reads SQL in code: the same engine as the CLI", async () => {
  const code = 'import pg from "pg";\nconst pool = new pg.Pool();\nawait pool.query("DELETE FROM orders");\n';
  const page = lintTab("ts", code, configOf("{}"));
  const dir = tempDir({ "queries.ts": code });
  const run = await cli(["--format", "json", "queries.ts"], { cwd: dir });
  const cliMessages = (JSON.parse(run.stdout) as { messages: { ruleId: string; line: number; column: number; message: string }[] }[])[0]!.messages;
  assert.equal(
    page.messages.map((m) => [m.ruleId, m.line, m.column, m.message]),
    cliMessages.map((m) => [m.ruleId, m.line, m.column, m.message]),
  );
  assert.is(page.messages[0]?.ruleId, "require-where");
  assert.is(path.basename(FILES.ts), "queries.ts");
});

test("config errors are the command line's, word for word", async () => {
  const configs = [
    '{"rules": {"require-where": "on"}}',
    '{"rules": {\n',
    '{"postgresVersion": 100}',
    '{"rules": {"require-wher": "error"}}',
    '{"rules": {"require-transaction": ["warn", {"minWrites": 0}]}}',
    '{"overrides": [{"files": ["**"], "migrationTool": "alembic"}]}',
    '{"foo": 1}',
    "[]",
  ];
  const dir = tempDir({ "a.sql": "SELECT 1;\n" });
  for (const text of configs) {
    writeFileSync(path.join(dir, "sqlguard.config.json"), text);
    const run = await cli(["a.sql"], { cwd: dir });
    assert.is(run.code, 2, text);
    const page = readConfig(text);
    assert.not.ok(page.ok, text);
    if (!page.ok) assert.is(run.stderr.trim(), `sqlguard: invalid configuration: ${page.message}`, text);
  }
  assert.ok(readConfig('{"rules": {"require-where": "warn"}, "postgresVersion": 12}').ok);
});

test("severities, options and the PostgreSQL version from the panel reach the rules", () => {
  const off = lintTab("sql", STORY, configOf('{"rules": {"ambiguous-statement-split": "off"}}'));
  assert.not.ok(off.messages.some((m) => m.ruleId === "ambiguous-statement-split"));
  const warn = lintTab("sql", STORY, configOf('{"rules": {"ambiguous-statement-split": "warn"}}'));
  assert.is(warn.messages.find((m) => m.ruleId === "ambiguous-statement-split")?.severity, 1);

  // SET NOT NULL on PostgreSQL 11 has no cheaper way; from 12 on, the help names the one there is
  const migration = "-- migrate:up\nALTER TABLE orders ALTER COLUMN status SET NOT NULL;\n";
  const on12 = lintTab("sql", migration, configOf('{"postgresVersion": 12}'));
  const on11 = lintTab("sql", migration, configOf('{"postgresVersion": 11}'));
  assert.not.equal(brief(on12.messages), brief(on11.messages), "the version changes what is said");
});

test("the migration tool set in the panel decides which rules run", () => {
  const sql = "CREATE INDEX orders_status_idx ON orders (status);\n";
  const plain = lintTab("sql", sql, configOf("{}"));
  assert.not.ok(plain.messages.some((m) => m.ruleId === "require-concurrent-index"), "a plain script: migration rules are off");
  const flyway = lintTab("sql", sql, configOf(toJson(setMigrationTool({}, "flyway"))));
  assert.ok(flyway.messages.some((m) => m.ruleId === "require-concurrent-index"), brief(flyway.messages).join("\n"));
  const goose = "-- +goose Up\nCREATE INDEX orders_status_idx ON orders (status);\n";
  assert.ok(lintTab("sql", goose, configOf("{}")).messages.some((m) => m.ruleId === "require-concurrent-index"), "detected from the file");
  const none = lintTab("sql", goose, configOf(toJson(setMigrationTool({}, "none"))));
  assert.not.ok(none.messages.some((m) => m.ruleId === "require-concurrent-index"), "none: a plain script after all");
});

test("the controls edit the JSON and leave the rest of it alone", () => {
  const user = { prodHosts: ["*.acme.com"], overrides: [{ files: ["legacy/**"], rules: { "require-where": "off" as const } }] };
  let next = setRule(user, "require-where", "warn", undefined, "error");
  assert.equal(next.rules, { "require-where": "warn" });
  assert.equal(ruleControl(next, "require-where"), { severity: "warn", options: undefined });
  next = setRule(next, "require-transaction", "default", { minWrites: 2 }, "warn");
  assert.equal(next.rules!["require-transaction"], ["warn", { minWrites: 2 }]);
  assert.equal(ruleControl(next, "require-transaction"), { severity: "warn", options: { minWrites: 2 } });
  next = setRule(setRule(next, "require-where", "default", undefined, "error"), "require-transaction", "default", undefined, "warn");
  assert.is(next.rules, undefined, "an empty rules object goes");
  next = setPostgresVersion(next, 13);
  assert.is(next.postgresVersion, 13);
  assert.is(setPostgresVersion(next, null).postgresVersion, undefined);
  next = setMigrationTool(next, "goose");
  assert.is(migrationToolOf(next), "goose");
  next = setMigrationTool(next, "dbmate");
  assert.equal(next.overrides, [user.overrides[0], { files: ["**"], migrationTool: "dbmate" }], "one entry for the tool; the others kept");
  assert.equal(setMigrationTool(next, null).overrides, user.overrides);
  assert.equal(next.prodHosts, user.prodHosts);
  assert.is(toJson({ rules: { "require-where": "warn" } }), '{\n  "rules": {\n    "require-where": "warn"\n  }\n}\n');
  assert.equal(ruleControl({ rules: { "require-where": 1 } }, "require-where").severity, "warn", "numbers read as the CLI reads them");
});

test("a link holds both files, the config and the tab; a damaged one says so", async () => {
  const state: PlaygroundState = { tab: "ts", sql: STORY + "-- ünïcödé, 𝔘, \u0000 and \r\n kept\n", ts: "sql`SELECT 1`".repeat(500), config: '{"rules": {' };
  const hash = await encodeState(state);
  assert.match(hash, /^v1=[A-Za-z0-9_-]+$/, "URL-safe");
  assert.ok(hash.length < 1000, `compressed: ${hash.length} characters`);
  assert.equal(await decodeState(`#${hash}`), state);
  assert.is(await decodeState(""), null);
  assert.is(await decodeState("#"), null);
  const damaged = async (h: string): Promise<string> => {
    try {
      await decodeState(h);
      return "(read)";
    } catch (e) {
      return (e as Error).message;
    }
  };
  assert.match(await damaged(hash.slice(0, hash.length / 2)), /damaged/);
  assert.match(await damaged("#v1=!!!"), /damaged/);
  assert.match(await damaged("#something-else"), /not made by this playground/);
  const notOurs = await encodeState(state).then(() => "v1=" + Buffer.from("not deflated").toString("base64url"));
  assert.match(await damaged(notOurs), /damaged/);
});

test.run();

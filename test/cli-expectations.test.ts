/**
 * What a user of ESLint expects of a linter's command line: `sqlguard rules`, a docs link under
 * each finding, a warning (not silence) for a file named on the command line that `ignores`
 * excludes, and `--no-ignore`.
 */
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { builtinRules } from "../rules/index.js";
import { docsUrl } from "../src/engine/rule.js";
import { tempDir } from "./helpers.js";
import { cli } from "./in-process.js";

const test = suite("cli expectations");

test("sqlguard rules: every rule with its default severity, fixable, migration or not, what it catches, docs", async () => {
  const run = await cli(["rules"], { cwd: tempDir() });
  assert.is(run.code, 0);
  assert.is(run.stderr, "");
  const lines = run.stdout.split("\n");
  for (const r of builtinRules) {
    const i = lines.findIndex((l) => l.startsWith(`${r.id} `));
    assert.ok(i >= 0, r.id);
    const fix = r.fixable ? "fix" : r.hasSuggestions ? "suggestion" : "-";
    assert.match(lines[i]!, new RegExp(`^${r.id} +${r.defaultSeverity} +${fix} +${r.description.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`), r.id);
    assert.is(lines[i + 1]!.trim(), docsUrl(r.id), r.id);
  }
  const section = (id: string) => {
    const i = lines.findIndex((l) => l.startsWith(`${id} `));
    return lines.slice(0, i).reverse().find((l) => l.endsWith(":"));
  };
  assert.is(section("require-where"), "On in every file (at these severities):");
  assert.is(section("require-concurrent-index"), "Migration safety: on in files detected as migrations, off elsewhere unless configured:");
  assert.is(section("require-schema-qualified-table"), "Off unless configured:");
});

test("sqlguard rules --format json, and a hint when a folder named rules was meant", async () => {
  const dir = tempDir({ "rules/x.sql": "DELETE FROM t;\n" });
  const run = await cli(["rules", "--format", "json"], { cwd: dir });
  assert.is(run.code, 0);
  const list = JSON.parse(run.stdout) as Record<string, unknown>[];
  assert.is(list.length, builtinRules.length);
  assert.equal(list.find((r) => r.id === "require-concurrent-index"), {
    id: "require-concurrent-index",
    description: builtinRules.find((r) => r.id === "require-concurrent-index")!.description,
    defaultSeverity: "error",
    fixable: false,
    hasSuggestions: false,
    migration: true,
    documents: ["script", "embedded"],
    docs: docsUrl("require-concurrent-index"),
  });
  assert.equal(list.find((r) => r.id === "require-semicolon")?.fixable, true);
  assert.match(run.stderr, "to lint the folder rules/, run: sqlguard rules/");
  assert.is((await cli(["rules/"], { cwd: dir })).code, 1, "rules/ is the folder");
  const bad = await cli(["rules", "--format", "xml"], { cwd: dir });
  assert.is(bad.code, 2);
  assert.match(bad.stderr, 'unknown format "xml"');
});

test("stylish: a docs link under each finding", async () => {
  const dir = tempDir({ "a.sql": "DELETE FROM t;\n" });
  const run = await cli(["a.sql"], { cwd: dir });
  assert.match(run.stdout, `     help: add a WHERE that names the rows; if every row is meant, say why: -- sqlguard-disable-next-line require-where -- <reason>\n     docs: ${docsUrl("require-where")}\n`);
  // a problem no rule owns has no page
  const unused = await cli(["b.sql"], { cwd: tempDir({ "b.sql": "-- sqlguard-disable-next-line require-where\nSELECT 1;\n" }) });
  assert.not.match(unused.stdout, "docs:");
});

test("a file named on the command line that ignores excludes: a warning, not silence; --no-ignore lints it", async () => {
  const dir = tempDir({
    "sqlguard.config.json": JSON.stringify({ ignores: ["vendor/", "legacy.sql"] }),
    "vendor/x.sql": "DELETE FROM t;\n",
    "legacy.sql": "DELETE FROM t;\n",
    "ok.sql": "SELECT 1;\n",
  });
  const named = await cli(["-f", "json", "legacy.sql", "ok.sql", "vendor/x.sql"], { cwd: dir });
  assert.is(named.code, 0);
  const results = JSON.parse(named.stdout) as { filePath: string; messages: { severity: number; message: string }[]; warningCount: number }[];
  assert.equal(
    results.map((r) => [path.relative(dir, r.filePath), r.warningCount, r.messages.map((m) => m.message)]),
    [
      ["legacy.sql", 1, ['File ignored: it matches "legacy.sql" in the ignores of sqlguard.config.json; use --no-ignore to lint it (or --no-warn-ignored to say nothing)']],
      ["ok.sql", 0, []],
      ["vendor/x.sql", 1, ['File ignored: it matches "vendor/" in the ignores of sqlguard.config.json; use --no-ignore to lint it (or --no-warn-ignored to say nothing)']],
    ],
  );
  // the warning counts as a warning, as in ESLint
  assert.is((await cli(["--max-warnings", "0", "legacy.sql"], { cwd: dir })).code, 1);
  // lint-staged hands over lists of files: --no-warn-ignored keeps such runs quiet
  const quiet = await cli(["--no-warn-ignored", "legacy.sql", "ok.sql"], { cwd: dir });
  assert.equal([quiet.code, quiet.stdout, quiet.stderr], [0, "", ""]);
  // a walk skips ignored files without a word; a named ignored folder is said on stderr
  assert.equal((await cli(["."], { cwd: dir })).stdout, "");
  assert.match((await cli(["vendor"], { cwd: dir })).stderr, 'vendor/ was not linted: it matches "vendor/" in the ignores of sqlguard.config.json; use --no-ignore to lint it');
  // --no-ignore: the config's ignores do not apply, named or walked
  const all = await cli(["--no-ignore", "-f", "compact", "."], { cwd: dir });
  assert.is(all.code, 1);
  assert.match(all.stdout, "legacy.sql: line 1, col 1, Error - DELETE without WHERE");
  assert.match(all.stdout, "vendor/x.sql: line 1, col 1, Error - DELETE without WHERE");
});

test.run();

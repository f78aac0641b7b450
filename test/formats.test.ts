/**
 * --format sarif and --format github. The SARIF log is validated against the SARIF 2.1.0 JSON
 * schema that Microsoft's SARIF SDK ships on npm (@microsoft/jest-sarif, sarif-2.1.0-rtm.5), with
 * ajv; the one constraint the final OASIS schema adds over rtm.5 that concerns what sqlguard
 * writes (a region needs startLine, charOffset or byteOffset) is checked by hand.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { builtinRules, builtinRules as rules } from "../rules/index.js";
import { docsUrl } from "../src/engine/rule.js";
import type { FileResult } from "../src/engine/types.js";
import { escapeData, escapeProperty, github } from "../src/report/github.js";
import { reporters } from "../src/report/index.js";
import { NOTICE, NOT_LINTED } from "../src/report/sarif.js";
import { write } from "./git.js";
import { root, tempDir } from "./helpers.js";
import { cli } from "./in-process.js";

const require = createRequire(import.meta.url);
const test = suite("formats: sarif and github");

interface SarifResult {
  ruleId: string;
  ruleIndex?: number;
  level: string;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: Record<string, number> } }[];
  partialFingerprints: Record<string, string>;
}

interface SarifLog {
  $schema: string;
  version: string;
  runs: {
    tool: { driver: { name: string; version: string; informationUri: string; rules: { id: string; helpUri: string; shortDescription: { text: string }; fullDescription: { text: string }; defaultConfiguration: { level: string } }[] } };
    invocations: { executionSuccessful: boolean; toolExecutionNotifications?: { level: string; message: { text: string } }[] }[];
    originalUriBaseIds: Record<string, { uri: string }>;
    columnKind: string;
    results: SarifResult[];
  }[];
}

type Validate = ((data: unknown) => boolean) & { errors?: unknown[] | null };
let validator: Validate | null = null;
function validateSarif(log: unknown): void {
  if (!validator) {
    const Ajv = require("ajv") as new (o: object) => { addMetaSchema(s: object): void; compile(s: object): Validate };
    const ajv = new Ajv({ schemaId: "auto", allErrors: true, format: "full" });
    ajv.addMetaSchema(require("ajv/lib/refs/json-schema-draft-04.json") as object);
    validator = ajv.compile(require("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json") as object);
  }
  const ok = validator(log);
  assert.ok(ok, `not valid SARIF 2.1.0: ${JSON.stringify(validator.errors, null, 2)}`);
  // The final OASIS schema (errata 01) also requires every region to say where it starts.
  for (const run of (log as SarifLog).runs) {
    for (const r of run.results) for (const l of r.locations) assert.ok(l.physicalLocation.region.startLine >= 1, "region.startLine");
  }
}

async function sarifOf(dir: string, args: string[]): Promise<SarifLog> {
  const r = await cli(["-f", "sarif", ...args], { cwd: dir });
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  assert.is(r.stderr, "");
  const log = JSON.parse(r.stdout) as SarifLog;
  validateSarif(log);
  return log;
}

test("--format sarif is valid SARIF 2.1.0 with the driver's rules, levels, UTF-16 columns and encoded relative URIs", async () => {
  const dir = tempDir({
    "dir one/ünï.sql": "SELECT '😀'; DELETE FROM t;\n-- sqlguard-disable-next-line require-where\nSELECT 1;\n",
    "binary.sql": Buffer.from([0, 1, 2, 3, 0xff, 0]),
    "warn.sql": "UPDATE\n  t\nSET a = 1;\n",
  });
  const log = await sarifOf(dir, ["--rule", "require-where:warn", "."]);
  assert.is(log.version, "2.1.0");
  assert.match(log.$schema, /sarif-schema-2\.1\.0\.json$/);
  const run = log.runs[0]!;
  const driver = run.tool.driver;
  assert.is(driver.name, "sqlguard");
  assert.is(driver.version, JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).version);
  assert.match(driver.informationUri, /^https:\/\//);
  for (const rule of rules) {
    const d = driver.rules.find((x) => x.id === rule.id)!;
    assert.ok(d, rule.id);
    assert.is(d.helpUri, docsUrl(rule.id));
    assert.is(d.shortDescription.text, rule.description);
    assert.ok(d.fullDescription.text.startsWith(rule.description));
    assert.is(d.defaultConfiguration.level, rule.defaultSeverity === "error" ? "error" : "warning");
  }
  assert.is(run.columnKind, "utf16CodeUnits");
  assert.equal(run.originalUriBaseIds["%SRCROOT%"], { uri: pathToFileURL(dir).href + "/" });

  for (const r of run.results) assert.is(driver.rules[r.ruleIndex!]!.id, r.ruleId, "ruleIndex points at the rule");
  const byUri = (uri: string) => run.results.filter((r) => r.locations[0]!.physicalLocation.artifactLocation.uri === uri);

  const [del, unused] = byUri("dir%20one/%C3%BCn%C3%AF.sql");
  assert.is(del!.ruleId, "require-where");
  assert.is(del!.level, "warning", "--rule require-where:warn is the level of the result");
  assert.match(del!.message.text, /^DELETE without WHERE removes every row of t\nHelp: add a WHERE/);
  assert.is(del!.locations[0]!.physicalLocation.artifactLocation.uriBaseId, "%SRCROOT%");
  // 😀 is two UTF-16 code units: DELETE starts at column 14, and the range ends after "t".
  assert.equal(del!.locations[0]!.physicalLocation.region, { startLine: 1, startColumn: 14, endLine: 1, endColumn: 27 });
  assert.is(unused!.ruleId, NOTICE);
  assert.is(unused!.level, "warning");
  assert.match(unused!.message.text, /^unused sqlguard-disable-next-line directive/);

  const [multi] = byUri("warn.sql");
  assert.equal(multi!.locations[0]!.physicalLocation.region, { startLine: 1, startColumn: 1, endLine: 2, endColumn: 4 });

  const [bin] = byUri("binary.sql");
  assert.is(bin!.ruleId, NOT_LINTED);
  assert.is(bin!.level, "error");
  const notes = run.invocations[0]!.toolExecutionNotifications!;
  assert.equal(notes.map((n) => n.message.text), ["not a text file (binary content, e.g. NUL bytes); not linted"]);
  assert.is(run.invocations[0]!.executionSuccessful, true);

  // A file outside the working folder gets an absolute file: URI and no uriBaseId.
  const outside = (await sarifOf(path.join(dir, "dir one"), ["../warn.sql"])).runs[0]!.results[0]!;
  assert.equal(outside.locations[0]!.physicalLocation.artifactLocation, { uri: pathToFileURL(path.join(dir, "warn.sql")).href });

  // A clean run is a valid log with no results.
  const clean = await sarifOf(tempDir({ "ok.sql": "SELECT 1;\n" }), ["."]);
  assert.equal(clean.runs[0]!.results, []);
});

test("SARIF partialFingerprints survive edits elsewhere in the file and tell repeated findings apart", async () => {
  const before = "DELETE FROM orders;\nSELECT 1;\nDELETE FROM orders;\nUPDATE t SET a = 1;\n";
  const dir = tempDir({ "a.sql": before });
  const prints = async () => (await sarifOf(dir, ["--rule", "require-transaction:off", "a.sql"])).runs[0]!.results.map((r) => [r.locations[0]!.physicalLocation.region.startLine, r.partialFingerprints["sqlguard/v1"]!] as const);
  const first = await prints();
  assert.is(first.length, 3);
  assert.is.not(first[0]![1], first[1]![1], "the same statement twice: two results");
  assert.match(first[0]![1], /^[0-9a-f]{32}:1$/);
  assert.match(first[1]![1], /^[0-9a-f]{32}:2$/);
  assert.is(first[0]![1].split(":")[0], first[1]![1].split(":")[0]);
  // Lines added above and an unrelated statement changed: same fingerprints, other line numbers.
  write(dir, { "a.sql": "-- cleanup\n\n\n" + before.replace("SELECT 1;", "SELECT 2, 3;").replace("UPDATE t SET a = 1;", "UPDATE  t  SET a = 1;") });
  const second = await prints();
  assert.equal(second.map((p) => p[1]), first.map((p) => p[1]));
  assert.equal(second.map((p) => p[0]), first.map((p) => p[0] + 3));
});

test("--format github prints workflow commands with GitHub's escaping", async () => {
  assert.is(escapeData("100% done\r\nnext: a, b"), "100%25 done%0D%0Anext: a, b");
  assert.is(escapeProperty("dir/we:ird,name%.sql\n"), "dir/we%3Aird%2Cname%25.sql%0A");
  const dir = tempDir({
    "db/we:ird,name.sql": "-- sqlguard-disable-next-line require-where\nSELECT 1;\nUPDATE \"100%\" SET a = 1;\nUPDATE\n  t\nSET a = 1;\n",
  });
  const r = await cli(["-f", "github", "--rule", "require-transaction:off", "."], { cwd: dir });
  assert.is(r.code, 1);
  const help = "%0Ahelp: add a WHERE that names the rows; if every row is meant, say why: -- sqlguard-disable-next-line require-where -- <reason>";
  assert.is(
    r.stdout,
    [
      "::warning file=db/we%3Aird%2Cname.sql,line=1,col=1,endLine=1,endColumn=44,title=sqlguard::unused sqlguard-disable-next-line directive (no require-where problem to suppress here)",
      `::error file=db/we%3Aird%2Cname.sql,line=3,col=1,endLine=3,endColumn=14,title=sqlguard (require-where)::UPDATE without WHERE changes every row of "100%25"${help}`,
      // Across lines GitHub takes no columns.
      `::error file=db/we%3Aird%2Cname.sql,line=4,endLine=5,title=sqlguard (require-where)::UPDATE without WHERE changes every row of t${help}`,
      "",
    ].join("\n"),
  );
  assert.is((await cli(["-f", "github", "."], { cwd: tempDir({ "ok.sql": "SELECT 1;" }) })).stdout, "");
  // run in a subfolder of the checkout (a monorepo package): paths stay relative to the workspace
  const sub = await cli(["-f", "github", "--rule", "require-transaction:off", "we:ird,name.sql"], { cwd: path.join(dir, "db"), env: { GITHUB_WORKSPACE: dir } });
  assert.match(sub.stdout, /^::error file=db\/we%3Aird%2Cname\.sql,line=3,/m);
});

test("the new formats read only the results: messages and frame lines, never the file", () => {
  // A result whose file does not exist and whose message and line are already redacted.
  const result: FileResult = {
    filePath: path.join(tempDir(), "gone", "x.sql"),
    messages: [{ ruleId: "require-where", severity: 2, message: "uses ****", line: 1, column: 1, endLine: 1, endColumn: 5, start: 0, end: 4 }],
    errorCount: 1,
    warningCount: 0,
    fixableErrorCount: 0,
    fixableWarningCount: 0,
    lines: { 1: "x = '****'" },
    redacted: { 1: [[6, 12]] },
  };
  for (const name of ["sarif", "github"]) {
    const out = reporters[name]!([result], { cwd: path.dirname(result.filePath), color: false, rules: builtinRules });
    assert.match(out, /uses \*\*\*\*/, name);
  }
  assert.match(github([result], { cwd: "/", color: false, rules: builtinRules }), /^::error file=/);
});

test("every format the CLI offers has a reporter, and no reporter is unreachable", async () => {
  const { reporters, FORMATS } = await import("../src/report/index.js");
  const { loadReporter } = await import("../src/report/load.js");
  assert.equal(Object.keys(reporters).sort(), [...FORMATS].sort());
  for (const f of FORMATS) assert.is(await loadReporter(f), reporters[f]);
});

test.run();

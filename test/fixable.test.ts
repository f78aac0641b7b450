/**
 * What `--fix` would do, said without it, as ESLint says it: fixes in every run (JSON's `fix`
 * objects and fixable counts, stylish's "potentially fixable" line), `--fix-dry-run` (the fixed file
 * in JSON's `output`, nothing written) — and never a fix, or a fixed file, that holds a credential.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { tempDir } from "./helpers.js";
import { cli } from "./in-process.js";

const test = suite("fixable");

// ambiguous-statement-split (error, fix) and require-semicolon (warning, fix)
const SPLIT = "UPDATE orders SET status = 'late'\n\nWHERE due < now();\nSELECT 1";
const FIXED = "UPDATE orders SET status = 'late'\nWHERE due < now();\nSELECT 1;";
// the fix keeps the text between the blank lines, which holds a password: applied by --fix, never shown
const SECRET = "UPDATE accounts SET note = 'x'\n\n, pw = 'host=localhost password=Fx-Pw-12'\n\nWHERE id = 1;\n";

interface JsonResult {
  filePath: string;
  messages: { ruleId: string | null; fix?: { range: [number, number]; text: string } }[];
  fixableErrorCount: number;
  fixableWarningCount: number;
  output?: string;
}

test("without --fix: fixes in JSON, fixable counts, and stylish's line; nothing written", async () => {
  const dir = tempDir({ "a.sql": SPLIT });
  const json = await cli(["-f", "json", "a.sql"], { cwd: dir });
  assert.is(json.code, 1);
  const [r] = JSON.parse(json.stdout) as JsonResult[];
  assert.is(r!.fixableErrorCount, 1);
  assert.is(r!.fixableWarningCount, 1);
  assert.equal(
    r!.messages.map((m) => [m.ruleId, m.fix]),
    [
      ["ambiguous-statement-split", { range: [34, 35], text: "" }],
      ["require-semicolon", { range: [62, 62], text: ";" }],
    ],
  );
  assert.not.ok("output" in r!, "no output without --fix-dry-run");
  const stylish = await cli(["a.sql"], { cwd: dir });
  assert.match(stylish.stdout, "✖ 2 problems (1 error, 1 warning)\n  1 error and 1 warning potentially fixable with the `--fix` option.\n");
  assert.is(readFileSync(path.join(dir, "a.sql"), "utf8"), SPLIT);
});

test("a fix that holds a credential is never shown, nor counted as fixable; --fix still applies it", async () => {
  const dir = tempDir({ "s.sql": SECRET });
  const json = await cli(["-f", "json", "s.sql"], { cwd: dir });
  assert.not.ok(json.stdout.includes("Fx-Pw"), json.stdout);
  const [r] = JSON.parse(json.stdout) as JsonResult[];
  assert.ok(r!.messages.some((m) => m.ruleId === "ambiguous-statement-split" && m.fix === undefined));
  assert.is(r!.fixableErrorCount, 0);
  const stylish = await cli(["s.sql"], { cwd: dir });
  assert.not.match(stylish.stdout, "potentially fixable");
  assert.not.ok(stylish.stdout.includes("Fx-Pw"));
  // the dry run shows no fixed file that holds it: the file's own result instead, nothing written
  const dry = await cli(["-f", "json", "--fix-dry-run", "s.sql"], { cwd: dir });
  assert.not.ok(dry.stdout.includes("Fx-Pw"), dry.stdout);
  assert.not.ok("output" in (JSON.parse(dry.stdout) as JsonResult[])[0]!);
  assert.equal(JSON.parse(dry.stdout), JSON.parse(json.stdout));
  assert.is(readFileSync(path.join(dir, "s.sql"), "utf8"), SECRET);
  await cli(["--fix", "s.sql"], { cwd: dir });
  assert.is(readFileSync(path.join(dir, "s.sql"), "utf8"), "UPDATE accounts SET note = 'x'\n, pw = 'host=localhost password=Fx-Pw-12'\nWHERE id = 1;\n");
});

test("--fix-dry-run: the fixed file in JSON's output, the problems it leaves, nothing written", async () => {
  const dir = tempDir({ "a.sql": SPLIT, "clean.sql": "SELECT 1;\n", "bom.sql": "\ufeffSELECT 1" });
  const run = await cli(["-f", "json", "--fix-dry-run", "."], { cwd: dir });
  assert.is(run.code, 0, run.stderr);
  const results = JSON.parse(run.stdout) as JsonResult[];
  const by = Object.fromEntries(results.map((r) => [path.basename(r.filePath), r]));
  assert.is(by["a.sql"]!.output, FIXED);
  assert.equal(by["a.sql"]!.messages, []);
  assert.not.ok("output" in by["clean.sql"]!, "a file with nothing to fix has no output");
  assert.is(by["bom.sql"]!.output, "\ufeffSELECT 1;", "the output is the file --fix would write, BOM and all");
  assert.is(readFileSync(path.join(dir, "a.sql"), "utf8"), SPLIT);
  assert.is(readFileSync(path.join(dir, "bom.sql"), "utf8"), "\ufeffSELECT 1");
  // stylish prints the problems the fixes leave
  assert.is((await cli(["--fix-dry-run", "a.sql"], { cwd: dir })).stdout, "");
});

test("--fix-dry-run on standard input and on the staged content; not with --fix", async () => {
  const dir = tempDir();
  let code = 0;
  let stdout = "";
  const { main } = await import("../src/cli/main.js");
  code = await main(["--stdin", "--stdin-filename", "q.sql", "--fix-dry-run", "-f", "json"], {
    cwd: dir,
    stdout: (s) => void (stdout += s),
    stderr: () => undefined,
    isTTY: false,
    env: {},
    readStdin: async () => new TextEncoder().encode(SPLIT),
  });
  assert.is(code, 0);
  assert.is((JSON.parse(stdout) as JsonResult[])[0]!.output, FIXED);
  const both = await cli(["--fix", "--fix-dry-run", "."], { cwd: dir });
  assert.is(both.code, 2);
  assert.match(both.stderr, "--fix and --fix-dry-run cannot be combined");
  const stdinFix = await cli(["--stdin", "--fix"], { cwd: dir });
  assert.match(stdinFix.stderr, "--fix-dry-run shows the fixed text");
});

test("--fix-dry-run with --cache: a remembered result is not mistaken for a fixed one, nor the reverse", async () => {
  const dir = tempDir({ "a.sql": SPLIT });
  const first = await cli(["-f", "json", "--cache", "a.sql"], { cwd: dir });
  assert.is((JSON.parse(first.stdout) as JsonResult[])[0]!.fixableErrorCount, 1);
  const dry = await cli(["-f", "json", "--cache", "--fix-dry-run", "a.sql"], { cwd: dir });
  assert.is((JSON.parse(dry.stdout) as JsonResult[])[0]!.output, FIXED);
  const again = await cli(["-f", "json", "--cache", "a.sql"], { cwd: dir });
  assert.equal(JSON.parse(again.stdout), JSON.parse(first.stdout));
});

test.run();

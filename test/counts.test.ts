/** A result's counts come from its messages: one helper, wherever messages change. */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { countMessages, recount } from "../src/engine/counts.js";
import type { Diagnostic } from "../src/engine/types.js";
import path from "node:path";
import { Config } from "../src/engine/config.js";
import type { Pending } from "../src/engine/run-rules.js";
import { applyFixes, lintText } from "../src/lint/lint-text.js";
import { builtin } from "../rules/index.js";
import { lint, root } from "./helpers.js";

const test = suite("counts");

const at = { line: 1, column: 1, endLine: 1, endColumn: 1, start: 0, end: 0 };
const fix = { range: [0, 0] as [number, number], text: ";" };

test("errors, warnings, and those of each with a fix", () => {
  const messages: Diagnostic[] = [
    { ...at, ruleId: "a", severity: 2, message: "e" },
    { ...at, ruleId: "a", severity: 2, message: "e fixable", fix },
    { ...at, ruleId: "b", severity: 1, message: "w" },
    { ...at, ruleId: "b", severity: 1, message: "w fixable", fix },
    { ...at, ruleId: "b", severity: 1, message: "w fixable", fix },
  ];
  assert.equal(countMessages(messages), { errorCount: 2, warningCount: 3, fixableErrorCount: 1, fixableWarningCount: 2 });
  assert.equal(countMessages([]), { errorCount: 0, warningCount: 0, fixableErrorCount: 0, fixableWarningCount: 0 });
});

test("recount: the counts follow the messages after they change (--quiet drops the warnings)", () => {
  const r = lint("SELECT 1;\n\nSELECT 2;\nDELETE FROM t;\nSELECT 3");
  assert.ok(r.errorCount > 0 && r.warningCount > 0, "an error and warnings to start with");
  assert.equal(countMessages(r.messages), { errorCount: r.errorCount, warningCount: r.warningCount, fixableErrorCount: r.fixableErrorCount, fixableWarningCount: r.fixableWarningCount });
  r.messages = r.messages.filter((m) => m.severity === 2);
  assert.is(recount(r), r);
  assert.is(r.warningCount, 0);
  assert.is(r.fixableWarningCount, 0);
  assert.is(r.errorCount, r.messages.length);
});

test("the same finding reported twice is one problem: one message, one count, one fix", () => {
  const text = "SELECT 1";
  const rule = builtin.get("require-semicolon")!;
  const twice: Pending[] = [0, 1].map(() => ({
    rule,
    severity: 1,
    descriptor: { messageId: "missing", start: 8, end: 8, fix: { start: 8, end: 8, text: ";" } },
    toHost: (o: number) => o,
    embedded: false,
  }));
  const config = new Config({}, root, "test", builtin);
  const r = lintText(text, config, { filePath: path.join(root, "a.sql"), measured: twice });
  assert.is(r.messages.length, 1);
  assert.equal(countMessages(r.messages), { errorCount: 0, warningCount: 1, fixableErrorCount: 0, fixableWarningCount: 1 });
  assert.is(applyFixes(text, r.messages.map((m) => m.fix!)), "SELECT 1;");
  // a different fix at the same place is another problem
  const other: Pending = { ...twice[0]!, descriptor: { ...twice[0]!.descriptor, fix: { start: 8, end: 8, text: " ;" } } };
  assert.is(lintText(text, config, { filePath: path.join(root, "a.sql"), measured: [twice[0]!, other] }).messages.length, 2);
});

test.run();

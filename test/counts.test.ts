/** A result's counts come from its messages: one helper, wherever messages change. */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { countMessages, recount } from "../src/engine/counts.js";
import type { Diagnostic } from "../src/engine/types.js";
import { lint } from "./helpers.js";

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

test.run();

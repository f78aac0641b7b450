/**
 * Valid/invalid tables for one rule with exact positions, in the style of typescript-eslint's
 * RuleTester. Only the rule under test runs; a case that does not parse fails unless it says so.
 */
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { Config, type RuleSetting } from "../src/engine/config.js";
import { lintText } from "../src/lint/lint-text.js";
import { builtin, builtinRules as rules } from "../rules/index.js";
import { root } from "./helpers.js";

export interface ValidCase {
  code: string;
  name?: string;
  options?: unknown;
  filename?: string;
  assumeInTransaction?: boolean;
  /** The case is expected not to parse (other rules' syntax errors are not an error here). */
  syntaxErrors?: boolean;
  /** Project-wide settings from the config (`prodHosts`, `localHosts`, `postgresVersion`). */
  settings?: { prodHosts?: string[]; localHosts?: string[]; postgresVersion?: number };
}

export interface ExpectedError {
  messageId?: string;
  message?: string | RegExp;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  severity?: 1 | 2;
  help?: string | RegExp;
  /** Related locations, as `line:column-endLine:endColumn message`. */
  related?: string[];
}

export interface InvalidCase extends ValidCase {
  errors: ExpectedError[];
  /** The text after --fix (omit when the rule offers no fix here). */
  output?: string;
}

export function ruleTester(ruleId: string, cases: { valid: (string | ValidCase)[]; invalid: InvalidCase[] }): void {
  const rule = rules.find((r) => r.id === ruleId);
  if (!rule) throw new Error(`no rule ${ruleId}`);
  const test = suite(`rule ${ruleId}`);

  const run = (c: ValidCase, fix: boolean) => {
    const ruleSettings: Record<string, RuleSetting> = {};
    for (const r of rules) ruleSettings[r.id] = r.id === ruleId ? (c.options === undefined ? "error" : ["error", c.options]) : "off";
    if (ruleId !== "syntax-error") ruleSettings["syntax-error"] = "error";
    const user = { rules: ruleSettings, ...(c.assumeInTransaction ? { assumeInTransaction: ["**"] } : {}), ...c.settings };
    const config = new Config(user, root, "test", builtin);
    const filePath = path.join(root, c.filename ?? "case.sql");
    const result = lintText(c.code, config, { filePath, fix });
    if (ruleId !== "syntax-error" && !c.syntaxErrors) {
      const syntax = result.messages.filter((m) => m.ruleId === "syntax-error");
      assert.equal(syntax.map((m) => `${m.line}:${m.column} ${m.message}`), [], "the case should parse");
    }
    return result;
  };

  const label = (c: ValidCase) => c.name ?? c.code.replace(/\s+/g, " ").slice(0, 70);

  for (const v of cases.valid) {
    const c = typeof v === "string" ? { code: v } : v;
    test(`valid: ${label(c)}`, () => {
      const found = run(c, false).messages.filter((m) => m.ruleId === ruleId);
      assert.equal(found.map((m) => `${m.line}:${m.column} ${m.message}`), []);
    });
  }
  for (const c of cases.invalid) {
    test(`invalid: ${label(c)}`, () => {
      // Findings as they are before any fix; the output after fixing (ESLint's RuleTester too).
      const result = run(c, false);
      const found = result.messages.filter((m) => m.ruleId === ruleId);
      const got = found.map((m, i) => {
        const e = c.errors[i];
        const shape: Record<string, unknown> = { line: m.line, column: m.column };
        if (e?.endLine !== undefined) shape.endLine = m.endLine;
        if (e?.endColumn !== undefined) shape.endColumn = m.endColumn;
        if (e?.severity !== undefined) shape.severity = m.severity;
        if (e?.messageId !== undefined) shape.messageId = messageIdOf(rule.messages, m.message);
        if (e?.message !== undefined) shape.message = e.message instanceof RegExp && e.message.test(m.message) ? e.message : m.message;
        if (e?.help !== undefined) shape.help = e.help instanceof RegExp && m.help && e.help.test(m.help) ? e.help : m.help;
        if (e?.related !== undefined) shape.related = (m.related ?? []).map((r) => `${r.line}:${r.column}-${r.endLine}:${r.endColumn} ${r.message}`);
        return shape;
      });
      const want = c.errors.map((e) => {
        const shape: Record<string, unknown> = { line: e.line, column: e.column };
        if (e.endLine !== undefined) shape.endLine = e.endLine;
        if (e.endColumn !== undefined) shape.endColumn = e.endColumn;
        if (e.severity !== undefined) shape.severity = e.severity;
        if (e.messageId !== undefined) shape.messageId = e.messageId;
        if (e.message !== undefined) shape.message = e.message;
        if (e.help !== undefined) shape.help = e.help;
        if (e.related !== undefined) shape.related = e.related;
        return shape;
      });
      assert.equal(got, want);
      if (c.output !== undefined) assert.is(run(c, true).output ?? c.code, c.output, "fixed output");
    });
  }
  test.run();
}

/** Which message template produced a message (templates with {{…}} become patterns). */
function messageIdOf(messages: Record<string, string>, message: string): string {
  for (const [id, template] of Object.entries(messages)) {
    const re = new RegExp(
      "^" +
        template
          .split(/\{\{\s*[\w.-]+\s*\}\}/)
          .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
          .join("[\\s\\S]*") +
        "$",
    );
    if (re.test(message)) return id;
  }
  return `(no template matches: ${message})`;
}

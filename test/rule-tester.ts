/**
 * Valid/invalid tables for one rule with exact positions, in the style of typescript-eslint's
 * RuleTester. Only the rule under test runs; a case that does not parse fails unless it says so.
 *
 * Each invalid case runs three times: with the rule set to "error" (the positions, messages and
 * severities the case lists: 2, or 1 where the rule caps a finding at a warning), set to "warn"
 * (the same findings, all warnings) and not configured (its default severity). Every report's data
 * must fill its message's placeholders, and every message of the rule must be reported by a case.
 */
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { Config, type RuleSetting } from "../src/engine/config.js";
import { lintText } from "../src/lint/lint-text.js";
import { formatMessage, type ReportDescriptor, type Rule } from "../src/engine/rule.js";
import { RuleSet } from "../src/engine/rule-set.js";
import type { Diagnostic, FileResult } from "../src/engine/types.js";
import { builtinRules as rules } from "../rules/index.js";
import { root, skip } from "./helpers.js";

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
  /** With the rule set to "error" (default 2): 1 where the rule caps the finding at a warning. */
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

/** How a case's rule is configured: the two severities, and not at all (the rule's default). */
type Setting = "error" | "warn" | "default";

export function ruleTester(ruleId: string, cases: { valid: (string | ValidCase)[]; invalid: InvalidCase[] }): void {
  const original = rules.find((r) => r.id === ruleId);
  if (!original) throw new Error(`no rule ${ruleId}`);
  const test = suite(`rule ${ruleId}`);

  // The rule under test, watched: what each case reports (the descriptor the rule hands the engine).
  let reported: ReportDescriptor[] = [];
  const used = new Set<string>();
  const rule: Rule = {
    ...original,
    create: (context) =>
      original.create({
        ...context,
        report(d) {
          reported.push(d);
          context.report(d);
        },
      }),
  };
  const ruleSet = new RuleSet(rules.map((r) => (r.id === ruleId ? rule : r)));

  const run = (c: ValidCase, fix: boolean, setting: Setting = "error") => {
    const ruleSettings: Record<string, RuleSetting> = {};
    for (const r of rules) if (r.id !== ruleId) ruleSettings[r.id] = "off";
    if (setting !== "default") ruleSettings[ruleId] = c.options === undefined ? setting : [setting, c.options];
    else if (c.options !== undefined) ruleSettings[ruleId] = [original.defaultSeverity, c.options];
    if (ruleId !== "syntax-error") ruleSettings["syntax-error"] = "error";
    const user = { rules: ruleSettings, ...(c.assumeInTransaction ? { assumeInTransaction: ["**"] } : {}), ...c.settings };
    const config = new Config(user, root, "test", ruleSet);
    const filePath = path.join(root, c.filename ?? "case.sql");
    reported = [];
    const result = lintText(c.code, config, { filePath, fix });
    if (ruleId !== "syntax-error" && !c.syntaxErrors) {
      const syntax = result.messages.filter((m) => m.ruleId === "syntax-error");
      assert.equal(syntax.map((m) => `${m.line}:${m.column} ${m.message}`), [], "the case should parse");
    }
    // Every report names messages the rule has, and its data fills every {{placeholder}} of them.
    for (const d of reported) {
      for (const id of [d.messageId, d.helpId]) {
        if (id === undefined) continue;
        const template = (original.messages as Record<string, string | undefined>)[id];
        assert.ok(template !== undefined, `reported with message id "${id}", which the rule does not have`);
        used.add(id);
        const missing = placeholders(template!).filter((p) => !(d.data && Object.hasOwn(d.data, p)));
        assert.equal(missing, [], `message "${id}" ("${template}") reported without data for ${missing.map((p) => `{{${p}}}`).join(", ")}`);
      }
    }
    return result;
  };

  const label = (c: ValidCase) => c.name ?? c.code.replace(/\s+/g, " ").slice(0, 70);
  const findings = (result: FileResult) => result.messages.filter((m) => m.ruleId === ruleId);
  const where = (m: Diagnostic) => `${m.line}:${m.column}-${m.endLine}:${m.endColumn} ${m.message}`;

  for (const v of cases.valid) {
    const c = typeof v === "string" ? { code: v } : v;
    test(`valid: ${label(c)}`, () => {
      assert.equal(findings(run(c, false)).map((m) => `${m.line}:${m.column} ${m.message}`), []);
    });
  }
  for (const c of cases.invalid) {
    test(`invalid: ${label(c)}`, () => {
      // Findings as they are before any fix, with the rule set to "error"; the output after fixing
      // (ESLint's RuleTester too).
      const result = run(c, false);
      const reports = reported;
      const found = findings(result);
      const got = found.map((m, i) => {
        const e = c.errors[i];
        const shape: Record<string, unknown> = { line: m.line, column: m.column, severity: m.severity };
        if (e?.endLine !== undefined) shape.endLine = m.endLine;
        if (e?.endColumn !== undefined) shape.endColumn = m.endColumn;
        if (e?.messageId !== undefined) shape.messageId = messageIdOf(original.messages, reports, m.message);
        if (e?.message !== undefined) shape.message = e.message instanceof RegExp && e.message.test(m.message) ? e.message : m.message;
        if (e?.help !== undefined) shape.help = e.help instanceof RegExp && m.help && e.help.test(m.help) ? e.help : m.help;
        if (e?.related !== undefined) shape.related = (m.related ?? []).map((r) => `${r.line}:${r.column}-${r.endLine}:${r.endColumn} ${r.message}`);
        return shape;
      });
      const want = c.errors.map((e) => {
        // Set to "error", a finding is an error unless the rule caps it (atMostWarning): the case says so.
        const shape: Record<string, unknown> = { line: e.line, column: e.column, severity: e.severity ?? 2 };
        if (e.endLine !== undefined) shape.endLine = e.endLine;
        if (e.endColumn !== undefined) shape.endColumn = e.endColumn;
        if (e.messageId !== undefined) shape.messageId = e.messageId;
        if (e.message !== undefined) shape.message = e.message;
        if (e.help !== undefined) shape.help = e.help;
        if (e.related !== undefined) shape.related = e.related;
        return shape;
      });
      assert.equal(got, want);
      // Set to "warn", the same findings, every one a warning: no rule reports above its setting.
      const asWarn = findings(run(c, false, "warn"));
      assert.equal(asWarn.map(where), found.map(where), 'the same findings with the rule set to "warn"');
      assert.equal(asWarn.map((m) => m.severity), found.map(() => 1), 'set to "warn", every finding is a warning');
      // Not configured, the rule runs at its default severity (a migration rule only in migration files).
      if (!original.migration && original.defaultSeverity !== "off") {
        const cap = original.defaultSeverity === "warn" ? 1 : 2;
        const asDefault = findings(run(c, false, "default"));
        assert.equal(asDefault.map(where), found.map(where), "the same findings at the default severity");
        assert.equal(asDefault.map((m) => m.severity), found.map((m) => Math.min(m.severity, cap)), `at the default severity ("${original.defaultSeverity}")`);
      }
      if (c.output !== undefined) assert.is(run(c, true).output ?? c.code, c.output, "fixed output");
    });
  }
  // Runs after the cases: every message of the rule is shown to users by some case, so every
  // template is tested with the data its reports give (the check in \`run\`).
  const message = "every message and help text of the rule is reported by some case, its placeholders filled";
  if (cases.invalid.length === 0) skip(test, message, "the rule has no invalid case yet");
  else
    test(message, () => {
      const unused = Object.keys(original.messages).filter((id) => !used.has(id));
      assert.equal(unused, [], `no case reports ${unused.map((id) => `"${id}"`).join(", ")}: add an invalid case that does`);
    });
  test.run();
}

/** The {{placeholders}} of a message template. */
function placeholders(template: string): string[] {
  return [...template.matchAll(/\{\{\s*([\w.-]+)\s*\}\}/g)].map((m) => m[1]!);
}

/**
 * Which message id produced a message: the reports the case made whose text, filled in, is the
 * message; failing that (a password masked in the message), the one template among those
 * reported that matches it. Never a guess: two candidates are reported as such.
 */
function messageIdOf(messages: Record<string, string>, reports: readonly ReportDescriptor[], message: string): string {
  const exact = new Set(reports.filter((d) => formatMessage(messages[d.messageId]!, d.data) === message).map((d) => d.messageId));
  const ids = exact.size > 0 ? [...exact] : [...new Set(reports.map((d) => d.messageId))].filter((id) => templatePattern(messages[id]!).test(message));
  if (ids.length === 1) return ids[0]!;
  return ids.length === 0 ? `(no report gives: ${message})` : `(one of ${ids.join(", ")})`;
}

/** A template as a pattern: each {{placeholder}} matches anything. */
function templatePattern(template: string): RegExp {
  const parts = template.split(/\{\{\s*[\w.-]+\s*\}\}/).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${parts.join("[\\s\\S]*")}$`);
}

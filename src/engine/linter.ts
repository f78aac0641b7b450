/**
 * The engine: runs the enabled rules over a file's documents, applies inline directives,
 * assigns severities, redacts secrets, and returns diagnostics sorted by position.
 * It works on text already read; all file I/O lives in the sources and the CLI.
 */
import { Statement, type SqlDocument } from "../sql/document.js";
import { LineIndex } from "../sql/text.js";
import { extract, type SqlPart } from "../extract/index.js";
import type { Config, ResolvedRule } from "./config.js";
import { applyDirectives, parseDirectives, type DirectiveComment, type DirectiveProblem } from "./directives.js";
import { formatMessage, type Document, type ReportDescriptor, type Rule, type RuleContext, type RuleVisitor, type SharedSettings } from "./rule.js";
import type { Diagnostic, EditFix, FileResult, Location } from "./types.js";

/** A problem found while reading the file (e.g. invalid UTF-8), reported with the rule findings. */
export interface FileNotice {
  offset: number;
  message: string;
  severity: 1 | 2;
  fatal?: boolean;
}

export interface LintTextOptions {
  /** Path used for config lookups and shown in output (absolute or relative to cwd). */
  filePath: string;
  /** Path shown to rules (relative, `/` separators). */
  displayPath?: string;
  notices?: FileNotice[];
  /** Compute fixes and return the fixed text in `output`. */
  fix?: boolean;
  /** Only report the notices (the file could not be read as text). */
  noRules?: boolean;
}

interface Pending {
  rule: Rule;
  severity: 1 | 2;
  descriptor: ReportDescriptor;
  /** Document offset → host offset (`end`: for the exclusive end of a range). */
  toHost: (o: number, end?: boolean) => number;
  /** SQL inside a code string: a fix is kept only when its text needs no escaping there. */
  embedded: boolean;
}

/** Thrown out of a rule: reported as an internal error, and the run exits 2. */
export class InternalRuleError extends Error {}

/**
 * Fixes whose replacement text holds a secret: kept only long enough to be applied with --fix,
 * never handed to a reporter (JSON prints fixes).
 */
const secretFixes = new WeakSet<EditFix>();

/** Lints one file's text. The SQL parser must already be loaded (see `loadParser`). */
export function lintText(text: string, config: Config, options: LintTextOptions): FileResult {
  let result = lintOnce(text, config, options);
  if (!options.fix) return withoutSecretFixes(result);
  // Apply fixes, then lint again: up to ten passes, like ESLint.
  let current = text;
  for (let pass = 0; pass < 10; pass++) {
    const fixes = result.messages.filter((m) => m.fix).map((m) => m.fix!);
    if (fixes.length === 0) break;
    const next = applyFixes(current, fixes);
    if (next === current) break;
    current = next;
    result = lintOnce(current, config, options);
  }
  if (current !== text) result.output = current;
  return withoutSecretFixes(result);
}

function withoutSecretFixes(result: FileResult): FileResult {
  for (const m of result.messages) {
    if (m.fix && secretFixes.has(m.fix)) {
      delete m.fix;
      if (m.severity === 2) result.fixableErrorCount--;
      else result.fixableWarningCount--;
    }
  }
  return result;
}

/** Applies non-overlapping fixes (earliest first; an overlapping one waits for the next pass). */
export function applyFixes(text: string, fixes: EditFix[]): string {
  const sorted = [...fixes].sort((a, b) => a.range[0] - b.range[0] || a.range[1] - b.range[1]);
  let out = "";
  let at = 0;
  for (const f of sorted) {
    if (f.range[0] < at) continue;
    out += text.slice(at, f.range[0]) + f.text;
    at = f.range[1];
  }
  return out + text.slice(at);
}

function lintOnce(text: string, config: Config, options: LintTextOptions): FileResult {
  const filePath = options.filePath;
  const displayPath = options.displayPath ?? filePath;
  let lines: LineIndex | null = null;
  const index = () => (lines ??= new LineIndex(text));
  const lineOf = (offset: number) => index().lineOf(offset) + 1;

  const enabled = config.rulesFor(filePath);
  const pending: Pending[] = [];
  const internal: string[] = [];
  let comments: () => DirectiveComment[] = () => [];
  const notices = [...(options.notices ?? [])];
  if (!options.noRules) {
    const extraction = extract(filePath, text, { assumeInTransaction: config.assumeInTransaction(filePath), lineOf, embedded: config.embedded });
    notices.push(...(extraction.notices ?? []));
    const settings: SharedSettings = { prodHosts: config.prodHosts, localHosts: config.localHosts };
    for (const part of extraction.sql) runSqlRules(settings, part, enabled, displayPath, pending, internal);
    runTextRules(settings, extraction.text, enabled, displayPath, pending, internal);
    comments = extraction.comments;
  }

  // Secrets: every redacted range, in host offsets.
  const ranges: [number, number][] = [];
  for (const p of pending) for (const r of p.descriptor.redact ?? []) ranges.push([p.toHost(r.start), p.toHost(r.end, true)]);
  // Longest first, so a secret that contains another is never left half replaced.
  const secrets = [...new Set(ranges.map(([a, b]) => text.slice(a, b)).filter((s) => s.length >= 3))].sort((a, b) => b.length - a.length);
  const redactions = mergeRanges(ranges);
  const scrub = (s: string) => {
    for (const secret of secrets) s = s.split(secret).join("****");
    return s;
  };
  // A secret reaches a message only through its data (templates are the rule's own words, and
  // scrubbing them would turn "password" into "****word" when the password is "pass").
  const scrubData = (data: Record<string, string | number> | undefined) => {
    if (!data || secrets.length === 0) return data;
    const out: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(data)) out[k] = typeof v === "string" ? scrub(v) : scrub(String(v)) === String(v) ? v : "****";
    return out;
  };

  const locate = (start: number, end: number): Location => {
    const a = index().position(start);
    const b = index().position(Math.max(start, end));
    return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
  };

  let messages: Diagnostic[] = pending.map((p) => {
    const d = p.descriptor;
    const messages = p.rule.messages;
    const start = p.toHost(d.start);
    const end = Math.max(start, p.toHost(d.end, true));
    const hostRange = (a: number, b: number): [number, number] => {
      const from = p.toHost(a);
      return [from, Math.max(from, p.toHost(b, true))];
    };
    // a quote, backslash, `$` or line break would have to be escaped in the host string
    const fits = (text: string) => !p.embedded || !/[\r\n'"`\\$]/.test(text);
    const severity: 1 | 2 = d.atMostWarning ? 1 : p.severity;
    const diag: Diagnostic = {
      ruleId: p.rule.id,
      severity,
      message: formatMessage(messages[d.messageId] ?? d.messageId, scrubData(d.data)),
      ...locate(start, end),
      start,
      end,
    };
    if (d.helpId && messages[d.helpId]) diag.help = formatMessage(messages[d.helpId]!, scrubData(d.data));
    const holdsSecret = (t: string) => secrets.some((secret) => t.includes(secret));
    if (d.fix && options.fix !== false && fits(d.fix.text)) {
      diag.fix = { range: hostRange(d.fix.start, d.fix.end), text: d.fix.text };
      if (holdsSecret(d.fix.text)) secretFixes.add(diag.fix);
    }
    // Suggestions are only ever shown, never applied here: one that would print a secret is dropped.
    const suggestions = (d.suggest ?? []).filter((s) => fits(s.fix.text) && !holdsSecret(s.fix.text));
    if (suggestions.length) {
      diag.suggestions = suggestions.map((s) => ({
        desc: scrub(s.desc),
        fix: { range: hostRange(s.fix.start, s.fix.end), text: s.fix.text },
      }));
    }
    if (d.related?.length) {
      diag.related = d.related.map((r) => ({ message: scrub(r.message), ...locate(...hostRange(r.start, r.end)) }));
    }
    return diag;
  });

  for (const n of notices) {
    messages.push({ ruleId: null, severity: n.severity, message: n.message, ...locate(n.offset, n.offset), start: n.offset, end: n.offset, ...(n.fatal ? { fatal: true } : {}) });
  }
  for (const m of internal) {
    messages.push({ ruleId: null, severity: 2, message: m, ...locate(0, 0), start: 0, end: 0, fatal: true, internal: true });
  }

  // Inline directives.
  const problems: DirectiveProblem[] = [];
  const directives = parseDirectives(comments(), problems);
  const { kept, unused } = applyDirectives(messages, directives);
  messages = kept;
  if (config.reportUnusedDirectives !== "off") {
    const severity: 1 | 2 = config.reportUnusedDirectives === "error" ? 2 : 1;
    for (const p of problems) messages.push({ ruleId: null, severity, message: p.message, ...locate(p.start, p.end), start: p.start, end: p.end });
    for (const { directive: d, rules } of unused) {
      const what = rules === null ? "no problem" : `no ${rules.join(", ")} problem`;
      messages.push({
        ruleId: null,
        severity,
        message: `unused sqlguard-${d.kind} directive (${what} to suppress here)`,
        ...locate(d.start, d.end),
        start: d.start,
        end: d.end,
      });
    }
  }

  messages.sort((a, b) => a.start - b.start || a.end - b.end || (a.ruleId ?? "").localeCompare(b.ruleId ?? "") || a.message.localeCompare(b.message));

  // Text of the lines the messages point at, for code frames; secrets replaced.
  const frameLines: Record<number, string> = {};
  const redacted: Record<number, [number, number][]> = {};
  const want = (line: number) => {
    if (line in frameLines || line < 1 || line > index().lineCount) return;
    const r = redactLine(text, index(), line, redactions, secrets);
    frameLines[line] = r.text;
    if (r.spans.length) redacted[line] = r.spans;
  };
  // A file that could not be read as text has no lines to show.
  for (const m of options.noRules ? [] : messages) {
    want(m.line - 1); // a line of context on each side
    want(m.line);
    want(m.line + 1);
    if (m.endLine !== m.line) want(m.endLine);
    for (const r of m.related ?? []) want(r.line);
  }

  let errorCount = 0;
  let warningCount = 0;
  let fixableErrorCount = 0;
  let fixableWarningCount = 0;
  for (const m of messages) {
    if (m.severity === 2) {
      errorCount++;
      if (m.fix) fixableErrorCount++;
    } else {
      warningCount++;
      if (m.fix) fixableWarningCount++;
    }
  }
  const result: FileResult = { filePath, messages, errorCount, warningCount, fixableErrorCount, fixableWarningCount, lines: frameLines };
  if (Object.keys(redacted).length) result.redacted = redacted;
  return result;
}

/** Sorted, non-overlapping, non-empty ranges (overlapping or touching ones merged). */
export function mergeRanges(ranges: [number, number][]): [number, number][] {
  const sorted = ranges.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

function redactLine(
  text: string,
  index: LineIndex,
  line: number,
  redactions: [number, number][],
  secrets: string[],
): { text: string; spans: [number, number][] } {
  const start = index.starts[line - 1]!;
  const raw = index.lineText(line - 1);
  const end = start + raw.length;
  const found = redactions.filter(([a, b]) => a < end && b > start);
  // The same secret written again elsewhere on the line (PGPASSWORD=… psql postgres://u:…@…).
  for (const secret of secrets) {
    for (let i = raw.indexOf(secret); i >= 0; i = raw.indexOf(secret, i + secret.length)) found.push([start + i, start + i + secret.length]);
  }
  const hits = mergeRanges(found);
  if (hits.length === 0) return { text: raw, spans: [] };
  let out = "";
  let at = start;
  const spans: [number, number][] = [];
  for (const [a, b] of hits) {
    const from = Math.max(a, start);
    if (from < at) continue;
    const to = Math.min(b, end);
    out += text.slice(at, from) + "****";
    spans.push([from - start + 1, to - start + 1]);
    at = to;
  }
  return { text: out + text.slice(at, end), spans };
}

function makeContext(
  settings: SharedSettings,
  rule: Rule,
  resolved: ResolvedRule,
  doc: Document,
  displayPath: string,
  toHost: (o: number, end?: boolean) => number,
  pending: Pending[],
): RuleContext<unknown> {
  const severity: 1 | 2 = resolved.severity === "error" ? 2 : 1;
  return {
    options: resolved.options,
    settings,
    filePath: displayPath,
    doc,
    report(descriptor) {
      pending.push({ rule, severity, descriptor, toHost, embedded: doc.kind === "embedded" });
    },
  };
}

function runSqlRules(settings: SharedSettings, part: SqlPart, enabled: Map<string, ResolvedRule>, displayPath: string, pending: Pending[], internal: string[]): void {
  const doc: SqlDocument = part.doc;
  const visitors: { rule: Rule; v: RuleVisitor }[] = [];
  for (const resolved of enabled.values()) {
    const rule = resolved.rule;
    if (!rule.appliesTo.includes(doc.kind)) continue;
    const v = guard(rule, internal, () => rule.create(makeContext(settings, rule, resolved, doc, displayPath, part.toHost, pending)));
    if (v) visitors.push({ rule, v });
  }
  const withStatement = visitors.filter((x) => x.v.statement);
  const withItem = visitors.filter((x) => x.v.item);
  const dead = new Set<Rule>();
  for (const e of doc.events()) {
    if (e instanceof Statement) {
      for (const { rule, v } of withStatement) {
        if (!dead.has(rule) && guard(rule, internal, () => (v.statement!(e), true)) === null) dead.add(rule);
      }
    } else {
      for (const { rule, v } of withItem) {
        if (!dead.has(rule) && guard(rule, internal, () => (v.item!(e), true)) === null) dead.add(rule);
      }
    }
  }
  for (const { rule, v } of visitors) if (v.end && !dead.has(rule)) guard(rule, internal, () => (v.end!(), true));
}

function runTextRules(settings: SharedSettings, doc: Document, enabled: Map<string, ResolvedRule>, displayPath: string, pending: Pending[], internal: string[]): void {
  for (const resolved of enabled.values()) {
    const rule = resolved.rule;
    if (!rule.appliesTo.includes("text")) continue;
    const v = guard(rule, internal, () => rule.create(makeContext(settings, rule, resolved, doc, displayPath, (o) => o, pending)));
    if (v?.text) guard(rule, internal, () => (v.text!(doc as never), true));
  }
}

/** Runs rule code; a throw becomes an internal-error message instead of a crash. */
function guard<T>(rule: Rule, internal: string[], fn: () => T): T | null {
  try {
    return fn();
  } catch (e) {
    const err = e as Error;
    internal.push(`internal error in rule ${rule.id}: ${err?.message ?? String(e)} — please report this at https://github.com/sqlguard/sqlguard/issues`);
    return null;
  }
}

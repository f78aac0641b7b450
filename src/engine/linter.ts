/**
 * The engine: runs the enabled rules over a file's documents, applies inline directives,
 * assigns severities, redacts secrets, and returns diagnostics sorted by position.
 * It works on text already read; all file I/O lives in the sources and the CLI.
 */
import { LineIndex } from "../sql/text.js";
import { extract } from "../extract/index.js";
import type { Config } from "./config.js";
import { applyDirectives, parseDirectives, type DirectiveComment, type DirectiveProblem } from "./directives.js";
import { formatMessage, type Rule, type SharedSettings, type TextDocument } from "./rule.js";
import { runRules, type Pending, type RuleRun } from "./run-rules.js";

export { runRules, type FileDocuments, type Pending, type RuleRun, type SqlPart } from "./run-rules.js";
import { MASK, type Diagnostic, type EditFix, type FileNotice, type FileResult, type Location } from "./types.js";

export type { FileNotice } from "./types.js";

export interface LintTextOptions {
  /** Path used for config lookups and shown in output (absolute or relative to cwd). */
  filePath: string;
  notices?: FileNotice[];
  /** Compute fixes and return the fixed text in `output`. */
  fix?: boolean;
  /** Only report the notices (the file could not be read as text). */
  noRules?: boolean;
  /**
   * Applies one pass of fixes (default `applyFixes`). The CLI passes one that also follows each
   * edit back to the file's bytes; returning the text unchanged ends the fixing there.
   */
  applyFixes?: (text: string, fixes: EditFix[]) => string;
  /**
   * Findings measured outside the rules (`sqlguard verify`), in file offsets. When given, no rule
   * runs: these are the findings, kept where their rule is enabled for the file, at its configured
   * severity, and directives, masking and counts apply to them as to any finding.
   */
  measured?: Pending[];
}

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
    const next = (options.applyFixes ?? applyFixes)(current, fixes);
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
  let lines: LineIndex | null = null;
  const index = () => (lines ??= new LineIndex(text));
  const lineOf = (offset: number) => index().lineOf(offset) + 1;

  let pending: Pending[] = [];
  let internal: string[] = [];
  let comments: DirectiveComment[] = [];
  let redact: [number, number][] = [];
  const notices = [...(options.notices ?? [])];
  if (!options.noRules) {
    const extraction = extract(filePath, text, { assumeInTransaction: config.assumeInTransaction(filePath), lineOf, embedded: config.embedded });
    notices.push(...(extraction.notices ?? []));
    const settings: SharedSettings = { prodHosts: config.prodHosts, localHosts: config.localHosts, postgresVersion: config.postgresVersion };
    const enabled = config.rulesFor(filePath);
    if (options.measured) {
      for (const p of options.measured) {
        const r = enabled.get(p.rule.id);
        if (r) pending.push({ ...p, severity: r.severity === "error" ? 2 : 1 });
      }
      // The directives of SQL documents are met as their statements are read.
      if (pending.length > 0) for (const part of extraction.sql) for (const _ of part.doc.events()) void _;
    } else {
      const runs: RuleRun[] = [...enabled.values()].map((r) => ({ rule: r.rule, options: r.options, severity: r.severity === "error" ? 2 : 1 }));
      ({ pending, internal } = runRules(runs, { sql: extraction.sql, text: extraction.text }, settings));
    }
    comments = extraction.comments();
    // Whatever is shown of the file (messages, code frames) keeps every password out, also those
    // of connection strings nobody reports (a local host, the rule turned off).
    if (pending.length > 0 || notices.length > 0 || internal.length > 0 || comments.length > 0) redact = secretRanges(extraction.text, settings);
  }

  const { findings, secrets, redactions } = resolveFindings(text, pending, { fix: options.fix !== false, redact });

  const locate = (start: number, end: number): Location => {
    const a = index().position(start);
    const b = index().position(Math.max(start, end));
    return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
  };

  let messages: Diagnostic[] = findings.map((f) => {
    const diag: Diagnostic = { ruleId: f.rule.id, severity: f.severity, message: f.message, ...locate(f.start, f.end), start: f.start, end: f.end };
    if (f.help !== undefined) diag.help = f.help;
    if (f.fix) {
      diag.fix = f.fix;
      if (f.fixHoldsSecret) secretFixes.add(f.fix);
    }
    if (f.suggestions) diag.suggestions = f.suggestions;
    if (f.related) diag.related = f.related.map((r) => ({ message: r.message, ...locate(r.start, r.end) }));
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
  const directives = parseDirectives(comments, problems, config.ruleSet);
  const { kept, unused } = applyDirectives(messages, directives);
  messages = kept;
  if (config.reportUnusedDirectives !== "off") {
    const severity: 1 | 2 = config.reportUnusedDirectives === "error" ? 2 : 1;
    if (!options.measured) for (const p of problems) messages.push({ ruleId: null, severity, message: p.message, ...locate(p.start, p.end), start: p.start, end: p.end });
    // Measured findings only: a directive for a rule that was not run here suppressed nothing, and says nothing.
    const verified = (id: string) => config.ruleSet.get(id)?.verify === true;
    for (const { directive: d, rules } of options.measured ? unused.flatMap((u) => (u.rules === null ? [] : [{ ...u, rules: u.rules.filter(verified) }])).filter((u) => u.rules.length > 0) : unused) {
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
    out += text.slice(at, from) + MASK;
    spans.push([from - start + 1, to - start + 1]);
    at = to;
  }
  return { text: out + text.slice(at, end), spans };
}

/** A rule's report placed in the file: host offsets, severity capped, secrets already scrubbed. */
export interface Finding {
  rule: Rule;
  /** The configured severity, or 1 for a report that is at most a warning. */
  severity: 1 | 2;
  messageId: string;
  /** The report's data with every secret replaced by `****` (what the message was filled with). */
  data: Record<string, string | number> | undefined;
  message: string;
  help?: string;
  /** Host offsets of the range. */
  start: number;
  end: number;
  /** Only when fixes were asked for, and the text fits where it goes (no escaping in a code string). */
  fix?: EditFix;
  /** The fix's text holds a secret: it may be applied, never shown. */
  fixHoldsSecret?: boolean;
  /** Suggestions that fit and hold no secret. */
  suggestions?: { desc: string; fix: EditFix }[];
  related?: { message: string; start: number; end: number }[];
}

export interface ResolveOptions {
  /** Keep fixes (default true). */
  fix?: boolean;
  /** More host ranges holding secrets, beyond those the reports name (the ESLint plugin runs one rule at a time). */
  redact?: [number, number][];
}

/** Ranges of every secret (connection-string password) in a text document. */
export function secretRanges(doc: TextDocument, policy: SharedSettings): [number, number][] {
  return doc.connectionStrings(policy).flatMap((c) => c.secrets.map((r): [number, number] => [r.start, r.end]));
}

/**
 * Places reports in the file: host offsets, messages filled in, severities capped, and every
 * secret (the `redact` ranges of every report) kept out of messages, help lines and suggestions.
 */
export function resolveFindings(
  text: string,
  pending: Pending[],
  options: ResolveOptions = {},
): { findings: Finding[]; secrets: string[]; redactions: [number, number][] } {
  // Secrets: every redacted range, in host offsets.
  const reported: [number, number][] = [];
  for (const p of pending) for (const r of p.descriptor.redact ?? []) reported.push([p.toHost(r.start), p.toHost(r.end, true)]);
  const extra = options.redact ?? [];
  const ranges = [...extra, ...reported];
  // Where a secret's text shows up outside its place (quoted in a message), it is replaced too:
  // always for the secrets of findings; for the others (a local database's password) only when
  // the text is found nowhere else in the file, so a dev password such as `shop` does not turn
  // every `shop_app` and `shop-prod` of the output into `****_app`. Their place is redacted either way.
  const distinctive = (t: string) => {
    let n = 0;
    for (let i = text.indexOf(t); i >= 0; i = text.indexOf(t, i + 1)) n++;
    return n <= ranges.filter(([a, b]) => b - a === t.length && text.startsWith(t, a)).length;
  };
  const texts = new Set(reported.map(([a, b]) => text.slice(a, b)));
  for (const [a, b] of extra) {
    const t = text.slice(a, b);
    if (!texts.has(t) && t.length >= 3 && distinctive(t)) texts.add(t);
  }
  // Longest first, so a secret that contains another is never left half replaced.
  const secrets = [...texts].filter((s) => s.length >= 3).sort((a, b) => b.length - a.length);
  const redactions = mergeRanges(ranges);
  const scrub = (s: string) => {
    for (const secret of secrets) s = s.split(secret).join(MASK);
    return s;
  };
  // A secret reaches a message only through its data (templates are the rule's own words, and
  // scrubbing them would turn "password" into "****word" when the password is "pass").
  const scrubData = (data: Record<string, string | number> | undefined) => {
    if (!data || secrets.length === 0) return data;
    const out: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(data)) out[k] = typeof v === "string" ? scrub(v) : scrub(String(v)) === String(v) ? v : MASK;
    return out;
  };
  const holdsSecret = (t: string) => secrets.some((secret) => t.includes(secret));

  const findings = pending.map((p) => {
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
    const data = scrubData(d.data);
    const f: Finding = {
      rule: p.rule,
      severity: d.atMostWarning ? 1 : p.severity,
      messageId: d.messageId,
      data,
      message: formatMessage(messages[d.messageId] ?? d.messageId, data),
      start,
      end,
    };
    if (d.helpId && messages[d.helpId]) f.help = formatMessage(messages[d.helpId]!, data);
    if (d.fix && options.fix !== false && fits(d.fix.text)) {
      f.fix = { range: hostRange(d.fix.start, d.fix.end), text: d.fix.text };
      if (holdsSecret(d.fix.text)) f.fixHoldsSecret = true;
    }
    // Suggestions are only ever shown, never applied here: one that would print a secret is dropped.
    const suggestions = (d.suggest ?? []).filter((s) => fits(s.fix.text) && !holdsSecret(s.fix.text));
    if (suggestions.length) {
      f.suggestions = suggestions.map((s) => ({ desc: scrub(s.desc), fix: { range: hostRange(s.fix.start, s.fix.end), text: s.fix.text } }));
    }
    if (d.related?.length) {
      f.related = d.related.map((r) => {
        const [a, b] = hostRange(r.start, r.end);
        return { message: scrub(r.message), start: a, end: b };
      });
    }
    return f;
  });
  return { findings, secrets, redactions };
}

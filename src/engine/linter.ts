/**
 * The engine: one function, `lintDocuments`, turns a file's documents and the rules to run into
 * the file's final results — rules run (run-rules.ts), reports placed in the file, severities
 * capped, credentials masked (masking.ts), inline directives applied, code frames and counts. The
 * CLI (through src/lint) and the ESLint plugin both call it; neither runs rules or applies
 * directives on its own. No I/O: the documents come from the extractors.
 */
import { lineIndex, type LineIndex } from "../sql/text.js";
import type { TextKind } from "../secrets/credentials.js";
import { applyDirectives, parseDirectives, type DirectiveComment, type DirectiveProblem } from "./directives.js";
import { FileSecrets, Redactor } from "./masking.js";
import { formatMessage, type Rule, type Severity, type SharedSettings } from "./rule.js";
import type { RuleSet } from "./rule-set.js";
import { runRules, type Pending, type RuleRun } from "./run-rules.js";
import type { FileDocuments } from "./documents.js";
import { countMessages, recount } from "./counts.js";
import { type Diagnostic, type EditFix, type FileNotice, type FileResult, type Location } from "./types.js";

export { mergeRanges } from "../secrets/mask.js";
export { runRules, type Pending, type RuleRun } from "./run-rules.js";
export type { FileDocuments, SqlPart } from "./documents.js";
export type { FileNotice } from "./types.js";

/** A file as the engine takes it: its text and its documents. */
export interface EngineInput {
  /** Path shown in the results (absolute or relative to the working directory). */
  filePath: string;
  /** The file's text: every host offset refers to it. */
  text: string;
  /** The file's documents (null: the file could not be read as text; only `notices` are reported). */
  documents: (FileDocuments & { comments(): DirectiveComment[] }) | null;
  /** What the credential finder should expect of the text. */
  kind: TextKind;
  /** Problems with the file itself (invalid UTF-8, a code file that does not parse…). */
  notices?: FileNotice[];
  /** The file's credentials, when the caller keeps them for several runs (the ESLint plugin). */
  secrets?: FileSecrets;
}

export interface EngineOptions {
  /** The rules to run, with their options and severities. */
  runs: RuleRun[];
  settings: SharedSettings;
  /** Every rule there is, to check the rule names of directives. */
  ruleSet: RuleSet;
  /** Compute fixes (`--fix`, `--fix-dry-run`, the ESLint plugin). */
  fix: boolean;
  /** How unused or unknown directives are reported. */
  reportUnusedDirectives: Severity;
  /**
   * Findings measured outside the rules (`sqlguard verify`), in host offsets, with their
   * severities. When given, no rule runs: these are the findings, and directives, masking and
   * counts apply to them as to any finding.
   */
  measured?: Pending[];
  /**
   * Honour ESLint's directives that concern sqlguard (`eslint-disable-next-line sqlguard/…`), as
   * ESLint would (the command). Off in the ESLint plugin: ESLint applies them itself.
   */
  eslintDirectives?: boolean;
  /** Keep each message's id and data for `reportOf` (the ESLint plugin: ESLint fills the message in). */
  keepReports?: boolean;
}

/**
 * Fixes whose replacement text holds a piece of a credential: kept only long enough to be applied
 * with --fix, never handed to a reporter or to ESLint (see `withoutSecretFixes`).
 */
const secretFixes = new WeakSet<EditFix>();

/** The message id and (masked) data a rule's message was made from, for the ESLint plugin. */
const reports = new WeakMap<Diagnostic, { messageId: string; data: Record<string, string | number> }>();

/** The message id and data behind a rule's message (null for the engine's own messages, or without `keepReports`). */
export function reportOf(diag: Diagnostic): { messageId: string; data: Record<string, string | number> } | null {
  return reports.get(diag) ?? null;
}

/** The same result without the fixes that hold a credential (they may be applied, never shown). */
export function withoutSecretFixes(result: FileResult): FileResult {
  let removed = false;
  for (const m of result.messages) {
    if (m.fix && secretFixes.has(m.fix)) {
      delete m.fix;
      removed = true;
    }
  }
  if (removed) recount(result);
  return result;
}

/** Lints a file's documents: the final, directive-resolved, masked and counted result. */
export function lintDocuments(input: EngineInput, options: EngineOptions): FileResult {
  const { filePath, text, documents } = input;
  let lines: LineIndex | null = null;
  const index = () => (lines ??= lineIndex(text));

  let pending: Pending[] = [];
  let internal: string[] = [];
  let comments: DirectiveComment[] = [];
  const notices = [...(input.notices ?? [])];
  // Whatever is shown of the file (messages, code frames) keeps every credential out, also
  // those nobody reports (a local host, the rule turned off, a role's password).
  const secrets =
    input.secrets ??
    new FileSecrets(text, input.kind, () => documents?.sql ?? [], documents?.text ? () => documents.text!.connectionStrings(options.settings) : undefined);
  if (documents) {
    if (options.measured) {
      pending = options.measured;
      // The directives of SQL documents are met as their statements are read.
      if (pending.length > 0) for (const part of documents.sql) for (const _ of part.doc.events()) void _;
    } else ({ pending, internal } = runRules(options.runs, documents, options.settings, secrets));
    comments = documents.comments();
  }

  const resolved = resolveFindings(text, pending, { fix: options.fix, secrets });
  const { redactor } = resolved;
  const findings = withoutRepeats(resolved.findings);

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
    if (options.keepReports) reports.set(diag, { messageId: f.messageId, data: f.data ?? {} });
    return diag;
  });

  // Problems with the file and internal errors are not a rule's words: shown as they may be.
  for (const n of notices) {
    messages.push({ ruleId: null, severity: n.severity, message: redactor.text(n.message), ...locate(n.offset, n.offset), start: n.offset, end: n.offset, ...(n.fatal ? { fatal: true } : {}) });
  }
  for (const m of internal) {
    messages.push({ ruleId: null, severity: 2, message: redactor.text(m), ...locate(0, 0), start: 0, end: 0, fatal: true, internal: true });
  }

  // Inline directives.
  const problems: DirectiveProblem[] = [];
  const directives = parseDirectives(comments, problems, options.ruleSet, { eslint: options.eslintDirectives === true });
  // sqlguard's directives first, then ESLint's on what is left: in ESLint, the plugin applies the
  // first and ESLint the second, so a problem both cover leaves the ESLint one unused there too
  const ours = applyDirectives(
    messages,
    directives.filter((d) => !d.eslint),
  );
  const theirs = applyDirectives(
    ours.kept,
    directives.filter((d) => d.eslint),
  );
  messages = theirs.kept;
  // an ESLint directive naming no rule may be there for ESLint's other rules: never unused here
  const unused = [...ours.unused, ...theirs.unused.filter((u) => u.rules !== null)];
  if (options.reportUnusedDirectives !== "off") {
    const severity: 1 | 2 = options.reportUnusedDirectives === "error" ? 2 : 1;
    // Measured findings only: the directives were checked by the lint run; one naming a rule that
    // was not measured here suppressed nothing, and says nothing.
    const measured = options.measured !== undefined;
    if (!measured) for (const p of problems) messages.push({ ruleId: null, severity, message: redactor.text(p.message), ...locate(p.start, p.end), start: p.start, end: p.end });
    const verified = (id: string) => options.ruleSet.get(id)?.verify === true;
    const reportable = measured ? unused.flatMap((u) => (u.rules === null ? [] : [{ ...u, rules: u.rules.filter(verified) }])).filter((u) => u.rules.length > 0) : unused;
    for (const { directive: d, rules } of reportable) {
      const names = rules?.map((r) => (d.eslint ? `sqlguard/${r}` : r));
      const what = names ? `no ${names.join(", ")} problem` : "no problem";
      messages.push({
        ruleId: null,
        severity,
        message: `unused ${d.eslint ? "eslint" : "sqlguard"}-${d.kind} directive (${what} to suppress here)`,
        ...locate(d.start, d.end),
        start: d.start,
        end: d.end,
      });
    }
  }

  messages.sort((a, b) => a.start - b.start || a.end - b.end || compareRuleIds(a.ruleId ?? "", b.ruleId ?? "") || a.message.localeCompare(b.message));

  // Text of the lines the messages point at, for code frames, from the masked view of the file.
  const frameLines: Record<number, string> = {};
  const redacted: Record<number, [number, number][]> = {};
  const want = (line: number) => {
    if (line in frameLines || line < 1 || line > index().lineCount) return;
    const r = redactor.line(index(), line);
    frameLines[line] = r.text;
    if (r.spans.length) redacted[line] = [...r.spans];
  };
  // A file that could not be read as text has no lines to show.
  for (const m of documents ? messages : []) {
    want(m.line - 1); // a line of context on each side
    want(m.line);
    want(m.line + 1);
    if (m.endLine !== m.line) want(m.endLine);
    for (const r of m.related ?? []) want(r.line);
  }

  const result: FileResult = { filePath, messages, ...countMessages(messages), lines: frameLines };
  if (Object.keys(redacted).length) result.redacted = redacted;
  return result;
}


/**
 * Each finding once. One SQL text held in a `const` and sent by two calls (`${alterColumn} TYPE …`,
 * `${alterColumn} SET DEFAULT …`) is read in each string, and says the same at the same place:
 * the same rule, severity, start, message and fix is one problem, shown, counted, suppressed and
 * fixed once. Its end may differ (a statement runs on into each call's own text): the first
 * string's is kept.
 */
function withoutRepeats(findings: Finding[]): Finding[] {
  if (findings.length < 2) return findings;
  // only findings that share their start with another can repeat one: the others are not keyed
  // (a file of 10,000 findings at as many places builds no key at all)
  const starts = new Map<number, number>();
  for (const f of findings) starts.set(f.start, (starts.get(f.start) ?? 0) + 1);
  if (starts.size === findings.length) return findings;
  const seen = new Set<string>();
  return findings.filter((f) => {
    if (starts.get(f.start) === 1) return true;
    const fix = f.fix ? `${f.fix.range[0]}:${f.fix.range[1]}:${f.fix.text}` : "";
    const key = `${f.rule.id}\0${f.severity}\0${f.start}\0${f.message}\0${fix}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A rule's report placed in the file: host offsets, severity capped, secrets already scrubbed. */
export interface Finding {
  rule: Rule;
  /** The configured severity, or 1 for a report that is at most a warning. */
  severity: 1 | 2;
  messageId: string;
  /** The report's data as it may be shown, credentials masked as `****` (what the message was filled with). */
  data: Record<string, string | number> | undefined;
  message: string;
  help?: string;
  /** Host offsets of the range. */
  start: number;
  end: number;
  /** Only when fixes were asked for, and the text fits where it goes (no escaping in a code string). */
  fix?: EditFix;
  /** The fix's text holds a piece of a credential: it may be applied, never shown. */
  fixHoldsSecret?: boolean;
  /** Suggestions that fit and hold no secret. */
  suggestions?: { desc: string; fix: EditFix }[];
  related?: { message: string; start: number; end: number }[];
}

export interface ResolveOptions {
  /** Keep fixes (default true). */
  fix?: boolean;
  /**
   * The file's credentials, found once for all its rules (the ESLint plugin resolves one rule at
   * a time); by default, those of `text` itself.
   */
  secrets?: FileSecrets;
}

/**
 * Places reports in the file: host offsets, messages filled in, severities capped, and every
 * credential kept out of messages, help lines, related notes, suggestions and shown fixes (see
 * masking.ts). Returns the redactor, which also builds the code frames.
 */
export function resolveFindings(text: string, pending: Pending[], options: ResolveOptions = {}): { findings: Finding[]; redactor: Redactor } {
  const secrets = options.secrets ?? new FileSecrets(text, "config", () => []);
  // The secrets the findings name, in host offsets: their text is masked wherever it appears.
  const reported: [number, number][] = [];
  for (const p of pending) for (const r of p.descriptor.redact ?? []) reported.push([p.toHost(r.start), p.toHost(r.end, true)]);
  const redactor = new Redactor(secrets, reported);
  // A credential reaches a message only through its data (templates are the rule's own words,
  // and masking them would turn "password" into "****word" when the password is "pass").
  const holdsSecret = (t: string) => redactor.holds(t);

  const findings = pending.map((p) => {
    const d = p.descriptor;
    const messages = p.rule.messages;
    const start = p.toHost(d.start);
    const end = Math.max(start, p.toHost(d.end, true));
    // in the code's words first (a stand-in for an interpolation is no word of the code), then masked
    const show = p.display ?? null;
    const data = redactor.data(show ? displayData(d.data, show) : d.data);
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
    if (d.fix && options.fix !== false && fitsHost(p, d.fix.text)) {
      f.fix = { range: hostRangeOf(p, d.fix.start, d.fix.end), text: d.fix.text };
      if (holdsSecret(d.fix.text)) f.fixHoldsSecret = true;
    }
    // Suggestions are only ever shown, never applied here: one that would print a secret is dropped.
    const suggestions = d.suggest?.length ? d.suggest.filter((s) => fitsHost(p, s.fix.text) && !holdsSecret(s.fix.text)) : [];
    if (suggestions.length) {
      f.suggestions = suggestions.map((s) => ({ desc: redactor.text(show ? show(s.desc) : s.desc), fix: { range: hostRangeOf(p, s.fix.start, s.fix.end), text: s.fix.text } }));
    }
    if (d.related?.length) {
      f.related = d.related.map((r) => {
        const [a, b] = hostRangeOf(p, r.start, r.end);
        return { message: redactor.text(show ? show(r.message) : r.message), start: a, end: b };
      });
    }
    return f;
  });
  return { findings, redactor };
}

/** A report's data with each text as the code reads (see `SqlDocument.display`). */
function displayData(data: Record<string, string | number> | undefined, show: (text: string) => string): Record<string, string | number> | undefined {
  if (!data) return data;
  let out: Record<string, string | number> | null = null;
  for (const k in data) {
    const v = data[k];
    if (typeof v !== "string") continue;
    const shown = show(v);
    if (shown !== v) (out ??= { ...data })[k] = shown;
  }
  return out ?? data;
}

/** A range of a finding's document, in host offsets (an empty range stays at its start). */
function hostRangeOf(p: Pending, a: number, b: number): [number, number] {
  const from = p.toHost(a);
  return [from, Math.max(from, p.toHost(b, true))];
}

/** Whether a fix's text can go into the host as it is: in a code string, a quote, backslash, `$` or line break would need escaping. */
function fitsHost(p: Pending, text: string): boolean {
  return !p.embedded || !/[\r\n'"`\\$]/.test(text);
}

const PLAIN_ID = /^[a-z0-9-]*$/;

/** Rule ids as `localeCompare` orders them (ids that tie on position are common). */
function compareRuleIds(a: string, b: string): number {
  if (a === b) return 0;
  // For lowercase letters, digits and hyphens (every built-in id) the collation's order is the
  // code units' order: compared directly, without the 20–60 ms that loading ICU's collator costs
  // the first call of a run.
  if (PLAIN_ID.test(a) && PLAIN_ID.test(b)) return a < b ? -1 : 1;
  return a.localeCompare(b);
}

/**
 * Inline directives, in SQL comments (`--`, `/* *\/`) and in code comments (`//`, `/* *\/`):
 *
 *   sqlguard-disable-next-line rule[, rule] -- reason
 *   sqlguard-disable-line rule
 *   sqlguard-disable rule … sqlguard-enable rule
 *
 * No rule list means every rule. Text after ` -- ` is the reason (kept for reviewers).
 * A directive that suppresses nothing, or names an unknown rule, is reported.
 *
 * ESLint's directives count too, where ESLint itself would read them (so a comment the editor's
 * quick fix wrote means the same to the command): `eslint-disable-next-line`, `eslint-disable-line`,
 * `eslint-disable` … `eslint-enable`, read as ESLint reads them — rule names separated by commas,
 * the reason after `--`, a `disable-next-line` covering only the line after the comment, `//`
 * comments in code for the two line kinds only, nothing in a `/** *\/` block in code or in a
 * comment inside a SQL string. Of the names, the `sqlguard/…` ones count; one naming only other
 * plugins' rules is not sqlguard's business. One naming no rule covers sqlguard's rules too, as it
 * does in ESLint; it is never reported as unused (ESLint's other rules may use it).
 */
import type { RuleSet } from "./rule-set.js";

export type DirectiveKind = "disable" | "enable" | "disable-line" | "disable-next-line";

export interface Directive {
  kind: DirectiveKind;
  /** Rule ids; null = all rules. */
  rules: string[] | null;
  reason: string;
  /** Offsets of the comment in the file. */
  start: number;
  end: number;
  /** 1-based line the directive covers (line kinds), or where it stands (range kinds). */
  line: number;
  /** For `disable-next-line` in code: the next line's SQL string may span several lines. */
  untilLine: number;
  /** An ESLint directive (`eslint-disable…`): applied after sqlguard's, as ESLint applies it after the plugin's. */
  eslint?: boolean;
}

export interface DirectiveComment {
  /** Text inside the comment delimiters. */
  text: string;
  start: number;
  end: number;
  /** 1-based lines of the comment's start and end. */
  line: number;
  endLine: number;
  /**
   * The lines a `disable-next-line` here covers (default: the one line after `endLine`). In code,
   * a comment above a multi-line SQL template covers all of it; in SQL inside a string, the next
   * line of the SQL text may sit elsewhere in the host file.
   */
  next?: { line: number; untilLine: number };
  /**
   * Where ESLint reads its own directives in this comment: any comment of a `.sql` file (the
   * plugin's language), a `//` comment in code (line kinds only), a `/* *\/` comment in code.
   * Absent: ESLint never reads a directive here.
   */
  eslint?: "sql" | "code-line" | "code-block";
  /** A SQL comment inside a string in code (ESLint does not see it). */
  inString?: boolean;
}

const DIRECTIVE = /^\s*sqlguard-(disable-next-line|disable-line|disable|enable)(?=\s|$)([\s\S]*)$/;

/** ESLint's directive labels (`eslint` rule settings and `eslint-env` are not suppressions). */
const ESLINT_KINDS = new Set<string>(["disable", "enable", "disable-line", "disable-next-line"]);

export interface DirectiveProblem {
  start: number;
  end: number;
  message: string;
}

export interface ParseOptions {
  /** Honour ESLint's directives (the command). The ESLint plugin leaves them to ESLint. */
  eslint?: boolean;
}

export function parseDirectives(comments: DirectiveComment[], problems: DirectiveProblem[], ruleSet: RuleSet, options: ParseOptions = {}): Directive[] {
  const out: Directive[] = [];
  for (const c of comments) {
    const m = DIRECTIVE.exec(c.text);
    if (!m) {
      if (options.eslint) {
        const d = eslintDirective(c, problems, ruleSet);
        if (d) out.push(d);
      }
      continue;
    }
    const kind = m[1] as DirectiveKind;
    let rest = m[2] ?? "";
    let reason = "";
    const sep = rest.search(/(^|\s)--(\s|$)/);
    if (sep >= 0) {
      reason = rest.slice(sep).replace(/^\s*--\s*/, "").trim();
      rest = rest.slice(0, sep);
    }
    const names = rest
      .split(/[\s,]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    const known: string[] = [];
    for (const name of names) {
      // ESLint-style ids (sqlguard/require-where) are accepted too
      const id = name.replace(/^sqlguard\//, "");
      if (ruleSet.has(id)) known.push(id);
      else {
        const hint = ruleSet.suggest(id);
        problems.push({
          start: c.start,
          end: c.end,
          message: `unknown rule "${name}" in sqlguard-${kind} directive${hint ? ` (did you mean "${hint}"?)` : ""}`,
        });
      }
    }
    if (names.length > 0 && known.length === 0) continue;
    const line = kind === "disable-next-line" ? (c.next?.line ?? c.endLine + 1) : c.line;
    const untilLine = kind === "disable-next-line" ? Math.max(line, c.next?.untilLine ?? line) : line;
    out.push({ kind, rules: names.length === 0 ? null : known, reason, start: c.start, end: c.end, line, untilLine });
  }
  return out;
}

/**
 * An ESLint directive, read as ESLint reads it (its ConfigCommentParser: the reason after a run of
 * two or more dashes between spaces, a lower-case label, names split at commas and unquoted);
 * null when it is none, or none of sqlguard's business.
 */
function eslintDirective(c: DirectiveComment, problems: DirectiveProblem[], ruleSet: RuleSet): Directive | null {
  if (!/^\s*eslint-(?:disable|enable)/.test(c.text)) return null;
  const sep = /\s-{2,}\s/.exec(c.text);
  const part = (sep ? c.text.slice(0, sep.index) : c.text).trim();
  const reason = sep ? c.text.slice(sep.index + sep[0].length).trim() : "";
  const label = /^([a-z]+(?:-[a-z]+)*)(?:\s|$)/.exec(part)?.[1];
  if (!label?.startsWith("eslint-") || !ESLINT_KINDS.has(label.slice(7))) return null;
  const kind = label.slice(7) as DirectiveKind;
  const names = part
    .slice(label.length)
    .split(",")
    .map((n) => n.trim().replace(/^(['"]?)(.*)\1$/s, "$2"))
    .filter(Boolean);
  const ours = names.filter((n) => n.startsWith("sqlguard/"));
  if (names.length > 0 && ours.length === 0) return null; // other rules only
  const say = (message: string) => problems.push({ start: c.start, end: c.end, message });
  if (c.inString) {
    say(`${label} inside a SQL string is not read by ESLint, so sqlguard ignores it too: write sqlguard-${kind}${ours.length ? ` ${ours.map((n) => n.slice(9)).join(", ")}` : ""} there, or put the ESLint comment in the code`);
    return null;
  }
  if (!c.eslint) {
    // a `/** */` block in code (text files have no ESLint comments): not a directive to ESLint
    say(`${label} in a /** */ comment is not read by ESLint in code (it reads /* */ and // comments), so sqlguard ignores it too`);
    return null;
  }
  if (c.eslint === "code-line" && kind !== "disable-line" && kind !== "disable-next-line") return null; // ESLint ignores `// eslint-disable`
  const oneLine = kind === "disable-line" || (kind === "disable-next-line" && c.eslint === "sql");
  if (oneLine && c.line !== c.endLine) {
    say(`${label} comment should not span multiple lines (ESLint ignores it, and so does sqlguard)`);
    return null;
  }
  const known: string[] = [];
  for (const name of ours) {
    const id = name.slice("sqlguard/".length);
    if (ruleSet.has(id)) known.push(id);
    else {
      const hint = ruleSet.suggest(id);
      say(`unknown rule "${name}" in ${label} directive${hint ? ` (did you mean "sqlguard/${hint}"?)` : ""}`);
    }
  }
  if (ours.length > 0 && known.length === 0) return null;
  const line = kind === "disable-next-line" ? c.endLine + 1 : c.line;
  return { kind, rules: ours.length === 0 ? null : known, reason, start: c.start, end: c.end, line, untilLine: line, eslint: true };
}

interface Suppressible {
  ruleId: string | null;
  start: number;
  line: number;
}

/**
 * Removes what the directives suppress. Returns the kept items and the directives that
 * suppressed nothing (each with the rule ids that went unused).
 */
export function applyDirectives<T extends Suppressible>(
  items: T[],
  directives: Directive[],
): { kept: T[]; unused: { directive: Directive; rules: string[] | null }[] } {
  if (directives.length === 0) return { kept: items, unused: [] };
  const used = new Map<Directive, Set<string>>();
  const ranges = directives.filter((d) => d.kind === "disable" || d.kind === "enable").sort((a, b) => a.start - b.start);
  const lineDirectives = directives.filter((d) => d.kind === "disable-line" || d.kind === "disable-next-line");
  const mark = (d: Directive, id: string) => {
    let s = used.get(d);
    if (!s) used.set(d, (s = new Set()));
    s.add(id);
  };
  const covers = (d: Directive, id: string) => d.rules === null || d.rules.includes(id);

  const kept = items.filter((item) => {
    const id = item.ruleId;
    if (id === null) return true; // problems with the file itself cannot be disabled
    for (const d of lineDirectives) {
      if (item.line >= d.line && item.line <= d.untilLine && covers(d, id)) {
        mark(d, id);
        return false;
      }
    }
    // The last disable/enable before the item that mentions this rule decides.
    let active: Directive | null = null;
    for (const d of ranges) {
      if (d.start > item.start) break;
      if (covers(d, id)) active = d.kind === "disable" ? d : null;
    }
    if (active) {
      mark(active, id);
      return false;
    }
    return true;
  });

  const unused: { directive: Directive; rules: string[] | null }[] = [];
  for (const d of directives) {
    if (d.kind === "enable") continue;
    const u = used.get(d);
    if (d.rules === null) {
      if (!u) unused.push({ directive: d, rules: null });
    } else {
      const missing = d.rules.filter((r) => !u?.has(r));
      if (missing.length > 0) unused.push({ directive: d, rules: missing });
    }
  }
  return { kept, unused };
}

/**
 * Inline directives, in SQL comments (`--`, `/* *\/`) and in code comments (`//`, `/* *\/`):
 *
 *   sqlguard-disable-next-line rule[, rule] -- reason
 *   sqlguard-disable-line rule
 *   sqlguard-disable rule … sqlguard-enable rule
 *
 * No rule list means every rule. Text after ` -- ` is the reason (kept for reviewers).
 * A directive that suppresses nothing, or names an unknown rule, is reported.
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
}

const DIRECTIVE = /^\s*sqlguard-(disable-next-line|disable-line|disable|enable)(?=\s|$)([\s\S]*)$/;

export interface DirectiveProblem {
  start: number;
  end: number;
  message: string;
}

export function parseDirectives(comments: DirectiveComment[], problems: DirectiveProblem[], ruleSet: RuleSet): Directive[] {
  const out: Directive[] = [];
  for (const c of comments) {
    const m = DIRECTIVE.exec(c.text);
    if (!m) continue;
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

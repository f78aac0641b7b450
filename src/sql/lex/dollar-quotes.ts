/**
 * A `$`: a parameter (`$1`), a dollar-quoted string (`$$…$$`, `$body$…$body$`), or an operator
 * character; and, when a dollar quote never closes, where the statement ends and lexing goes on.
 */
import { C_CR, C_DOLLAR, C_LBRACE, C_LF, C_SEMI, C_SPACE, C_TAB, firstAtOrAfter, isDigit, isIdentStart, isSpace } from "./chars.js";
import { bracePlaceholder } from "./params.js";
import { unterminated } from "./recovery.js";
import type { DollarIndex, Scanner } from "./state.js";

/** Reads what starts with the `$` at `i`; returns the offset after it. */
export function dollar(s: Scanner, i: number): number {
  const text = s.text;
  const n = s.n;
  const d = text.charCodeAt(i + 1);
  if (s.braces && d === C_LBRACE) {
    const end = bracePlaceholder(s, i);
    if (end > 0) return end;
  }
  if (isDigit(d)) {
    let j = i + 2;
    while (j < n && isDigit(text.charCodeAt(j))) j++;
    s.symbol(i, j);
    return j;
  }
  let j = i + 1;
  if (j < n && isIdentStart(text.charCodeAt(j))) {
    j++;
    while (j < n) {
      const e = text.charCodeAt(j);
      if (isIdentStart(e) || isDigit(e)) j++;
      else break;
    }
  }
  if (text.charCodeAt(j) === C_DOLLAR) {
    const tag = text.slice(i, j + 1);
    const close = dollarClose(s, tag, j + 1);
    if (close < 0) return unterminatedDollar(s, i, tag);
    const end = close + tag.length;
    s.symbol(i, end);
    return end;
  }
  s.symbol(i, i + 1);
  return i + 1;
}

/** Offset of the `tag` that closes a dollar quote whose text starts at `from`, or -1. */
function dollarClose(s: Scanner, tag: string, from: number): number {
  const dollars = s.dollars;
  if (!dollars) return s.text.indexOf(tag, from);
  const list = dollars.byTag.get(tag);
  if (!list) return -1;
  const k = firstAtOrAfter(list, from);
  return k < 0 ? -1 : list[k]!;
}

/**
 * A dollar quote that never closes. Where lexing goes on is a guess, made to keep one mistake
 * one finding: at a different delimiter that ends a body (`$$;`, `$$ LANGUAGE …`: a mistyped
 * tag, or `$BODY$` closed by `$body$`) the statement simply goes on; otherwise at the next line
 * that starts a statement in column 1 (`CREATE …`, `UPDATE …`, a psql command), not at the body's
 * BEGIN or END; otherwise at the end of the opening line.
 */
function unterminatedDollar(s: Scanner, start: number, tag: string): number {
  const what = `dollar-quoted string (${tag} without closing ${tag})`;
  const index = dollarIndex(s);
  const e = firstAtOrAfter(index.endings, start + tag.length);
  if (e >= 0) {
    const at = index.endings[e]!;
    const other = index.endingTags[e]!;
    const stmt = s.open(start);
    if (!stmt.lexError) stmt.lexError = { offset: start, message: `unterminated ${what}; the ${other} that ends the body does not close it` };
    s.symbol(start, at + other.length);
    return at + other.length;
  }
  const eol = s.lineEnd(start);
  const lineAfter = s.afterBreak(eol);
  const l = firstAtOrAfter(index.statementLines, lineAfter);
  if (l < 0) return unterminated(s, start, what);
  const resume = index.statementLines[l]!;
  const stmt = s.open(start);
  if (!stmt.lexError) stmt.lexError = { offset: start, message: `unterminated ${what}` };
  // The statement stops at the end of the last line before the one lexing resumes at.
  let end = resume;
  while (end > start && isSpace(s.text.charCodeAt(end - 1))) end--;
  s.lastTokenEnd = Math.max(end, start + tag.length);
  s.close("eof", -1);
  return resume;
}

const STATEMENT_LINE =
  /^(?:\\|(?:select|insert|update|delete|merge|with|create|alter|drop|grant|revoke|comment|truncate|copy|do|call|vacuum|analyze|reindex|cluster|lock|refresh|commit|rollback|savepoint|release|explain|set|reset|show|values|table)\b)/i;

/**
 * Where dollar quotes can close, built once the first one fails to (so a file of many
 * unterminated quotes is not scanned to its end for each): every `$tag$` delimiter by tag, the
 * delimiters that look like the end of a body (followed by `;`, `LANGUAGE` or the end of the
 * line), and the lines that start a statement in column 1.
 */
function dollarIndex(s: Scanner): DollarIndex {
  if (s.dollars) return s.dollars;
  const text = s.text;
  const n = s.n;
  const byTag = new Map<string, number[]>();
  const endings: number[] = [];
  const endingTags: string[] = [];
  // every `$` may start a delimiter (PostgreSQL rescans from the last `$` of a failed match)
  for (let p = text.indexOf("$"); p >= 0; p = text.indexOf("$", p + 1)) {
    let q = p + 1;
    if (q < n && isIdentStart(text.charCodeAt(q)) && text.charCodeAt(q) !== C_DOLLAR) {
      q++;
      while (q < n) {
        const e = text.charCodeAt(q);
        if ((isIdentStart(e) || isDigit(e)) && e !== C_DOLLAR) q++;
        else break;
      }
    }
    if (text.charCodeAt(q) !== C_DOLLAR) continue;
    const tag = text.slice(p, q + 1);
    let list = byTag.get(tag);
    if (!list) byTag.set(tag, (list = []));
    list.push(p);
    let r = q + 1;
    while (r < n && (text.charCodeAt(r) === C_SPACE || text.charCodeAt(r) === C_TAB)) r++;
    const after = text.charCodeAt(r);
    if (r >= n || after === C_SEMI || after === C_LF || after === C_CR || /^language\b/i.test(text.slice(r, r + 9))) {
      endings.push(p);
      endingTags.push(tag);
    }
  }
  const statementLines: number[] = [];
  for (let p = 0; p < n; ) {
    if (STATEMENT_LINE.test(text.slice(p, p + 10))) statementLines.push(p);
    p = s.afterBreak(s.lineEnd(p));
  }
  return (s.dollars = { byTag, endings, endingTags, statementLines });
}

/**
 * A quote that never closes: where the statement it cuts short ends, and where lexing goes on, so
 * that one mistake stays one finding. An unbalanced quote (`'O'Brien'`) makes every later quote
 * pair with the wrong one; it is found back at the string that runs on past a `;` ending its line.
 */
import { C_CR, C_LF, C_SEMI, C_SPACE, C_TAB } from "./chars.js";
import type { Scanner } from "./state.js";

/** Notes a string of the open statement that runs on past a `;` ending a line (see `Scanner.runaway`). */
export function noteRunaway(s: Scanner, start: number, end: number): void {
  if (s.runaway !== null || end - start < 4) return;
  const text = s.text;
  for (let k = start + 1; k < end - 1; k++) {
    if (text.charCodeAt(k) !== C_SEMI) continue;
    let e = k + 1;
    while (e < end && (text.charCodeAt(e) === C_SPACE || text.charCodeAt(e) === C_TAB)) e++;
    const d = text.charCodeAt(e);
    if (d === C_LF || d === C_CR) {
      s.runaway = { quote: start, semicolon: k, handed: s.handedTotal };
      return;
    }
  }
}

/** Ends an unterminated construct: the statement stops at the end of the opening line. Returns where lexing goes on. */
export function unterminated(s: Scanner, start: number, what: string): number {
  const r = s.runaway;
  const stmt = s.stmt;
  if (what === "quoted string" && stmt && r && r.quote < start && r.handed === s.handedTotal && s.relexed + (start - r.semicolon) <= 2 * s.n + 1_000_000) {
    s.relexed += start - r.semicolon;
    // The quotes stopped pairing up at an earlier string that ran on past a `;` ending its line:
    // report it there, end the statement at that `;`, and lex again from after it. Nothing read
    // since was handed out, so only comments and the statement's own notes need undoing.
    stmt.lexError = {
      offset: r.quote,
      message:
        "unterminated quoted string: the string that opens here runs on past the ; that ends its line, and from there on every quote pairs with the wrong one (an apostrophe inside a string is written twice: 'O''Brien')",
    };
    stmt.blankLines = stmt.blankLines.filter((b) => b < r.semicolon);
    if (stmt.masks) stmt.masks = stmt.masks.filter((m) => m.end <= r.semicolon);
    const comments = s.comments;
    while (comments.length > 0 && comments[comments.length - 1]!.start > r.semicolon) comments.pop();
    s.lastTokenEnd = r.semicolon;
    s.close("semicolon", r.semicolon);
    return r.semicolon + 1;
  }
  const open = s.open(start);
  if (!open.lexError) open.lexError = { offset: start, message: `unterminated ${what}` };
  const eol = s.lineEnd(start);
  s.lastTokenEnd = eol;
  s.close("eof", -1);
  return eol;
}

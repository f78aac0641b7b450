/** Character codes and classes the lexer compares against, and the scan of a quoted string. */

export const C_TAB = 9,
  C_LF = 10,
  C_VT = 11,
  C_FF = 12,
  C_CR = 13,
  C_SPACE = 32,
  C_BANG = 33,
  C_DQUOTE = 34,
  C_DOLLAR = 36,
  C_AMP = 38,
  C_QUOTE = 39,
  C_LPAREN = 40,
  C_RPAREN = 41,
  C_STAR = 42,
  C_MINUS = 45,
  C_DOT = 46,
  C_SLASH = 47,
  C_COLON = 58,
  C_SEMI = 59,
  C_EQ = 61,
  C_QMARK = 63,
  C_BACKSLASH = 92,
  C_BACKTICK = 96,
  C_LBRACE = 123,
  C_RBRACE = 125;

// Character classes of ASCII; everything from 0x80 up is an identifier character, as in PostgreSQL.
// Exported for the scanner's hottest loops, which test them in place: V8 inlines little into a
// function that large (see V8_FLAGS in src/cli/load-cli.ts), and a call per character showed.
export const IDENT_START = 1;
export const IDENT_CONT = 2;
export const SPACE = 4;
export const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const letter = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
  const space = c === C_SPACE || c === C_TAB || c === C_LF || c === C_CR || c === C_FF || c === C_VT;
  CLASS[c] = (letter ? IDENT_START | IDENT_CONT : 0) | ((c >= 48 && c <= 57) || c === C_DOLLAR ? IDENT_CONT : 0) | (space ? SPACE : 0);
}

export function isIdentStart(c: number): boolean {
  return c >= 128 || (CLASS[c]! & IDENT_START) !== 0;
}
export function isIdentCont(c: number): boolean {
  return c >= 128 || (CLASS[c]! & IDENT_CONT) !== 0;
}
export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
export function isSpace(c: number): boolean {
  return c < 128 && (CLASS[c]! & SPACE) !== 0;
}
/** psql variable names: letters, digits, underscore and non-ASCII. */
export function isVarChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 128 || isDigit(c);
}

export function isLineBreakBefore(text: string, i: number): boolean {
  const c = text.charCodeAt(i - 1);
  return c === C_LF || c === C_CR;
}

/**
 * Scans a quoted string or identifier whose opening quote is just before `from`.
 * A doubled quote is an escaped quote; with `backslashes`, `\x` escapes the next character.
 * Returns the offset after the closing quote, or -1 when the quote is never closed.
 */
export function scanQuoted(text: string, from: number, quote: number, backslashes: boolean): number {
  const n = text.length;
  let i = from;
  for (;;) {
    if (backslashes) {
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === quote) break;
        i += d === C_BACKSLASH ? 2 : 1;
      }
      if (i >= n) return -1;
    } else {
      i = text.indexOf(quote === C_QUOTE ? "'" : quote === C_DQUOTE ? '"' : "`", i);
      if (i < 0) return -1;
    }
    if (text.charCodeAt(i + 1) === quote) {
      i += 2;
      continue;
    }
    return i + 1;
  }
}

/** Index of the first element of a sorted list that is at least `x`, or -1. */
export function firstAtOrAfter(list: number[], x: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo < list.length ? lo : -1;
}

const IDENT_PART_RE = /[A-Za-z0-9_$\u0080-\uffff]/;

/** Index just past a comment, string or dollar-quoted text starting at `i`, or -1 when none starts there. */
export function skipToken(text: string, i: number): number {
  const c = text[i];
  if (c === "-" && text[i + 1] === "-") {
    const nl = text.indexOf("\n", i);
    return nl < 0 ? text.length : nl + 1;
  }
  if (c === "/" && text[i + 1] === "*") {
    let depth = 1;
    let k = i + 2;
    while (k < text.length && depth > 0) {
      if (text[k] === "/" && text[k + 1] === "*") (depth++, (k += 2));
      else if (text[k] === "*" && text[k + 1] === "/") (depth--, (k += 2));
      else k++;
    }
    return k;
  }
  if (c === "'") {
    const escapes = i > 0 && /[eE]/.test(text[i - 1]!) && !IDENT_PART_RE.test(text[i - 2] ?? " ");
    const end = scanQuoted(text, i + 1, 39, escapes);
    return end < 0 ? text.length : end;
  }
  if (c === '"') {
    const end = scanQuoted(text, i + 1, 34, false);
    return end < 0 ? text.length : end;
  }
  if (c === "$" && !IDENT_PART_RE.test(text[i - 1] ?? " ")) {
    const m = /^\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(text.slice(i, i + 100));
    if (m) {
      const close = text.indexOf(m[0], i + m[0].length);
      return close < 0 ? text.length : close + m[0].length;
    }
  }
  return -1;
}

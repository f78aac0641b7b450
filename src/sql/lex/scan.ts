/**
 * The scanning loop: one pass over the text, one branch per kind of token. Everything that is
 * more than a few lines lives in a module of its own and is called from here: psql backslash
 * commands (meta-commands.ts), `$` (dollar-quotes.ts), block comments (block-comments.ts),
 * variables and parameter markers (params.ts), COPY data (copy-data.ts), quotes that never close
 * (recovery.ts). The state they share is one `Scanner` (state.ts).
 */
import { blockComment } from "./block-comments.js";
import {
  C_AMP,
  C_COLON,
  C_CR,
  C_DOLLAR,
  C_DOT,
  C_DQUOTE,
  C_FF,
  C_LF,
  C_LPAREN,
  C_MINUS,
  C_QMARK,
  C_QUOTE,
  C_RPAREN,
  C_SEMI,
  C_SLASH,
  C_SPACE,
  C_STAR,
  C_TAB,
  C_VT,
  C_BACKSLASH,
  isDigit,
  CLASS,
  IDENT_CONT,
  IDENT_START,
  isLineBreakBefore,
  SPACE,
  scanQuoted,
} from "./chars.js";
import { leaveInactive } from "./conditionals.js";
import { pendingCopyData } from "./copy-data.js";
import { dollar } from "./dollar-quotes.js";
import { backslash } from "./meta-commands.js";
import { psqlVariable, questionMark } from "./params.js";
import { noteRunaway, unterminated } from "./recovery.js";
import { Scanner } from "./state.js";
import type { Comment, LexOptions, ScriptItem } from "./types.js";

/**
 * The scanner behind `lexScript`: returns a function giving the next completed item (or null
 * at the end). The scanning loop lives in a plain function, not in the generator, so V8 can
 * optimise it while it runs (on-stack replacement does not reach into generators; a cold
 * process would otherwise lex its first large file an order of magnitude slower).
 */
export function createLexer(text: string, options: LexOptions = {}, comments: Comment[] = []): () => ScriptItem | null {
  const s = new Scanner(text, options, comments);
  const items = s.items;
  let handed = 0; // items[0..handed) were returned already
  let done = false;
  return function next(): ScriptItem | null {
    for (;;) {
      if (handed < items.length) {
        s.handedTotal++;
        return items[handed++]!;
      }
      items.length = 0;
      handed = 0;
      if (done) return null;
      done = scan(s);
    }
  };
}

/** Scans until at least one item is complete, or to the end of the text; true at the end. */
function scan(s: Scanner): boolean {
  const text = s.text;
  const n = s.n;
  const psql = s.psql;
  const items = s.items;
  const comments = s.comments;
  let i = s.pos;
  for (;;) {
    if (items.length > 0) {
      s.pos = i;
      return false;
    }
    if (i >= s.breakAt) {
      // A boundary the tool sets: whatever statement is open ends here.
      const b = s.breaks[s.nextBreak++]!;
      s.breakAt = s.nextBreak < s.breaks.length ? s.breaks[s.nextBreak]!.at : Infinity;
      if (s.stmt && s.inactiveFrom < 0) s.close("break", -1);
      if (b.skipTo > i) i = b.skipTo;
      continue;
    }
    if (i >= n) {
      if (s.inactiveFrom >= 0) leaveInactive(s, n);
      if (s.stmt) s.close("eof", -1);
      s.pos = i;
      return true;
    }
    const c = text.charCodeAt(i);

    // Whitespace: look for blank lines inside a statement and for the start of COPY data.
    if (c < 128 && (CLASS[c]! & SPACE) !== 0) {
      const runStart = i;
      let lineStart = -1; // start of the current line inside the run, -1 while still on the token's line
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === C_LF || d === C_CR) {
          if (lineStart >= 0 && s.stmt && s.inactiveFrom < 0) s.stmt.blankLines.push(lineStart);
          i += d === C_CR && text.charCodeAt(i + 1) === C_LF ? 2 : 1;
          if (s.copyPending > 0) break;
          lineStart = i;
        } else if (d === C_SPACE || d === C_TAB || d === C_FF || d === C_VT) i++;
        else break;
      }
      if (s.copyPending > 0 && i > runStart && isLineBreakBefore(text, i)) i = pendingCopyData(s, i);
      continue;
    }

    if (c === 0) {
      if (!s.stmt) {
        // A NUL between statements: psql drops the rest of its line. Report it there, and do not
        // let it swallow the statement on the next line.
        s.open(i).nul = i;
        s.lastTokenEnd = s.lineEnd(i);
        s.close("eof", -1);
        i = s.lastTokenEnd;
        continue;
      }
      if (s.stmt.nul < 0) s.stmt.nul = i;
      s.lastTokenEnd = i + 1;
      i++;
      continue;
    }

    // Comments.
    if (c === C_MINUS && text.charCodeAt(i + 1) === C_MINUS) {
      const start = i;
      i = s.lineEnd(i + 2);
      comments.push({ start, end: i, block: false });
      continue;
    }
    if (c === C_SLASH && text.charCodeAt(i + 1) === C_STAR) {
      i = blockComment(s, i);
      continue;
    }

    // Statement terminator.
    if (c === C_SEMI) {
      if (s.stmt && s.depth <= 0 && s.beginDepth <= 0) {
        s.close("semicolon", i);
      } else if (s.stmt) {
        s.lastTokenEnd = i + 1;
      }
      i++;
      continue;
    }

    if (c === C_LPAREN) {
      s.symbol(i, i + 1);
      s.depth++;
      i++;
      continue;
    }
    if (c === C_RPAREN) {
      s.symbol(i, i + 1);
      if (s.depth > 0) s.depth--;
      i++;
      continue;
    }

    // Quoted strings.
    if (c === C_QUOTE) {
      const end = scanQuoted(text, i + 1, C_QUOTE, !s.standardStrings);
      if (end < 0) {
        i = unterminated(s, i, "quoted string");
        continue;
      }
      if (!s.standardStrings) legacyEscapes(s, i, end);
      s.symbol(i, end);
      noteRunaway(s, i, end);
      i = end;
      continue;
    }
    if (c === C_DQUOTE) {
      const end = scanQuoted(text, i + 1, C_DQUOTE, false);
      if (end < 0) {
        i = unterminated(s, i, "quoted identifier");
        continue;
      }
      s.word(i, end);
      i = end;
      continue;
    }

    // Identifiers, keywords, and the prefixed strings E'', B'', X'', N'', U&''.
    if (c >= 128 || (CLASS[c]! & IDENT_START) !== 0) {
      const next = text.charCodeAt(i + 1);
      if (next === C_QUOTE) {
        const lower = c | 0x20;
        // E'' always reads backslash escapes; B'', X'' and N'' only without standard_conforming_strings
        if (lower === 101 /* e */ || lower === 98 /* b */ || lower === 120 /* x */ || lower === 110 /* n */) {
          const end = scanQuoted(text, i + 2, C_QUOTE, lower === 101 || !s.standardStrings);
          if (end < 0) {
            i = unterminated(s, i, "quoted string");
            continue;
          }
          s.symbol(i, end);
          i = end;
          continue;
        }
      }
      if ((c | 0x20) === 117 /* u */ && next === C_AMP) {
        const q = text.charCodeAt(i + 2);
        if (q === C_QUOTE || q === C_DQUOTE) {
          const end = scanQuoted(text, i + 3, q, false);
          if (end < 0) {
            i = unterminated(s, i, q === C_QUOTE ? "quoted string" : "quoted identifier");
            continue;
          }
          if (q === C_QUOTE) s.symbol(i, end);
          else s.word(i, end);
          i = end;
          continue;
        }
      }
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d < 128 && (CLASS[d]! & IDENT_CONT) === 0) break;
        j++;
      }
      s.word(i, j);
      i = j;
      continue;
    }

    // Numbers (digits, dots, exponents, hex/octal/binary prefixes, underscores).
    if (isDigit(c) || (c === C_DOT && isDigit(text.charCodeAt(i + 1)))) {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (isDigit(d) || (d >= 97 && d <= 122) || (d >= 65 && d <= 90) || d === 95) j++;
        else if (d === C_DOT && text.charCodeAt(j + 1) !== C_DOT) j++;
        else if ((d === 43 || d === 45) && (text.charCodeAt(j - 1) | 0x20) === 101 && isDigit(text.charCodeAt(i)))
          j++;
        else break;
      }
      s.symbol(i, j);
      i = j;
      continue;
    }

    // Dollar: parameter $1, or a dollar-quoted string $tag$…$tag$.
    if (c === C_DOLLAR) {
      i = dollar(s, i);
      continue;
    }

    // psql: backslash commands, `\;` and `\:`.
    if (c === C_BACKSLASH && psql) {
      i = backslash(s, i);
      continue;
    }

    // psql variables :name, :'name', :"name", :{?name}; otherwise `::`, `:=` or a lone colon.
    if (c === C_COLON) {
      const d = text.charCodeAt(i + 1);
      if (d === C_COLON) {
        s.symbol(i, i + 2);
        i += 2;
        continue;
      }
      if (s.variables) {
        const v = psqlVariable(s, i);
        if (v > 0) {
          i = v;
          continue;
        }
      }
      s.symbol(i, i + 1);
      i++;
      continue;
    }

    // yesql's `?` parameters: a value for the parser (same length).
    if (c === C_QMARK && s.questionMarks) {
      i = questionMark(s, i);
      continue;
    }

    // Any other operator character.
    s.symbol(i, i + 1);
    i++;
  }
}

/** With standard_conforming_strings off, `\'` inside a plain string is an escaped quote. */
function legacyEscapes(s: Scanner, start: number, end: number): void {
  const text = s.text;
  for (let k = start + 1; k < end - 1; k++) {
    if (text.charCodeAt(k) === C_BACKSLASH) {
      if (text.charCodeAt(k + 1) === C_QUOTE) {
        s.open(start);
        s.addMask(k, k + 1, "'");
      }
      k++;
    }
  }
}

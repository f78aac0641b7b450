import { defineRule } from "../../src/engine/rule.js";
import { unquoteName } from "../../src/sql/clause.js";
import type { Statement } from "../../src/sql/document.js";
import { isIdentCont } from "../../src/sql/lex/chars.js";
import { scanTokens } from "../../src/sql/parser.js";
import { Utf8Offsets } from "../../src/sql/text.js";

/** PostgreSQL's NAMEDATALEN - 1: identifiers keep at most this many bytes. */
const MAX_BYTES = 63;

/** ASCII characters that end an unquoted name (a name of other characters is at least as long). */
const ENDS_NAME = new Uint8Array(128);
for (const c of " \t\n\r\f\v\"'(),;.:=<>+-*/[]{}|&!~^%@#?`\\") ENDS_NAME[c.charCodeAt(0)] = 1;

/** UTF-8 bytes of the UTF-16 code unit `c` (a surrogate counts half of its pair's four). */
function utf8Bytes(c: number): number {
  return c < 0x80 ? 1 : c < 0x800 || (c >= 0xd800 && c < 0xe000) ? 2 : 3;
}

/**
 * Whether the text holds a run of characters that may be an identifier longer than 63 bytes,
 * unquoted or between double quotes; strings and comments may too: the scanner then tells. One
 * pass, no backtracking: statements are read once per rule run, and most hold no such run.
 */
function mayHoldLongName(text: string): boolean {
  const n = text.length;
  // a UTF-16 unit is at most three UTF-8 bytes
  if (3 * n <= MAX_BYTES) return false;
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 128 && ENDS_NAME[c]) {
      if (bytes > MAX_BYTES) return true;
      bytes = 0;
      // a quoted name: its content up to the closing quote ("" is one quote); the scan itself goes
      // on after the opening quote, since a quote inside a string opens nothing
      if (c === 34 && quotedBytes(text, i + 1) > MAX_BYTES) return true;
      continue;
    }
    bytes += utf8Bytes(c);
  }
  return bytes > MAX_BYTES;
}

/** UTF-8 bytes between the quote before `from` and the one closing it (the rest of the text if none). */
function quotedBytes(text: string, from: number): number {
  let bytes = 0;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      if (text.charCodeAt(i + 1) !== 34) return bytes;
      i++;
    }
    bytes += utf8Bytes(c);
    if (bytes > MAX_BYTES) return bytes;
  }
  return bytes;
}

/**
 * `mayHoldLongName` with string constants and comments left out, as PostgreSQL's scanner leaves
 * them out: most texts it lets through hold a long run only inside a string (a hash, a path, a
 * JSON document), and PostgreSQL's scanner, which tells for sure, costs as much as a parse. Reads
 * `'…'` (a backslash in it: unsure), `E'…'`, `$tag$…$tag$`, `--` and nested `/* … *\/`; a quoted
 * name or a run of name characters over 63 bytes outside them, or anything it does not follow (an
 * unterminated constant or comment), and the scanner is asked.
 */
function longRunOutsideLiterals(text: string): boolean {
  const n = text.length;
  let bytes = 0;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (!(c < 128 && ENDS_NAME[c])) {
      bytes += utf8Bytes(c);
      // `$` not inside a name: a dollar-quoted string
      if (c === 36 && (i === 0 || !isIdentCont(text.charCodeAt(i - 1)))) {
        const tag = /^\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(text.slice(i, i + 200))?.[0];
        if (tag) {
          const close = text.indexOf(tag, i + tag.length);
          if (close < 0) return true;
          i = close + tag.length;
          bytes = 0;
          continue;
        }
      }
      i++;
      continue;
    }
    if (bytes > MAX_BYTES) return true;
    bytes = 0;
    if (c === 39) {
      // a string; E'…' (the E a token of its own) takes backslash escapes
      const e = i > 0 && (text.charCodeAt(i - 1) | 0x20) === 101 && (i < 2 || !isIdentCont(text.charCodeAt(i - 2)));
      let j = i + 1;
      for (;;) {
        if (j >= n) return true;
        const d = text.charCodeAt(j);
        if (d === 92) {
          if (!e) return true;
          j += 2;
          continue;
        }
        if (d === 39) {
          if (text.charCodeAt(j + 1) === 39) {
            j += 2;
            continue;
          }
          break;
        }
        j++;
      }
      i = j + 1;
      continue;
    }
    if (c === 34) {
      if (quotedBytes(text, i + 1) > MAX_BYTES) return true;
      let j = i + 1;
      for (;;) {
        const close = text.indexOf('"', j);
        if (close < 0) return true;
        if (text.charCodeAt(close + 1) !== 34) {
          i = close + 1;
          break;
        }
        j = close + 2;
      }
      continue;
    }
    if (c === 45 && text.charCodeAt(i + 1) === 45) {
      let j = i + 2;
      while (j < n && text.charCodeAt(j) !== 10 && text.charCodeAt(j) !== 13) j++;
      i = j;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42) {
      let depth = 1;
      let j = i + 2;
      while (depth > 0) {
        if (j >= n) return true;
        if (text.charCodeAt(j) === 47 && text.charCodeAt(j + 1) === 42) {
          depth++;
          j += 2;
        } else if (text.charCodeAt(j) === 42 && text.charCodeAt(j + 1) === 47) {
          depth--;
          j += 2;
        } else j++;
      }
      i = j;
      continue;
    }
    i++;
  }
  return bytes > MAX_BYTES;
}

export default defineRule({
  id: "no-long-identifier",
  description: "Identifiers longer than 63 bytes, which PostgreSQL silently truncates",
  defaultSeverity: "warn",
  appliesTo: ["script", "embedded"],
  messages: {
    long: "{{name}} is {{bytes}} bytes long: PostgreSQL keeps only the first 63 bytes of an identifier, so the name is {{kept}}",
    help: "use a name of at most 63 bytes (UTF-8): the truncated name is what the catalog, error messages and other tools see, and two long names that start alike become the same name",
  },
  create(context) {
    /** Names reported already (once per document each). */
    const seen = new Set<string>();
    const scan = (text: string, toDoc: (index: number) => number) => {
      if (mayHoldLongName(text)) scanChecked(text, toDoc);
    };
    /** `scan`, the text known to hold a long run (see `mayHoldLongName`). */
    const scanChecked = (text: string, toDoc: (index: number) => number) => {
      if (!longRunOutsideLiterals(text)) return;
      const tokens = scanTokens(text);
      if (!tokens) return;
      let utf8: Utf8Offsets | null = null;
      for (const t of tokens) {
        if (t.tokenName !== "IDENT") continue;
        const name = unquoteName(t.text);
        const bytes = Buffer.byteLength(name, "utf8");
        if (bytes <= MAX_BYTES || seen.has(name)) continue;
        seen.add(name);
        utf8 ??= new Utf8Offsets(text);
        context.report({
          messageId: "long",
          data: { name: t.text, bytes, kept: quoteIfNeeded(truncate(name)) },
          start: toDoc(utf8.toUtf16(t.start)),
          end: toDoc(utf8.toUtf16(t.end)),
          helpId: "help",
        });
      }
    };
    /** A statement whose text may hold a long name: its text, and its body as SQL. */
    const scanStatement = (stmt: Statement) => {
      scanChecked(stmt.parseText, (i) => stmt.offsetOfIndex(i));
      // a DO block's or function's body is a string to the statement: scan it as SQL too
      const body = stmt.bodySource;
      if (body) scan(body.literal.content, (i) => stmt.offsetOfIndex(body.literal.map(i)));
    };
    return {
      statement(stmt: Statement) {
        // A DO block's or function's body is a piece of the text (with '' read as '): a long run in
        // it is one in the text, so a text without one needs neither scan, nor its tree read to
        // find the body. (The scan is a function of its own: the functions it makes hold the
        // statement, and made here they would cost every statement a context.)
        if (stmt.parsed && mayHoldLongName(stmt.parseText)) scanStatement(stmt);
      },
    };
  },
});

/** The first 63 bytes of a name, cut at a character boundary (PostgreSQL's truncate_identifier). */
function truncate(name: string): string {
  let bytes = 0;
  let out = "";
  for (const ch of name) {
    const n = Buffer.byteLength(ch, "utf8");
    if (bytes + n > MAX_BYTES) break;
    bytes += n;
    out += ch;
  }
  return out;
}

function quoteIfNeeded(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

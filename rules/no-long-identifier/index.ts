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

/** A name of more than 63 bytes has at least this many UTF-16 units (a unit is at most 3 bytes). */
const MIN_UNITS = Math.floor(MAX_BYTES / 3) + 1;

/**
 * Whether the text holds a run of characters that may be an identifier longer than 63 bytes,
 * unquoted or between double quotes; strings and comments may too: the scanner then tells. Asked
 * of every statement, and most hold no such run, so it reads as little of the text as it can:
 * - a quoted name: its content after each `"` (found by `indexOf`), up to the closing quote;
 * - an unquoted run of more than 63 bytes is at least 22 units long, so it covers one of every 22
 *   consecutive positions: only those are looked at, and a run is measured only where one of them
 *   falls inside a run.
 */
export function mayHoldLongName(text: string): boolean {
  const n = text.length;
  if (n < MIN_UNITS) return false;
  for (let q = text.indexOf('"'); q >= 0; q = text.indexOf('"', q + 1)) if (quotedBytes(text, q + 1) > MAX_BYTES) return true;
  // the sampled positions are MIN_UNITS - 1 apart: any MIN_UNITS consecutive positions hold one
  let measuredTo = 0;
  for (let i = MIN_UNITS - 2; i < n; i += MIN_UNITS - 1) {
    if (i < measuredTo || endsName(text.charCodeAt(i))) continue;
    let start = i;
    while (start > 0 && !endsName(text.charCodeAt(start - 1))) start--;
    let end = i + 1;
    while (end < n && !endsName(text.charCodeAt(end))) end++;
    measuredTo = end;
    if (end - start < MIN_UNITS) continue;
    let bytes = 0;
    for (let k = start; k < end && bytes <= MAX_BYTES; k++) bytes += utf8Bytes(text.charCodeAt(k));
    if (bytes > MAX_BYTES) return true;
  }
  return false;
}

/** An ASCII character that ends an unquoted name. */
function endsName(c: number): boolean {
  return c < 128 && ENDS_NAME[c] === 1;
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
    if (!endsName(c)) {
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

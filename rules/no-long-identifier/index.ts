import { defineRule } from "../../src/engine/rule.js";
import type { Statement } from "../../src/sql/document.js";
import { scanTokens } from "../../src/sql/parser.js";
import { Utf8Offsets } from "../../src/sql/text.js";

/** PostgreSQL's NAMEDATALEN - 1: identifiers keep at most this many bytes. */
const MAX_BYTES = 63;

/**
 * Runs of characters that may be an identifier longer than 63 bytes (22 characters of three bytes
 * are already 66), unquoted or quoted. Strings and comments may match too: the scanner then tells.
 */
const RUNS = /[^\s"'(),;.:=<>+\-*/[\]{}|&!~^%@#?`\\]{22,}|"(?:[^"]|""){22,}"/g;

function mayHoldLongName(text: string): boolean {
  RUNS.lastIndex = 0;
  for (let m = RUNS.exec(text); m; m = RUNS.exec(text)) if (Buffer.byteLength(m[0], "utf8") > MAX_BYTES) return true;
  return false;
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
      if (!mayHoldLongName(text)) return;
      const tokens = scanTokens(text);
      if (!tokens) return;
      let utf8: Utf8Offsets | null = null;
      for (const t of tokens) {
        if (t.tokenName !== "IDENT") continue;
        const name = identifierValue(t.text);
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
    return {
      statement(stmt: Statement) {
        if (!stmt.parsed) return;
        scan(stmt.parseText, (i) => stmt.offsetOfIndex(i));
        // a DO block's or function's body is a string to the statement: scan it as SQL too
        const body = stmt.bodySource;
        if (body) scan(body.literal.content, (i) => stmt.offsetOfIndex(body.literal.map(i)));
      },
    };
  },
});

/** The identifier a token denotes: quoted ones unescaped, unquoted ones folded to lower case (ASCII). */
function identifierValue(token: string): string {
  if (token.startsWith('"')) return token.slice(1, -1).replace(/""/g, '"');
  return token.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

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

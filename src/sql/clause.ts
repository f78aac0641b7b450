/**
 * Where a clause of a statement is, for nodes the parser gives no location (the commands of ALTER
 * TABLE, the objects of DROP): found in the statement's text by a pattern of its words.
 */
import type { Statement } from "./document.js";

/** A pattern source for an identifier as it may be written: unquoted in any case, or quoted. */
export function identSource(name: string): string {
  const quoted = `"${name.replace(/"/g, '""')}"`.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  if (!/^[a-z_][a-z0-9_$]*$/.test(name)) return quoted;
  return `(?:${quoted}|${name.replace(/\$/g, "\\$")}(?![\\w$]))`;
}

/** A pattern source for a possibly qualified name's last part: `x`, `s.x`, `"s"."x"`. */
export function qualifiedSource(name: string): string {
  return `(?:(?:"(?:[^"]|"")*"|[\\w$]+)\\s*\\.\\s*)*${identSource(name)}`;
}

/**
 * The document range of the first match of `pattern` (case-insensitive) in the statement's text,
 * from the AST location `from` on (default: the statement's start); the whole statement when there
 * is none.
 */
export function clauseRange(stmt: Statement, pattern: string, from?: number): { start: number; end: number } {
  // tried only where a word starts (or at a character that is no part of a word): one search, not
  // one sticky match per character (DROP TABLE lists made this a hot spot)
  const re = new RegExp(`(?:(?<![\\w$])|(?![\\w$]))(?:${pattern})`, "gi");
  const text = stmt.parseText;
  let i = typeof from === "number" && from >= 0 ? stmt.indexOf(from) : 0;
  // the parse text may hold other statements before this one (a function body, several statements on a line)
  while (i < text.length && stmt.offsetOfIndex(i) < stmt.start) i++;
  re.lastIndex = i;
  const m = re.exec(text);
  if (m && stmt.offsetOfIndex(m.index) < stmt.end) return { start: stmt.offsetOfIndex(m.index), end: stmt.offsetOfIndex(m.index + m[0].length) };
  return { start: stmt.start, end: stmt.end };
}

/** An identifier as it must be written: quoted when it has capitals, spaces or other characters. */
/** A name as PostgreSQL reads it: a quoted one unescaped, an unquoted one folded (ASCII letters only). */
export function unquoteName(word: string): string {
  if (word.startsWith('"')) return word.slice(1, -1).replace(/""/g, '"');
  return /[A-Z]/.test(word) ? word.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : word;
}

export function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) && !RESERVED_WORDS.has(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/**
 * PostgreSQL's words that cannot name a table, an index or a column unquoted: its reserved key
 * words, and those reserved but for function and type names (`join`, `left`, `verbose`…).
 */
export const RESERVED_WORDS: ReadonlySet<string> = new Set(
  (
    "all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create current_catalog " +
    "current_date current_role current_time current_timestamp current_user default deferrable desc distinct do else end except " +
    "false fetch for foreign from grant group having in initially intersect into lateral leading limit localtime localtimestamp " +
    "not null offset on only or order placing primary references returning select session_user some symmetric system_user table " +
    "then to trailing true union unique user using variadic when where window with " +
    "authorization binary collation concurrently cross current_schema freeze full ilike inner is isnull join left like natural " +
    "notnull outer overlaps right similar tablesample verbose"
  ).split(" "),
);

/** A name of parts (`schema.index`) as it must be written: each part quoted where it needs to be. */
export function quotedName(parts: readonly string[]): string {
  return parts.map(quoteIdent).join(".");
}

/** A RangeVar's `schema.table` as it must be written. */
export function relationText(rv: { schemaname?: unknown; relname?: unknown } | undefined): string {
  if (!rv || typeof rv.relname !== "string") return "?";
  return (typeof rv.schemaname === "string" && rv.schemaname ? `${quoteIdent(rv.schemaname)}.` : "") + quoteIdent(rv.relname);
}

/**
 * Where a PostgreSQL error points, in the document the statement came from. PostgreSQL's
 * `position` is 1-based and counts characters (code points) of the text sent; an error raised
 * inside a DO block or a function body has no `position` but names the body's line in `where`
 * (`PL/pgSQL function inline_code_block line 3 at PERFORM`) and the query it ran in
 * `internalQuery` (with `internalPosition`). The result is a range of the statement's document;
 * the caller maps it on to the file (through the embedded string's map, or the tool's
 * substitutions) exactly as the linter does.
 */
import type { Statement } from "../sql/document.js";
import { codePointToUtf16 } from "../sql/text.js";
import type { PgError } from "./protocol.js";

export interface Span {
  start: number;
  end: number;
}

/** End of the token starting at `i` (a word, a quoted name, or one character). */
export function tokenEnd(text: string, i: number, limit = text.length): number {
  if (i >= limit) return i;
  const rest = text.slice(i, Math.min(limit, i + 200));
  const m = /^(?:"(?:[^"]|"")*"|[\p{L}\p{N}_$.]+|\S)/u.exec(rest);
  return Math.min(limit, i + (m ? m[0].length : 0));
}

/** The first line of a statement: the range shown when nothing more exact is known. */
export function firstLine(text: string, start: number, end: number): Span {
  const nl = text.slice(start, end).search(/[\r\n]/);
  return { start, end: nl < 0 ? end : start + nl };
}

/**
 * The range an error points at inside `sent` (the text that was sent, found at `base` of the
 * document `docText`): `position` when there is one, else the body line `where` names; null when
 * the error says nothing about where.
 */
export function errorSpan(err: PgError, docText: string, base: number, sent: string, stmt?: Statement): Span | null {
  if (err.position !== undefined && err.position > 0) {
    const i = base + codePointToUtf16(sent, err.position - 1);
    const at = Math.min(i, base + sent.length);
    return { start: at, end: tokenEnd(docText, at, base + sent.length) };
  }
  const body = stmt ? bodySpan(err, docText, stmt) : null;
  return body ?? nameSpan(err, base, sent);
}

/**
 * Some errors carry no position (`CREATE INDEX … ("emial")`: column "emial" does not exist): the
 * name they quote, where the statement writes it, is the place.
 */
function nameSpan(err: PgError, base: number, sent: string): Span | null {
  const names = [...err.message.matchAll(/"((?:[^"]|"")+)"/g)].map((m) => m[1]!);
  for (const name of names) {
    const quoted = `"${name.replace(/"/g, '""')}"`;
    let at = sent.indexOf(quoted);
    let len = quoted.length;
    if (at < 0 && /^[a-z_][a-z0-9_$]*$/.test(name)) {
      const m = new RegExp(`(?<![\\w$"])${name.replace(/\$/g, "\\$")}(?![\\w$"])`, "i").exec(sent);
      if (m) {
        at = m.index;
        len = name.length;
      }
    }
    if (at >= 0) return { start: base + at, end: base + at + len };
  }
  return null;
}

/** An error inside the statement's own DO block or function body, by the line `where` names. */
function bodySpan(err: PgError, docText: string, stmt: Statement): Span | null {
  const where = err.where?.split("\n")[0] ?? "";
  const m = /^(?:PL\/pgSQL function (?:inline_code_block|[^\n]*?)|SQL function "[^"]*" statement \d+)?.*?\bline (\d+)\b/.exec(where);
  const source = stmt.bodySource;
  if (!m || !source) return null;
  const line = Number(m[1]);
  const content = source.literal.content;
  let at = 0;
  for (let n = 1; n < line; n++) {
    const nl = content.indexOf("\n", at);
    if (nl < 0) return null;
    at = nl + 1;
  }
  const lineEnd = content.indexOf("\n", at) < 0 ? content.length : content.indexOf("\n", at);
  let k = at;
  while (k < lineEnd && /\s/.test(content[k]!)) k++;
  // The query PL/pgSQL ran starts on that line (PERFORM is rewritten to SELECT, SELECT … INTO loses
  // its INTO): find it as written, or else the word it points at.
  const q = err.internalQuery;
  if (q && err.internalPosition !== undefined) {
    const inQuery = codePointToUtf16(q, err.internalPosition - 1);
    const exact = content.indexOf(q, at);
    if (exact >= 0 && exact <= lineEnd) k = exact + inQuery;
    else {
      const word = /^[\p{L}\p{N}_$.]+|^"(?:[^"]|"")*"/u.exec(q.slice(inQuery))?.[0];
      if (word) {
        const found = content.indexOf(word, at);
        if (found >= 0) k = found;
      }
    }
  }
  const toDoc = (i: number) => stmt.offsetOfIndex(source.literal.map(i));
  const start = toDoc(k);
  const endInContent = tokenEnd(content, k, Math.max(k, lineEnd));
  const end = Math.max(start, toDoc(endInContent));
  return docText.length >= end ? { start, end } : { start, end: start };
}

/** `ALTER TABLE`, `CREATE INDEX`, `UPDATE`: the command a statement starts with, for messages. */
export function commandOf(text: string): string {
  const words = text.replace(/^(?:\s+|--[^\n]*\n|\/\*[\s\S]*?\*\/)+/, "").match(/^[A-Za-z]+(?:\s+[A-Za-z]+){0,3}/)?.[0].split(/\s+/) ?? [];
  const w = words.map((x) => x.toUpperCase());
  if (w.length === 0) return "the statement";
  const two = new Set(["ALTER", "CREATE", "DROP", "REFRESH", "COMMENT"]);
  if (w[0] === "CREATE" && w[1] === "OR" && w[2] === "REPLACE") return `CREATE OR REPLACE ${w[3] ?? ""}`.trim();
  if (w[0] === "CREATE" && (w[1] === "UNIQUE" || w[1] === "TEMP" || w[1] === "TEMPORARY" || w[1] === "UNLOGGED")) return `CREATE ${w[1]} ${w[2] ?? ""}`.trim();
  if (w[0] === "REFRESH") return "REFRESH MATERIALIZED VIEW";
  if (two.has(w[0]!) && w[1]) return `${w[0]} ${w[1]}`;
  return w[0]!;
}

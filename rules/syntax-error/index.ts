import { defineRule } from "../../src/engine/rule.js";
import { isNestingError, type SqlDocument, type Statement } from "../../src/sql/document.js";
import { SENTINEL } from "../../src/secrets/mask.js";
import { parseSql } from "../../src/sql/parser.js";
import { RESERVED_WORDS } from "../../src/sql/clause.js";

/** A template marker of Go templates, Jinja, Mustache, Handlebars… (`{{ .Schema }}`, `{% if %}`). */
const TEMPLATE_MARKER = /\{\{[\s\S]{0,200}?\}\}|\{%[\s\S]{0,200}?%\}/;

/**
 * Markers of other templating that are also SQL-ish enough to appear elsewhere (`${name}` in
 * Flyway, shell and JavaScript templates, `#{name}` in MyBatis and Ruby, `<%= %>` in ERB and EJS,
 * `[% %]` in Template Toolkit, `%name%` in batch files and hand-rolled replacers): they mark the
 * file as a template only where the parser stops inside one.
 */
const MARKER_AT_ERROR = /\$\{[^{}\n]{1,100}\}|#\{[^{}\n]{1,100}\}|<%[\s\S]{0,200}?%>|\[%[\s\S]{0,200}?%\]|%[A-Za-z_][\w.-]{0,60}%/g;

/** The template marker the parser stopped in (`at`: a document offset), if any. */
function markerAt(text: string, base: number, at: number): string | undefined {
  for (const m of text.matchAll(MARKER_AT_ERROR)) {
    const start = base + m.index;
    const end = start + m[0].length;
    // inside it, or just after it with nothing but spaces between (`… = <%= id %>` ends the input)
    if (at >= start && (at < end || text.slice(end - base, at - base).trim() === "")) return m[0];
  }
  return undefined;
}

/**
 * Words at which PostgreSQL stops in SQL written for another database: a hint that the file is
 * not for PostgreSQL at all (a linter for PostgreSQL has nothing to say about it).
 */
const OTHER_DIALECT: Record<string, string> = {
  "`": "backquotes quote names in MySQL and SQLite; PostgreSQL uses double quotes",
  PRAGMA: "PRAGMA is SQLite",
  AUTO_INCREMENT: "AUTO_INCREMENT is MySQL (PostgreSQL has identity columns)",
  ENGINE: "ENGINE = … is MySQL or ClickHouse",
  CODEC: "CODEC is ClickHouse",
};

/**
 * Reserved words schemas often take as names (a `user` table, an `order` column): written bare, the
 * parser stops at them. The hint is given only when the statement parses with that word quoted
 * (see `parsesQuoted`), so a keyword used as one (`OVER (ORDER BY …)`) gets none. Words mostly
 * written as key words (`null`, `from`, `with`) are left out: quoted, `SET x = null` parses too,
 * but meant something else.
 */
const NAME_LIKE = ["user", "order", "group", "limit", "offset", "desc", "asc", "end", "default", "check", "column", "table", "window", "references", "primary", "unique", "constraint", "both", "only", "analyse", "analyze", "current_user", "session_user", "current_date", "current_time"];
const RESERVED_NAMES: ReadonlySet<string> = new Set(NAME_LIKE.filter((w) => RESERVED_WORDS.has(w)));

/** Whether the statement parses once the word at `at` (a document offset) is written in double quotes. */
function parsesQuoted(doc: SqlDocument, stmt: Statement, at: number, word: string): boolean {
  if (doc.sql.slice(at, at + word.length) !== word) return false;
  const text = `${doc.sql.slice(stmt.start, at)}"${word.toLowerCase()}"${doc.sql.slice(at + word.length, stmt.end)}`;
  return parseSql(text).ok;
}

export default defineRule({
  id: "syntax-error",
  description: "SQL that PostgreSQL cannot parse",
  defaultSeverity: "error",
  // In code, only SQL nested too deeply to read is reported: a string that does not parse is a fragment.
  appliesTo: ["script", "embedded"],
  messages: {
    error: "{{message}}",
    template:
      "{{message}}: the statement holds a template marker ({{marker}}), so this file is a template that is rendered into SQL before it runs",
    templateHelp: "lint the rendered SQL instead, or list the template files in the config's ignores (or turn syntax-error off for them in an override)",
    dialect: "{{message}} ({{why}})",
    reserved: '{{message}} ({{word}} is a reserved word in PostgreSQL: as a name it must be written in double quotes, "{{word}}")',
    dialectHelp: "if this file is written for another database, list it in the config's ignores",
  },
  create(context) {
    const doc = context.doc;
    if (doc.kind !== "script" && doc.kind !== "embedded") return {};
    return {
      statement(stmt) {
        const error = stmt.error;
        if (!error) return;
        // In code, only nesting is reported: other mistakes there are a fragment's.
        if (doc.kind === "embedded" && !isNestingError(error)) return;
        const start = Math.max(stmt.start, Math.min(error.offset, doc.sql.length));
        const end = start < stmt.end ? Math.min(tokenEnd(doc.sql, start), stmt.end) : start;
        const range = { start, end };
        // A statement too deep to analyse may be valid: say so, but do not fail the run for it.
        if (error.tooDeep) {
          context.report({ messageId: "error", data: { message: error.message }, ...range, atMostWarning: true });
          return;
        }
        const message = shownMessage(error.message, doc, error.offset, stmt);
        // the shown text is the statement's, unit for unit, with credentials masked: offsets hold
        const marker = TEMPLATE_MARKER.exec(stmt.shown)?.[0] ?? markerAt(stmt.shown, stmt.start, error.offset);
        if (marker) {
          const shown = marker.length > 40 ? `${marker.slice(0, 37)}…` : marker;
          context.report({ messageId: "template", data: { message, marker: shown.replace(/\s+/g, " ") }, ...range, helpId: "templateHelp" });
          return;
        }
        const near = /at or near "(.*)"$/s.exec(error.message)?.[1];
        const word = near === undefined ? undefined : OTHER_DIALECT[near] ?? OTHER_DIALECT[near.toUpperCase()];
        // a file whose folder names another database (`migrations/sqlite/`): say so at every error
        const why = word ?? (doc.run.database ? `the file's folder says it is written for ${doc.run.database}, not PostgreSQL` : undefined);
        if (why) {
          context.report({ messageId: "dialect", data: { message, why }, ...range, helpId: "dialectHelp" });
          return;
        }
        const bare = near?.toLowerCase();
        if (bare !== undefined && RESERVED_NAMES.has(bare) && parsesQuoted(doc, stmt, start, near!)) {
          context.report({ messageId: "reserved", data: { message, word: bare }, ...range });
          return;
        }
        context.report({ messageId: "error", data: { message }, ...range });
      },
      // A body too deep to analyse is reported where it was read for a rule; other mistakes in a
      // body are the server's to report when the function is created.
      bodyStatement(stmt) {
        const error = stmt.error;
        if (!error || !isNestingError(error)) return;
        const start = Math.max(stmt.start, Math.min(error.offset, doc.sql.length));
        const end = start < stmt.end ? Math.min(tokenEnd(doc.sql, start), stmt.end) : start;
        context.report({ messageId: "error", data: { message: shownMessage(error.message, doc, error.offset, stmt) }, start, end, ...(error.tooDeep ? { atMostWarning: true } : {}) });
      },
    };
  },
});

/** End of the token at `i`, so the underline covers the word the parser stopped at. */
function tokenEnd(sql: string, i: number): number {
  const m = /^(?:[\p{L}\p{N}_$]+|\S)/u.exec(sql.slice(i, i + 100));
  return i + (m ? m[0].length : 0); // at a line break or a space: an empty range, not the break
}

/**
 * The parser's message with the token it quotes (`at or near "…"`) rebuilt from the document as
 * it may be shown: the token can be a password (`password='correct horse battery''` stops the
 * parser at `correct`). When the quote cannot be matched to the text and the statement holds a
 * credential, the token is masked whole.
 */
function shownMessage(message: string, doc: SqlDocument, offset: number, stmt: Statement): string {
  const m = /^([\s\S]*?at or near ")([\s\S]*)"$/.exec(message);
  if (!m) return message;
  const near = nearAt(doc, offset, m[2]!);
  if (near !== null) return `${m[1]}${near}"`;
  return stmt.shown.includes(SENTINEL) ? `${m[1]}${SENTINEL}"` : message;
}

/** The document's shown text at `offset` that reads as `quoted` (whose blanks the parser's message collapsed), or null. */
function nearAt(doc: SqlDocument, offset: number, quoted: string): string | null {
  const sql = doc.sql;
  const shown = doc.shown;
  let i = offset;
  let out = "";
  for (let j = 0; j < quoted.length; ) {
    if (i >= sql.length) return null;
    if (/\s/.test(quoted[j]!) && /\s/.test(sql[i]!)) {
      const from = i;
      while (i < sql.length && /\s/.test(sql[i]!)) i++;
      while (j < quoted.length && /\s/.test(quoted[j]!)) j++;
      out += shown.slice(from, i).includes(SENTINEL) ? SENTINEL : " ";
      continue;
    }
    if (sql[i] !== quoted[j]) return null;
    out += shown[i];
    i++;
    j++;
  }
  return out;
}

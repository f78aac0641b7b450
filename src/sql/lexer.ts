/**
 * A PostgreSQL script scanner: one pass over the text that finds statements, psql
 * meta-commands, COPY data, comments and blank lines, with exact UTF-16 ranges.
 *
 * It follows PostgreSQL's own lexical rules (scan.l) and psql's splitting rules (psqlscan.l):
 * a `;` ends a statement only outside parentheses and outside the BEGIN … END body of a
 * `CREATE FUNCTION/PROCEDURE … BEGIN ATOMIC`; a backslash outside quotes starts a meta-command
 * that runs to the end of the line; `COPY … FROM stdin` is followed by data lines up to `\.`.
 * The text between statements (whitespace, comments, stray semicolons) belongs to no item.
 *
 * The parts live in ./lex/: the loop (scan.ts) over one state object (state.ts), psql's
 * meta-commands (meta-commands.ts) and `\if` (conditionals.ts), COPY data (copy-data.ts),
 * variables and the parameter markers of migration tools (params.ts), dollar quotes
 * (dollar-quotes.ts), block comments (block-comments.ts), and recovery from a quote that never
 * closes (recovery.ts).
 */
import { createLexer } from "./lex/scan.js";
import type { Comment, LexOptions, LexResult, ScriptItem, StatementItem } from "./lex/types.js";

export type { Comment, CopyDataItem, LexError, LexOptions, LexResult, Mask, MetaItem, ScriptItem, StatementItem } from "./lex/types.js";
export { scanQuoted } from "./lex/chars.js";
export { psqlBool } from "./lex/conditionals.js";

/** Lexes a whole script into arrays (items sorted by start). */
export function lex(text: string, options: LexOptions = {}): LexResult {
  const comments: Comment[] = [];
  const items = [...lexScript(text, options, comments)];
  items.sort((a, b) => a.start - b.start);
  const statements = items.filter((x): x is StatementItem => x.type === "statement");
  return { items, statements, comments };
}

/**
 * Lexes a script lazily: yields each item as soon as it is complete, so a huge file is never
 * held as a list of statements. A meta-command typed in the middle of a statement is yielded
 * before that statement. Comments are appended to `comments` as they are met.
 */
export function* lexScript(text: string, options: LexOptions = {}, comments: Comment[] = []): Generator<ScriptItem> {
  const next = createLexer(text, options, comments);
  for (let item = next(); item !== null; item = next()) yield item;
}

/**
 * Transaction questions about a statement where it stands: whether PostgreSQL refuses it inside a
 * block or needs one (see block-rules.ts), and how to name the statement that opened a block.
 */
import { nodeBody } from "./classify.js";
import { isPlain, type SqlDocument, type Statement } from "./document.js";
import type { TextDocument } from "../secrets/text-document.js";
import { BLOCK_TYPES, needOf, refusalOf, type BlockNeed, type BlockRefusal, type RefusalOptions } from "./block-rules.js";
import type { PgNode } from "./parser.js";
import type { DocumentRun } from "../run-model/types.js";

export type { BlockNeed, BlockRefusal, RefusalOptions } from "./block-rules.js";

/**
 * The node type and fields of a statement, or null: it did not parse, or it is plain, which by
 * its shape is none of the statements below (so its tree need not be built to say so).
 */
function treeOf(stmt: Statement): { type: string; b: PgNode } | null {
  if (isPlain(stmt) || !BLOCK_TYPES.has(stmt.nodeType) || !stmt.node) return null;
  return { type: stmt.nodeType, b: nodeBody(stmt.node) };
}

/** Why PostgreSQL refuses this statement inside a transaction block, or null if it does not. */
export function blockRefusal(stmt: Statement, options: RefusalOptions): BlockRefusal | null {
  const tree = treeOf(stmt);
  return tree ? refusalOf(tree.type, tree.b, options) : null;
}

/** Statements that only make sense inside a transaction block. */
export function blockNeed(stmt: Statement): BlockNeed | null {
  const tree = treeOf(stmt);
  return tree ? needOf(tree.type, tree.b) : null;
}

/**
 * A transaction statement (or the one psql sends) named with where it stands, for messages:
 * ` by BEGIN on line 3`, ` by psql before the statement on line 3 (AUTOCOMMIT is off)`, or in a
 * string of code ` by BEGIN earlier in this string`; "" for none.
 */
export function byStatement(s: Statement | null): string {
  if (!s) return "";
  const at = s.doc.kind === "script" ? ` on line ${s.doc.lineOf(s.start)}` : " earlier in this string";
  return s.implicitBegin ? ` by psql before the statement${at} (AUTOCOMMIT is off)` : ` by ${s.txControl?.keyword ?? "BEGIN"}${at}`;
}

/** The related location pointing at the statement that opened a block (none when unknown). */
export function openedHere(opener: Statement | null): { related?: { message: string; start: number; end: number }[] } {
  return opener ? { related: [{ message: "the block was opened here", start: opener.start, end: opener.end }] } : {};
}

/** The transaction an `assumed` statement runs in, named for messages ("inside {{by}}"). */
export function assumedBy(doc: { kind: string; run: DocumentRun }): string {
  if (doc.run.tool) return doc.run.transactionName;
  if (doc.kind === "embedded") return "the transaction the code opens around this SQL";
  return doc.run.transactionName;
}

/**
 * Whether PostgreSQL's transaction rules speak of the document: a SQL document, not written for
 * another database (its folder says so: see `DocumentRun.database`). There, BEGIN … END may be a
 * block of statements (SQL Server), and DDL may commit on its own (MySQL): what these rules say
 * about blocks and commits would be false.
 */
export function postgresTransactions(doc: SqlDocument | TextDocument): doc is SqlDocument {
  return doc.kind !== "text" && !doc.run.database;
}

/** The line break a text uses (`\r\n`, `\r` or `\n`), for inserted lines. */
export function lineBreak(text: string): string {
  const i = text.search(/\r\n?|\n/);
  if (i < 0) return "\n";
  return text[i] === "\r" ? (text[i + 1] === "\n" ? "\r\n" : "\r") : "\n";
}

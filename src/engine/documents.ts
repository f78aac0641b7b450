/**
 * The documents the engine reads from one file, as the extractor builds them: types only, shared by
 * the extractor, the engine and the masking of credentials.
 */
import type { DocumentItem, SqlDocument, Statement } from "../sql/document.js";
import type { TextDocument } from "../secrets/text-document.js";

/** A SQL document of a file, and how its offsets map to the file's. */
export interface SqlPart {
  doc: SqlDocument;
  /**
   * Maps a document offset to an offset of the host file; with `end`, the exclusive end of a
   * range (they differ where an embedded string's pieces join: `'…' + '…'`, `${sql`…`}`).
   */
  toHost(offset: number, end?: boolean): number;
  /**
   * The document's events, already produced (the ESLint plugin runs each rule on its own over the
   * same parsed statements); default: `doc.events()`, lexed and parsed as the rules read them.
   */
  events?: readonly (Statement | DocumentItem)[];
}

/** The documents of one file, as the extractor builds them. */
export interface FileDocuments {
  sql: SqlPart[];
  /** The text document (the whole file), for text rules; null when none runs. */
  text: TextDocument | null;
}


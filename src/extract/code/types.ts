/** What the code extractor returns, and its options. */
import type { SqlDocument } from "../../sql/document.js";
import type { CodeRunModel } from "../../run-model/types.js";
import type { MinifiedCode } from "./host.js";
import type { EmbeddedSettings } from "./settings.js";

export type Origin = "tag" | "function" | "literal";

import type { VisitorKeys } from "../../util/lazy-deps.js";

export interface EmbeddedPart {
  doc: SqlDocument;
  /** Maps a document offset to a host offset (`end`: of a range's exclusive end). */
  toHost(offset: number, end?: boolean): number;
  /** Host range of the string (the literal, the template, or the whole concatenation). */
  start: number;
  end: number;
  origin: Origin;
  /** The tag or callee as matched (`sql`, `query`…); "" for other literals. */
  sink: string;
  /** Inside the callback of a transaction wrapper (`db.transaction(async (tx) => …)`). */
  inTransaction: boolean;
  /** Host offsets of where the string's code starts (the literal, the call, the statement). */
  anchors: number[];
  /** The query library whose placeholders were read in the string (`knex`, `pg-promise`…), or null. */
  library: string | null;
  /**
   * An interpolation stands for SQL text, not a value: a name (`"${table}"`), a list or a query.
   * The statement the code sends is not the text here (what `sqlguard verify` must not prepare).
   */
  dynamic: boolean;
}

export interface SkippedString {
  start: number;
  end: number;
  origin: Origin;
  /**
   * fragment: a sink's string that does not parse as complete SQL; empty: nothing but comments;
   * nested: a piece of another SQL string; not-sql: a plain literal that starts with a keyword
   * but does not parse.
   */
  reason: "fragment" | "empty" | "nested" | "not-sql";
}

export interface CodeComment {
  start: number;
  end: number;
  block: boolean;
  /** A `/** … *\/` block: sqlguard reads a directive in it, ESLint does not. */
  jsdoc?: boolean;
  /** The directive text inside the delimiters (a JSDoc block's leading `*` dropped). */
  text: string;
}

export interface CodeSql {
  /** Whether the file was parsed (false: no mention of SQL, minified, or a parse error). */
  parsed: boolean;
  /** Not parsed because it is minified, bundled or generated code (see `minifiedCode`). */
  minified?: MinifiedCode;
  error: { offset: number; message: string } | null;
  parts: EmbeddedPart[];
  /** Strings that looked like SQL but were not linted, and why (for the census). */
  skipped: SkippedString[];
  /** Code comments that may hold directives (`sqlguard-…`, `eslint-disable…`). */
  comments: CodeComment[];
}

export interface EmbeddedOptions {
  settings?: EmbeddedSettings;
  /** A test file: plain literals are not read as SQL (default: judged from the file name). */
  testFile?: boolean;
  /** The file runs inside a transaction (config `assumeInTransaction`). */
  assumeInTransaction?: boolean;
  /**
   * How to walk the tree: the keys of the parser that built it (ESLint's `sourceCode.visitorKeys`:
   * typescript-eslint's, espree's, …). Default: typescript-estree's, for the trees it parses here.
   */
  visitorKeys?: VisitorKeys;
  /** The project around the file (its migration tool, its dependencies); asked only when the file may hold SQL. */
  project?: CodeProject;
}

/** What the project says about a code file, read only when the file may hold SQL. */
export interface CodeProject {
  /** The file's run model when it is a migration written in code (knex, TypeORM, MikroORM…). */
  runModel(): CodeRunModel | null;
  /** Whether the project (a package.json at or above the file) depends on this npm package. */
  depends(name: string): boolean;
}

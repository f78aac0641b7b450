/** What the lexer hands out: items with exact UTF-16 ranges, comments, and the options it reads. */

/** A same-length rewrite applied to the text handed to the parser (positions stay exact). */
export interface Mask {
  start: number;
  end: number;
  text: string;
  /** A psql variable substitution (the parser retries without these). */
  variable: boolean;
  /** For a variable: the end of the whole reference (`:name`, `:'name'`, `:{?name}`). */
  refEnd: number;
}

export interface LexError {
  offset: number;
  message: string;
}

export interface StatementItem {
  type: "statement";
  /** Offset of the statement's first token. */
  start: number;
  /** Offset just past its last SQL token (the terminating `;` is not included). */
  end: number;
  /** Offset of the terminating `;`, or -1. */
  semicolon: number;
  /**
   * How the statement ended: `;`, a psql command that sends it (`\g`…), a boundary the tool that
   * runs the file sets (`break`: goose's StatementEnd, a named query's end), or the end of the file.
   */
  terminator: "semicolon" | "meta" | "break" | "eof";
  /** Offsets of the first character of every blank line between this statement's tokens. */
  blankLines: number[];
  /** Rewrites for the parser: psql variables, masked meta-commands, legacy string escapes. */
  masks: Mask[] | null;
  /** Whether some masks substitute psql variables (the parser retries without them). */
  hasVariables: boolean;
  /** An unterminated quote or comment cut this statement short. */
  lexError: LexError | null;
  /** Offset of the first NUL character inside the statement, or -1. */
  nul: number;
  /** First word, upper-cased (`UPDATE`, `WITH`, `(`…). */
  firstWord: string;
  /** `COPY … FROM stdin`: data lines follow. */
  copyFromStdin: boolean;
}

export interface MetaItem {
  type: "meta";
  start: number;
  end: number;
  /** Command name without the backslash (`set`, `connect`, `gset`…). */
  command: string;
  /** Raw argument text. */
  args: string;
}

export interface CopyDataItem {
  type: "copy-data";
  start: number;
  end: number;
  /** Whether a `\.` line ended the data (otherwise the end of the file did). */
  terminated: boolean;
}

export type ScriptItem = StatementItem | MetaItem | CopyDataItem;

export interface Comment {
  start: number;
  end: number;
  block: boolean;
}

export interface LexOptions {
  /** Recognise psql meta-commands, `\;`, COPY data (scripts: yes; SQL in code: no). */
  psql?: boolean;
  /** Substitute psql variables `:name`, `:'name'`, `:"name"` for the parser. */
  variables?: boolean;
  /** Where to start reading (one unit of a file: the text before it belongs to another). */
  from?: number;
  /**
   * Statement boundaries set by the tool that runs the file, sorted: a statement open at `at` ends
   * there (terminator `break`), and the text up to `skipTo` (a delimiter line) is skipped.
   */
  breaks?: readonly { at: number; skipTo: number }[];
  /**
   * Parameter markers to hide from the parser (same length): `question` reads `?` as a value
   * (yesql), `bang` drops the `!` after `:name` (pgtyped's non-null parameters), `braces` reads
   * `${name}` as a name (Flyway's and Liquibase's placeholders, goose's ENVSUB): the tool pastes
   * its value in as text before running the script; `lists` reads `IN :ids` and `VALUES :rows` as
   * a parenthesised list (pgtyped's and PugSQL's expanding parameters).
   */
  params?: readonly ("question" | "bang" | "braces" | "lists")[];
}

export interface LexResult {
  items: ScriptItem[];
  statements: StatementItem[];
  comments: Comment[];
}

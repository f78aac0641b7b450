/**
 * A parsed SQL document: what every rule reads. One lexer pass splits the text, each
 * statement is parsed once (its tree kept as libpg-query's JSON text and read only if something
 * asks for it), and every statement knows its range, AST, kind and
 * transaction state. AST locations are UTF-8 byte offsets of the text the parser saw; `offsetOf` turns
 * them into offsets of the document (and the engine maps those to the host file).
 */
import { classify, defElems, kindOfType, nodeBody, nodeType, txAction, walk, WRITE_KEYS, type StatementKind, type TxAction } from "./classify.js";
import {
  lex,
  lexScript,
  psqlBool,
  scanQuoted,
  type Comment,
  type CopyDataItem,
  type Mask,
  type MetaItem,
  type StatementItem,
} from "./lexer.js";
import { isStackOverflow, jsonStatements, MAY_BE_TOO_DEEP, parseGroup, parseJson, parsePlpgsql, parseSql, readStatements, soleStatementTree, soleStatementType, tooDeep, type GroupPart, type ParseOutcome, type PgNode, type RawStmt } from "./parser.js";
import { BLOCK_TYPES, refusalOf } from "./block-rules.js";
import { mayRunOthers, treeRunsOthers } from "./statements.js";
import { lineIndex, type LineIndex, Utf8Offsets } from "./text.js";
import { directiveText, fileTransactionDirective, isDirective } from "../directives/words.js";
import type { Break, DocumentRun, ParamStyle, TxMode } from "../run-model/types.js";
import { findCredentials } from "../secrets/credentials.js";
import { maskView, SENTINEL } from "../secrets/mask.js";

export type DocumentKind = "script" | "embedded";

/**
 * The transaction a statement runs in: `none` (no block: each statement commits on its own, or in
 * a document sent as one query, the implicit transaction of that query: see `SqlDocument.transaction`),
 * `explicit` (a block the script opened with BEGIN / START TRANSACTION), `assumed` (the one the
 * migration tool opens around the unit: its run model says `wrapped`, or config `assumeInTransaction`
 * or the `-- sqlguard-assume-in-transaction` directive says so).
 */
export type TxState = "none" | "explicit" | "assumed";

/**
 * What a transaction-control statement does where it stands, worked out once by the front-end:
 * - `opens`: BEGIN / START TRANSACTION with no block open;
 * - `nested`: BEGIN while a block (explicit or the migration tool's) is open: PostgreSQL warns
 *   "there is already a transaction in progress" and ignores it;
 * - `closes`: COMMIT / END / ROLLBACK / ABORT / PREPARE TRANSACTION ending an explicit block;
 * - `chains`: COMMIT / ROLLBACK AND CHAIN inside a block: ends that transaction and opens the next;
 * - `ends-assumed`: COMMIT / ROLLBACK / PREPARE TRANSACTION ending the migration tool's transaction;
 * - `stray`: COMMIT / ROLLBACK with no block open (PostgreSQL warns and ignores it), or AND CHAIN /
 *   SAVEPOINT / RELEASE / ROLLBACK TO with no block open (PostgreSQL refuses them);
 * - `savepoint`: SAVEPOINT / RELEASE / ROLLBACK TO inside a block: the block stays as it is;
 * - `none`: other transaction statements (COMMIT PREPARED, ROLLBACK PREPARED).
 */
export type TxEffect = "opens" | "nested" | "closes" | "chains" | "ends-assumed" | "stray" | "savepoint" | "none";

export interface TxControl {
  action: TxAction;
  effect: TxEffect;
  /** The command as written, for messages: `BEGIN`, `START TRANSACTION`, `END`, `ABORT`, `COMMIT AND CHAIN`… */
  keyword: string;
}

export interface StatementError {
  message: string;
  /** Document offset of the error. */
  offset: number;
  /** Not a mistake in the SQL: too deeply nested for sqlguard to analyse (see `MAX_TREE_DEPTH`). */
  tooDeep?: true;
  /** Too deeply nested for PostgreSQL's own parser ("memory exhausted"): it refuses it too. */
  parserLimit?: true;
}

/**
 * The only errors a statement inside a function body or DO block carries: its nesting is too
 * deep to analyse, or too deep for PostgreSQL. Other mistakes in a body are the server's to
 * report when the function is created; these are reported (a body is never skipped silently).
 */
export function isNestingError(error: StatementError | null): boolean {
  return !!error && (error.tooDeep === true || error.parserLimit === true);
}

/**
 * Statements of one of the common shapes whose tree need not be read, because no rule
 * subscribes to their type (a SELECT that selects into nothing, an INSERT with no WITH, a
 * CREATE TABLE that is not AS, an EXPLAIN that does not run its query…): known to run no statement
 * but themselves (see `executedNodes`), to control no transaction, and to be neither refused by nor
 * need a transaction block. `nodeType` and `kind` come from their keywords, and `node` reads the
 * tree on first use. The front-end's business: rules never ask (the mark is a private field of
 * `Statement`, read here) — asked of every statement: a WeakSet's add and lookup cost more than the
 * rest of a plain statement's bookkeeping.
 */
export function isPlain(s: Statement): boolean {
  return s[PLAIN_MARK];
}

const PLAIN_MARK = Symbol("plain");

/** `blankLines` of a statement without any: one list for all of them. */
const NO_BLANK_LINES: readonly number[] = Object.freeze([]);

export class Statement {
  /** Index among the document's top-level statements (-1 for statements inside a body). */
  index = -1;
  private tree: PgNode | null = null;
  /**
   * Accepted by the parser, its tree not read yet: the JSON text libpg-query wrote, read on first
   * use of `node` (reading it costs about as much as the parse: most statements' trees no rule asks for).
   */
  private json: string | null = null;
  /**
   * The tree and its JSON were let go of once every rule had seen the statement (see
   * `releaseTree`): parsed again from `parseText` if something asks for the tree later.
   */
  private released = false;
  /** `runsOnlyItself`, once told (it outlives the JSON it was told from). */
  private alone: boolean | undefined = undefined;
  /**
   * Where the parse text began in the text the parser read with it (UTF-8 bytes; 0 when it read
   * the parse text alone): its JSON is a part of a group's (see `parseGroup`), whose locations
   * count from the group's start.
   */
  private byteBase = 0;
  /** A plain statement (see `isPlain`): set once, kept after its tree is built. */
  [PLAIN_MARK] = false;
  /** The statements of its DO block or function body, once read (see `body`). */
  private inner: Statement[] | null = null;
  private source: BodySource | null | undefined = undefined;
  /** `UpdateStmt`, `CreateStmt`… ("" when the statement did not parse). */
  nodeType = "";
  /** What the statement does (null when it did not parse); undefined: to be told from its tree. */
  private kindOf: StatementKind | null | undefined = null;
  /** The transaction the statement runs in (for BEGIN: the state before it). */
  tx: TxState = "none";
  /** The transaction state once the statement has run (differs from `tx` only for transaction control). */
  txAfter: TxState = "none";
  /**
   * For a statement inside an explicit block: the statement that opened it (BEGIN, COMMIT AND
   * CHAIN, or the first statement psql sent with AUTOCOMMIT off: see `implicitBegin`).
   */
  block: Statement | null = null;
  /**
   * psql sent BEGIN just before this statement: `\set AUTOCOMMIT off` makes it open a transaction
   * before any statement run with none open (except transaction commands and the statements
   * PostgreSQL refuses in a block). The block lasts until a COMMIT or ROLLBACK.
   */
  implicitBegin = false;
  /** For a top-level transaction-control statement: what it does here. */
  txControl: TxControl | null = null;
  error: StatementError | null = null;
  /** For a statement inside a function body or DO block: the top-level statement that holds it. */
  parent: Statement | null = null;
  /** Offsets of the blank lines inside the statement (one shared empty list for most statements). */
  blankLines: readonly number[] = NO_BLANK_LINES;
  semicolon = -1;
  /**
   * How a top-level statement ended: `;`, a psql command that sends it (`\g`…), a boundary the
   * tool that runs the file sets (`break`), or the end of the text.
   */
  terminator: StatementItem["terminator"] = "eof";
  copyFromStdin = false;
  /**
   * The migration state's number for the transaction this statement runs in (0: not asked yet; see
   * `MigrationState.transactionOf`). Kept here, not in a WeakMap: a WeakMap entry per statement made
   * every young-generation collection walk them all.
   */
  migrationTx = 0;
  private utf8: Utf8Offsets | null = null;

  constructor(
    readonly doc: SqlDocument,
    /** Document offset of the first token. */
    readonly start: number,
    /** Document offset just past the last token (the `;` is not included). */
    readonly end: number,
    /** The text the parser saw; AST locations are byte offsets into it (after `byteBase` bytes of its group). */
    readonly parseText: string,
    /**
     * Maps an index of `parseText` to a document offset: a function, or the document offset of
     * the text's first character (most statements: no function made, none kept, for each).
     */
    private readonly mapIndex: ((index: number) => number) | number,
  ) {}

  /** The syntax tree (`{ UpdateStmt: {...} }`); null when the statement did not parse. */
  get node(): PgNode | null {
    if (this.tree === null) {
      if (this.json !== null) this.tree = soleStatementTree(this.json);
      else if (this.released) {
        // parsed where it stood in its group (the same number of bytes before it), so that the
        // locations of the tree are those of the first one, which a rule may still hold
        const raw = parseJson(this.byteBase > 0 ? " ".repeat(this.byteBase) + this.parseText : this.parseText);
        this.tree = raw.ok ? soleStatementTree(raw.json) : null;
      }
    }
    return this.tree;
  }

  /**
   * Lets go of a tree read from JSON, and of the JSON (the statement's text is parsed again if
   * the tree is asked for later). The engine calls it once every rule has seen the statement, so
   * that trees and their JSON die young instead of living as long as the statement: the migration
   * state keeps the statements that created tables, emptied them or set settings for the whole
   * file, and their JSON was most of what young-generation collections had to copy. A tree set by
   * hand (`node = …`) stays. `keepJson`: the statement is read again by other passes (the ESLint
   * plugin runs each rule on its own over the same statements): its JSON stays, so that the next
   * pass reads the tree from it instead of parsing the text again.
   */
  releaseTree(keepJson = false): void {
    if (this.json === null && !this.released) return;
    this.tree = null;
    if (keepJson && this.json !== null) return;
    this.json = null;
    this.released = true;
  }

  set node(node: PgNode | null) {
    this.tree = node;
    this.json = null;
    this.released = false;
    this.alone = undefined;
    this.byteBase = 0;
  }

  /**
   * The text to test for words its tree can only hold if the text has them: the text the parser
   * read when the statement is all of it (no copy made: this is asked of many statements), else
   * the statement's own text.
   */
  get wordsText(): string {
    return this.parent === null && this.parseText.length === this.end - this.start ? this.parseText : this.text;
  }

  /** The parser accepted the statement (its tree may not be built yet). */
  get parsed(): boolean {
    return this.json !== null || this.tree !== null || this.released;
  }

  /** What the statement does: `read`, `write`, `ddl`…; null when it did not parse. */
  get kind(): StatementKind | null {
    if (this.kindOf === undefined) {
      const node = this.node;
      this.kindOf = node ? classify(node) : null;
    }
    return this.kindOf;
  }

  set kind(kind: StatementKind | null) {
    this.kindOf = kind;
  }

  /**
   * Takes the parse of a statement of one statement, `type`, its tree left as JSON text until
   * asked for. `shape`: the plain shape its keywords showed (see `isPlain`). `byteBase`: where its
   * text began in a group parsed in one call (see `parseGroup`).
   */
  defer(json: string, type: string, shape: PlainShape | null, byteBase = 0): void {
    this.tree = null;
    this.json = json;
    this.released = false;
    this.alone = undefined;
    this.byteBase = byteBase;
    if (shape) {
      this[PLAIN_MARK] = true;
      this.nodeType = shape.nodeType;
      this.kindOf = shape.kind;
      return;
    }
    this.nodeType = type;
    const kind = kindOfType(type);
    // Told from the JSON (a key is a quoted name and `:`, which no string in it holds unescaped):
    // a SELECT without INTO and without a WITH that holds a writing statement reads (see
    // `classify`), a COPY writes when it is FROM (only COPY has `is_from`; a false one is left
    // out of the JSON).
    this.kindOf =
      kind ??
      (type === "SelectStmt" && !json.includes('"intoClause":') && (!json.includes('"withClause":') || !WRITE_KEYS.test(json))
        ? "read"
        : type === "CopyStmt"
          ? json.includes('"is_from":true')
            ? "write"
            : "read"
          : undefined);
  }

  /**
   * Whether the statement's tree may hold a node of a type `keys` names (see `nodeKeys`), told
   * from the JSON text while the tree is not read: a key of the JSON is a quoted name followed by
   * `:`, which no string in it holds unescaped. True when unsure (the tree read already, or let
   * go of): then the tree itself is to be asked.
   */
  mayHold(keys: RegExp): boolean {
    return this.json === null || this.tree !== null || keys.test(this.json);
  }

  /**
   * The statement runs no statement but itself (see `executedNodes`): told from the top of its
   * tree once the tree is read, before that from its JSON text, without building the tree; false
   * when unsure (a tree set by hand).
   */
  get runsOnlyItself(): boolean {
    if (this[PLAIN_MARK]) return true;
    // told once: the engine asks for every statement it dispatches
    if (this.alone !== undefined) return this.alone;
    if (this.json !== null) return (this.alone = this.tree !== null ? !treeRunsOthers(this.tree) : !mayRunOthers(this.nodeType, this.json));
    if (!this.released) return false;
    // let go of with its JSON before anyone asked: the tree is read again (see `node`)
    const node = this.node;
    return (this.alone = node !== null && !treeRunsOthers(node));
  }

  /** The string body of a DO block or function, and its language (null for other statements). */
  get bodySource(): BodySource | null {
    if (this.source === undefined) this.source = this.parent === null ? bodySource(this) : null;
    return this.source;
  }

  /** Whether `body` was read already (by a rule, or for one). */
  get bodyRead(): boolean {
    return this.inner !== null;
  }

  /**
   * The statements inside a DO block or the string body of a function or procedure (SQL or
   * PL/pgSQL), read on first use: each has `parent` set to this statement, and runs in this
   * statement's transaction. Empty for other statements and for bodies that do not parse (the
   * server reports those when the function is created); a body, or a statement in it, too deeply
   * nested to analyse is a statement carrying that error. BEGIN ATOMIC bodies are part of the tree.
   */
  get body(): readonly Statement[] {
    return (this.inner ??= this.parent === null && this.parsed ? safeBodyStatements(this.doc, this) : []);
  }

  get text(): string {
    return this.doc.sql.slice(this.start, this.end);
  }

  /** The statement's text as it may be quoted in a message: see `SqlDocument.shown`. */
  get shown(): string {
    return this.doc.quote(this.start, this.end);
  }

  /**
   * `parseText` as it may be quoted: each unit that comes from a credential of the document is
   * the sentinel (see `SqlDocument.shown`). Indexes are those of `parseText`.
   */
  get shownParseText(): string {
    if (this.shownParse === null) {
      const shown = this.doc.shown;
      if (shown === this.doc.sql || !shown.slice(this.start, this.end).includes(SENTINEL)) this.shownParse = this.parseText;
      else {
        let out = "";
        for (let i = 0; i < this.parseText.length; i++) out += shown[this.offsetOfIndex(i)] === SENTINEL ? SENTINEL : this.parseText[i];
        this.shownParse = out;
      }
    }
    return this.shownParse;
  }

  private shownParse: string | null = null;

  /** Document offset of an AST location (a UTF-8 byte offset); the statement start when unknown. */
  offsetOf(location: number | undefined | null): number {
    if (typeof location !== "number" || location < 0) return this.start;
    return this.offsetOfIndex(this.indexOf(location));
  }

  /** Index into `parseText` of an AST location (a UTF-8 byte offset). */
  indexOf(location: number): number {
    this.utf8 ??= new Utf8Offsets(this.parseText);
    return this.utf8.toUtf16(location - this.byteBase);
  }

  /** Document offset of an index into `parseText`. */
  offsetOfIndex(index: number): number {
    const map = this.mapIndex;
    return typeof map === "number" ? map + index : map(index);
  }
}

export interface DocumentOptions {
  kind?: DocumentKind;
  /** psql meta-commands, variables and COPY data (default: true for scripts). */
  psql?: boolean;
  /**
   * How the tool that runs this document sends it (its run model unit). Without it: a script runs
   * statement by statement (`none`), SQL in code as one query (`implicit`), either one `wrapped` with
   * `assumeInTransaction` or the file directives.
   */
  run?: DocumentRun;
  /** The file runs inside a transaction its migration tool opens (config `assumeInTransaction`; ignored with `run`). */
  assumeInTransaction?: boolean;
  /**
   * SQL in code that runs inside a transaction the code itself opens (a `db.transaction(…)`
   * callback; ignored with `run`): it runs wrapped, but that makes it no migration.
   */
  codeTransaction?: boolean;
  /**
   * For one unit of a file (`sql` is the file up to the unit's end): where the unit starts. Offsets
   * stay those of the file; the text before `from` belongs to other units.
   */
  from?: number;
  /** Statement boundaries the tool sets inside the unit (see `Break`). */
  breaks?: readonly Break[];
  /** The unit's end ends its last statement (a named query sent on its own). */
  endsStatement?: boolean;
  /** Parameter markers the lexer hides from the parser (yesql's `?`, pgtyped's `:name!`). */
  params?: readonly ParamStyle[];
  /** Line starts of the text, shared by the documents of one file. */
  lines?: LineIndex;
  /**
   * `all` (default): `comments` keeps every comment. `directives`: only `sqlguard-` directives,
   * and the comments of the statement being read (what rules look at), so memory stays flat
   * however many comments a script holds.
   */
  comments?: "all" | "directives";
  /**
   * libpg-query's parse of the whole text, when the caller has it already (the code extractor
   * parses each string to tell SQL from fragments). When it is one statement, the statement the
   * lexer finds there takes this tree instead of being parsed again.
   */
  parsed?: RawStmt[];
  /**
   * The text the lexer and the parser read instead of `sql`, when it differs: the same length, with
   * the placeholders a query library rewrites before PostgreSQL sees the text (knex's `?`,
   * pg-promise's `${name}`…) replaced by stand-ins. Offsets, excerpts and messages use `sql`.
   */
  parseSource?: string;
  /**
   * SQL embedded in code: a text quoting this document (a message's data) as the code reads, each
   * stand-in for an interpolation back to the code's own words (`$1` → `${id}`). The engine
   * applies it to every message of the document.
   */
  display?: ((text: string) => string) | null;
}

const FILE_DIRECTIVE = /sqlguard-(?:assume-in-transaction|no-transaction)\b/;

/**
 * The file directive that says how the file runs (`-- sqlguard-assume-in-transaction`,
 * `-- sqlguard-no-transaction`), wherever it stands; the last one wins.
 */
export function transactionDirective(sql: string, psql = true): "assume-in-transaction" | "no-transaction" | null {
  if (!FILE_DIRECTIVE.test(sql)) return null;
  let found: "assume-in-transaction" | "no-transaction" | null = null;
  for (const c of lex(sql, { psql }).comments) found = fileTransactionDirective(directiveText(commentBody(sql, c), c.block)) ?? found;
  return found;
}

/**
 * The run of a document no run model describes: config `assumeInTransaction`, a file directive, or
 * (`code`) the transaction the code opens around its SQL.
 */
function defaultRun(mode: TxMode, directive: "assume-in-transaction" | "no-transaction" | null, code = false): DocumentRun {
  return {
    mode,
    tool: null,
    toolName: null,
    transactionName: code
      ? "the transaction the code opens around this SQL"
      : directive === "assume-in-transaction"
        ? "the migration tool's transaction (-- sqlguard-assume-in-transaction)"
        : "the migration tool's transaction (config assumeInTransaction)",
    refusedHelp: "move it to a migration of its own marked -- sqlguard-no-transaction, and have the runner apply that one outside a transaction",
    unit: "file",
    optOut: null,
    refused: "fails",
    apart: [],
    source: directive ? "directive" : code ? "code-transaction" : mode === "wrapped" ? "assume-config" : "default",
    role: "up",
  };
}

/**
 * The most events `SqlDocument.events` reads ahead of what it hands out (see there). Every rule on,
 * pg-regress, best of 3 rounds of 14 runs: 1,509 ms with batches of 64, 1,444 ms with 128, 1,424 ms
 * with 256. Peak memory of a two-thread run (median of 5): 125 MB with 64 and with 128, 129 MB with
 * 256, at the limit issue 20 set. (Batches were 64 while statements kept by the migration state
 * still held their lexer items: 256 then cost 135–141 MB.)
 */
const BATCH = 128;
/** The most SQL text, in characters, it reads ahead. */
const BATCH_TEXT = 64 * 1024;

/** Anything a document yields besides statements. */
export type DocumentItem = MetaItem | CopyDataItem;

/**
 * A SQL document. Statements are produced lazily by `events()`: each is lexed, parsed (see the
 * file's head), handed to every rule, and can then be dropped, so memory stays flat however long
 * the file.
 */
export class SqlDocument {
  readonly kind: DocumentKind;
  readonly psql: boolean;
  /** The whole text as the caller parsed it, when it is one statement (see `DocumentOptions.parsed`). */
  readonly parsed: RawStmt | null;
  /** How the tool that runs this document sends it: its transaction mode, and words for messages. */
  readonly run: DocumentRun;
  /** The directive that decided the transaction mode, if one did. */
  readonly transactionDirective: "assume-in-transaction" | "no-transaction" | null = null;
  /** Where the document's text starts in `sql` (a unit of a file: the text before is another unit's). */
  readonly from: number;
  /**
   * The document that runs just before this one in the same migration (the SQL strings of one
   * migration written in code, chained by the extractor in the order they run): what it did, the
   * tables it created, the settings it made, is known here (see migration-state.ts). Null for a
   * document that stands alone.
   */
  previous: SqlDocument | null = null;
  private readonly breaks: readonly Break[] | undefined;
  private readonly endsStatement: boolean;
  private readonly params: readonly ParamStyle[] | undefined;
  /** What the lexer and parser read (see `DocumentOptions.parseSource`): `sql` unless told otherwise. */
  readonly source: string;
  /** See `DocumentOptions.display`; null when stand-ins read as the code (no interpolation). */
  readonly display: ((text: string) => string) | null;
  /**
   * Comments met so far: all of them once `events()` is exhausted, or with `comments:
   * "directives"`, the `sqlguard-` directives and the comments from the current statement on.
   */
  readonly comments: Comment[] = [];
  private readonly keepAllComments: boolean;
  private lines: LineIndex | null = null;
  private credentials: (() => readonly (readonly [number, number])[]) | null = null;
  private shownText: string | null = null;

  constructor(
    /** The SQL text every offset refers to (the whole file for a script). */
    readonly sql: string,
    options: DocumentOptions = {},
  ) {
    this.kind = options.kind ?? "script";
    this.psql = options.psql ?? this.kind === "script";
    this.parsed = options.parsed?.length === 1 ? options.parsed[0]! : null;
    this.keepAllComments = options.comments !== "directives";
    this.from = options.from ?? 0;
    this.breaks = options.breaks;
    this.endsStatement = options.endsStatement ?? false;
    this.params = options.params;
    this.source = options.parseSource !== undefined && options.parseSource.length === sql.length ? options.parseSource : sql;
    this.display = options.display ?? null;
    if (options.lines) this.lines = options.lines;
    if (options.run) {
      this.run = options.run;
      if (options.run.source === "directive") this.transactionDirective = options.run.mode === "none" ? "no-transaction" : "assume-in-transaction";
    } else {
      // File directives apply to the whole file wherever they stand.
      const directive = transactionDirective(sql, this.psql);
      this.transactionDirective = directive;
      const assume = directive ? directive === "assume-in-transaction" : (options.assumeInTransaction ?? false);
      const code = !directive && !assume && options.codeTransaction === true;
      this.run = defaultRun(assume || code ? "wrapped" : this.kind === "embedded" ? "implicit" : "none", directive, code);
    }
  }

  /**
   * How the document is sent: `wrapped` (inside a transaction the tool opens), `implicit` (as one
   * query string: several statements run as one implicit transaction, a lone one outside any), or
   * `none` (statement by statement).
   */
  get transaction(): TxMode {
    return this.run.mode;
  }

  /** The migration tool wraps this document in a transaction (its run model, the config, or a directive). */
  get assumeInTransaction(): boolean {
    return this.run.mode === "wrapped";
  }

  /**
   * Lexes and parses the document: yields every top-level statement (the statements inside a DO
   * block or function body are its `body`), and every meta-command and COPY data block. The parser
   * must be loaded. `trees`: the statement types whose syntax trees the caller will read (the rules'
   * subscriptions): statements of the common plain shapes of other types are marked plain (see
   * `isPlain`). Every tree is read only when asked for.
   */
  *events(trees?: ReadonlySet<string>): Generator<Statement | DocumentItem> {
    const tracker = new TransactionTracker(this.assumeInTransaction);
    let index = 0;
    let compactAt = 256;
    const lexOptions = {
      psql: this.psql,
      variables: this.psql,
      ...(this.from > 0 ? { from: this.from } : {}),
      ...(this.breaks?.length ? { breaks: this.breaks } : {}),
      ...(this.params?.length ? { params: this.params } : {}),
    };
    // Statements are read (lexed and parsed) a batch at a time, then handed out. The parser and the
    // rules each go through a batch with their own code and data in the processor's caches, instead
    // of taking turns at every statement: with every rule on, pg-regress lints about 15% faster
    // (bench/PROFILE.md). A batch is at most BATCH events or BATCH_TEXT characters of SQL, so
    // memory stays flat however long the file.
    const batch: (Statement | DocumentItem)[] = [];
    const items: (StatementItem | DocumentItem)[] = [];
    /** The batch's events, in order: its statements parsed, several short ones in one parser call each (see `parseGroup`). */
    const read = (): (Statement | DocumentItem)[] => {
      batch.length = 0;
      const parts = this.parsed ? null : groupParts(this.source, items);
      for (let i = 0; i < items.length; i++) {
        const item = items[i]!;
        if (item.type !== "statement") {
          tracker.meta(item);
          batch.push(item);
          continue;
        }
        for (const s of parseStatementItem(this, item, trees, parts?.get(item))) {
          s.index = index++;
          tracker.assign(s);
          batch.push(s);
        }
      }
      items.length = 0;
      return batch;
    };
    let batchText = 0;
    /** Where the earliest event of the batch starts (a meta-command inside a statement comes first). */
    let batchFrom = Infinity;
    for (const item of lexScript(this.source, lexOptions, this.comments)) {
      // the end of a unit that is sent on its own ends its last statement
      if (this.endsStatement && item.type === "statement" && item.terminator === "eof") item.terminator = "break";
      // At a statement only: a meta-command inside a statement is handed out before the statement,
      // whose comments from its start on must stay; so must those of the events read but not
      // handed out yet.
      if (!this.keepAllComments && item.type === "statement" && this.comments.length >= compactAt) {
        this.dropCommentsBefore(Math.min(batchFrom, item.start));
        compactAt = 2 * this.comments.length + 256;
      }
      batchFrom = Math.min(batchFrom, item.start);
      items.push(item);
      batchText += item.end - item.start;
      if (items.length >= BATCH || batchText >= BATCH_TEXT) {
        yield* read();
        batchText = 0;
        batchFrom = Infinity;
      }
    }
    yield* read();
  }

  /**
   * Where the document's credentials are (passwords, tokens: see src/secrets/credentials.ts).
   * The engine sets it before rules run, with what it found in the host file too; a document
   * nobody told looks for them in its own text.
   */
  setCredentials(ranges: () => readonly (readonly [number, number])[]): void {
    this.credentials = ranges;
    this.shownText = null;
  }

  /**
   * The text as it may be shown: `sql`, unit for unit, with every unit of a credential replaced
   * by a sentinel character (so every offset stays valid, and a cut inside a password leaves
   * sentinels, never a piece of it). The engine turns each run of sentinels into `****`. Rules
   * build every excerpt and quoted token from it (`quote`), never from `sql`.
   */
  get shown(): string {
    if (this.shownText === null) {
      const ranges = this.credentials ? this.credentials() : findCredentials(this.sql, "sql");
      this.shownText = maskView(this.sql, ranges);
    }
    return this.shownText;
  }

  /** `shown` from `start` to `end`: what a message may quote of the document. */
  quote(start: number, end: number): string {
    return this.shown.slice(start, end);
  }

  /** The 1-based line of a document offset, for messages ("opened by BEGIN on line 3"). */
  lineOf(offset: number): number {
    return (this.lines ??= lineIndex(this.sql)).lineOf(offset) + 1;
  }

  /**
   * Drops the comments that end before `offset`, but for directives (in place: the lexer appends
   * to this same array). A long script's comments would otherwise all stay in memory.
   */
  private dropCommentsBefore(offset: number): void {
    const cs = this.comments;
    let w = 0;
    for (const c of cs) if (c.end > offset || isDirectiveComment(this.sql, c)) cs[w++] = c;
    cs.length = w;
  }
}

/** A comment holding a `sqlguard-…` directive. */
export function isDirectiveComment(sql: string, c: Comment): boolean {
  return isDirective(directiveText(commentBody(sql, c), c.block));
}

/** A whole document in memory: for the ESLint language and tests. */
export interface ParsedDocument {
  doc: SqlDocument;
  statements: Statement[];
  /** The statements of every DO block and function body, in order. */
  nested: Statement[];
  items: DocumentItem[];
}

export function parseDocument(sql: string, options: DocumentOptions = {}): ParsedDocument {
  const doc = new SqlDocument(sql, options);
  const out: ParsedDocument = { doc, statements: [], nested: [], items: [] };
  for (const e of doc.events()) {
    if (e instanceof Statement) {
      out.statements.push(e);
      out.nested.push(...e.body);
    } else out.items.push(e);
  }
  out.items.sort((a, b) => a.start - b.start);
  return out;
}

/**
 * Follows BEGIN / COMMIT / ROLLBACK as PostgreSQL does to give each top-level statement the
 * transaction it runs in, and each transaction-control statement its effect (`txControl`).
 * In a file the migration tool wraps, the tool's transaction is open from the start: a BEGIN
 * there is nested (PostgreSQL ignores it), and a COMMIT or ROLLBACK ends the tool's transaction,
 * so what follows runs in autocommit. Savepoints never open or close the block.
 */
export class TransactionTracker {
  private state: TxState;
  private opener: Statement | null = null;
  /** psql's AUTOCOMMIT variable (`\set AUTOCOMMIT off`). */
  private autocommit = true;

  constructor(assumed: boolean) {
    this.state = assumed ? "assumed" : "none";
  }

  /** psql commands that change how statements are sent: `\set AUTOCOMMIT off|on`, `\unset AUTOCOMMIT`. */
  meta(item: DocumentItem): void {
    if (item.type !== "meta") return;
    if (item.command === "unset" && item.args.trim() === "AUTOCOMMIT") this.autocommit = true;
    if (item.command !== "set") return;
    const m = /^AUTOCOMMIT(?:\s+(.*))?$/.exec(item.args.trim());
    if (!m) return;
    const value = psqlBool((m[1] ?? "").trim().replace(/^'(.*)'$/, "$1"));
    if (value !== null) this.autocommit = value;
  }

  assign(s: Statement): void {
    // only transaction statements, and those a block may refuse, need their trees read here
    const action = s.nodeType === "TransactionStmt" && !isPlain(s) && s.node ? txAction(s.node) : null;
    if (!this.autocommit && this.state === "none" && s.parsed && !action && !refusedInBlock(s)) {
      // AUTOCOMMIT off: psql sends BEGIN first, and the block stays open until COMMIT or ROLLBACK.
      s.implicitBegin = true;
      this.state = "explicit";
      this.opener = s;
    }
    s.tx = this.state;
    s.block = this.state === "explicit" ? this.opener : null;
    if (action) {
      const effect = this.effectOf(action);
      s.txControl = { action, effect, keyword: txKeyword(s, action) };
      if (effect === "opens") {
        this.state = "explicit";
        this.opener = s;
      } else if (effect === "closes" || effect === "ends-assumed") {
        this.state = "none";
        this.opener = null;
      } else if (effect === "chains" && this.state === "explicit") {
        this.opener = s;
      }
    }
    s.txAfter = this.state;
  }

  private effectOf(action: TxAction): TxEffect {
    const open = this.state !== "none";
    switch (action) {
      case "begin":
        return open ? "nested" : "opens";
      case "commit":
      case "rollback":
      case "prepare":
        return this.state === "explicit" ? "closes" : this.state === "assumed" ? "ends-assumed" : "stray";
      case "chain":
        return open ? "chains" : "stray";
      case "savepoint":
        return open ? "savepoint" : "stray";
      default:
        return "none";
    }
  }
}

/** PostgreSQL refuses the statement inside a transaction block (as of the newest version). */
function refusedInBlock(s: Statement): boolean {
  if (isPlain(s) || !BLOCK_TYPES.has(s.nodeType)) return false;
  const tree = s.node;
  return tree !== null && refusalOf(s.nodeType, nodeBody(tree), { postgresVersion: 99 }) !== null;
}

/** The transaction command as written (`END`, `ABORT`, `START TRANSACTION`…), for messages. */
function txKeyword(s: Statement, action: TxAction): string {
  const first = (/^[A-Za-z]+/.exec(s.text)?.[0] ?? "").toUpperCase();
  const kind = String(nodeBody(s.node).kind ?? "");
  switch (action) {
    case "begin":
      return first === "START" ? "START TRANSACTION" : "BEGIN";
    case "chain":
      return `${first} AND CHAIN`;
    case "prepare":
      return "PREPARE TRANSACTION";
    case "savepoint":
      return kind === "TRANS_STMT_RELEASE" ? "RELEASE SAVEPOINT" : kind === "TRANS_STMT_ROLLBACK_TO" ? "ROLLBACK TO SAVEPOINT" : "SAVEPOINT";
    case "other":
      return kind === "TRANS_STMT_COMMIT_PREPARED" ? "COMMIT PREPARED" : kind === "TRANS_STMT_ROLLBACK_PREPARED" ? "ROLLBACK PREPARED" : first;
    default:
      return first;
  }
}

/** The text inside a comment's delimiters. */
export function commentBody(sql: string, c: Comment): string {
  return c.block ? sql.slice(c.start + 2, Math.max(c.start + 2, c.end - 2)) : sql.slice(c.start + 2, c.end);
}

function applyMasks(sql: string, start: number, end: number, masks: Mask[] | null, variables: boolean): string {
  const slice = sql.slice(start, end);
  if (!masks) return slice;
  let out = "";
  let at = start;
  for (const m of masks) {
    if (m.start < start || m.end > end || m.start < at) continue;
    if (!variables && m.variable) continue;
    out += sql.slice(at, m.start) + m.text;
    at = m.end;
  }
  return out + sql.slice(at, end);
}

/**
 * `parseItem`, with one statement's input limits kept to that statement: should anything run out
 * of stack on it (every walk is meant not to), the statement is reported as too deep to analyse
 * and the next one is read as usual.
 */
function parseStatementItem(doc: SqlDocument, item: StatementItem, trees: ReadonlySet<string> | undefined, part?: GroupPart): Statement[] {
  try {
    return parseItem(doc, item, trees, part);
  } catch (e) {
    if (!isStackOverflow(e)) throw e;
    const s = new Statement(doc, item.start, item.end, doc.source.slice(item.start, item.end), item.start);
    s.error = { message: TOO_DEEP_STATEMENT, offset: item.start, tooDeep: true };
    return [s];
  }
}

/** Statements parsed in one call at most (more make a group that fails on one error costlier). */
const GROUP = 8;

/**
 * The text of a statement parsed as it stands (no psql variable or masked text, no lexer error,
 * no NUL), one statement at most (no `;`), short (no tree too deep: see `MAY_BE_TOO_DEEP`) and
 * ASCII, which may be parsed in a group (see `parseGroup`); null for any other.
 */
function groupText(sql: string, item: StatementItem): string | null {
  if (item.masks || item.lexError || item.nul >= 0 || item.end - item.start > MAY_BE_TOO_DEEP || item.end <= item.start) return null;
  const text = sql.slice(item.start, item.end);
  return NOT_GROUPED.test(text) ? null : text;
}

const NOT_GROUPED = /[;\u0080-\uffff]/;

/**
 * The parts of a batch's statements parsed in groups: runs of `GROUP` groupable statements (with
 * other events between them, which the parser never sees) are parsed in one call each; a group
 * that fails (a syntax error in one of its statements) leaves each of them to be parsed alone, so
 * every error is found, worded and placed as before.
 */
function groupParts(sql: string, items: readonly (StatementItem | DocumentItem)[]): Map<StatementItem, GroupPart> | null {
  let parts: Map<StatementItem, GroupPart> | null = null;
  const run: StatementItem[] = [];
  const texts: string[] = [];
  const flush = () => {
    if (run.length > 1) {
      const group = parseGroup(texts);
      if (group) {
        parts ??= new Map();
        for (let k = 0; k < run.length; k++) parts.set(run[k]!, group[k]!);
      }
    }
    run.length = 0;
    texts.length = 0;
  };
  for (const item of items) {
    if (item.type !== "statement") continue;
    const text = groupText(sql, item);
    if (text === null) {
      flush();
      continue;
    }
    run.push(item);
    texts.push(text);
    if (run.length === GROUP) flush();
  }
  flush();
  return parts;
}

/**
 * A statement of one statement whose tree waits as JSON text until asked for: plain when its
 * keywords say what it is and no rule subscribes to its type (see `isPlain`).
 */
function deferred(s: Statement, json: string, type: string, trees: ReadonlySet<string> | undefined, byteBase: number): Statement {
  const shape = plainShape(s.parseText);
  s.defer(json, type, shape && !trees?.has(shape.nodeType) ? shape : null, byteBase);
  return s;
}

const TOO_DEEP_STATEMENT = "nested too deeply to analyse (sqlguard ran out of stack): the statement was not linted";

function parseItem(doc: SqlDocument, item: StatementItem, trees: ReadonlySet<string> | undefined, part?: GroupPart): Statement[] {
  const sql = doc.source;
  let parseText = applyMasks(sql, item.start, item.end, item.masks, true);
  const make = (start: number, end: number, text: string, base: number): Statement => {
    const s = new Statement(doc, start, end, text, base);
    // the lexer notes blank lines up to the `;`: only those inside the statement's tokens count
    s.blankLines = item.blankLines.length === 0 ? NO_BLANK_LINES : item.blankLines.filter((o) => o > start && o < end);
    s.semicolon = item.semicolon;
    s.terminator = item.terminator;
    s.copyFromStdin = item.copyFromStdin;
    return s;
  };
  // The caller parsed the whole text, one statement: this item, if it is all there is but trivia.
  if (
    doc.parsed &&
    !item.masks &&
    !item.lexError &&
    item.nul < 0 &&
    skipTrivia(sql, 0, sql.length) === item.start &&
    skipTrivia(sql, item.semicolon >= 0 ? item.semicolon + 1 : item.end, sql.length) === sql.length
  ) {
    const s = make(item.start, item.end, sql, 0);
    setNode(s, doc.parsed.stmt);
    return [s];
  }

  if (item.lexError) {
    const whole = make(item.start, item.end, parseText, item.start);
    whole.error = { message: item.lexError.message, offset: item.lexError.offset };
    return [whole];
  }
  if (item.nul >= 0) {
    const whole = make(item.start, item.end, parseText, item.start);
    whole.error = {
      message:
        item.nul === item.start
          ? "NUL byte (a zero byte): psql ignores the rest of this line, so what follows it here never runs"
          : "NUL byte inside the statement: PostgreSQL stops reading at it, so the statement was not linted",
      offset: item.nul,
    };
    return [whole];
  }

  // Parsed with the statements around it (see `groupText`): its part of the group's JSON.
  if (part) return [deferred(make(item.start, item.end, parseText, item.start), part.json, part.type, trees, part.byteBase)];

  // A text the parser reads as one statement: its tree is read only if asked for. A short text
  // without `;` holds one statement at most and cannot be too deep (see `parseSql`); of any other,
  // the JSON is looked over for both (`jsonStatements`).
  let outcome: ParseOutcome | null = null;
  if (parseText.length > 0) {
    const raw = parseJson(parseText);
    if (!raw.ok) outcome = raw;
    else {
      const count = parseText.length <= MAY_BE_TOO_DEEP && !parseText.includes(";") ? 1 : jsonStatements(raw.json);
      const type = count === 1 ? soleStatementType(raw.json) : null;
      if (type !== null) return [deferred(make(item.start, item.end, parseText, item.start), raw.json, type, trees, 0)];
      // a short text cannot be too deep, and a long one's JSON was looked over
      outcome = count < 0 ? tooDeep() : readStatements(parseText, raw.json, true);
    }
  }
  outcome ??= parseSql(parseText);
  if (!outcome.ok && item.hasVariables) {
    // `arr[1:n]` is a slice, not a psql variable: try again as plain SQL.
    const plain = applyMasks(sql, item.start, item.end, item.masks, false);
    const retry = parseSql(plain);
    if (retry.ok) {
      outcome = retry;
      parseText = plain;
    }
  }
  if (!outcome.ok) {
    const s = make(item.start, item.end, parseText, item.start);
    const at = item.start + outcome.offset;
    // psql pastes a variable's value in as text: `:show_data;` or `EXPLAIN :qry;` run whatever
    // query the variable holds. When the parser stops at a variable, whether the statement is
    // valid depends on a value we do not know: it is not a syntax error of the file.
    if (!outcome.tooDeep && item.masks?.some((m) => m.variable && at >= m.start && at <= m.refEnd)) return [s];
    s.error = { message: outcome.message, offset: at, ...(outcome.tooDeep ? { tooDeep: true as const } : {}), ...(outcome.parserLimit ? { parserLimit: true as const } : {}) };
    return [s];
  }
  const stmts = outcome.stmts;
  if (stmts.length <= 1) {
    const s = make(item.start, item.end, parseText, item.start);
    if (stmts.length === 1) setNode(s, stmts[0]!.stmt);
    return [s];
  }
  // Our splitter kept together what the parser sees as several statements: split by its ranges.
  const utf8 = new Utf8Offsets(parseText);
  return stmts.map((raw, k) => {
    const range = utf8.statementRange(raw);
    let a = range[0];
    const b = range[1];
    while (a < b && /\s/.test(parseText[a]!)) a++;
    const s = make(item.start + a, item.start + b, parseText, item.start);
    if (k < stmts.length - 1) {
      // The parser split at a `;` inside our item: the statement is terminated, offset unknown.
      s.semicolon = -1;
      s.terminator = "semicolon";
    }
    setNode(s, raw.stmt);
    return s;
  });
}

/** What a plain statement's keywords say it is (see `plainShape`). */
export interface PlainShape {
  nodeType: string;
  kind: StatementKind;
}

/**
 * Shapes of statement told from their text (the leading keywords, and no word that could change
 * what the statement does) whose tree is built only when a rule subscribes to their type or
 * something asks for it; the front-end's own questions (transaction control, statements refused
 * in a block) never need it. A word in a string or a comment only makes a
 * statement not plain (parsed in full), never the other way round. Only short texts (no tree deep
 * enough to need `MAX_TREE_DEPTH`'s check) and single statements (no `;`) qualify.
 */
const PLAIN: { head: RegExp; unless?: RegExp; shape: PlainShape }[] = [
  // SELECT … INTO creates a table; a data-modifying WITH would have to come first
  { head: /^select\b/i, unless: /\binto\b/i, shape: { nodeType: "SelectStmt", kind: "read" } },
  // a WITH inside may hold an UPDATE or DELETE
  { head: /^insert\b/i, unless: /\b(?:with|update|delete|merge)\b/i, shape: { nodeType: "InsertStmt", kind: "write" } },
  // CREATE TABLE … AS is a CreateTableAsStmt
  {
    head: /^create\s+(?:(?:global|local)\s+)?(?:(?:temp|temporary|unlogged)\s+)?table\b/i,
    unless: /\bas\b/i,
    shape: { nodeType: "CreateStmt", kind: "ddl" },
  },
  // EXPLAIN ANALYZE runs the statement; an option may also be spelt as a quoted identifier with
  // Unicode escapes (U&"analyz\0065")
  { head: /^explain\b/i, unless: /\banaly[sz]e\b|u&"/i, shape: { nodeType: "ExplainStmt", kind: "read" } },
  // RENAME, SET SCHEMA and ALL IN TABLESPACE are other statements; DETACH … CONCURRENTLY is refused in a block
  { head: /^alter\s+table\b/i, unless: /\b(?:rename|schema|tablespace|concurrently|depends)\b/i, shape: { nodeType: "AlterTableStmt", kind: "ddl" } },
  // DROP DATABASE, TABLESPACE, SUBSCRIPTION, ROLE, OWNED… are other statements; DROP INDEX CONCURRENTLY is refused in a block
  {
    head: /^drop\s+(?:table|view|materialized\s+view|index|sequence|type|domain|function|procedure|routine|aggregate|schema|extension|trigger|rule|policy|collation|statistics)\b/i,
    unless: /\bconcurrently\b/i,
    shape: { nodeType: "DropStmt", kind: "ddl" },
  },
  // SET LOCAL and SET TRANSACTION need a block; SET CONSTRAINTS is another statement
  { head: /^set\b/i, unless: /\b(?:local|transaction|constraints|characteristics)\b/i, shape: { nodeType: "VariableSetStmt", kind: "utility" } },
  // CREATE INDEX CONCURRENTLY is refused in a block
  { head: /^create\s+(?:unique\s+)?index\b/i, unless: /\bconcurrently\b/i, shape: { nodeType: "IndexStmt", kind: "ddl" } },
  { head: /^create\s+(?:or\s+replace\s+)?(?:(?:temp|temporary)\s+)?(?:recursive\s+)?view\b/i, shape: { nodeType: "ViewStmt", kind: "ddl" } },
  { head: /^create\s+(?:or\s+replace\s+)?(?:constraint\s+)?trigger\b/i, shape: { nodeType: "CreateTrigStmt", kind: "ddl" } },
];

/**
 * The shapes of `PLAIN` by the first letter of their first word, lower case (`s`: SELECT and SET):
 * a statement is tried against the heads of its own letter only, in `PLAIN`'s order. Heads of two
 * letters never match the same text.
 */
const PLAIN_BY_LETTER: (typeof PLAIN)[] = [];
for (const p of PLAIN) (PLAIN_BY_LETTER[p.head.source.charCodeAt(1) | 0x20] ??= []).push(p);

export function plainShape(text: string): PlainShape | null {
  if (text.length > MAY_BE_TOO_DEEP) return null;
  const heads = PLAIN_BY_LETTER[text.charCodeAt(0) | 0x20];
  if (heads === undefined || text.includes(";")) return null;
  for (let i = 0; i < heads.length; i++) {
    const p = heads[i]!;
    if (p.head.test(text)) return p.unless?.test(text) ? null : p.shape;
  }
  return null;
}

function setNode(s: Statement, node: PgNode): void {
  s.node = node;
  s.nodeType = nodeType(node);
  s.kind = classify(node);
}

// --- statements inside function bodies and DO blocks ---

export interface Literal {
  /** Index (in the statement's parse text) of the opening quote and just past the closing one. */
  open: number;
  close: number;
  /** Index of the first content character. */
  contentStart: number;
  content: string;
  /** Maps an index of `content` to an index of the parse text. */
  map: (i: number) => number;
}

/** Finds the string literal at or after `from` (skipping whitespace, comments and `AS`). */
function literalAt(text: string, from: number): Literal | null {
  let i = from;
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (text.startsWith("--", i)) {
      const nl = text.indexOf("\n", i);
      i = nl < 0 ? text.length : nl + 1;
    } else if (text.startsWith("/*", i)) {
      const e = text.indexOf("*/", i + 2);
      if (e < 0) return null;
      i = e + 2;
    } else if (/^as\b/i.test(text.slice(i, i + 3))) i += 2;
    else break;
  }
  if (text[i] === "$") {
    const m = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(text.slice(i, i + 200));
    if (!m) return null;
    const tag = m[0];
    const close = text.indexOf(tag, i + tag.length);
    if (close < 0) return null;
    const contentStart = i + tag.length;
    const content = text.slice(contentStart, close);
    return { open: i, close: close + tag.length, contentStart, content, map: (k) => contentStart + k };
  }
  if (text[i] === "'") {
    const end = scanQuoted(text, i + 1, 39, false);
    if (end < 0) return null;
    const raw = text.slice(i + 1, end - 1);
    const contentStart = i + 1;
    if (!raw.includes("''")) return { open: i, close: end, contentStart, content: raw, map: (k) => contentStart + k };
    // Each doubled quote collapses to one character: keep where they were to map back.
    const collapsed: number[] = [];
    let content = "";
    for (let k = 0; k < raw.length; k++) {
      content += raw[k];
      if (raw[k] === "'" && raw[k + 1] === "'") {
        collapsed.push(content.length);
        k++;
      }
    }
    return {
      open: i,
      close: end,
      contentStart,
      content,
      map: (k) => {
        let extra = 0;
        for (const c of collapsed) if (c <= k) extra++;
        return contentStart + k + extra;
      },
    };
  }
  return null;
}

/** The string body of a DO block or of a function or procedure, and its language. */
export interface BodySource {
  literal: Literal;
  language: string;
}

/** Whether statements of this type have a body of statements (see `bodySource`): DO blocks, functions and procedures. */
export function hasBody(type: string): boolean {
  return type === "DoStmt" || type === "CreateFunctionStmt";
}

/** The string body of a DO block or function (null for other statements and BEGIN ATOMIC bodies). */
export function bodySource(s: Statement): BodySource | null {
  const type = s.nodeType;
  if (!hasBody(type) || !s.parsed) return null;
  const body = nodeBody(s.node);
  const opts = defElems(type === "DoStmt" ? body.args : body.options);
  const language = String(nodeBody(opts.find((d) => d.defname === "language")?.arg).sval ?? (type === "DoStmt" ? "plpgsql" : "sql")).toLowerCase();
  const as = opts.find((d) => d.defname === "as");
  if (!as || body.sql_body) return null; // BEGIN ATOMIC bodies are already in the AST
  // an index of the parse text (which may begin before the statement)
  const from = typeof as.location === "number" && as.location >= 0 ? s.indexOf(as.location) : s.start - s.offsetOfIndex(0);
  const literal = literalAt(s.parseText, Math.max(0, from));
  if (!literal || literal.content.trim() === "") return null;
  return { literal, language };
}

/** `bodyStatements`, with a body that runs out of stack reported on the body instead of lost. */
function safeBodyStatements(doc: SqlDocument, s: Statement): Statement[] {
  try {
    return bodyStatements(doc, s);
  } catch (e) {
    if (!isStackOverflow(e)) throw e;
    const inner = new Statement(doc, s.start, s.end, s.parseText, (i) => s.offsetOfIndex(i));
    inner.parent = s;
    inner.error = { message: "nested too deeply to analyse (sqlguard ran out of stack): the body was not linted", offset: s.start, tooDeep: true };
    inner.tx = inner.txAfter = s.tx;
    inner.block = s.block;
    return [inner];
  }
}

/**
 * Statements inside the string body of a DO block, or of a function or procedure (SQL or PL/pgSQL).
 * A function's statements run when it is called, not here; a DO block's run here. A body, or a
 * statement in it, too deeply nested to analyse (or for PostgreSQL to parse) becomes a statement
 * carrying that error where it stands, so it is reported as at top level; other mistakes in a body
 * are left to the server.
 */
function bodyStatements(doc: SqlDocument, s: Statement): Statement[] {
  const out: Statement[] = [];
  const source = s.bodySource;
  if (!source) return out;
  const { literal: lit, language } = source;
  const mapIndex = (i: number) => s.offsetOfIndex(lit.map(i));
  /** A statement of the body that could not be read for its nesting, from `a` to `b` of `text`. */
  const tooDeep = (text: string, a: number, b: number, map: (i: number) => number, error: Omit<StatementError, "offset">, at: number) => {
    const start = skipTrivia(text, a, b);
    let end = b;
    while (end > start && /\s/.test(text[end - 1]!)) end--;
    const inner = new Statement(doc, map(start), map(end), text, map);
    inner.parent = s;
    inner.error = { ...error, offset: map(Math.max(start, Math.min(at, end))) };
    out.push(inner);
  };
  const nestingError = (outcome: { message: string; tooDeep?: true; parserLimit?: true }) =>
    outcome.tooDeep || outcome.parserLimit
      ? { message: outcome.message, ...(outcome.tooDeep ? { tooDeep: true as const } : {}), ...(outcome.parserLimit ? { parserLimit: true as const } : {}) }
      : null;

  if (language === "sql") {
    const outcome = parseSql(lit.content);
    if (outcome.ok) addBodyStatements(doc, s, lit.content, outcome.stmts, mapIndex, out);
    else {
      // other mistakes: the server reports them when the function is created
      const error = nestingError(outcome);
      if (error) tooDeep(lit.content, 0, lit.content.length, mapIndex, error, outcome.offset);
    }
  } else if (language === "plpgsql") {
    // The body may use psql-style variables its runner substitutes (graphile-worker does).
    // It is handed over dollar-quoted whatever its quoting was, so line numbers match `content`.
    const content = lit.content.replace(/(?<![:\w]):(?=[A-Za-z_])/g, "_");
    let tag = "$sqlguard$";
    while (content.includes(tag)) tag = tag.replace(/\$$/, "_$");
    const source = s.parseText.slice(0, lit.open) + tag + content + tag + s.parseText.slice(lit.close);
    const parsed = parsePlpgsql(source);
    if (!parsed.ok) {
      // PL/pgSQL gives no position: the error stands at the start of the body
      const error = nestingError(parsed);
      if (error) tooDeep(lit.content, 0, lit.content.length, mapIndex, error, 0);
    } else {
      const lineStarts = [0];
      for (let k = 0; k < content.length; k++) if (content[k] === "\n") lineStarts.push(k + 1);
      walk(parsed.tree, (t, b) => {
        if (t !== "PLpgSQL_stmt_execsql") return;
        const query = String((b.sqlstmt as PgNode | undefined)?.PLpgSQL_expr?.query ?? "");
        const line = Number(b.lineno ?? 0);
        if (!query || line < 1) return;
        const at = content.indexOf(query, lineStarts[line - 1] ?? 0);
        if (at < 0) return; // the text was rewritten (SELECT … INTO …): positions cannot be exact
        const outcome = parseSql(query);
        const map = (i: number) => mapIndex(at + i);
        if (outcome.ok) addBodyStatements(doc, s, query, outcome.stmts, map, out);
        else {
          const error = nestingError(outcome);
          if (error) tooDeep(query, 0, query.length, map, error, outcome.offset);
        }
      });
    }
  }
  for (const inner of out) {
    inner.tx = inner.txAfter = s.tx;
    inner.block = s.block;
  }
  return out;
}

function addBodyStatements(
  doc: SqlDocument,
  parent: Statement,
  text: string,
  stmts: RawStmt[],
  mapIndex: (i: number) => number,
  out: Statement[],
): void {
  const utf8 = new Utf8Offsets(text);
  for (const raw of stmts) {
    const range = utf8.statementRange(raw);
    let a = range[0];
    const b = range[1];
    a = skipTrivia(text, a, b);
    let e = b;
    while (e > a && /\s/.test(text[e - 1]!)) e--;
    const s = new Statement(doc, mapIndex(a), mapIndex(e), text, mapIndex);
    s.parent = parent;
    setNode(s, raw.stmt);
    out.push(s);
  }
}

/** Skips whitespace and comments. */
function skipTrivia(text: string, i: number, end: number): number {
  for (;;) {
    while (i < end && /\s/.test(text[i]!)) i++;
    if (text.startsWith("--", i)) {
      const nl = text.indexOf("\n", i);
      i = nl < 0 || nl > end ? end : nl + 1;
    } else if (text.startsWith("/*", i)) {
      const e = text.indexOf("*/", i + 2);
      i = e < 0 || e > end ? end : e + 2;
    } else return i;
  }
}


/**
 * What migration-safety rules need to know about the statements before the one they look at:
 * which tables this document created (a new table is empty and no one else uses it yet, so lock
 * rules leave it alone), which constraints were added NOT VALID or validated and in which
 * transaction, which indexes it built, and what `lock_timeout` / `statement_timeout` are.
 *
 * The state is a timeline over document offsets: every fact records where it starts (the offset of
 * the statement that established it) and, once dropped, renamed away or rolled back, where it ends.
 * A query names the statement asking and sees what was true just before it, whatever order rules
 * are run in (the ESLint plugin runs them one by one over the same statements) and whether the
 * statement asking sits inside a DO block whose whole body was already read.
 *
 * Rules share one state per document (`migrationState(doc)`) and feed it from their `statement`
 * listener (`see(stmt)`: idempotent, statements come in document order). What "the same
 * transaction" means lives in `transactionOf` alone: the document's run model (how its migration
 * tool sends the unit) and the transaction commands in it.
 *
 * The SQL strings of one migration written in code (the `queryRunner.query` calls of a TypeORM
 * `up`, a knex migration's `raw` calls…) are documents of their own that run one after the other:
 * the extractor chains them (`SqlDocument.previous`), and they share one state, so a table created
 * by one string is new to the next. Positions in a chain are global: each document's offsets
 * shifted past the documents before it (`pos`); facts keep them, queries compare them.
 */
import { nodeBody, nodeType } from "./classify.js";
import { unquoteName } from "./clause.js";
import { actionRange, alterActionRanges, alterCmds, type Range } from "./ddl.js";
import { isPlain, Statement, type SqlDocument } from "./document.js";
import type { PgNode } from "./parser.js";
import { lastBelow } from "../util/search.js";

// --- transactions ---

/** The transaction a statement runs in, as the migration rules see it. */
export interface TransactionInfo {
  /**
   * `none`: the statement commits on its own; `block`: an explicit BEGIN … COMMIT; `assumed`: the
   * migration tool's transaction around the unit (run model `wrapped`); `implicit`: the unit is sent
   * as one query string (run model `implicit`: Prisma Migrate, golang-migrate; SQL in code), which
   * PostgreSQL runs as one transaction up to the next transaction command.
   */
  kind: "none" | "block" | "assumed" | "implicit";
  /** Equal for statements of the same transaction, different otherwise. */
  id: number;
  /** The statement that opened an explicit block (BEGIN, COMMIT AND CHAIN), else null. */
  opener: Statement | null;
}

/** Whether a statement runs inside a transaction that also holds other statements of the document. */
export function inTransaction(info: TransactionInfo): boolean {
  return info.kind !== "none";
}

// --- names ---

/** A table as a statement names it: the schema when written (or known from `SET search_path`). */
export interface TableName {
  schema: string | null;
  name: string;
}

/** `schema.name`, or `name` when the schema is not known. */
export function tableText(t: TableName): string {
  return t.schema ? `${t.schema}.${t.name}` : t.name;
}

/** Two names denote the same table: same name, and same schema when both schemas are known. */
export function sameTable(a: TableName, b: TableName): boolean {
  return a.name === b.name && (a.schema === null || b.schema === null || a.schema === b.schema);
}

// --- facts ---

interface Span {
  /** Document offset of the statement that established the fact. */
  from: number;
  /** Document offset of the statement that ended it (DROP, RENAME, ROLLBACK), if any. */
  until?: number;
}

/**
 * Where a statement stands: what a fact keeps of the statement it records. Facts live for the
 * whole file (and the documents chained after it), and a statement holds much more (its parse
 * text, its transaction, its errors): kept by a fact, all of it outlived young-generation
 * collections and was copied by them until it was promoted.
 */
export interface StatementPlace {
  readonly doc: SqlDocument;
  readonly start: number;
  readonly end: number;
}

function placeOf(stmt: Statement): StatementPlace {
  return { doc: stmt.doc, start: stmt.start, end: stmt.end };
}

/** Whether a fact's statement is `stmt` (facts keep places, not statements: see `StatementPlace`). */
export function isPlaceOf(place: StatementPlace, stmt: Statement): boolean {
  return place.doc === stmt.doc && place.start === stmt.start && place.end === stmt.end;
}

/** A table this document created. */
export interface NewTable extends Span {
  table: TableName;
  /** The CREATE statement (top-level, or inside a DO block). */
  stmt: StatementPlace;
  /** The transaction it was created in. */
  txId: number;
  /** A temporary table: no other session can see it at all. */
  temporary: boolean;
  /** Created with rows (CREATE TABLE … AS, SELECT … INTO). */
  populated: boolean;
  /** `CREATE TABLE IF NOT EXISTS`: the table may have existed before, with rows. */
  ifNotExists: boolean;
  /** Position of the first statement that loaded rows into it (INSERT, COPY FROM, MERGE), if any. */
  loadedAt?: number;
  /** That statement (in this document, or an earlier one of its chain). */
  loadedBy?: StatementPlace;
}

/** What `newTable` answers: the table was created earlier in this document and still exists. */
export interface NewTableAt {
  fact: NewTable;
  /** Created in the transaction the asking statement runs in (no one else can see it yet). */
  sameTransaction: boolean;
  /** Rows were put into it before the asking statement (loaded, or created AS a query). */
  hasRows: boolean;
}

/** A constraint this document added, or validated without adding it. */
export interface ConstraintFact extends Span {
  table: TableName;
  /** The name given (`CONSTRAINT name`); "" when PostgreSQL makes one up. */
  name: string;
  /** `CONSTR_CHECK`, `CONSTR_FOREIGN`, `CONSTR_NOTNULL`…; "" for a constraint only seen validated. */
  contype: string;
  /** Added with NOT VALID. */
  notValid: boolean;
  /** The Constraint node's fields (null for a constraint only seen validated). */
  node: PgNode | null;
  /** The ALTER TABLE statement that added it. */
  stmt: StatementPlace;
  txId: number;
  /** Offset of the statement that validated it (VALIDATE CONSTRAINT), if any. */
  validatedAt?: number;
  /** The statement that validated it. */
  validatedBy?: StatementPlace;
}

/** A table emptied by TRUNCATE or DELETE without WHERE. */
export interface EmptiedFact extends Span {
  table: TableName;
  txId: number;
  stmt: StatementPlace;
}

/** An index this document built. */
export interface IndexFact extends Span {
  schema: string | null;
  name: string;
  table: TableName;
  concurrent: boolean;
  stmt: StatementPlace;
}

/** The value of a setting as a statement sees it. */
export interface SettingValue {
  /** The value as written (`'5s'`, `0`, `DEFAULT`). */
  value: string;
  /** 0 turns the timeout off. */
  disabled: boolean;
  /** Set with SET LOCAL (or `set_config(…, true)`): gone at the end of the transaction. */
  local: boolean;
  /** The statement that set it. */
  stmt: StatementPlace;
}

interface SettingsSnapshot {
  from: number;
  values: ReadonlyMap<string, SettingValue>;
}

/** Settings the state follows. */
export const TRACKED_SETTINGS = ["lock_timeout", "statement_timeout", "search_path", "timezone"] as const;
export type TrackedSetting = (typeof TRACKED_SETTINGS)[number];

const TRACKED = new Set<string>(TRACKED_SETTINGS);

/** Words without which a SET or a SELECT changes nothing the state follows. */
const SET_WORDS = /lock_timeout|statement_timeout|search_path|time\s*zone|\ball\b/i;
const SELECT_WORDS = /\binto\b|set_config/i;
const SET_CONFIG = /set_config/i;

// --- ALTER TABLE, as the lock rules read it ---

/** An ALTER TABLE of a table (not an index, view or sequence), with what the lock rules ask of it. */
export interface TableAlter {
  /** The table as messages name it: `schema.name`, the schema when written or known from `SET search_path`. */
  table: string;
  /** The RangeVar's fields. */
  relation: PgNode | undefined;
  /** The table was created earlier in this migration (see `MigrationState.newTable`); null: it existed before. */
  fresh: NewTableAt | null;
  /** The actions (AlterTableCmd bodies), in order. */
  cmds: PgNode[];
  /** The text of action `k` (the whole statement when the text cannot be matched). */
  range(k: number): Range;
}

/** Reads an ALTER TABLE for the lock rules; null when it alters something other than a table. */
export function tableAlter(state: MigrationState, body: PgNode, stmt: Statement): TableAlter | null {
  if (body.objtype !== "OBJECT_TABLE") return null;
  // a dozen lock rules read each ALTER TABLE, in a row, with the state unchanged: read it once
  const last = state.lastAlter;
  if (last && last.body === body && last.stmt === stmt) return last.alter;
  const alter = readAlter(state, body, stmt);
  state.lastAlter = { body, stmt, alter };
  return alter;
}

function readAlter(state: MigrationState, body: PgNode, stmt: Statement): TableAlter {
  const relation = body.relation as PgNode | undefined;
  let ranges: Range[] | null | undefined;
  return {
    table: tableText(state.resolve(relation, stmt) ?? { schema: null, name: "?" }),
    relation,
    fresh: state.newTable(relation, stmt),
    cmds: alterCmds(body),
    range: (k) => actionRange(stmt, body, k, (ranges ??= alterActionRanges(stmt, body))),
  };
}

// --- the state ---

const STATES = new WeakMap<SqlDocument, MigrationState>();

/** Documents a chain may hold: more are read as a chain of their own. */
const MAX_CHAIN = 10_000;

/**
 * The migration state of a document, shared by every rule that reads it, and by the documents
 * chained before and after it (see `SqlDocument.previous`).
 */
export function migrationState(doc: SqlDocument): MigrationState {
  let head = doc;
  for (let n = 0; head.previous && n < MAX_CHAIN; n++) head = head.previous;
  let state = STATES.get(head);
  if (!state) STATES.set(head, (state = new MigrationState(head)));
  state.reach(doc);
  return state;
}

interface Undo {
  /** Reverts the live state and closes the fact's span at `offset`. */
  (offset: number): void;
}

export class MigrationState {
  private lastSeen = -1;
  /** The statement `see` took last. */
  private lastStmt: Statement | null = null;
  private nextTx = 1;
  private readonly openerIds = new WeakMap<Statement, number>();
  /** Per document: how many of its top-level statements parsed (see `parsedStatements`). */
  private readonly parsedCounts = new Map<SqlDocument, number>();
  /** For `tableAlter`: the ALTER TABLE it read last (one entry, replaced by the next). */
  lastAlter: { body: PgNode; stmt: Statement; alter: TableAlter } | null = null;
  /** The `search_path` `defaultSchema` read last, and the schema it names first. */
  private lastPath: { value: SettingValue; schema: string | null } | null = null;
  /** The statement `transactionOf` answered last, and its answer. */
  private lastTxOf: Statement | null = null;
  private lastTx: TransactionInfo | null = null;
  private assumedId = 0;

  private readonly tables = new Map<string, NewTable[]>();
  private readonly constraints: ConstraintFact[] = [];
  /** Indexes built, by name (a name may be built, dropped and built again). */
  private readonly indexes = new Map<string, IndexFact[]>();
  private readonly emptied: EmptiedFact[] = [];
  /** Tables created and not yet dropped, by name (for the cheap INSERT check). */
  private readonly liveTables = new Map<string, NewTable[]>();

  /** Settings: session values, the transaction's SET LOCAL values, and the timeline of what applies. */
  private session = new Map<string, SettingValue>();
  private local = new Map<string, SettingValue>();
  private readonly snapshots: SettingsSnapshot[] = [];

  /** Undo steps of the open transaction (ROLLBACK runs them), and its savepoints. */
  private undo: Undo[] = [];
  private savepoints: { name: string; depth: number }[] = [];
  private currentTx = 0;

  /** Where each document of the chain starts in global positions (the head at 0). */
  private readonly bases = new Map<SqlDocument, number>();
  /** The documents of the chain in order, as far as they are known. */
  private readonly chain: SqlDocument[] = [];
  /** The document whose statements were seen last, and the end of its last statement. */
  private lastDoc: SqlDocument | null = null;
  private lastEnd = 0;
  /** Per document: the implicit transaction its query string runs in (SQL in code). */
  private readonly implicitIds = new Map<SqlDocument, number>();

  constructor(
    /** The first document of the chain (the document itself, unless it is chained). */
    readonly doc: SqlDocument,
  ) {
    this.bases.set(doc, 0);
    this.chain.push(doc);
  }

  /** Knows `doc`, a document of this chain, and those between the last known one and it. */
  reach(doc: SqlDocument): void {
    if (this.bases.has(doc)) return;
    const missing: SqlDocument[] = [];
    for (let d: SqlDocument | null = doc; d && !this.bases.has(d) && missing.length < MAX_CHAIN; d = d.previous) missing.unshift(d);
    for (const d of missing) {
      const last = this.chain[this.chain.length - 1]!;
      this.bases.set(d, this.bases.get(last)! + last.sql.length + 1);
      this.chain.push(d);
    }
  }

  /** How many top-level statements of `doc` that parse were seen so far. */
  parsedStatements(doc: SqlDocument): number {
    return this.parsedCounts.get(doc) ?? 0;
  }

  /** A statement's position in the chain. */
  pos(stmt: Statement): number {
    return this.at(stmt, stmt.start);
  }

  /** A statement's end in the chain. */
  private posEnd(stmt: Statement): number {
    return this.at(stmt, stmt.end);
  }

  /** An offset of the statement's document, as a position in the chain. */
  private at(stmt: Statement, offset: number): number {
    const base = this.bases.get(stmt.doc);
    if (base === undefined) {
      this.reach(stmt.doc);
      return (this.bases.get(stmt.doc) ?? 0) + offset;
    }
    return base + offset;
  }

  // --- feeding ---

  /**
   * `see` as a rule's `statement` listener (`statement: state.feed`): one function per state, so
   * the engine calls it once per statement however many rules of the document share it.
   */
  readonly feed = (stmt: Statement): void => this.see(stmt);

  /** Takes in a top-level statement (and a DO block's statements). Call for every statement, in order. */
  see(stmt: Statement): void {
    // every migration rule feeds each statement: after the first, one comparison
    if (stmt === this.lastStmt || stmt.parent !== null) return;
    this.lastStmt = stmt;
    if (stmt.doc !== this.lastDoc) this.enterDocument(stmt.doc);
    const at = this.pos(stmt);
    if (at <= this.lastSeen) return;
    this.lastSeen = at;
    if (stmt.parsed) this.parsedCounts.set(stmt.doc, (this.parsedCounts.get(stmt.doc) ?? 0) + 1);
    this.lastEnd = this.posEnd(stmt);
    const tx = this.transactionOf(stmt);
    if (tx.id !== this.currentTx) {
      // the implicit transaction of a query string ends where a transaction command cuts it
      if (this.currentTx !== 0) this.endTx(at, true);
      this.beginTx(tx.id);
    }
    this.take(stmt, tx.id);
    if (stmt.nodeType === "DoStmt") for (const inner of stmt.body) this.take(inner, tx.id);
    const c = stmt.txControl;
    if (c) {
      this.control(stmt);
      // statements after a transaction command are another implicit transaction
      this.implicitIds.delete(stmt.doc);
    }
    if (tx.kind === "none") this.endTx(this.posEnd(stmt), true);
  }

  /**
   * The statements of `doc` come next. The documents of the chain before it that were not seen
   * (no rule fed them) are read first; the query string of the document before ends its implicit
   * transaction, while the tool's transaction around a migration goes on.
   */
  private enterDocument(doc: SqlDocument): void {
    this.reach(doc);
    const index = this.chain.indexOf(doc);
    const lastIndex = this.lastDoc ? this.chain.indexOf(this.lastDoc) : -1;
    // an earlier document again (another rule reading it): its statements are known already
    if (index < lastIndex) return;
    this.leave(this.lastDoc);
    for (let i = lastIndex + 1; i < index; i++) {
      const skipped = this.chain[i]!;
      this.lastDoc = skipped;
      for (const e of skipped.events()) if (e instanceof Statement) this.see(e);
      this.leave(skipped);
    }
    this.lastDoc = doc;
  }

  /** A document's statements are over: unless the tool's transaction goes on, what it opened ends. */
  private leave(doc: SqlDocument | null): void {
    if (!doc || this.currentTx === 0) return;
    if (doc.run.mode !== "wrapped") this.endTx(this.lastEnd, true);
  }

  /**
   * The transaction a statement runs in: the one place that decides it, from the front-end's
   * `stmt.tx` (BEGIN … COMMIT, and the migration tool's transaction when the run model says
   * `wrapped`) and the document's run model. A unit the tool sends as one query string (`implicit`:
   * Prisma, golang-migrate, SQL in code) runs its statements as one implicit transaction, which
   * each transaction command ends (after COMMIT, the next statements start another).
   */
  transactionOf(stmt: Statement): TransactionInfo {
    const top = stmt.parent ?? stmt;
    // asked by `see` and then by the rules of the same statement: the last answer is kept
    if (top === this.lastTxOf) return this.lastTx!;
    const info = this.findTransaction(top);
    this.lastTxOf = top;
    this.lastTx = info;
    return info;
  }

  private findTransaction(top: Statement): TransactionInfo {
    const known = top.migrationTx || undefined;
    const opener = top.tx === "explicit" ? top.block : null;
    const kind = this.kindOf(top);
    if (known !== undefined) return { kind, id: known, opener };
    let id: number;
    if (top.tx === "explicit" && top.block) {
      id = this.openerIds.get(top.block) ?? 0;
      if (id === 0) this.openerIds.set(top.block, (id = this.nextTx++));
    } else if (kind === "assumed") {
      id = this.assumedId ||= this.nextTx++;
    } else if (kind === "implicit") {
      // sent as one query string (SQL in code; a file its tool sends whole, as Prisma does):
      // PostgreSQL runs its statements as one implicit transaction, up to a transaction command
      id = this.implicitIds.get(top.doc) ?? this.nextTx++;
      this.implicitIds.set(top.doc, id);
    } else {
      id = this.nextTx++;
    }
    top.migrationTx = id;
    return { kind, id, opener };
  }

  private kindOf(s: Statement): TransactionInfo["kind"] {
    if (s.tx === "explicit") return "block";
    if (s.tx === "assumed") return "assumed";
    return sentWhole(s) ? "implicit" : "none";
  }

  // --- queries ---

  /**
   * The table named, if this document created it before `at` and it still exists there.
   * `at`: the statement asking (a top-level one, or one inside a DO block).
   */
  newTable(relation: PgNode | TableName | undefined, at: Statement): NewTableAt | null {
    const table = this.tableOf(relation, at);
    if (!table) return null;
    const q = this.pos(at);
    const facts = this.tables.get(table.name);
    if (!facts) return null;
    for (let i = facts.length - 1; i >= 0; i--) {
      const f = facts[i]!;
      if (!visible(f, q) || !sameTable(f.table, table)) continue;
      const tx = this.transactionOf(at);
      return {
        fact: f,
        sameTransaction: tx.kind !== "none" && tx.id === f.txId,
        hasRows: f.populated || (f.loadedAt !== undefined && f.loadedAt < q),
      };
    }
    return null;
  }

  /**
   * The constraint of that name on that table, added (or validated) in this document before `at`
   * (or before `offset`, an offset of `at`'s document).
   */
  constraint(relation: PgNode | TableName | undefined, name: string, at: Statement, offset = at.start): ConstraintFact | null {
    const table = this.tableOf(relation, at);
    if (!table) return null;
    const q = this.at(at, offset);
    for (let i = this.constraints.length - 1; i >= 0; i--) {
      const c = this.constraints[i]!;
      if (c.name === name && visible(c, q) && sameTable(c.table, table)) return c;
    }
    return null;
  }

  /** Every constraint on that table added or validated in this document and still there at `at`. */
  constraintsOn(relation: PgNode | TableName | undefined, at: Statement, offset = at.start): ConstraintFact[] {
    const table = this.tableOf(relation, at);
    if (!table) return [];
    const q = this.at(at, offset);
    return this.constraints.filter((c) => visible(c, q) && sameTable(c.table, table));
  }

  /**
   * The statement that emptied the table (TRUNCATE, DELETE without WHERE) earlier in the transaction
   * `at` runs in, with no rows loaded since by this document; null otherwise.
   */
  emptiedInTransaction(relation: PgNode | TableName | undefined, at: Statement): EmptiedFact | null {
    const table = this.tableOf(relation, at);
    const tx = this.transactionOf(at);
    if (!table || tx.kind === "none") return null;
    for (let i = this.emptied.length - 1; i >= 0; i--) {
      const e = this.emptied[i]!;
      if (e.txId === tx.id && visible(e, this.pos(at)) && sameTable(e.table, table)) return e;
    }
    return null;
  }

  /** The index of that name built in this document before `at` and not dropped since. */
  index(schema: string | null, name: string, at: Statement): IndexFact | null {
    const list = this.indexes.get(name) ?? [];
    const q = this.pos(at);
    for (let i = list.length - 1; i >= 0; i--) {
      const x = list[i]!;
      if (visible(x, q) && (schema === null || x.schema === null || schema === x.schema)) return x;
    }
    return null;
  }

  /** The value of a setting just before `at` (null: never set in this document, or RESET). */
  setting(name: TrackedSetting, at: Statement): SettingValue | null {
    // the last snapshot taken before the statement
    const found = lastBelow(this.snapshots, this.pos(at), snapshotFrom);
    return found < 0 ? null : (this.snapshots[found]!.values.get(name) ?? null);
  }

  /** The table a RangeVar names, its schema filled from `SET search_path` when not written. */
  resolve(rv: PgNode | undefined, at: Statement): TableName | null {
    if (!rv || typeof rv.relname !== "string") return null;
    if (typeof rv.schemaname === "string" && rv.schemaname) return { schema: rv.schemaname, name: rv.relname };
    if (rv.relpersistence === "t") return { schema: "pg_temp", name: rv.relname };
    return { schema: this.defaultSchema(at), name: rv.relname };
  }

  private tableOf(relation: PgNode | TableName | undefined, at: Statement): TableName | null {
    if (!relation) return null;
    if (typeof (relation as PgNode).relname === "string") return this.resolve(relation as PgNode, at);
    return typeof (relation as TableName).name === "string" ? (relation as TableName) : null;
  }

  /** The schema unqualified names land in: the first of `SET search_path` (null when not set here). */
  private defaultSchema(at: Statement): string | null {
    const path = this.setting("search_path", at);
    if (!path || path.disabled) return null;
    // every table name a statement resolves asks: the value read last is read once
    if (this.lastPath?.value !== path) this.lastPath = { value: path, schema: firstSchema(path.value) };
    return this.lastPath.schema;
  }

  // --- transitions ---

  private beginTx(id: number): void {
    this.currentTx = id;
    this.clearTx();
  }

  /** No undo step and no savepoint (outside a transaction every statement is one: no new arrays for nothing). */
  private clearTx(): void {
    if (this.undo.length > 0) this.undo = [];
    if (this.savepoints.length > 0) this.savepoints = [];
  }

  /** The transaction ends: SET LOCAL values expire; a rollback undoes what it did. */
  private endTx(offset: number, commit: boolean): void {
    if (!commit) for (let i = this.undo.length - 1; i >= 0; i--) this.undo[i]!(offset);
    this.clearTx();
    if (this.local.size > 0 || !commit) {
      this.local = new Map();
      this.snapshot(offset);
    }
    this.currentTx = 0;
  }

  private control(stmt: Statement): void {
    const c = stmt.txControl!;
    const kind = String(nodeBody(stmt.node).kind ?? "");
    switch (c.effect) {
      case "closes":
      case "ends-assumed":
        this.endTx(this.posEnd(stmt), c.action !== "rollback");
        return;
      case "chains":
        this.endTx(this.posEnd(stmt), !/^(ROLLBACK|ABORT)/.test(c.keyword));
        return;
      case "savepoint": {
        const name = String(nodeBody(stmt.node).savepoint_name ?? "");
        if (kind === "TRANS_STMT_SAVEPOINT") this.savepoints.push({ name, depth: this.undo.length });
        else {
          let i = this.savepoints.length - 1;
          while (i >= 0 && this.savepoints[i]!.name !== name) i--;
          if (i < 0) return;
          const depth = this.savepoints[i]!.depth;
          if (kind === "TRANS_STMT_ROLLBACK_TO") {
            const undone = this.undo.splice(depth);
            for (let k = undone.length - 1; k >= 0; k--) undone[k]!(this.posEnd(stmt));
            this.savepoints.length = i + 1; // the savepoint stays
            this.snapshot(this.posEnd(stmt));
          } else this.savepoints.length = i; // RELEASE
        }
        return;
      }
      default:
    }
  }

  /** Records what one statement does. */
  private take(stmt: Statement, txId: number): void {
    // a CREATE TABLE PostgreSQL rejects (another dialect's column types, a reserved word written as
    // a name): corrected, it makes the table, so what the migration then does to the table is done
    // to a new one, not to one in use
    if (!stmt.parsed) {
      const head = stmt.error ? tableHead(stmt.text) : null;
      if (head) this.addTable(stmt, txId, head.rv, false, head.ifNotExists);
      return;
    }
    switch (stmt.nodeType) {
      case "CreateStmt":
      case "CreateTableAsStmt":
        return this.created(stmt, txId);
      case "SelectStmt":
        // only SELECT … INTO and set_config(…) matter: the text says whether the tree is worth
        // building (a plain SELECT, whose tree is not built yet, is known to select into nothing)
        return (isPlain(stmt) ? SET_CONFIG : SELECT_WORDS).test(stmt.wordsText) ? this.select(stmt, txId) : undefined;
      case "InsertStmt":
      case "CopyStmt":
      case "MergeStmt":
        return this.rowsPut(stmt);
      case "TruncateStmt":
      case "DeleteStmt":
        return this.emptiedBy(stmt, txId);
      case "DropStmt":
        return this.dropped(stmt);
      case "RenameStmt":
      case "AlterObjectSchemaStmt":
        return this.moved(stmt);
      case "AlterTableStmt":
        return this.altered(stmt, txId);
      case "IndexStmt":
        return this.indexed(stmt);
      case "VariableSetStmt":
        return SET_WORDS.test(stmt.wordsText) ? this.set(stmt, nodeBody(stmt.node)) : undefined;
      default:
    }
  }

  private created(stmt: Statement, txId: number): void {
    // a plain CREATE TABLE's tree is not built unless a rule asks: its head says all the state needs
    const head = isPlain(stmt) ? tableHead(stmt.text) : null;
    if (head) return this.addTable(stmt, txId, head.rv, false, head.ifNotExists);
    const node = stmt.node;
    if (!node) return;
    const b = nodeBody(node);
    if (nodeType(node) === "CreateStmt") return this.addTable(stmt, txId, b.relation as PgNode | undefined, false, Boolean(b.if_not_exists));
    // CREATE TABLE … AS / CREATE MATERIALIZED VIEW: rows from the start, unless WITH NO DATA
    const into = b.into as PgNode | undefined;
    this.addTable(stmt, txId, into?.rel as PgNode | undefined, !into?.skipData, Boolean(b.if_not_exists));
  }

  private select(stmt: Statement, txId: number): void {
    const node = stmt.node;
    if (!node) return;
    const b = nodeBody(node);
    const into = b.intoClause as PgNode | undefined;
    if (into?.rel) this.addTable(stmt, txId, into.rel as PgNode, true, false);
    for (const t of (b.targetList as PgNode[] | undefined) ?? []) {
      const val = nodeBody(t).val as PgNode | undefined;
      if (nodeType(val) === "FuncCall") this.setConfig(stmt, nodeBody(val));
    }
  }

  private addTable(stmt: Statement, txId: number, rv: PgNode | undefined, populated: boolean, ifNotExists: boolean): void {
    const table = this.resolve(rv, stmt);
    if (!table || !rv) return;
    const fact: NewTable = { table, stmt: placeOf(stmt), txId, from: this.pos(stmt), temporary: rv.relpersistence === "t", populated, ifNotExists };
    push(this.tables, table.name, fact);
    push(this.liveTables, table.name, fact);
    this.undo.push((offset) => this.endTable(fact, offset));
  }

  private endTable(fact: NewTable, offset: number): void {
    fact.until ??= offset;
    const live = this.liveTables.get(fact.table.name);
    if (live) {
      const i = live.indexOf(fact);
      if (i >= 0) live.splice(i, 1);
      if (live.length === 0) this.liveTables.delete(fact.table.name);
    }
  }

  /** The live new table a name denotes (for drops, renames and loads). */
  private live(table: TableName | null): NewTable | null {
    if (!table) return null;
    const list = this.liveTables.get(table.name);
    if (!list) return null;
    for (let i = list.length - 1; i >= 0; i--) if (sameTable(list[i]!.table, table)) return list[i]!;
    return null;
  }

  /**
   * The table an INSERT, COPY FROM or MERGE puts rows into (null for COPY TO). An INSERT's tree is
   * not built unless a rule asks: its target is read from the text when it can be; `worth` says,
   * from that name alone, whether the answer matters (so the tree is not built for nothing).
   */
  private rowsTarget(stmt: Statement, worth: (name: string) => boolean = () => true): TableName | null {
    const named = stmt.nodeType === "InsertStmt" ? insertTarget(stmt.text) : null;
    if (named) {
      if (!worth(named.name)) return null;
      return named.schema === null ? { schema: this.defaultSchema(stmt), name: named.name } : named;
    }
    const node = stmt.node;
    if (!node) return null;
    const b = nodeBody(node);
    if (stmt.nodeType === "CopyStmt" && !b.is_from) return null;
    return this.resolve(b.relation as PgNode | undefined, stmt);
  }

  /**
   * INSERT, COPY FROM, MERGE: a table this document created gets its first rows (`loadedAt`), and
   * a table emptied earlier has rows again. The target is read once, and only when one of the two
   * can change.
   */
  private rowsPut(stmt: Statement): void {
    const refill = this.emptied.some((e) => e.until === undefined);
    if (!refill && this.liveTables.size === 0) return;
    const unloaded = (name: string) => this.liveTables.get(name)?.some((f) => f.loadedAt === undefined) ?? false;
    const table = this.rowsTarget(stmt, refill ? undefined : unloaded);
    if (!table) return;
    if (refill) for (const e of this.emptied) if (e.until === undefined && sameTable(e.table, table)) this.close(e, this.pos(stmt));
    const fact = this.live(table);
    if (!fact || fact.loadedAt !== undefined) return;
    const at = this.pos(stmt);
    fact.loadedAt = at;
    fact.loadedBy = placeOf(stmt);
    this.undo.push(() => {
      if (fact.loadedAt === at) {
        delete fact.loadedAt;
        delete fact.loadedBy;
      }
    });
  }

  /** TRUNCATE, or DELETE with no WHERE: no row left (in this transaction's view). */
  private emptiedBy(stmt: Statement, txId: number): void {
    const b = nodeBody(stmt.node);
    if (stmt.nodeType === "DeleteStmt" && (b.whereClause || b.usingClause)) return;
    const relations = stmt.nodeType === "TruncateStmt" ? ((b.relations as PgNode[] | undefined) ?? []).map((r) => nodeBody(r)) : [b.relation as PgNode | undefined];
    for (const rv of relations) {
      const table = this.resolve(rv, stmt);
      if (!table) continue;
      const fact: EmptiedFact = { table, txId, stmt: placeOf(stmt), from: this.pos(stmt) };
      this.emptied.push(fact);
      this.undo.push((offset) => (fact.until ??= offset));
    }
  }

  private dropped(stmt: Statement): void {
    // only a DROP naming a table or index this document made changes anything: read the tree only
    // then (the names it writes, folded as the parser folds them; one of 64 bytes or more: maybe)
    if (this.liveTables.size === 0 && this.indexes.size === 0) return;
    let named = false;
    for (const word of stmt.text.match(WORDS) ?? []) {
      const n = unquoteName(word);
      if (this.liveTables.has(n) || this.indexes.has(n) || tooLong(n)) {
        named = true;
        break;
      }
    }
    if (!named) return;
    const b = nodeBody(stmt.node);
    const type = b.removeType;
    if (type !== "OBJECT_TABLE" && type !== "OBJECT_INDEX" && type !== "OBJECT_MATVIEW") return;
    for (const o of (b.objects as PgNode[] | undefined) ?? []) {
      const names = listNames(o);
      if (names.length === 0) continue;
      const name = names[names.length - 1]!;
      const schema = names.length > 1 ? names[names.length - 2]! : null;
      if (type === "OBJECT_INDEX") {
        const x = this.index(schema, name, stmt);
        if (x) this.close(x, this.pos(stmt));
        continue;
      }
      const fact = this.live({ schema: schema ?? this.defaultSchema(stmt), name });
      if (fact) {
        this.endTable(fact, this.pos(stmt));
        this.undo.push(() => {
          delete fact.until;
          push(this.liveTables, fact.table.name, fact);
        });
      }
    }
  }

  /** Closes a span (DROP INDEX), reopened by a rollback. */
  private close(span: Span, offset: number): void {
    if (span.until !== undefined) return;
    span.until = offset;
    this.undo.push(() => {
      if (span.until === offset) delete span.until;
    });
  }

  /** ALTER TABLE … RENAME TO / SET SCHEMA: the new table goes on under its new name. */
  private moved(stmt: Statement): void {
    const b = nodeBody(stmt.node);
    const isTable = b.renameType === "OBJECT_TABLE" || b.objectType === "OBJECT_TABLE";
    if (!isTable) return;
    const fact = this.live(this.resolve(b.relation as PgNode | undefined, stmt));
    if (!fact) return;
    const table: TableName =
      stmt.nodeType === "RenameStmt" ? { schema: fact.table.schema, name: String(b.newname) } : { schema: String(b.newschema), name: fact.table.name };
    this.endTable(fact, this.pos(stmt));
    const next: NewTable = { ...fact, table, from: this.pos(stmt) };
    delete next.until;
    push(this.tables, table.name, next);
    push(this.liveTables, table.name, next);
    this.undo.push((offset) => {
      this.endTable(next, offset);
      delete fact.until;
      push(this.liveTables, fact.table.name, fact);
    });
  }

  private altered(stmt: Statement, txId: number): void {
    const b = nodeBody(stmt.node);
    const table = this.resolve(b.relation as PgNode | undefined, stmt);
    if (!table) return;
    for (const c of (b.cmds as PgNode[] | undefined) ?? []) {
      const cmd = nodeBody(c);
      switch (cmd.subtype) {
        case "AT_AddConstraint": {
          const con = nodeBody(cmd.def as PgNode);
          this.addConstraint(stmt, txId, table, con);
          break;
        }
        case "AT_AddColumn": {
          // column constraints (CHECK, REFERENCES…) are valid at once
          const col = nodeBody(cmd.def as PgNode);
          for (const k of (col.constraints as PgNode[] | undefined) ?? []) {
            const con = nodeBody(k);
            if (con.contype === "CONSTR_CHECK" || con.contype === "CONSTR_FOREIGN") this.addConstraint(stmt, txId, table, con);
          }
          break;
        }
        case "AT_ValidateConstraint": {
          const name = String(cmd.name ?? "");
          const known = this.constraint(table, name, stmt, stmt.end);
          if (known && known.validatedAt === undefined) {
            const at = this.pos(stmt);
            known.validatedAt = at;
            known.validatedBy = placeOf(stmt);
            this.undo.push(() => {
              if (known.validatedAt === at) {
                delete known.validatedAt;
                delete known.validatedBy;
              }
            });
          } else if (!known) {
            // added by an earlier migration: known only by name
            const fact: ConstraintFact = { table, name, contype: "", notValid: true, node: null, stmt: placeOf(stmt), txId, from: this.pos(stmt), validatedAt: this.pos(stmt), validatedBy: placeOf(stmt) };
            this.constraints.push(fact);
            this.undo.push((offset) => (fact.until ??= offset));
          }
          break;
        }
        case "AT_DropConstraint": {
          const known = this.constraint(table, String(cmd.name ?? ""), stmt, stmt.end);
          if (known) this.close(known, this.pos(stmt));
          break;
        }
        default:
      }
    }
  }

  private addConstraint(stmt: Statement, txId: number, table: TableName, con: PgNode): void {
    const fact: ConstraintFact = {
      table,
      name: typeof con.conname === "string" ? con.conname : "",
      contype: String(con.contype ?? ""),
      notValid: Boolean(con.skip_validation),
      node: con,
      stmt: placeOf(stmt),
      txId,
      from: this.pos(stmt),
    };
    this.constraints.push(fact);
    this.undo.push((offset) => (fact.until ??= offset));
  }

  private indexed(stmt: Statement): void {
    // a plain CREATE INDEX's head names the index and the table: no tree needed
    if (UNNAMED_INDEX.test(stmt.text)) return;
    const head = isPlain(stmt) ? CREATE_INDEX.exec(stmt.text) : null;
    const named = head ? qualifiedName(head[2]!) : null;
    const on = head ? qualifiedName(head[3]!) : null;
    let table: TableName | null;
    let idxname: unknown;
    let concurrent = false;
    if (named && on) {
      table = on.schema === null ? { schema: this.defaultSchema(stmt), name: on.name } : on;
      idxname = named.name;
    } else {
      const b = nodeBody(stmt.node);
      table = this.resolve(b.relation as PgNode | undefined, stmt);
      idxname = b.idxname;
      concurrent = Boolean(b.concurrent);
    }
    if (!table || typeof idxname !== "string") return;
    const fact: IndexFact = { schema: table.schema, name: idxname, table, concurrent, stmt: placeOf(stmt), from: this.pos(stmt) };
    push(this.indexes, idxname, fact);
    this.undo.push((offset) => (fact.until ??= offset));
  }

  // --- settings ---

  private set(stmt: Statement, b: PgNode): void {
    const kind = String(b.kind ?? "");
    if (kind === "VAR_RESET_ALL") {
      for (const name of TRACKED) this.assign(stmt, name, null, false);
      return;
    }
    const name = String(b.name ?? "").toLowerCase();
    if (!TRACKED.has(name)) return;
    const local = Boolean(b.is_local);
    if (kind === "VAR_RESET" || kind === "VAR_SET_DEFAULT") return this.assign(stmt, name, null, local);
    if (kind !== "VAR_SET_VALUE") return;
    const args = ((b.args as PgNode[] | undefined) ?? []).map(constText);
    this.assign(stmt, name, args.join(", "), local);
  }

  /** `SELECT set_config('lock_timeout', '5s', false)`. */
  private setConfig(stmt: Statement, call: PgNode): void {
    const fn = (call.funcname as PgNode[] | undefined)?.map((n) => nodeBody(n).sval);
    const last = fn?.[fn.length - 1];
    if (last !== "set_config" || (fn!.length > 1 && fn![0] !== "pg_catalog")) return;
    const args = (call.args as PgNode[] | undefined) ?? [];
    if (args.length !== 3) return;
    const name = constText(args[0]!);
    if (!TRACKED.has(name.toLowerCase())) return;
    const value = constText(args[1]!);
    const isLocal = constText(args[2]!);
    this.assign(stmt, name.toLowerCase(), value, /^(t|true|on|1|yes)$/i.test(isLocal));
  }

  private assign(stmt: Statement, name: string, value: string | null, local: boolean): void {
    const top = stmt.parent ?? stmt;
    const tx = this.transactionOf(top);
    // SET LOCAL outside a transaction block only warns: it lasts until the end of its own statement
    if (local && tx.kind === "none") return;
    const v: SettingValue | null = value === null ? null : { value, disabled: isZero(value), local, stmt: placeOf(stmt) };
    if (local) {
      if (v) this.local.set(name, v);
      else this.local.delete(name);
    } else {
      const before = this.session.get(name);
      if (v) this.session.set(name, v);
      else this.session.delete(name);
      // a plain SET inside a transaction also drops a SET LOCAL of the same name
      this.local.delete(name);
      if (tx.kind !== "none") {
        // a rolled-back SET is undone (SET LOCAL values go at the end of the transaction anyway)
        this.undo.push(() => {
          if (before) this.session.set(name, before);
          else this.session.delete(name);
        });
      }
    }
    this.snapshot(this.pos(stmt));
  }

  /** Records what applies from `offset` on. */
  private snapshot(offset: number): void {
    const values = new Map(this.session);
    for (const [k, v] of this.local) values.set(k, v);
    const last = this.snapshots[this.snapshots.length - 1];
    if (last && last.from === offset) this.snapshots[this.snapshots.length - 1] = { from: offset, values };
    else this.snapshots.push({ from: offset, values });
  }
}

/**
 * Where rows were first loaded into a new table, for messages: `on line 12` of this document, or
 * `by an earlier query of this migration` (another SQL string of a migration written in code);
 * null when no statement loaded any (the table was created from a query).
 */
export function loadedWhere(fact: NewTable, doc: SqlDocument): string | null {
  const by = fact.loadedBy;
  if (!by) return null;
  return by.doc === doc ? `on line ${doc.lineOf(by.start)}` : "by an earlier query of this migration";
}

/** A statement sent with the others of its document as one query string (not a transaction command). */
function sentWhole(s: Statement): boolean {
  return !s.txControl && (s.doc.kind === "embedded" || s.doc.run.mode === "implicit");
}

/** The first schema a `search_path` value names, `$user` and DEFAULT left out (null: none). */
function firstSchema(value: string): string | null {
  for (const part of value.split(",")) {
    const s = part.trim().replace(/^'(.*)'$/, "$1").replace(/^"(.*)"$/, "$1");
    if (s && s !== "$user" && s.toLowerCase() !== "default") return s;
  }
  return null;
}

/** Where a snapshot starts (`lastBelow`'s key: one function, not one per call). */
function snapshotFrom(s: SettingsSnapshot): number {
  return s.from;
}

function visible(span: Span, q: number): boolean {
  return span.from < q && (span.until === undefined || q <= span.until);
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The name parts of a DROP object (`List` of `String`s). */
function listNames(o: PgNode): string[] {
  const items = (nodeBody(o).items as PgNode[] | undefined) ?? (nodeType(o) === "String" ? [o] : []);
  return items.map((n) => String(nodeBody(n).sval ?? ""));
}

/** The text of a constant (`'5s'` → `5s`, `0` → `0`, `true` → `true`); "?" for anything else. */
export function constText(n: PgNode): string {
  const t = nodeType(n);
  const b = nodeBody(n);
  if (t === "TypeCast") return constText(b.arg as PgNode);
  if (t !== "A_Const") return "?";
  if (b.isnull) return "null";
  if (b.sval) return String(b.sval.sval ?? "");
  if (b.ival) return String(b.ival.ival ?? 0);
  if (b.fval) return String(b.fval.fval ?? "0");
  if (b.boolval) return b.boolval.boolval ? "true" : "false";
  return "?";
}

/** A timeout value that turns it off: 0, '0', '0s', '0ms'… */
function isZero(value: string): boolean {
  return /^\s*0*(?:\.0*)?\s*(?:us|ms|s|min|h|d)?\s*$/i.test(value) && /0/.test(value);
}

const NAME = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)`;
/** The names a statement writes (and its keywords): quoted, or unquoted (any letters). */
const WORDS = /"(?:[^"]|"")*"|[\p{L}_][\p{L}\p{N}_$]*/gu;
const NAMES = new RegExp(NAME, "g");
const QUALIFIED = String.raw`${NAME}(?:\s*\.\s*${NAME})?`;

/** More than 63 bytes (PostgreSQL truncates it); a name of 21 UTF-16 units or fewer never is. */
function tooLong(name: string): boolean {
  return name.length > 21 && Buffer.byteLength(name) > 63;
}
const INSERT_INTO = new RegExp(String.raw`^\s*insert\s+into\s+(${QUALIFIED})(?=[\s(]|$)`, "i");
const CREATE_INDEX = new RegExp(String.raw`^\s*create\s+(unique\s+)?index\s+(?:if\s+not\s+exists\s+)?(${NAME})\s+on\s+(?:only\s+)?(${QUALIFIED})(?=[\s(]|$)`, "i");
const UNNAMED_INDEX = /^\s*create\s+(?:unique\s+)?index\s+(?:concurrently\s+)?on\b/i;
const CREATE_TABLE = new RegExp(String.raw`^\s*create\s+(?:(?:global|local)\s+)?(?:(temp|temporary|unlogged)\s+)?table\s+(if\s+not\s+exists\s+)?(${QUALIFIED})(?=\s*\()`, "i");

/** The table a `CREATE TABLE name (` head names (as a RangeVar), and whether it says IF NOT EXISTS; null for another head. */
function tableHead(text: string): { rv: PgNode; ifNotExists: boolean } | null {
  const head = CREATE_TABLE.exec(text);
  const name = head ? qualifiedName(head[3]!) : null;
  if (!head || !name) return null;
  const rv: PgNode = { relname: name.name, relpersistence: /^temp/i.test(head[1] ?? "") ? "t" : "p", ...(name.schema ? { schemaname: name.schema } : {}) };
  return { rv, ifNotExists: Boolean(head[2]) };
}

/** `a.b`, `"A"."b"`: the parts, unquoted, unquoted names folded to lower case (null for a name of 64 bytes or more). */
function qualifiedName(text: string): TableName | null {
  const parts = text.match(NAMES)!.map(unquoteName);
  // PostgreSQL truncates long names: leave those to the parser
  if (parts.some(tooLong)) return null;
  return parts.length === 2 ? { schema: parts[0]!, name: parts[1]! } : { schema: null, name: parts[0]! };
}

/** The target of `INSERT INTO name …`, read from the text (null when not plain). */
function insertTarget(text: string): TableName | null {
  const m = INSERT_INTO.exec(text);
  return m ? qualifiedName(m[1]!) : null;
}

import { defineMigrationRule, options, type RuleListeners } from "../../src/engine/rule.js";
import { lastBelow } from "../../src/util/search.js";
import { nodeBody, relationName } from "../../src/sql/classify.js";
import { columnConstraints, objectNameParts } from "../../src/sql/ddl.js";
import type { Statement } from "../../src/sql/document.js";
import { inTransaction, migrationState, type MigrationState, type SettingValue } from "../../src/sql/migration-state.js";
import type { PgNode } from "../../src/sql/parser.js";
import { defBool, option } from "../../src/sql/block-rules.js";
import { lineBreak } from "../../src/sql/transaction.js";

export interface Options {
  statementTimeout: boolean;
}

/**
 * What waits behind a lock request: `all` (ACCESS EXCLUSIVE: every query, reads included),
 * `writes` (SHARE, SHARE ROW EXCLUSIVE, EXCLUSIVE: INSERT, UPDATE, DELETE), `ddl` (SHARE UPDATE
 * EXCLUSIVE and weaker: only other schema changes and maintenance).
 */
type Level = "all" | "writes" | "ddl";

const ORDER: Record<Level, number> = { ddl: 0, writes: 1, all: 2 };

/**
 * PostgreSQL's table lock modes, numbered as LOCK's `mode` numbers them: 1 ACCESS SHARE, 2 ROW
 * SHARE, 3 ROW EXCLUSIVE, 4 SHARE UPDATE EXCLUSIVE, 5 SHARE, 6 SHARE ROW EXCLUSIVE, 7 EXCLUSIVE,
 * 8 ACCESS EXCLUSIVE.
 */
const SHARE_UPDATE_EXCLUSIVE = 4;
const SHARE = 5;
const SHARE_ROW_EXCLUSIVE = 6;
const EXCLUSIVE = 7;
const ACCESS_EXCLUSIVE = 8;

const bits = (...modes: number[]) => modes.reduce((m, k) => m | (1 << k), 0);

/** Per mode, the modes it conflicts with, as bits (PostgreSQL's table of conflicting lock modes). */
const CONFLICTS = [0, bits(8), bits(7, 8), bits(5, 6, 7, 8), bits(4, 5, 6, 7, 8), bits(3, 4, 6, 7, 8), bits(3, 4, 5, 6, 7, 8), bits(2, 3, 4, 5, 6, 7, 8), bits(1, 2, 3, 4, 5, 6, 7, 8)];

/** What queues behind a request for a table lock in that mode. */
function levelOf(mode: number): Level {
  return mode >= ACCESS_EXCLUSIVE ? "all" : mode >= SHARE ? "writes" : "ddl";
}

/** The table lock an ALTER TABLE of that level takes (AlterTableGetLockLevel's modes). */
const ALTER_MODE: Record<Level, number> = { all: ACCESS_EXCLUSIVE, writes: SHARE_ROW_EXCLUSIVE, ddl: SHARE_UPDATE_EXCLUSIVE };

/** ALTER TABLE actions that take less than ACCESS EXCLUSIVE (PostgreSQL's AlterTableGetLockLevel). */
const ALTER_LEVEL: Record<string, Level> = {
  AT_ValidateConstraint: "ddl",
  AT_SetStatistics: "ddl",
  AT_ClusterOn: "ddl",
  AT_DropCluster: "ddl",
  AT_SetOptions: "ddl",
  AT_ResetOptions: "ddl",
  AT_AttachPartition: "ddl",
  AT_EnableTrig: "writes",
  AT_EnableAlwaysTrig: "writes",
  AT_EnableReplicaTrig: "writes",
  AT_DisableTrig: "writes",
  AT_EnableTrigAll: "writes",
  AT_DisableTrigAll: "writes",
  AT_EnableTrigUser: "writes",
  AT_DisableTrigUser: "writes",
};

function alterLevel(b: PgNode): Level {
  let level: Level = "ddl";
  for (const c of (b.cmds as PgNode[] | undefined) ?? []) {
    const cmd = nodeBody(c);
    let l: Level = ALTER_LEVEL[String(cmd.subtype)] ?? "all";
    if (cmd.subtype === "AT_AddConstraint" && nodeBody(cmd.def as PgNode).contype === "CONSTR_FOREIGN") l = "writes";
    if (cmd.subtype === "AT_DetachPartition" && nodeBody(cmd.def as PgNode).concurrent) l = "ddl";
    if (ORDER[l] > ORDER[level]) level = l;
  }
  return level;
}

/** One table a statement locks. */
interface Wait {
  table: PgNode;
  /** The table lock mode it asks for. */
  mode: number;
  /** What queues behind the request (more than the mode says for REINDEX: it locks the indexes too). */
  level: Level;
  /**
   * Not the table the command is about but another one it locks as well (`REFERENCES`: the table
   * a foreign key points to; `ATTACH PARTITION`: the table attached); named in messages when only
   * such tables wait.
   */
  via?: string;
}

interface Locked {
  command: string;
  /** The tables it locks (empty when they are not known from the statement: DROP INDEX, REINDEX SCHEMA…). */
  waits: Wait[];
  /** What queues behind it when no table is known. */
  level: Level;
}

// one shape for every wait, `via` undefined when the table is the command's own (made for each
// table a statement locks: no spread, no shape of its own for each case)
const wait = (table: PgNode, mode: number, level: Level = levelOf(mode), via?: string): Wait => ({ table, mode, level, via });

/** The RangeVar of a name written in a DROP or COMMENT (`a.b`: the last two parts). */
function named(names: string[]): PgNode[] {
  const relname = names[names.length - 1];
  return relname ? [{ relname, ...(names.length > 1 ? { schemaname: names[names.length - 2] } : {}) }] : [];
}

/** The table of an index this migration built (null: not one it built). */
function builtOn(state: MigrationState, index: PgNode | undefined, stmt: Statement): PgNode | null {
  if (typeof index?.relname !== "string") return null;
  const x = state.index(typeof index.schemaname === "string" ? index.schemaname : null, index.relname, stmt);
  return x ? { relname: x.table.name, ...(x.table.schema ? { schemaname: x.table.schema } : {}) } : null;
}

/** A RangeVar the statement may lack, as a list. */
const rv = (x: unknown): PgNode[] => (x ? [x as PgNode] : []);

/** A command that locks these tables in that mode. */
function on(command: string, tables: PgNode[], mode: number, level: Level = levelOf(mode)): Locked {
  return { command, waits: tables.map((t) => wait(t, mode, level)), level };
}

/** `ALTER TABLE`, `ALTER MATERIALIZED VIEW`…, by AlterTableStmt's `objtype` (made once per kind). */
const ALTER_COMMANDS = new Map<string, string>();
function alterCommand(objtype: unknown): string {
  const key = String(objtype ?? "OBJECT_TABLE");
  let command = ALTER_COMMANDS.get(key);
  if (command === undefined) {
    command = `ALTER ${key.replace(/^OBJECT_/, "").replace("MATVIEW", "MATERIALIZED VIEW").replace("_", " ")}`;
    ALTER_COMMANDS.set(key, command);
  }
  return command;
}

/** Words a CREATE TABLE that locks another table holds: REFERENCES, PARTITION OF. */
const LOCKING_CREATE = /\breferences\b|\bpartition\b/i;

/** `waits`, with the table a FOREIGN KEY constraint references (SHARE ROW EXCLUSIVE on it), if `c` is one. */
function referenced(waits: Wait[] | null, c: PgNode): Wait[] | null {
  if (c.contype !== "CONSTR_FOREIGN" || !c.pktable) return waits;
  (waits ??= []).push(wait(c.pktable as PgNode, SHARE_ROW_EXCLUSIVE, "writes", "REFERENCES"));
  return waits;
}

/** DROP commands that lock a table, by DropStmt's `removeType`. */
const DROP_COMMANDS: Record<string, string> = {
  OBJECT_TABLE: "DROP TABLE",
  OBJECT_INDEX: "DROP INDEX",
  OBJECT_VIEW: "DROP VIEW",
  OBJECT_MATVIEW: "DROP MATERIALIZED VIEW",
  OBJECT_FOREIGN_TABLE: "DROP FOREIGN TABLE",
  OBJECT_TRIGGER: "DROP TRIGGER",
  OBJECT_POLICY: "DROP POLICY",
  OBJECT_RULE: "DROP RULE",
};

/** What a statement locks, for the statements that wait for a lock on a table others use. */
function lockedTables(type: string, b: PgNode, state: MigrationState, stmt: Statement): Locked | null {
  switch (type) {
    case "AlterTableStmt": {
      const command = alterCommand(b.objtype);
      const level = alterLevel(b);
      const locked = on(command, rv(b.relation), ALTER_MODE[level], level);
      for (const c of (b.cmds as PgNode[] | undefined) ?? []) {
        const cmd = nodeBody(c);
        const def = nodeBody(cmd.def as PgNode);
        // ADD FOREIGN KEY, and ADD COLUMN … REFERENCES, also take SHARE ROW EXCLUSIVE on the
        // referenced table (ALTER TABLE's notes): whether or not the altered table is new
        const cons = cmd.subtype === "AT_AddConstraint" ? [def] : cmd.subtype === "AT_AddColumn" ? columnConstraints(def) : [];
        for (const con of cons) referenced(locked.waits, con);
        // the table attached (or detached) as a partition is locked too: ACCESS EXCLUSIVE, SHARE
        // UPDATE EXCLUSIVE for DETACH … CONCURRENTLY (ALTER TABLE's notes)
        if ((cmd.subtype === "AT_AttachPartition" || cmd.subtype === "AT_DetachPartition") && def.name && command === "ALTER TABLE") {
          const mode = cmd.subtype === "AT_DetachPartition" && def.concurrent ? SHARE_UPDATE_EXCLUSIVE : ACCESS_EXCLUSIVE;
          locked.waits.push(wait(def.name as PgNode, mode, levelOf(mode), cmd.subtype === "AT_AttachPartition" ? "ATTACH PARTITION" : "DETACH PARTITION"));
        }
      }
      return locked;
    }
    case "IndexStmt":
      return b.concurrent ? on("CREATE INDEX CONCURRENTLY", rv(b.relation), SHARE_UPDATE_EXCLUSIVE) : on("CREATE INDEX", rv(b.relation), SHARE);
    case "CreateTrigStmt":
      return on("CREATE TRIGGER", rv(b.relation), SHARE_ROW_EXCLUSIVE);
    case "CreatePolicyStmt":
    case "AlterPolicyStmt":
      return on(type === "CreatePolicyStmt" ? "CREATE POLICY" : "ALTER POLICY", rv(b.table), ACCESS_EXCLUSIVE);
    case "RuleStmt":
      return on("CREATE RULE", rv(b.relation), ACCESS_EXCLUSIVE);
    case "RenameStmt":
    case "AlterObjectSchemaStmt":
      return b.relation ? on(type === "RenameStmt" ? "RENAME" : "ALTER … SET SCHEMA", rv(b.relation), ACCESS_EXCLUSIVE) : null;
    case "CreateStmt": {
      // a new table locks no one, unless it extends or references one that exists
      // (the rule's most frequent case: no list is made unless something is locked)
      let waits: Wait[] | null = null;
      if (b.partbound) for (const p of (b.inhRelations as PgNode[] | undefined) ?? []) (waits ??= []).push(wait(nodeBody(p), ACCESS_EXCLUSIVE, "all", "PARTITION OF"));
      for (const c of (b.constraints as PgNode[] | undefined) ?? []) waits = referenced(waits, nodeBody(c));
      for (const e of (b.tableElts as PgNode[] | undefined) ?? []) {
        const n = nodeBody(e);
        if (e.Constraint) waits = referenced(waits, n);
        for (const c of (n.constraints as PgNode[] | undefined) ?? []) waits = referenced(waits, nodeBody(c));
      }
      return waits ? { command: "CREATE TABLE", waits, level: "writes" } : null;
    }
    case "DropStmt": {
      const command = DROP_COMMANDS[String(b.removeType)];
      if (!command) return null;
      const objects = ((b.objects as PgNode[] | undefined) ?? []).map(objectNameParts);
      if (b.removeType === "OBJECT_INDEX") {
        // DROP INDEX locks the index's table (DROP INDEX CONCURRENTLY waits without blocking anyone):
        // known when this migration built the index
        const mode = b.concurrent ? SHARE_UPDATE_EXCLUSIVE : ACCESS_EXCLUSIVE;
        const tables = objects.map((parts) => builtOn(state, named(parts)[0], stmt));
        return on(b.concurrent ? "DROP INDEX CONCURRENTLY" : command, tables.every((t) => t !== null) ? (tables as PgNode[]) : [], mode);
      }
      // DROP TRIGGER t ON table: the table is all but the last part
      const onTable = b.removeType === "OBJECT_TRIGGER" || b.removeType === "OBJECT_POLICY" || b.removeType === "OBJECT_RULE";
      return on(command, objects.flatMap((parts) => named(onTable ? parts.slice(0, -1) : parts)), ACCESS_EXCLUSIVE);
    }
    case "CommentStmt": {
      if (b.objtype !== "OBJECT_TABLE" && b.objtype !== "OBJECT_COLUMN") return null;
      const parts = objectNameParts(b.object as PgNode);
      return on("COMMENT ON", named(b.objtype === "OBJECT_COLUMN" ? parts.slice(0, -1) : parts), SHARE_UPDATE_EXCLUSIVE);
    }
    case "AlterDomainStmt":
      return b.subtype === "C" || b.subtype === "V" || b.subtype === "O" ? { command: "ALTER DOMAIN", waits: [], level: "writes" } : null;
    case "LockStmt":
      return on("LOCK TABLE", ((b.relations as PgNode[] | undefined) ?? []).map(nodeBody), Number(b.mode ?? ACCESS_EXCLUSIVE));
    case "TruncateStmt":
      return on("TRUNCATE", ((b.relations as PgNode[] | undefined) ?? []).map(nodeBody), ACCESS_EXCLUSIVE);
    case "ReindexStmt": {
      // REINDEX takes SHARE on the table, but ACCESS EXCLUSIVE on each index: reads that use one
      // wait (the table of REINDEX INDEX is known when this migration built the index)
      const concurrent = defBool(option(b.params, "concurrently"));
      const index = b.kind === "REINDEX_OBJECT_INDEX" ? builtOn(state, b.relation as PgNode | undefined, stmt) : null;
      const tables = b.kind === "REINDEX_OBJECT_TABLE" ? rv(b.relation) : index ? [index] : [];
      return concurrent ? on("REINDEX CONCURRENTLY", tables, SHARE_UPDATE_EXCLUSIVE) : on("REINDEX", tables, SHARE, "all");
    }
    case "ClusterStmt":
      return on("CLUSTER", rv(b.relation), ACCESS_EXCLUSIVE, "all");
    case "VacuumStmt": {
      if (!b.is_vacuumcmd) return null;
      const full = defBool(option(b.options, "full"));
      const tables = ((b.rels as PgNode[] | undefined) ?? []).map((r) => nodeBody(r).relation as PgNode);
      return on(full ? "VACUUM FULL" : "VACUUM", tables, full ? ACCESS_EXCLUSIVE : SHARE_UPDATE_EXCLUSIVE);
    }
    case "RefreshMatViewStmt":
      return on("REFRESH MATERIALIZED VIEW", rv(b.relation), b.concurrent ? EXCLUSIVE : ACCESS_EXCLUSIVE);
    default:
      return null;
  }
}

const TYPES = [
  "AlterTableStmt",
  "IndexStmt",
  "CreateTrigStmt",
  "CreatePolicyStmt",
  "AlterPolicyStmt",
  "RuleStmt",
  "RenameStmt",
  "AlterObjectSchemaStmt",
  "CreateStmt",
  "DropStmt",
  "CommentStmt",
  "AlterDomainStmt",
  "LockStmt",
  "TruncateStmt",
  "ReindexStmt",
  "ClusterStmt",
  "VacuumStmt",
  "RefreshMatViewStmt",
] as const;

export default defineMigrationRule({
  id: "require-lock-timeout",
  description: "A statement that waits for a lock on a table in use, with no lock_timeout set before it",
  defaultSeverity: "warn",
  messages: {
    lock: "{{command}}{{on}} waits for a lock with no lock_timeout set{{state}}: stuck behind one long-running transaction, it makes every later query on the table queue behind it, reads included",
    lockWrites:
      "{{command}}{{on}} waits for a lock with no lock_timeout set{{state}}: stuck behind one long-running transaction, it makes every later INSERT, UPDATE and DELETE on the table queue behind it",
    lockDdl:
      "{{command}}{{on}} waits for a lock with no lock_timeout set{{state}}: stuck behind one long-running transaction, the migration waits with it (queries go on; other schema changes on the table queue)",
    statement: "{{command}}{{on}} runs with no statement_timeout set{{state}}: if it runs long, it holds its locks for as long as it runs",
    help: "SET lock_timeout = '5s' (or SET LOCAL inside the transaction) before it, and retry the migration when it times out",
    statementHelp: "SET statement_timeout before it, long enough for the statement on your largest table",
  },
  hasSuggestions: true,
  schema: options<Options>({
    type: "object",
    additionalProperties: false,
    properties: {
      statementTimeout: {
        type: "boolean",
        default: false,
        description:
          "Also require `statement_timeout`. Off by default: a short statement timeout cancels legitimate long work (CREATE INDEX CONCURRENTLY, VALIDATE CONSTRAINT), and lock_timeout is what keeps a waiting statement from blocking others.",
      },
    },
  }),
  create(context) {
    const doc = context.doc;
    const state = migrationState(doc);
    const run = runOf(state);
    const checks: { setting: "lock_timeout" | "statement_timeout"; messageId: "lock" | "statement"; helpId: "help" | "statementHelp"; text: string }[] = [
      { setting: "lock_timeout", messageId: "lock", helpId: "help", text: "SET lock_timeout = '5s';" },
    ];
    if (context.options.statementTimeout) {
      checks.push({ setting: "statement_timeout", messageId: "statement", helpId: "statementHelp", text: "SET statement_timeout = '15min';" });
    }
    const listener = (type: string) => (node: unknown, at: { stmt: Statement }) => check(type, node as PgNode, at.stmt);
    const listeners: Record<string, unknown> = {
      statement: state.feed,
      // ROLLBACK TO SAVEPOINT gives back the locks taken since the savepoint
      transaction(stmt: Statement) {
        if (stmt.txControl?.action !== "savepoint") return;
        const tx = state.transactionOf(stmt);
        const b = nodeBody(stmt.node);
        if (inTransaction(tx)) run.savepoint(tx.id, String(b.kind), String(b.savepoint_name ?? ""), state.pos(stmt));
      },
    };
    for (const t of TYPES) listeners[t] = listener(t);
    // what each check finds for the statement at hand: filled by `check` for each statement, not
    // made anew (most statements of a long script return early, and it was a few arrays each)
    const values: (SettingValue | null)[] = checks.map(() => null);
    const safe: boolean[] = checks.map(() => false);
    const armed: boolean[] = checks.map(() => false);
    const raise: (Level | null)[] = checks.map(() => null);
    return listeners as RuleListeners;

    function check(type: string, b: PgNode, stmt: Statement): void {
      // most CREATE TABLEs lock nothing (no REFERENCES, no PARTITION OF): told from the statement
      // alone, before the settings and stretches are looked up; from its text when it has neither
      // word (keywords are plain ASCII words in any case: no tree to walk)
      if (type === "CreateStmt" && !LOCKING_CREATE.test(stmt.wordsText)) return;
      const created = type === "CreateStmt" ? lockedTables(type, b, state, stmt) : undefined;
      if (created === null) return;
      const at = state.pos(stmt);
      const tx = state.transactionOf(stmt);
      // reported already, and still nothing set: nothing to say until a SET arms the rule again, or
      // a statement makes more wait than the stretch did so far (but the locks a transaction takes
      // are kept track of: a later statement of it may not wait)
      let quiet = true;
      for (let i = 0; i < checks.length; i++) {
        const setting = checks[i]!.setting;
        const value = state.setting(setting, stmt);
        values[i] = value;
        safe[i] = value !== null && !value.disabled;
        armed[i] = run.armed(setting, at);
        raise[i] = armed[i] || safe[i] ? null : run.raisable(setting, at);
        if (armed[i] || safe[i] || raise[i] !== null) quiet = false;
      }
      if (quiet && !inTransaction(tx)) return;
      const locked = created ?? lockedTables(type, b, state, stmt);
      if (!locked) return;
      const waits = merged(locked.waits, state, stmt);
      // quiet, only the locks the transaction takes are noted (which of them wait does not matter)
      if (quiet) {
        for (const w of waits) if (w.name) run.take(tx.id, w.name, w.mode, at);
        return;
      }
      // no one else can hold a lock on a table created in this migration, nor on one this
      // transaction already locked in a mode that shuts out every lock this request waits for
      const waiting = waits.filter((w) => !isNew(state, w.table, stmt) && !(inTransaction(tx) && w.name && run.holds(tx.id, w.name, w.mode, at)));
      if (inTransaction(tx)) for (const w of waits) if (w.name) run.take(tx.id, w.name, w.mode, at);
      if (waits.length > 0 && waiting.length === 0) return;
      const level = waiting.length > 0 ? waiting.reduce<Level>((l, w) => (ORDER[w.level] > ORDER[l] ? w.level : l), "ddl") : locked.level;
      checks.forEach((c, i) => {
        run.mark(c.setting, at, safe[i]!, level);
        const raised = raise[i];
        if (safe[i] || !(armed[i] || (raised !== null && raised !== undefined && ORDER[level] > ORDER[raised]))) return;
        const value = values[i] ?? null;
        const on = waiting.length > 0 ? ` on ${waiting.map((w) => relationName(w.table)).join(", ")}` : "";
        const where = value?.disabled ? ` (${c.setting} is ${value.value}, no limit, ${value.stmt.doc === doc ? `since line ${doc.lineOf(value.stmt.start)}` : "since an earlier query of this migration"})` : "";
        // the suggestion inserts the SET before a top-level statement (not inside a DO block)
        const suggest = stmt.parent === null ? [{ desc: c.setting === "lock_timeout" ? "insert SET lock_timeout = '5s'; before this statement" : "insert SET statement_timeout = '15min'; before this statement", fix: { start: stmt.start, end: stmt.start, text: c.text + lineBreak(doc.sql) } }] : [];
        const messageId = c.messageId === "statement" ? "statement" : level === "all" ? "lock" : level === "writes" ? "lockWrites" : "lockDdl";
        context.report({
          messageId,
          helpId: c.helpId,
          data: { command: commandOf(locked.command, waiting), on, state: where },
          start: stmt.start,
          end: stmt.end,
          ...(suggest.length > 0 ? { suggest } : {}),
        });
      });
    }
  },
});

/** A table created in this migration (or temporary), or an index this migration built on one (ALTER INDEX). */
function isNew(state: MigrationState, rv: PgNode, stmt: Statement): boolean {
  if (rv.relpersistence === "t" || state.newTable(rv, stmt) !== null) return true;
  // a table and an index of one schema cannot share a name: a name this migration gave an index is that index
  const table = builtOn(state, rv, stmt);
  return table !== null && state.newTable(table, stmt) !== null;
}

/** A table the statement locks, with its name as the migration state knows it (null: not a name). */
interface NamedWait extends Wait {
  name: string | null;
}

/** The statement's waits, one per table: the strongest mode asked for, the command's own table first. */
function merged(waits: Wait[], state: MigrationState, stmt: Statement): NamedWait[] {
  const out: NamedWait[] = [];
  for (const w of waits) {
    const t = state.resolve(w.table, stmt);
    const name = t ? `${t.schema ?? ""}\0${t.name}` : null;
    const same = name === null ? undefined : out.find((o) => o.name === name);
    if (!same) {
      out.push({ table: w.table, mode: w.mode, level: w.level, via: w.via, name });
      continue;
    }
    same.mode = Math.max(same.mode, w.mode);
    if (ORDER[w.level] > ORDER[same.level]) same.level = w.level;
    if (!w.via) same.via = undefined;
  }
  return out;
}

/** The command as messages name it: `ALTER TABLE … REFERENCES` when only the table it references waits. */
function commandOf(command: string, waiting: Wait[]): string {
  if (waiting.length === 0 || waiting.some((w) => !w.via)) return command;
  return [command, ...new Set(waiting.map((w) => w.via!))].join(" … ");
}

/**
 * What the rule knows of one run of a migration: every document of its chain (the SQL strings of a
 * migration written in code) shares it, as they share the lock_timeout they set. Positions are the
 * chain's (`MigrationState.pos`), so a document read again, or by another rule's pass, gets the same answers.
 */
class Run {
  /**
   * Per setting, the statements that wait for a lock, in order, and whether the setting protected
   * each; for one it did not, the most that waits behind the stretch it belongs to so far (`level`).
   */
  private readonly marks = new Map<string, { at: number; safe: boolean; level?: Level }[]>();
  /**
   * Per transaction and table, per lock mode: where the transaction took it (the first statement
   * that did, and again the first after each ROLLBACK TO SAVEPOINT that gave it back).
   */
  private readonly held = new Map<string, { at: number }[][]>();
  /** Per transaction: each ROLLBACK TO SAVEPOINT (`at`), in order, and where its savepoint was set (`from`). */
  private readonly rollbacks = new Map<number, { at: number; from: number }[]>();
  /** Per transaction: the savepoints set and not released or rolled back past, and the last command read. */
  private readonly savepoints = new Map<number, { open: { name: string; at: number }[]; last: number }>();

  /**
   * Whether a statement at `at` that waits unprotected starts a stretch: the statement that waits
   * before it, if any, was protected (one report per stretch, not per statement or per string).
   */
  armed(setting: string, at: number): boolean {
    const list = this.marks.get(setting);
    if (!list) return true;
    const i = before(list, at);
    return i < 0 || list[i]!.safe;
  }

  /**
   * In a stretch already reported, the most that waits behind it so far, when a statement could
   * still make more wait (a stretch reported for what made only writes wait, then a statement that
   * makes reads wait too: that one is reported again); null otherwise.
   */
  raisable(setting: string, at: number): Level | null {
    const list = this.marks.get(setting);
    const i = list ? before(list, at) : -1;
    const level = i >= 0 && !list![i]!.safe ? list![i]!.level : undefined;
    return level !== undefined && level !== "all" ? level : null;
  }

  mark(setting: string, at: number, safe: boolean, level: Level): void {
    let list = this.marks.get(setting);
    if (!list) this.marks.set(setting, (list = []));
    const i = before(list, at + 1);
    if (i >= 0 && list[i]!.at === at) return;
    const last = i >= 0 && !list[i]!.safe ? list[i]!.level : undefined;
    list.splice(i + 1, 0, safe ? { at, safe } : { at, safe, level: last !== undefined && ORDER[last] > ORDER[level] ? last : level });
  }

  take(tx: number, table: string, mode: number, at: number): void {
    const key = `${tx}\0${table}`;
    let modes = this.held.get(key);
    if (!modes) this.held.set(key, (modes = []));
    const list = (modes[mode] ??= []);
    const i = before(list, at + 1);
    // held since an earlier statement, and not given back since: nothing new
    if (i >= 0 && (list[i]!.at === at || !this.rolledBack(tx, list[i]!.at, at))) return;
    list.splice(i + 1, 0, { at });
  }

  /**
   * The transaction holds locks on the table, taken before `at`, that conflict with every lock the
   * request may wait for: another session can hold none of them, so the request is granted at once.
   */
  holds(tx: number, table: string, mode: number, at: number): boolean {
    const modes = this.held.get(`${tx}\0${table}`);
    if (!modes) return false;
    let shut = 0;
    modes.forEach((list, m) => {
      const i = before(list, at);
      if (i >= 0 && !this.rolledBack(tx, list[i]!.at, at)) shut |= CONFLICTS[m] ?? 0;
    });
    const needed = CONFLICTS[mode] ?? ~0;
    return (needed & shut) === needed;
  }

  /** SAVEPOINT, RELEASE SAVEPOINT, ROLLBACK TO SAVEPOINT (`kind`: TransactionStmt's). */
  savepoint(tx: number, kind: string, name: string, at: number): void {
    let sp = this.savepoints.get(tx);
    if (!sp) this.savepoints.set(tx, (sp = { open: [], last: -1 }));
    // read once, in order (a document read again changes nothing)
    if (at <= sp.last) return;
    sp.last = at;
    if (kind === "TRANS_STMT_SAVEPOINT") {
      sp.open.push({ name, at });
      return;
    }
    let k = sp.open.length - 1;
    while (k >= 0 && sp.open[k]!.name !== name) k--;
    if (k < 0) return; // no such savepoint: PostgreSQL refuses the command
    if (kind === "TRANS_STMT_RELEASE") {
      // the locks go on, held by the transaction
      sp.open.length = k;
      return;
    }
    if (kind !== "TRANS_STMT_ROLLBACK_TO") return;
    sp.open.length = k + 1; // the savepoint stays, those after it go
    let list = this.rollbacks.get(tx);
    if (!list) this.rollbacks.set(tx, (list = []));
    list.push({ at, from: sp.open[k]!.at });
  }

  /** Locks taken at `from` were given back by a ROLLBACK TO SAVEPOINT before `to` (to a savepoint set before them). */
  private rolledBack(tx: number, from: number, to: number): boolean {
    const list = this.rollbacks.get(tx);
    if (!list) return false;
    for (let i = before(list, to); i >= 0 && list[i]!.at > from; i--) if (list[i]!.from < from) return true;
    return false;
  }
}

/** The index of the last entry before `at` (-1: none). */
function before(list: readonly { at: number }[], at: number): number {
  return lastBelow(list, at, atOf);
}

/** `before`'s key (one function, not one per call). */
function atOf(x: { at: number }): number {
  return x.at;
}

const RUNS = new WeakMap<MigrationState, Run>();

function runOf(state: MigrationState): Run {
  let run = RUNS.get(state);
  if (!run) RUNS.set(state, (run = new Run()));
  return run;
}

import { defineMigrationRule, options, type RuleListeners } from "../../src/engine/rule.js";
import { nodeBody, relationName } from "../../src/sql/classify.js";
import { objectNameParts } from "../../src/sql/ddl.js";
import type { Statement } from "../../src/sql/document.js";
import { migrationState, type MigrationState, type SettingValue } from "../../src/sql/migration-state.js";
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

interface Locked {
  command: string;
  /** The tables it names (empty when it locks more than it names: CLUSTER, REINDEX SCHEMA…). */
  tables: PgNode[];
  level: Level;
}

/** What a statement locks, for the statements that wait for a lock on a table others use. */
function lockedTables(type: string, b: PgNode): Locked | null {
  const rv = (x: unknown) => (x ? [x as PgNode] : []);
  switch (type) {
    case "AlterTableStmt": {
      const kind = String(b.objtype ?? "OBJECT_TABLE").replace(/^OBJECT_/, "").replace("MATVIEW", "MATERIALIZED VIEW").replace("_", " ");
      return { command: `ALTER ${kind}`, tables: rv(b.relation), level: alterLevel(b) };
    }
    case "IndexStmt":
      return b.concurrent
        ? { command: "CREATE INDEX CONCURRENTLY", tables: rv(b.relation), level: "ddl" }
        : { command: "CREATE INDEX", tables: rv(b.relation), level: "writes" };
    case "CreateTrigStmt":
      return { command: "CREATE TRIGGER", tables: rv(b.relation), level: "writes" };
    case "CreatePolicyStmt":
    case "AlterPolicyStmt":
      return { command: type === "CreatePolicyStmt" ? "CREATE POLICY" : "ALTER POLICY", tables: rv(b.table), level: "all" };
    case "RuleStmt":
      return { command: "CREATE RULE", tables: rv(b.relation), level: "all" };
    case "RenameStmt":
    case "AlterObjectSchemaStmt":
      return b.relation ? { command: type === "RenameStmt" ? "RENAME" : "ALTER … SET SCHEMA", tables: rv(b.relation), level: "all" } : null;
    case "CreateStmt": {
      // a new table locks no one, unless it references or extends one that exists
      if (b.partbound) {
        return { command: "CREATE TABLE … PARTITION OF", tables: ((b.inhRelations as PgNode[] | undefined) ?? []).map(nodeBody), level: "all" };
      }
      const referenced: PgNode[] = [];
      const cons = ((b.constraints as PgNode[] | undefined) ?? []).map(nodeBody);
      for (const e of (b.tableElts as PgNode[] | undefined) ?? []) {
        const n = nodeBody(e);
        if (e.Constraint) cons.push(n);
        for (const c of (n.constraints as PgNode[] | undefined) ?? []) cons.push(nodeBody(c));
      }
      for (const c of cons) if (c.contype === "CONSTR_FOREIGN" && c.pktable) referenced.push(c.pktable as PgNode);
      return referenced.length > 0 ? { command: "CREATE TABLE … REFERENCES", tables: referenced, level: "writes" } : null;
    }
    case "DropStmt": {
      const kinds: Record<string, string> = {
        OBJECT_TABLE: "DROP TABLE",
        OBJECT_INDEX: "DROP INDEX",
        OBJECT_VIEW: "DROP VIEW",
        OBJECT_MATVIEW: "DROP MATERIALIZED VIEW",
        OBJECT_FOREIGN_TABLE: "DROP FOREIGN TABLE",
        OBJECT_TRIGGER: "DROP TRIGGER",
        OBJECT_POLICY: "DROP POLICY",
        OBJECT_RULE: "DROP RULE",
      };
      const command = kinds[String(b.removeType)];
      if (!command) return null;
      // DROP INDEX CONCURRENTLY waits without blocking anyone
      if (b.removeType === "OBJECT_INDEX") return { command: b.concurrent ? "DROP INDEX CONCURRENTLY" : command, tables: [], level: b.concurrent ? "ddl" : "all" };
      const tables: PgNode[] = [];
      for (const o of (b.objects as PgNode[] | undefined) ?? []) {
        const parts = objectNameParts(o);
        // DROP TRIGGER t ON table: the table is all but the last part
        const names = b.removeType === "OBJECT_TRIGGER" || b.removeType === "OBJECT_POLICY" || b.removeType === "OBJECT_RULE" ? parts.slice(0, -1) : parts;
        const relname = names[names.length - 1];
        if (relname) tables.push({ relname, ...(names.length > 1 ? { schemaname: names[names.length - 2] } : {}) });
      }
      return { command, tables, level: "all" };
    }
    case "CommentStmt": {
      if (b.objtype !== "OBJECT_TABLE" && b.objtype !== "OBJECT_COLUMN") return null;
      const parts = objectNameParts(b.object as PgNode);
      const names = b.objtype === "OBJECT_COLUMN" ? parts.slice(0, -1) : parts;
      const relname = names[names.length - 1];
      return { command: "COMMENT ON", tables: relname ? [{ relname, ...(names.length > 1 ? { schemaname: names[names.length - 2] } : {}) }] : [], level: "ddl" };
    }
    case "AlterDomainStmt":
      return b.subtype === "C" || b.subtype === "V" || b.subtype === "O" ? { command: "ALTER DOMAIN", tables: [], level: "writes" } : null;
    case "LockStmt": {
      const mode = Number(b.mode ?? 8);
      return { command: "LOCK TABLE", tables: ((b.relations as PgNode[] | undefined) ?? []).map(nodeBody), level: mode >= 8 ? "all" : mode >= 5 ? "writes" : "ddl" };
    }
    case "TruncateStmt":
      return { command: "TRUNCATE", tables: ((b.relations as PgNode[] | undefined) ?? []).map(nodeBody), level: "all" };
    case "ReindexStmt": {
      const concurrent = defBool(option(b.params, "concurrently"));
      return { command: concurrent ? "REINDEX CONCURRENTLY" : "REINDEX", tables: b.kind === "REINDEX_OBJECT_TABLE" ? rv(b.relation) : [], level: concurrent ? "ddl" : "all" };
    }
    case "ClusterStmt":
      return { command: "CLUSTER", tables: rv(b.relation), level: "all" };
    case "VacuumStmt": {
      if (!b.is_vacuumcmd) return null;
      const full = defBool(option(b.options, "full"));
      return { command: full ? "VACUUM FULL" : "VACUUM", tables: ((b.rels as PgNode[] | undefined) ?? []).map((r) => nodeBody(r).relation as PgNode), level: full ? "all" : "ddl" };
    }
    case "RefreshMatViewStmt":
      return { command: "REFRESH MATERIALIZED VIEW", tables: rv(b.relation), level: b.concurrent ? "writes" : "all" };
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
    const checks: { setting: "lock_timeout" | "statement_timeout"; messageId: "lock" | "statement"; helpId: "help" | "statementHelp"; text: string }[] = [
      { setting: "lock_timeout", messageId: "lock", helpId: "help", text: "SET lock_timeout = '5s';" },
    ];
    if (context.options.statementTimeout) {
      checks.push({ setting: "statement_timeout", messageId: "statement", helpId: "statementHelp", text: "SET statement_timeout = '15min';" });
    }
    /** Per setting: a statement was protected since the last report (so a new gap is worth a new report). */
    const armed = checks.map(() => true);
    const listener = (type: string) => (node: unknown, at: { stmt: Statement }) => check(type, node as PgNode, at.stmt);
    const listeners: Record<string, unknown> = {
      statement: state.feed,
    };
    for (const t of TYPES) listeners[t] = listener(t);
    return listeners as RuleListeners;

    function check(type: string, b: PgNode, stmt: Statement): void {
      const values: (SettingValue | null)[] = checks.map((c) => state.setting(c.setting, stmt));
      // reported already, and still nothing set: nothing to say until a SET arms the rule again
      if (checks.every((_, i) => !armed[i] && !(values[i] && !values[i]!.disabled))) return;
      const locked = lockedTables(type, b);
      if (!locked) return;
      if (locked.tables.length > 0 && locked.tables.every((t) => isNew(state, t, stmt))) return;
      checks.forEach((c, i) => {
        const value = values[i] ?? null;
        if (value && !value.disabled) {
          armed[i] = true;
          return;
        }
        if (!armed[i]) return;
        armed[i] = false;
        const on = locked.tables.length > 0 ? ` on ${locked.tables.map((t) => relationName(t)).join(", ")}` : "";
        const where = value?.disabled ? ` (${c.setting} is ${value.value}, no limit, ${value.stmt.doc === doc ? `since line ${doc.lineOf(value.stmt.start)}` : "since an earlier query of this migration"})` : "";
        // the suggestion inserts the SET before a top-level statement (not inside a DO block)
        const suggest = stmt.parent === null ? [{ desc: c.setting === "lock_timeout" ? "insert SET lock_timeout = '5s'; before this statement" : "insert SET statement_timeout = '15min'; before this statement", fix: { start: stmt.start, end: stmt.start, text: c.text + lineBreak(doc.sql) } }] : [];
        const messageId = c.messageId === "statement" ? "statement" : locked.level === "all" ? "lock" : locked.level === "writes" ? "lockWrites" : "lockDdl";
        context.report({
          messageId,
          helpId: c.helpId,
          data: { command: locked.command, on, state: where },
          start: stmt.start,
          end: stmt.end,
          ...(suggest.length > 0 ? { suggest } : {}),
        });
      });
    }
  },
});

function isNew(state: MigrationState, rv: PgNode, stmt: Statement): boolean {
  return rv.relpersistence === "t" || state.newTable(rv, stmt) !== null;
}

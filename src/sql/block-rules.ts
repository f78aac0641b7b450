/**
 * Statements whose fate depends on the transaction they run in: those PostgreSQL refuses inside
 * a transaction block (`PreventInTransactionBlock` in the server: "… cannot run inside a
 * transaction block", SQLSTATE 25001), and those that need one (`LOCK TABLE`, `DECLARE CURSOR`
 * without `WITH HOLD`, which fail outside a block; `SET LOCAL`, `SET TRANSACTION`,
 * `SET CONSTRAINTS`, which do nothing outside one). Checked against the PostgreSQL 18 reference
 * pages named in `page` (https://www.postgresql.org/docs/18/<page>.html).
 */
import { defElems, nodeBody } from "./classify.js";
import type { PgNode } from "./parser.js";

export interface BlockRefusal {
  /** The command as PostgreSQL's error names it: `CREATE INDEX CONCURRENTLY`, `VACUUM`… */
  command: string;
  /** The reference page that says so (`sql-createindex`). */
  page: string;
  /**
   * For `DROP SUBSCRIPTION`: the subscription, refused only while it has a replication slot
   * (which a statement cannot show; `ALTER SUBSCRIPTION … SET (slot_name = NONE)` removes it).
   */
  subscriptionSlot?: string;
}

export interface RefusalOptions {
  /** The oldest PostgreSQL major version the SQL must run on (ALTER TYPE … ADD VALUE: refused before 12). */
  postgresVersion: number;
}

/** The boolean value of a DefElem (`WITH (connect = false)`, `(CONCURRENTLY)`); absent → `true`. */
export function defBool(d: PgNode | undefined): boolean | undefined {
  if (!d) return undefined;
  const arg = d.arg as PgNode | undefined;
  if (!arg) return true;
  const body = nodeBody(arg);
  const v = body.sval ?? body.boolval ?? body.ival;
  if (typeof v === "string") return !/^(false|off|no|0|none)$/i.test(v);
  if (typeof v === "number") return v !== 0;
  if (typeof v === "boolean") return v;
  if (v && typeof v === "object") {
    // A_Const { boolval: { boolval: true } } / { ival: { ival: 1 } }; {} is false / 0.
    const inner = (v as PgNode).boolval ?? (v as PgNode).ival ?? (v as PgNode).sval;
    if (inner === undefined) return false;
    return typeof inner === "string" ? !/^(false|off|no|0|none)$/i.test(inner) : Boolean(inner);
  }
  return true;
}

export function option(list: unknown, name: string): PgNode | undefined {
  return defElems(list).find((d) => d.defname === name);
}

/** Why PostgreSQL refuses a statement (its node type and fields) inside a transaction block, or null. */
export function refusalOf(type: string, b: PgNode, options: RefusalOptions): BlockRefusal | null {
  switch (type) {
    case "IndexStmt":
      return b.concurrent ? { command: "CREATE INDEX CONCURRENTLY", page: "sql-createindex" } : null;
    case "DropStmt":
      return b.concurrent && b.removeType === "OBJECT_INDEX" ? { command: "DROP INDEX CONCURRENTLY", page: "sql-dropindex" } : null;
    case "ReindexStmt": {
      if (defBool(option(b.params, "concurrently"))) return { command: "REINDEX CONCURRENTLY", page: "sql-reindex" };
      const kind = String(b.kind ?? "");
      if (kind === "REINDEX_OBJECT_SYSTEM") return { command: "REINDEX SYSTEM", page: "sql-reindex" };
      if (kind === "REINDEX_OBJECT_DATABASE") return { command: "REINDEX DATABASE", page: "sql-reindex" };
      if (kind === "REINDEX_OBJECT_SCHEMA") return { command: "REINDEX SCHEMA", page: "sql-reindex" };
      return null;
    }
    case "VacuumStmt":
      // ANALYZE alone may run in a block; VACUUM (with or without ANALYZE) may not.
      return b.is_vacuumcmd ? { command: "VACUUM", page: "sql-vacuum" } : null;
    case "ClusterStmt":
      return b.relation ? null : { command: "CLUSTER without a table name", page: "sql-cluster" };
    case "DiscardStmt":
      return b.target === "DISCARD_ALL" ? { command: "DISCARD ALL", page: "sql-discard" } : null;
    case "AlterSystemStmt":
      return { command: "ALTER SYSTEM", page: "sql-altersystem" };
    case "CreatedbStmt":
      return { command: "CREATE DATABASE", page: "sql-createdatabase" };
    case "DropdbStmt":
      return { command: "DROP DATABASE", page: "sql-dropdatabase" };
    case "AlterDatabaseStmt":
      return option(b.options, "tablespace") ? { command: "ALTER DATABASE … SET TABLESPACE", page: "sql-alterdatabase" } : null;
    case "CreateTableSpaceStmt":
      return { command: "CREATE TABLESPACE", page: "sql-createtablespace" };
    case "DropTableSpaceStmt":
      return { command: "DROP TABLESPACE", page: "sql-droptablespace" };
    case "CreateSubscriptionStmt": {
      // create_slot defaults to the value of connect, which defaults to true.
      const connect = defBool(option(b.options, "connect")) ?? true;
      const createSlot = defBool(option(b.options, "create_slot")) ?? connect;
      return createSlot ? { command: "CREATE SUBSCRIPTION … WITH (create_slot = true)", page: "sql-createsubscription" } : null;
    }
    case "DropSubscriptionStmt":
      return { command: "DROP SUBSCRIPTION", page: "sql-dropsubscription", subscriptionSlot: String(b.subname ?? "") };
    case "AlterSubscriptionStmt": {
      const kind = String(b.kind ?? "");
      if (kind === "ALTER_SUBSCRIPTION_REFRESH" || kind === "ALTER_SUBSCRIPTION_REFRESH_PUBLICATION") {
        return { command: "ALTER SUBSCRIPTION … REFRESH PUBLICATION", page: "sql-altersubscription" };
      }
      if (/^ALTER_SUBSCRIPTION_(SET|ADD|DROP)_PUBLICATION$/.test(kind)) {
        const refresh = defBool(option(b.options, "refresh")) ?? true;
        const verb = kind.split("_")[2];
        return refresh ? { command: `ALTER SUBSCRIPTION … ${verb} PUBLICATION with refresh`, page: "sql-altersubscription" } : null;
      }
      if (kind === "ALTER_SUBSCRIPTION_OPTIONS") {
        if (option(b.options, "failover")) return { command: "ALTER SUBSCRIPTION … SET (failover)", page: "sql-altersubscription" };
        const twoPhase = option(b.options, "two_phase");
        if (twoPhase && defBool(twoPhase) === false) return { command: "ALTER SUBSCRIPTION … SET (two_phase = false)", page: "sql-altersubscription" };
      }
      return null;
    }
    case "AlterTableStmt": {
      for (const c of (b.cmds as PgNode[] | undefined) ?? []) {
        const cmd = (c.AlterTableCmd ?? {}) as PgNode;
        const part = nodeBody(cmd.def as PgNode | undefined);
        if (cmd.subtype === "AT_DetachPartition" && part.concurrent) {
          return { command: "ALTER TABLE … DETACH PARTITION … CONCURRENTLY", page: "sql-altertable" };
        }
      }
      return null;
    }
    case "TransactionStmt": {
      if (b.kind === "TRANS_STMT_COMMIT_PREPARED") return { command: "COMMIT PREPARED", page: "sql-commit-prepared" };
      if (b.kind === "TRANS_STMT_ROLLBACK_PREPARED") return { command: "ROLLBACK PREPARED", page: "sql-rollback-prepared" };
      return null;
    }
    case "AlterEnumStmt":
      // PostgreSQL 12 lifted this; since then the new value only cannot be *used* before commit.
      return b.newVal !== undefined && !b.oldVal && options.postgresVersion < 12
        ? { command: "ALTER TYPE … ADD VALUE", page: "sql-altertype" }
        : null;
    default:
      return null;
  }
}

export interface BlockNeed {
  command: string;
  /** `error`: PostgreSQL refuses it outside a block; `no-effect`: it only warns and does nothing. */
  outside: "error" | "no-effect";
  page: string;
}

const CURSOR_OPT_HOLD = 0x20;

/** Whether a statement (its node type and fields) only makes sense inside a transaction block. */
export function needOf(type: string, b: PgNode): BlockNeed | null {
  switch (type) {
    case "LockStmt":
      return { command: "LOCK TABLE", outside: "error", page: "sql-lock" };
    case "DeclareCursorStmt":
      return (Number(b.options ?? 0) & CURSOR_OPT_HOLD) === 0 ? { command: "DECLARE CURSOR (without WITH HOLD)", outside: "error", page: "sql-declare" } : null;
    case "VariableSetStmt":
      if (b.name === "TRANSACTION" && b.kind === "VAR_SET_MULTI") return { command: "SET TRANSACTION", outside: "no-effect", page: "sql-set-transaction" };
      return b.is_local ? { command: "SET LOCAL", outside: "no-effect", page: "sql-set" } : null;
    case "ConstraintsSetStmt":
      return { command: "SET CONSTRAINTS", outside: "no-effect", page: "sql-set-constraints" };
    default:
      return null;
  }
}

/**
 * The statement types `refusalOf` and `needOf` look at (their `case`s): for any other type both
 * say null whatever its fields, so its tree need not be built to ask (test/block-rules.test.ts
 * holds this list to the two switches).
 */
export const BLOCK_TYPES: ReadonlySet<string> = new Set([
  "IndexStmt",
  "DropStmt",
  "ReindexStmt",
  "VacuumStmt",
  "ClusterStmt",
  "DiscardStmt",
  "AlterSystemStmt",
  "CreatedbStmt",
  "DropdbStmt",
  "AlterDatabaseStmt",
  "CreateTableSpaceStmt",
  "DropTableSpaceStmt",
  "CreateSubscriptionStmt",
  "DropSubscriptionStmt",
  "AlterSubscriptionStmt",
  "AlterTableStmt",
  "TransactionStmt",
  "AlterEnumStmt",
  "LockStmt",
  "DeclareCursorStmt",
  "VariableSetStmt",
  "ConstraintsSetStmt",
]);

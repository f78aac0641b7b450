/**
 * What a parsed statement does, in the terms rules ask about: does it read, write rows,
 * change the schema, control a transaction, or something else.
 */
import type { PgNode } from "./parser.js";

export type StatementKind = "read" | "write" | "ddl" | "transaction" | "utility";

const WRITE = new Set(["InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt", "TruncateStmt", "RefreshMatViewStmt"]);

const UTILITY = new Set([
  "VariableSetStmt",
  "VariableShowStmt",
  "VacuumStmt",
  "ClusterStmt",
  "ReindexStmt",
  "CheckPointStmt",
  "LockStmt",
  "ListenStmt",
  "NotifyStmt",
  "UnlistenStmt",
  "LoadStmt",
  "DiscardStmt",
  "PrepareStmt",
  "ExecuteStmt",
  "DeallocateStmt",
  "ClosePortalStmt",
  "FetchStmt",
  "ConstraintsSetStmt",
  "DoStmt",
  "CallStmt",
  "AlterSystemStmt",
  "PLAssignStmt",
  "ReturnStmt",
]);

const READ = new Set(["SelectStmt", "VariableShowStmt", "DeclareCursorStmt", "FetchStmt"]);

/** The option list of a statement (`WITH (…)`, `OPTIONS`, a DO's arguments) as DefElem bodies. */
export function defElems(list: unknown): PgNode[] {
  return Array.isArray(list) ? (list as PgNode[]).map((d) => (d.DefElem ?? {}) as PgNode) : [];
}

/** The node type of a statement node: `{ UpdateStmt: {...} }` → `"UpdateStmt"`. */
export function nodeType(node: PgNode | null | undefined): string {
  if (!node) return "";
  for (const k in node) return k;
  return "";
}

/** The statement's fields: `{ UpdateStmt: {...} }` → `{...}`. */
export function nodeBody(node: PgNode | null | undefined): PgNode {
  if (!node) return {};
  for (const k in node) return (node[k] ?? {}) as PgNode;
  return {};
}

export function classify(node: PgNode): StatementKind {
  const type = nodeType(node);
  const body = nodeBody(node);
  if (type === "TransactionStmt") return "transaction";
  if (WRITE.has(type)) return "write";
  if (type === "CopyStmt") return body.is_from ? "write" : "read";
  if (type === "SelectStmt") {
    if (body.intoClause) return "ddl";
    return hasModifyingCte(body) ? "write" : "read";
  }
  if (type === "ExplainStmt") {
    // EXPLAIN ANALYZE runs the statement.
    const analyze = (body.options as PgNode[] | undefined)?.some((o) => {
      const d = o.DefElem as PgNode | undefined;
      return d?.defname === "analyze" && !(d.arg && nodeBody(d.arg).sval === "false");
    });
    if (analyze && body.query) return classify(body.query as PgNode) === "read" ? "read" : "write";
    return "read";
  }
  if (READ.has(type)) return "read";
  if (UTILITY.has(type)) return "utility";
  return "ddl";
}

/** `WITH d AS (DELETE …) SELECT …`: a data-modifying CTE makes a SELECT a write. */
export function hasModifyingCte(body: PgNode): boolean {
  const ctes = (body.withClause as PgNode | undefined)?.ctes as PgNode[] | undefined;
  if (!ctes) return false;
  for (const c of ctes) {
    const q = (c.CommonTableExpr as PgNode | undefined)?.ctequery as PgNode | undefined;
    if (!q) continue;
    const t = nodeType(q);
    if (WRITE.has(t)) return true;
    if (t === "SelectStmt" && hasModifyingCte(nodeBody(q))) return true;
  }
  return false;
}

/**
 * Transaction control, as the transaction model needs it. `chain` is `COMMIT AND CHAIN` /
 * `ROLLBACK AND CHAIN`: it ends the transaction and at once opens the next, so a block stays open.
 */
export type TxAction = "begin" | "commit" | "rollback" | "chain" | "prepare" | "savepoint" | "other";

export function txAction(node: PgNode): TxAction | null {
  if (nodeType(node) !== "TransactionStmt") return null;
  const body = nodeBody(node);
  const chain = Boolean(body.chain);
  switch (body.kind as string) {
    case "TRANS_STMT_BEGIN":
    case "TRANS_STMT_START":
      return "begin";
    case "TRANS_STMT_COMMIT":
      return chain ? "chain" : "commit";
    case "TRANS_STMT_ROLLBACK":
      return chain ? "chain" : "rollback";
    case "TRANS_STMT_PREPARE":
      return "prepare";
    case "TRANS_STMT_COMMIT_PREPARED":
    case "TRANS_STMT_ROLLBACK_PREPARED":
      return "other";
    case "TRANS_STMT_SAVEPOINT":
    case "TRANS_STMT_RELEASE":
    case "TRANS_STMT_ROLLBACK_TO":
      return "savepoint";
    default:
      return "other";
  }
}

/** The `schema.table` name of a RangeVar node body. */
export function relationName(rv: PgNode | undefined): string {
  if (!rv) return "?";
  const parts = [rv.catalogname, rv.schemaname, rv.relname].filter((p) => typeof p === "string" && p.length > 0);
  return parts.join(".");
}

/** Visits every node object in an AST (depth first). Return false from `visit` to skip children. */
export function walk(node: unknown, visit: (type: string, body: PgNode) => boolean | void): void {
  if (node === null || typeof node !== "object") return;
  if (Array.isArray(node)) {
    for (const n of node) walk(n, visit);
    return;
  }
  const obj = node as PgNode;
  for (const key in obj) {
    const value = obj[key];
    if (value === null || typeof value !== "object") continue;
    // A node is a single-key object whose key starts with an upper-case letter.
    if (!Array.isArray(value) && key.charCodeAt(0) >= 65 && key.charCodeAt(0) <= 90) {
      if (visit(key, value as PgNode) === false) continue;
    }
    walk(value, visit);
  }
}

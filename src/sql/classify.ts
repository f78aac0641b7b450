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
  const known = kindOfType(type);
  if (known) return known;
  const body = nodeBody(node);
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
  return "read";
}

/**
 * A statement's kind (see `classify`) told from its type alone, or undefined for the types whose
 * fields decide (COPY's direction, SELECT … INTO and data-modifying WITH, EXPLAIN ANALYZE).
 */
export function kindOfType(type: string): StatementKind | undefined {
  if (type === "TransactionStmt") return "transaction";
  if (WRITE.has(type)) return "write";
  if (type === "CopyStmt" || type === "SelectStmt" || type === "ExplainStmt") return undefined;
  if (READ.has(type)) return "read";
  if (UTILITY.has(type)) return "utility";
  return "ddl";
}

/**
 * The key a node of one of these types has in a parse's JSON (its type's name quoted and followed
 * by `:`, which no string in the JSON holds unescaped): a pattern for `Statement.mayHold`.
 */
export function nodeKeys(types: Iterable<string>): RegExp {
  return new RegExp(`"(?:${[...types].join("|")})":`);
}

/** A node of a writing type (a data-modifying WITH query, see `hasModifyingCte`), in a parse's JSON. */
export const WRITE_KEYS = nodeKeys(WRITE);

/** `WITH d AS (DELETE …) SELECT …`: a data-modifying CTE makes a SELECT a write. */
export function hasModifyingCte(body: PgNode): boolean {
  const selects: PgNode[] = [body];
  while (selects.length > 0) {
    const ctes = (selects.pop()!.withClause as PgNode | undefined)?.ctes as PgNode[] | undefined;
    for (const c of ctes ?? []) {
      const q = (c.CommonTableExpr as PgNode | undefined)?.ctequery as PgNode | undefined;
      if (!q) continue;
      const t = nodeType(q);
      if (WRITE.has(t)) return true;
      if (t === "SelectStmt") selects.push(nodeBody(q));
    }
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

/**
 * Visits every node object in an AST (depth first, in field order). Return false from `visit` to
 * skip children. Iterative: a tree of any depth is walked without growing the call stack (PL/pgSQL
 * trees are not bounded by `MAX_TREE_DEPTH`: 3,000 nested `BEGIN … END` blocks parse).
 */
export function walk(node: unknown, visit: (type: string, body: PgNode) => boolean | void): void {
  // Pending [key, value] pairs, the next one on top; a key is null for an array element or the root.
  const keys: (string | null)[] = [null];
  const values: unknown[] = [node];
  while (values.length > 0) {
    const key = keys.pop()!;
    const value = values.pop()!;
    if (value === null || typeof value !== "object") continue;
    // A node is a single-key object whose key starts with an upper-case letter.
    if (key !== null && !Array.isArray(value) && key.charCodeAt(0) >= 65 && key.charCodeAt(0) <= 90) {
      if (visit(key, value as PgNode) === false) continue;
    }
    const from = values.length;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) {
        const v: unknown = value[i];
        if (v !== null && typeof v === "object") (keys.push(null), values.push(v));
      }
      continue;
    }
    const obj = value as PgNode;
    for (const k in obj) {
      const v: unknown = obj[k];
      if (v !== null && typeof v === "object") (keys.push(k), values.push(v));
    }
    // fields were pushed in order: reverse them so the first is visited first
    for (let a = from, b = values.length - 1; a < b; a++, b--) {
      [keys[a], keys[b]] = [keys[b]!, keys[a]!];
      [values[a], values[b]] = [values[b], values[a]];
    }
  }
}

/**
 * Every object (nodes and field objects alike) inside a value, depth first, without recursion:
 * for scans that look at each object's own fields (`location`, `aliasname`…). Arrays are entered,
 * not yielded. `enter` returning false skips an object's insides.
 */
export function forEachObject(value: unknown, enter: (obj: PgNode) => boolean | void): void {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== "object") continue;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push(v[i]);
      continue;
    }
    const obj = v as PgNode;
    if (enter(obj) === false) continue;
    const from = stack.length;
    for (const k in obj) {
      const x: unknown = obj[k];
      if (x !== null && typeof x === "object") stack.push(x);
    }
    for (let a = from, b = stack.length - 1; a < b; a++, b--) [stack[a], stack[b]] = [stack[b], stack[a]];
  }
}

/**
 * Statement node types, and where a statement runs others: the vocabulary rules subscribe with.
 *
 * A rule listens for statement kinds by their parser names (`UpdateStmt`, `TruncateStmt`,
 * `IndexStmt`…). It is called for every such statement that runs: the statement itself, a
 * data-modifying WITH query, the query of EXPLAIN ANALYZE or PREPARE, a BEGIN ATOMIC body, and the
 * statements of DO blocks and function bodies (see `Statement.body`). Statements that are only
 * described, never run here (the query of a plain EXPLAIN, CREATE RULE actions) are not.
 */
import type { Node } from "@pgsql/types";
import { nodeBody, nodeType } from "./classify.js";
import type { PgNode } from "./parser.js";

type KeysOfUnion<T> = T extends T ? keyof T : never;

/** Every node type of libpg-query's tree (`UpdateStmt`, `RangeVar`, `A_Const`…). */
export type NodeTypeName = KeysOfUnion<Node>;

/** The statement node types: the names rules subscribe to. */
export type StatementType = Extract<NodeTypeName, `${string}Stmt`>;

/** The fields of a node of type `K`, as libpg-query's JSON gives them. */
export type NodeOf<K extends NodeTypeName> = Extract<Node, { [P in K]: unknown }>[K];

/**
 * Where a statement node sits in the statement that runs it: the statement itself, a WITH query,
 * the query EXPLAIN ANALYZE runs, a prepared statement's query, a BEGIN ATOMIC function body.
 */
export type Via = "statement" | "cte" | "explain" | "prepare" | "atomic";

export interface ExecutedNode {
  type: string;
  /** The node's fields (`{ relation, whereClause, … }` of an UpdateStmt). */
  body: PgNode;
  via: Via;
}

/**
 * The statement nodes a parsed statement runs, the statement first: data-modifying CTEs (at any
 * depth of WITH), EXPLAIN ANALYZE, PREPARE, and BEGIN ATOMIC bodies. A plain EXPLAIN and the actions
 * of CREATE RULE are left out: they do not run here.
 */
export function executedNodes(node: PgNode | null): ExecutedNode[] {
  const out: ExecutedNode[] = [];
  if (!node) return out;
  // Depth first, the statement before the ones it runs; iterative, so WITH inside WITH inside WITH…
  // cannot exhaust the stack.
  const todo: { node: PgNode; via: Via }[] = [{ node, via: "statement" }];
  while (todo.length > 0) {
    const next = todo.pop()!;
    const inner: { node: PgNode; via: Via }[] = [];
    visit(next.node, next.via, out, inner);
    for (let i = inner.length - 1; i >= 0; i--) todo.push(inner[i]!);
  }
  return out;
}

/** Records a statement node, and lists the statements it runs in turn. */
/**
 * Whether a statement of `type`, whose tree libpg-query wrote as `json`, may run statements besides
 * itself (see `visit`): EXPLAIN ANALYZE, PREPARE, a BEGIN ATOMIC body, a WITH clause. The JSON text
 * is enough to tell, without reading the tree: a key of the tree is a quoted name followed by `:`,
 * which a string in it cannot hold unescaped. May say yes wrongly, never no wrongly.
 */
export function mayRunOthers(type: string, json: string): boolean {
  return type === "ExplainStmt" || type === "PrepareStmt" || json.includes('"withClause":') || json.includes('"sql_body":');
}

/**
 * Whether a statement whose tree is read may run statements besides itself: exactly when
 * `executedNodes` would list more than the statement (see `visit`), told from the top of the tree.
 */
export function treeRunsOthers(node: PgNode): boolean {
  const type = nodeType(node);
  const body = nodeBody(node);
  if (type === "ExplainStmt" || type === "PrepareStmt" || (type === "CreateFunctionStmt" && body.sql_body)) return true;
  if (((body.withClause as PgNode | undefined)?.ctes as PgNode[] | undefined)?.length) return true;
  return type === "InsertStmt" && body.selectStmt !== undefined && nodeBody(body.selectStmt as PgNode).withClause !== undefined;
}

function visit(node: PgNode, via: Via, out: ExecutedNode[], inner: { node: PgNode; via: Via }[]): void {
  const type = nodeType(node);
  const body = nodeBody(node);
  out.push({ type, body, via });
  if (type === "ExplainStmt") {
    const analyze = (body.options as PgNode[] | undefined)?.some((o) => nodeBody(o).defname === "analyze");
    if (analyze && body.query) inner.push({ node: body.query as PgNode, via: "explain" });
    return;
  }
  if (type === "PrepareStmt" && body.query) {
    inner.push({ node: body.query as PgNode, via: "prepare" });
    return;
  }
  if (type === "CreateFunctionStmt" && body.sql_body) {
    forEachStatement(body.sql_body, (n) => inner.push({ node: n, via: "atomic" }));
    return;
  }
  ctes(body, inner);
  // INSERT … SELECT with its own WITH clause
  if (type === "InsertStmt" && body.selectStmt) ctes(nodeBody(body.selectStmt as PgNode), inner);
}

function ctes(body: PgNode, inner: { node: PgNode; via: Via }[]): void {
  const list = (body.withClause as PgNode | undefined)?.ctes as PgNode[] | undefined;
  for (const c of list ?? []) {
    const q = nodeBody(c).ctequery as PgNode | undefined;
    if (q) inner.push({ node: q, via: "cte" });
  }
}

/** Statement nodes inside a BEGIN ATOMIC body (Lists of statements, iteratively). */
function forEachStatement(value: unknown, fn: (n: PgNode) => void): void {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (!v || typeof v !== "object") continue;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push(v[i]);
      continue;
    }
    const t = nodeType(v as PgNode);
    if (t === "List") stack.push(nodeBody(v as PgNode).items);
    else if (t.endsWith("Stmt")) fn(v as PgNode);
  }
}

/**
 * Words without which a text cannot hold a statement of the type: a DO block or function body
 * that has none of the words of the statement types rules listen for is not parsed at all.
 * Types not listed may hold no telling word; their bodies are always read.
 */
const WORDS: Partial<Record<StatementType, string>> = {
  UpdateStmt: "update",
  DeleteStmt: "delete",
  InsertStmt: "insert",
  MergeStmt: "merge",
  TruncateStmt: "truncate",
  CopyStmt: "copy",
  IndexStmt: "index",
  ReindexStmt: "reindex",
  ClusterStmt: "cluster",
  VacuumStmt: "vacuum|analy[sz]e",
  LockStmt: "lock",
  RefreshMatViewStmt: "refresh",
  TransactionStmt: "begin|start|commit|rollback|abort|end|savepoint|release|prepare",
  VariableSetStmt: "set|reset",
  GrantStmt: "grant|revoke",
  CommentStmt: "comment",
  RuleStmt: "rule",
  RenameStmt: "alter",
  AlterObjectSchemaStmt: "alter",
  AlterOwnerStmt: "alter",
};

function wordsOf(type: string): string | null {
  const listed = WORDS[type as StatementType];
  if (listed) return listed;
  if (/^Alter/.test(type)) return "alter";
  if (/^(?:Create|Define|Composite)/.test(type) || type === "ViewStmt") return "create";
  if (/^Drop/.test(type)) return "drop";
  return null;
}

/**
 * A test for texts that may hold a statement of one of `types`: null when any text may (some type
 * has no telling word), so the caller reads everything.
 */
export function statementWords(types: Iterable<string>): RegExp | null {
  const words = new Set<string>();
  for (const t of types) {
    const w = wordsOf(t);
    if (w === null) return null;
    words.add(w);
  }
  return words.size === 0 ? /(?!)/ : new RegExp(`\\b(?:${[...words].join("|")})\\b`, "i");
}

/**
 * Whether a statement node a rule met runs when the script runs: at top level, in a WITH query or
 * EXPLAIN ANALYZE, or in a DO block; not in the body of a function or procedure (it runs when that
 * is called) nor in a prepared statement (when it is executed).
 */
export function runsNow(at: { via: Via; body: { nodeType: string } | null }): boolean {
  if (at.via === "atomic" || at.via === "prepare") return false;
  return at.body === null || at.body.nodeType === "DoStmt";
}

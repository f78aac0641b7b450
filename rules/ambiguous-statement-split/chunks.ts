/**
 * What a piece of a statement does when a client runs it on its own: whether it would fail
 * anyway, and a short description of its effect for the message. The pieces are parsed by the
 * rule itself (they are new text, not statements of the document).
 */
import { classify, nodeBody, nodeType, relationName, walk } from "../../src/sql/classify.js";
import type { SqlDocument, Statement } from "../../src/sql/document.js";
import { conditionRange, dmlTargets, excerpt, verbRange, type DmlTarget } from "../../src/sql/effects.js";
import type { PgNode } from "../../src/sql/parser.js";

/** AST fields that only say where something was written, not what it means. */
const POSITION_KEYS = new Set([
  "location",
  "stmt_location",
  "stmt_len",
  "list_start",
  "list_end",
  "name_location",
  "rexpr_list_start",
  "rexpr_list_end",
]);

/** A canonical text of an AST without positions: equal keys mean the same statement. */
export function astKey(node: unknown): string {
  return JSON.stringify(node, (key, value: unknown) => (POSITION_KEYS.has(key) ? undefined : value));
}

/**
 * A canonical text of what a write does, whatever it returns: the AST without positions and
 * without its RETURNING clauses. `UPDATE t SET a = 1 WHERE id = 42` and the same with
 * `RETURNING *` write the same rows. A SELECT writes only through its data-modifying WITH
 * queries: its key is its WITH clause, so `WITH r AS (UPDATE …) SELECT … FROM r` cut before a
 * `UNION ALL` that follows writes what the whole statement writes.
 */
const RETURNING_KEYS = new Set(["returningClause", "returningList"]);

export function writeKey(node: unknown): string {
  const what = nodeType(node as PgNode) === "SelectStmt" ? { with: nodeBody(node as PgNode).withClause ?? null } : node;
  return JSON.stringify(what, (key, value: unknown) => (POSITION_KEYS.has(key) || RETURNING_KEYS.has(key) ? undefined : value));
}

export interface Effect {
  /** Higher is worse; decides which piece a report talks about. */
  danger: number;
  /** `write` is an error; the others are warnings at most. */
  messageId: "write" | "read" | "other";
  /** What it does, for the message ("every row of orders", "drops table x"). */
  effect: string;
  /**
   * For the destructive effects (every row changed or removed, a table emptied or dropped): what
   * is destroyed, so a piece can be compared with the whole statement.
   */
  destroys?: string;
}

export const DANGER = {
  everyRow: 100,
  truncate: 95,
  drop: 90,
  write: 60,
  someRows: 50,
  sameEffect: 20,
  read: 10,
  other: 5,
} as const;

// --- would the piece fail before doing anything? ---

/** Names of every WITH query in an AST. */
export function cteNames(node: unknown): Set<string> {
  const names = new Set<string>();
  walk(node, (type, body) => {
    if (type === "CommonTableExpr" && typeof body.ctename === "string") names.add(body.ctename);
  });
  return names;
}

/**
 * True when PostgreSQL would refuse the piece before running it, so a client sending it does
 * no harm: a SELECT with column references but no FROM (`SELECT *`, `SELECT id, name`), a
 * column qualified by a table the piece never names (`UPDATE orders o SET total = s.total`
 * cut before `FROM sums s`), or a read of a WITH query the cut left behind (`lostCtes`: the
 * whole statement's WITH queries the piece does not define). Only claims failure when sure:
 * subqueries are not looked into for columns, and an unusual FROM item makes the check give up.
 */
export function failsOnItsOwn(node: PgNode, isVariable: (location: number) => boolean, lostCtes: ReadonlySet<string> = new Set()): boolean {
  if (lostCtes.size > 0) {
    const own = cteNames(node);
    let lost = false;
    // Only FROM items are wrapped RangeVar nodes; the target of INSERT/UPDATE/DELETE is not.
    walk(node, (type, body) => {
      if (type === "RangeVar" && !body.schemaname && lostCtes.has(body.relname) && !own.has(body.relname)) lost = true;
    });
    if (lost) return true;
  }
  const type = nodeType(node);
  const body = nodeBody(node);
  switch (type) {
    case "SelectStmt":
      return selectFails(body, isVariable);
    case "InsertStmt": {
      const sel = body.selectStmt as PgNode | undefined;
      return !!sel && nodeType(sel) === "SelectStmt" && selectFails(nodeBody(sel), isVariable);
    }
    case "UpdateStmt":
    case "DeleteStmt": {
      const scope = new Set<string>();
      if (!addTarget(body.relation as PgNode | undefined, scope)) return false;
      const others = (type === "UpdateStmt" ? body.fromClause : body.usingClause) as PgNode[] | undefined;
      if (others && !scopeNames(others, scope)) return false;
      // RETURNING may name OLD/NEW or aliases of them (PostgreSQL 18): not looked at.
      const exprs = [...((body.targetList as PgNode[] | undefined) ?? []).map((t) => nodeBody(t).val), body.whereClause];
      return refsFail(exprs, scope, true, isVariable);
    }
    case "ExplainStmt":
    case "CreateTableAsStmt":
      return body.query ? failsOnItsOwn(body.query as PgNode, isVariable) : false;
    default:
      return false;
  }
}

function selectFails(top: PgNode, isVariable: (location: number) => boolean): boolean {
  // UNION of UNION of UNION… (3,000 of them fit in a tree): a stack, not recursion
  const stack = [top];
  while (stack.length > 0) {
    const body = stack.pop()!;
    if (body.op && body.op !== "SETOP_NONE") {
      if (body.rarg) stack.push(body.rarg as PgNode);
      if (body.larg) stack.push(body.larg as PgNode);
      continue;
    }
    if (simpleSelectFails(body, isVariable)) return true;
  }
  return false;
}

function simpleSelectFails(body: PgNode, isVariable: (location: number) => boolean): boolean {
  if (body.valuesLists) return false;
  const from = body.fromClause as PgNode[] | undefined;
  const scope = new Set<string>();
  if (from && !scopeNames(from, scope)) return false;
  // ORDER BY may name output columns: not looked at.
  const exprs = [...((body.targetList as PgNode[] | undefined) ?? []).map((t) => nodeBody(t).val), body.whereClause, body.groupClause, body.havingClause];
  return refsFail(exprs, scope, !!from, isVariable);
}

function addTarget(rv: PgNode | undefined, scope: Set<string>): boolean {
  if (!rv || typeof rv.relname !== "string") return false;
  scope.add(rv.relname);
  const alias = (rv.alias as PgNode | undefined)?.aliasname;
  if (typeof alias === "string") scope.add(alias);
  return true;
}

/** Adds the names a FROM list makes visible; false when an item is too unusual to be sure. */
function scopeNames(items: PgNode[], scope: Set<string>): boolean {
  // JOIN of JOIN of JOIN…: a stack, not recursion
  const stack = [...items].reverse();
  while (stack.length > 0) {
    const item = stack.pop()!;
    const t = nodeType(item);
    const b = nodeBody(item);
    const alias = (b.alias as PgNode | undefined)?.aliasname as string | undefined;
    if (alias) scope.add(alias);
    if (t === "RangeVar") {
      if (!addTarget(b, scope)) return false;
    } else if (t === "JoinExpr") {
      if (b.rarg) stack.push(b.rarg as PgNode);
      if (b.larg) stack.push(b.larg as PgNode);
    } else if (t === "RangeFunction") {
      if (alias) continue;
      const fns = b.functions as PgNode[] | undefined;
      const call = nodeBody((nodeBody(fns?.[0]).items as PgNode[] | undefined)?.[0]);
      const names = (call.funcname as PgNode[] | undefined)?.map((n) => nodeBody(n).sval as string | undefined);
      const last = names?.[names.length - 1];
      if (!last || (fns?.length ?? 0) !== 1) return false;
      scope.add(last);
    } else if (t === "RangeSubselect") {
      // Without an alias nothing can be qualified by it.
    } else if (!alias) return false;
  }
  return true;
}

/**
 * Looks at the column references in `exprs` (not inside subqueries). With no FROM at all
 * (`hasFrom` false) any reference fails; otherwise a qualifier that names no visible table does.
 */
function refsFail(exprs: unknown[], scope: Set<string>, hasFrom: boolean, isVariable: (location: number) => boolean): boolean {
  // Only whether some reference fails counts, not which: the order of the scan does not matter.
  const stack: unknown[] = [...exprs];
  while (stack.length > 0) {
    const n = stack.pop();
    if (!n || typeof n !== "object") continue;
    if (Array.isArray(n)) {
      for (const x of n) stack.push(x);
      continue;
    }
    const t = nodeType(n as PgNode);
    if (t === "SubLink") continue;
    if (t === "ColumnRef") {
      const b = nodeBody(n as PgNode);
      if (typeof b.location === "number" && isVariable(b.location)) continue;
      const fields = (b.fields as PgNode[] | undefined) ?? [];
      if (!hasFrom) return true;
      if (fields.length >= 2) {
        const q = nodeBody(fields[fields.length - 2]).sval as string | undefined;
        if (typeof q === "string" && !scope.has(q)) return true;
      }
      continue;
    }
    const b = nodeBody(n as PgNode);
    for (const k in b) stack.push(b[k]);
  }
  return false;
}

// --- what the piece does ---

const KIND_WORDS: Record<string, string> = {
  OBJECT_MATVIEW: "materialized view",
  OBJECT_FOREIGN_TABLE: "foreign table",
  OBJECT_FDW: "foreign-data wrapper",
  OBJECT_FOREIGN_SERVER: "server",
  OBJECT_TSCONFIGURATION: "text search configuration",
  OBJECT_TSDICTIONARY: "text search dictionary",
  OBJECT_TSPARSER: "text search parser",
  OBJECT_TSTEMPLATE: "text search template",
  OBJECT_OPCLASS: "operator class",
  OBJECT_OPFAMILY: "operator family",
  OBJECT_ACCESS_METHOD: "access method",
  OBJECT_EVENT_TRIGGER: "event trigger",
};

function kindWord(objtype: unknown): string {
  if (typeof objtype !== "string") return "object";
  return KIND_WORDS[objtype] ?? objtype.replace(/^OBJECT_/, "").toLowerCase().replace(/_/g, " ");
}

function plural(word: string): string {
  if (/(?:s|x|sh|ch)$/.test(word)) return `${word}es`;
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  return `${word}s`;
}

function objectName(o: PgNode | undefined): string {
  const t = nodeType(o);
  const b = nodeBody(o);
  if (t === "String") return String(b.sval ?? "?");
  if (t === "List") return ((b.items as PgNode[] | undefined) ?? []).map(objectName).join(".");
  if (t === "ObjectWithArgs") return ((b.objname as PgNode[] | undefined) ?? []).map(objectName).join(".");
  if (t === "TypeName") return ((b.names as PgNode[] | undefined) ?? []).map(objectName).join(".");
  if (t === "RangeVar") return relationName(b);
  return "?";
}

function list(names: string[]): string {
  const shown = names.slice(0, 3).join(", ");
  return names.length > 3 ? `${shown} and ${names.length - 3} more` : shown;
}

function funcName(call: PgNode | undefined): string {
  return ((nodeBody(call).funcname as PgNode[] | undefined) ?? []).map(objectName).join(".") || "?";
}

/**
 * The text of a document range as written, comments left out and whitespace collapsed: what a
 * message quotes, credentials masked (`doc.quote`). `doc.comments` holds every comment up to the
 * statement being checked.
 */
export function written(doc: SqlDocument, from: number, to: number, max: number): string {
  let out = "";
  let at = from;
  const comments = doc.comments;
  // Comments are in document order: find the first one that ends after `from`.
  let lo = 0;
  let hi = comments.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (comments[mid]!.end <= from) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < comments.length && comments[i]!.start < to; i++) {
    const c = comments[i]!;
    out += doc.quote(at, Math.max(at, c.start)) + " ";
    at = Math.max(at, Math.min(c.end, to));
  }
  out += doc.quote(at, to);
  return excerpt(out, max);
}

/** A WHERE condition as written in the piece. */
function condition(chunk: Statement, node: PgNode): string {
  const r = conditionRange(chunk, node);
  return r ? written(chunk.doc, chunk.offsetOfIndex(r.start), chunk.offsetOfIndex(r.end), 40) : "";
}

/** The rows an UPDATE/DELETE target touches, in words. */
function rowsOf(target: DmlTarget, chunk: Statement): { danger: number; text: string; destroys?: string } {
  const table = verbRange(chunk, target).written;
  const destroys = `${target.verb} ${target.table}`;
  const scope = target.scope;
  switch (scope.kind) {
    case "all":
      return { danger: DANGER.everyRow, text: `every row of ${table}`, destroys };
    case "always-true":
      return { danger: DANGER.everyRow, text: `every row of ${table} (WHERE ${condition(chunk, scope.condition) || "…"} is always true)`, destroys };
    case "no-join":
      return { danger: DANGER.everyRow, text: `every row of ${table} (the WHERE never links it to ${scope.from})`, destroys };
    default: {
      const where = target.body.whereClause as PgNode;
      return { danger: DANGER.someRows, text: `the rows of ${table} matching ${condition(chunk, where) || "its WHERE"}` };
    }
  }
}

/** UPDATE/DELETE that run when the statement runs (not PREPARE or a function body). */
function runs(t: DmlTarget): boolean {
  return t.via === "statement" || t.via === "cte" || t.via === "explain";
}

/**
 * Describes a complete piece (or, given itself as `whole`, a whole statement). `whole` is the
 * AST of the statement the piece was cut from.
 */
export function describe(node: PgNode, chunk: Statement, whole: PgNode): Effect {
  const type = nodeType(node);
  const body = nodeBody(node);
  const kind = classify(node);

  const targets = dmlTargets(node).filter(runs);
  if (targets.length > 0) {
    let best: { danger: number; text: string; destroys?: string } | null = null;
    for (const t of targets) {
      const r = rowsOf(t, chunk);
      if (!best || r.danger > best.danger) best = r;
    }
    const e: Effect = { danger: best!.danger, messageId: "write", effect: best!.text };
    if (best!.destroys) e.destroys = best!.destroys;
    return e;
  }

  if (type === "ExplainStmt") {
    // Only EXPLAIN ANALYZE of a write gets here with kind "write" (and no UPDATE/DELETE).
    const inner = body.query as PgNode | undefined;
    if (kind !== "read" && inner) return describe(inner, chunk, whole);
  }

  const error = (danger: number, effect: string): Effect => ({ danger, messageId: "write", effect });
  switch (type) {
    case "InsertStmt": {
      const into = relationName(body.relation as PgNode | undefined);
      const sel = nodeBody(body.selectStmt as PgNode | undefined);
      const from = sel.fromClause as PgNode[] | undefined;
      if (from?.length === 1 && nodeType(from[0]) === "RangeVar" && !sel.limitCount && (!sel.op || sel.op === "SETOP_NONE")) {
        const source = relationName(nodeBody(from[0]));
        if (!sel.whereClause) return error(DANGER.write, `inserts every row of ${source} into ${into}`);
        return error(DANGER.write, `inserts the rows of ${source} matching ${condition(chunk, sel.whereClause as PgNode) || "its WHERE"} into ${into}`);
      }
      return error(DANGER.write, `inserts into ${into}`);
    }
    case "MergeStmt":
      return error(DANGER.write, `merges into ${relationName(body.relation as PgNode | undefined)}`);
    case "TruncateStmt": {
      const names = ((body.relations as PgNode[] | undefined) ?? []).map(objectName);
      return { ...error(DANGER.truncate, `empties ${list(names)}`), destroys: `TRUNCATE ${names.join(",")}` };
    }
    case "CopyStmt":
      if (body.is_from) return error(DANGER.write, `loads rows into ${relationName(body.relation as PgNode | undefined)}`);
      break;
    case "RefreshMatViewStmt":
      return error(DANGER.write, `refreshes materialized view ${relationName(body.relation as PgNode | undefined)}`);
    case "DropStmt": {
      const names = ((body.objects as PgNode[] | undefined) ?? []).map(objectName);
      const what = names.length > 1 ? plural(kindWord(body.removeType)) : kindWord(body.removeType);
      return { ...error(DANGER.drop, `drops ${what} ${list(names)}`), destroys: `DROP ${String(body.removeType)} ${names.join(",")}` };
    }
    case "CreateStmt":
      return error(DANGER.write, `creates table ${relationName(body.relation as PgNode | undefined)}`);
    case "IndexStmt":
      return error(DANGER.write, `creates ${body.idxname ? `index ${body.idxname}` : "an index"} on ${relationName(body.relation as PgNode | undefined)}`);
    case "AlterTableStmt":
      return error(DANGER.write, `alters ${kindWord(body.objtype)} ${relationName(body.relation as PgNode | undefined)}`);
    case "CreateTableAsStmt": {
      const into = nodeBody(body.into as PgNode | undefined);
      return error(DANGER.write, `creates ${kindWord(body.objtype)} ${relationName(into.rel as PgNode | undefined)}`);
    }
    case "SelectStmt":
      if (body.intoClause) return error(DANGER.write, `creates table ${relationName(nodeBody(body.intoClause as PgNode).rel as PgNode | undefined)}`);
      if (kind === "write") return error(DANGER.write, "writes through a WITH query");
      break;
    case "CreateSchemaStmt": {
      const name = String(body.schemaname ?? nodeBody(body.authrole as PgNode | undefined).rolename ?? "?");
      const n = ((body.schemaElts as PgNode[] | undefined) ?? []).length;
      const of = ((nodeBody(whole).schemaElts as PgNode[] | undefined) ?? []).length;
      const part = nodeType(whole) === "CreateSchemaStmt" && of > n ? ` with ${n === 0 ? "none" : `only ${n}`} of its ${of} objects` : "";
      return error(DANGER.write, `creates schema ${name}${part}`);
    }
    case "ViewStmt":
      return error(DANGER.write, `creates view ${relationName(body.view as PgNode | undefined)}`);
    case "CreateFunctionStmt":
      return error(DANGER.write, `creates ${body.is_procedure ? "procedure" : "function"} ${((body.funcname as PgNode[] | undefined) ?? []).map(objectName).join(".")}`);
    case "GrantStmt":
      return error(DANGER.write, `${body.is_grant ? "grants" : "revokes"} privileges on ${kindWord(body.objtype)} ${list(((body.objects as PgNode[] | undefined) ?? []).map(objectName))}`);
    case "CallStmt":
      return error(DANGER.write, `calls ${funcName(body.funccall as PgNode | undefined)}`);
    case "DoStmt":
      return error(DANGER.write, "runs a DO block");
    case "ExecuteStmt":
      return error(DANGER.write, `executes the prepared statement ${String(body.name ?? "?")}`);
    case "AlterSystemStmt":
      return error(DANGER.write, "changes the server configuration");
  }
  if (kind === "ddl") return error(DANGER.write, "changes the schema");
  if (kind === "write") return error(DANGER.write, "writes data");
  if (kind === "read") return { danger: DANGER.read, messageId: "read", effect: "a read-only query" };
  return { danger: DANGER.other, messageId: "other", effect: "" };
}

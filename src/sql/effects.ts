/**
 * Which rows a statement touches. Shared by require-where (report writes that hit every row)
 * and ambiguous-statement-split (say what a cut-off chunk would do).
 */
import { forEachObject, nodeBody, nodeType, relationName } from "./classify.js";
import { executedNodes, type Via } from "./statements.js";
import type { Statement } from "./document.js";
import type { PgNode } from "./parser.js";

export type RowScope =
  /** no WHERE at all */
  | { kind: "all" }
  /** a WHERE that is true for every row */
  | { kind: "always-true"; condition: PgNode }
  /** UPDATE … FROM / DELETE … USING whose WHERE never links the target to the other tables */
  | { kind: "no-join"; from: string }
  /** some rows (or we cannot tell) */
  | { kind: "some" };

export interface DmlTarget {
  verb: "UPDATE" | "DELETE";
  /** Table as written (`schema.table`). */
  table: string;
  /** The UpdateStmt/DeleteStmt body. */
  body: PgNode;
  /** Byte location of the target table in the statement's parse text. */
  relationLocation: number;
  scope: RowScope;
  /** Where it sits: top level, a WITH query, a BEGIN ATOMIC body, EXPLAIN ANALYZE, PREPARE. */
  via: Via;
}

/**
 * Every UPDATE and DELETE a statement runs: the statement itself, data-modifying CTEs, BEGIN
 * ATOMIC bodies, EXPLAIN ANALYZE and PREPARE (see `executedNodes`).
 */
export function dmlTargets(node: PgNode | null): DmlTarget[] {
  const out: DmlTarget[] = [];
  for (const n of executedNodes(node)) {
    if (n.type === "UpdateStmt" || n.type === "DeleteStmt") out.push(dmlTarget(n.type, n.body, n.via));
  }
  return out;
}

/** What an UPDATE or DELETE (its node's fields) touches. */
export function dmlTarget(type: "UpdateStmt" | "DeleteStmt", body: PgNode, via: Via): DmlTarget {
  const verb = type === "UpdateStmt" ? "UPDATE" : "DELETE";
  const rv = body.relation as PgNode | undefined;
  return {
    verb,
    table: relationName(rv),
    body,
    relationLocation: typeof rv?.location === "number" ? rv.location : -1,
    scope: rowScope(body, verb),
    via,
  };
}

function rowScope(body: PgNode, verb: "UPDATE" | "DELETE"): RowScope {
  const where = body.whereClause as PgNode | undefined;
  if (!where) return { kind: "all" };
  if (isAlwaysTrue(where)) return { kind: "always-true", condition: where };
  const others = (verb === "UPDATE" ? body.fromClause : body.usingClause) as PgNode[] | undefined;
  if (others && others.length > 0) {
    const from = unlinkedFrom(body, others, where);
    if (from) return { kind: "no-join", from };
  }
  return { kind: "some" };
}

// --- constant conditions ---

type Const = { kind: "bool" | "num" | "str" | "null"; value: string };

/**
 * How deep `constOf` and `constantTruth` look (casts of casts, NOT of NOT…). Deeper is unknown,
 * which is never a finding: a bound keeps the call stack small whatever the tree.
 */
const MAX_CONST_DEPTH = 64;

function constOf(node: PgNode, depth = 0): Const | null {
  if (depth > MAX_CONST_DEPTH) return null;
  const t = nodeType(node);
  const b = nodeBody(node);
  if (t === "A_Const") {
    if (b.isnull) return { kind: "null", value: "" };
    if (b.boolval) return { kind: "bool", value: b.boolval.boolval ? "t" : "f" };
    if (b.ival) return { kind: "num", value: String(b.ival.ival ?? 0) };
    if (b.fval) return { kind: "num", value: String(Number(b.fval.fval)) };
    if (b.sval) return { kind: "str", value: String(b.sval.sval ?? "") };
    return null;
  }
  if (t === "TypeCast") {
    const inner = constOf(b.arg as PgNode, depth + 1);
    const names = ((b.typeName as PgNode | undefined)?.names as PgNode[] | undefined)?.map((n) => nodeBody(n).sval);
    const type = names?.[names.length - 1];
    if (inner && (type === "bool" || type === "boolean")) {
      const v = inner.value.toLowerCase();
      if (["t", "true", "y", "yes", "on", "1"].includes(v)) return { kind: "bool", value: "t" };
      if (["f", "false", "n", "no", "off", "0"].includes(v)) return { kind: "bool", value: "f" };
    }
    if (inner && (type === "int4" || type === "int8" || type === "int2" || type === "numeric")) {
      const n = Number(inner.value);
      if (Number.isFinite(n)) return { kind: "num", value: String(n) };
    }
    if (inner && (type === "text" || type === "varchar")) return { kind: "str", value: inner.value };
    return null;
  }
  return null;
}

function compare(op: string, a: Const, b: Const): boolean | null {
  if (a.kind === "null" || b.kind === "null") return null;
  let c: number;
  if (a.kind === "num" && b.kind === "num") c = Number(a.value) - Number(b.value);
  else if (a.kind === b.kind || (a.kind === "str" && b.kind !== "str") || (b.kind === "str" && a.kind !== "str")) {
    if (a.kind !== b.kind) return null; // '1' = 1 depends on casts: do not guess
    c = a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
  } else return null;
  switch (op) {
    case "=":
      return c === 0;
    case "<>":
    case "!=":
      return c !== 0;
    case "<":
      return c < 0;
    case "<=":
      return c <= 0;
    case ">":
      return c > 0;
    case ">=":
      return c >= 0;
    default:
      return null;
  }
}

function sameColumn(a: PgNode, b: PgNode): boolean {
  if (nodeType(a) !== "ColumnRef" || nodeType(b) !== "ColumnRef") return false;
  const fa = JSON.stringify(nodeBody(a).fields);
  return fa === JSON.stringify(nodeBody(b).fields) && !fa.includes("A_Star");
}

/** The truth of a condition when it does not depend on the row: true, false, or null (unknown). */
export function constantTruth(node: PgNode, depth = 0): boolean | null {
  if (depth > MAX_CONST_DEPTH) return null;
  const t = nodeType(node);
  const b = nodeBody(node);
  const c = constOf(node);
  if (c) return c.kind === "bool" ? c.value === "t" : null;
  if (t === "BoolExpr") {
    const args = (b.args as PgNode[] | undefined) ?? [];
    const truths = args.map((a) => constantTruth(a, depth + 1));
    switch (b.boolop) {
      case "NOT_EXPR":
        return truths[0] === null || truths[0] === undefined ? null : !truths[0];
      case "OR_EXPR":
        if (truths.some((x) => x === true)) return true;
        return truths.every((x) => x === false) ? false : null;
      case "AND_EXPR":
        if (truths.some((x) => x === false)) return false;
        return truths.every((x) => x === true) ? true : null;
    }
    return null;
  }
  if (t === "A_Expr" && b.kind === "AEXPR_OP") {
    const op = String(nodeBody((b.name as PgNode[] | undefined)?.[0]).sval ?? "");
    const l = b.lexpr as PgNode | undefined;
    const r = b.rexpr as PgNode | undefined;
    if (!l || !r) return null;
    // x = x is true for every row where x is not null
    if (op === "=" && sameColumn(l, r)) return true;
    const lc = constOf(l);
    const rc = constOf(r);
    if (lc && rc) return compare(op, lc, rc);
    return null;
  }
  if (t === "NullTest") {
    const arg = constOf(b.arg as PgNode);
    if (!arg) return null;
    const isNull = arg.kind === "null";
    return b.nulltesttype === "IS_NOT_NULL" ? !isNull : isNull;
  }
  if (t === "BooleanTest") {
    const v = constantTruth(b.arg as PgNode, depth + 1);
    if (v === null) return null;
    switch (b.booltesttype) {
      case "IS_TRUE":
      case "IS_NOT_FALSE":
        return v;
      case "IS_FALSE":
      case "IS_NOT_TRUE":
        return !v;
    }
  }
  return null;
}

export function isAlwaysTrue(node: PgNode): boolean {
  return constantTruth(node) === true;
}

// --- UPDATE … FROM / DELETE … USING without a join condition ---

function namesOf(items: PgNode[], into: Set<string>): void {
  // JOIN of JOIN of JOIN…: a stack, not recursion
  const stack = [...items].reverse();
  while (stack.length > 0) {
    const item = stack.pop()!;
    const t = nodeType(item);
    const b = nodeBody(item);
    const alias = (b.alias as PgNode | undefined)?.aliasname as string | undefined;
    if (t === "RangeVar") into.add(alias ?? String(b.relname));
    else if (t === "JoinExpr") stack.push(...[b.rarg as PgNode, b.larg as PgNode].filter(Boolean));
    else if (alias) into.add(alias);
  }
}

/**
 * The FROM/USING tables when the WHERE clause never mentions the target, so every row of the
 * target qualifies. A WHERE that filters the target by itself (`WHERE bonds.id = $1`, with FROM a
 * one-row CTE) restricts the rows even without a link, so it is no finding. Conservative: any
 * unqualified column or subquery counts as a link.
 */
function unlinkedFrom(body: PgNode, others: PgNode[], where: PgNode): string | null {
  const rv = body.relation as PgNode;
  const target = ((rv.alias as PgNode | undefined)?.aliasname as string | undefined) ?? String(rv.relname);
  const fromNames = new Set<string>();
  namesOf(others, fromNames);
  let unsure = false;
  let mentionsTarget = false;
  // Which objects are looked at decides nothing but the two flags: the order does not matter.
  const stack: unknown[] = [where];
  while (stack.length > 0 && !unsure) {
    const n = stack.pop();
    if (!n || typeof n !== "object") continue;
    if (Array.isArray(n)) {
      for (const x of n) stack.push(x);
      continue;
    }
    const t = nodeType(n as PgNode);
    const b = nodeBody(n as PgNode);
    if (t === "SubLink" || t === "FuncCall") {
      unsure = true;
      break;
    }
    // Two parameters compared with each other: comparing two values would be pointless, so in SQL
    // built in code at least one is a name pasted in (slonik's `${a.fields.id} = ${b.fields.id}`).
    if (t === "A_Expr" && nodeType(b.lexpr as PgNode) === "ParamRef" && nodeType(b.rexpr as PgNode) === "ParamRef") {
      unsure = true;
      break;
    }
    if (t === "ColumnRef") {
      const fields = (b.fields as PgNode[]).map((f) => nodeBody(f).sval as string | undefined);
      if (fields.length < 2 || fields[0] === undefined) {
        unsure = true;
        break;
      }
      const q = fields.length >= 3 ? fields[fields.length - 2]! : fields[0];
      if (q === target) mentionsTarget = true;
      else if (!fromNames.has(q)) unsure = true;
      continue;
    }
    for (const k in b) stack.push(b[k]);
  }
  if (unsure || mentionsTarget) return null;
  return [...fromNames].join(", ") || "?";
}

/**
 * Where an UPDATE/DELETE sits, as document offsets: from its keyword to the end of the target
 * table's name, and the table's name as written in the source (`:SCHEMA.jobs`, `"Orders"`).
 */
export function verbRange(stmt: Statement, target: DmlTarget): { start: number; end: number; written: string } {
  const text = stmt.parseText;
  const loc = target.relationLocation;
  if (loc < 0) return { start: stmt.start, end: Math.min(stmt.end, stmt.start + target.verb.length), written: target.table };
  // Search backwards from the table for the verb.
  const rel = stmt.indexOf(loc);
  const before = text.slice(0, Math.max(0, rel));
  const re = target.verb === "UPDATE" ? /\bupdate\b/gi : /\bdelete\b/gi;
  let at = -1;
  for (let m = re.exec(before); m; m = re.exec(before)) at = m.index;
  // End of the table name as written.
  const name = /^(?:"(?:[^"]|"")*"|[^\s,;()"]+)(?:\s*\.\s*(?:"(?:[^"]|"")*"|[^\s,;()"]+))*/.exec(text.slice(rel));
  const relEnd = rel + (name ? name[0].length : 0);
  const start = at >= 0 ? stmt.offsetOfIndex(at) : stmt.offsetOfIndex(rel);
  const end = stmt.offsetOfIndex(relEnd);
  const written = stmt.doc.quote(stmt.offsetOfIndex(rel), end).replace(/\s+/g, "");
  return { start, end, written: written || target.table };
}

/** The source text of a WHERE condition (for messages), from its parse text as it may be shown (credentials masked). */
export function conditionText(stmt: Statement, condition: PgNode): string {
  const r = conditionRange(stmt, condition);
  return r ? stmt.shownParseText.slice(r.start, r.end).trim() : "";
}

/**
 * Where a WHERE condition is written, as indexes of the statement's parse text (from after
 * `WHERE` to the end of its last token), or null when the AST holds no position. Map them with
 * `stmt.offsetOfIndex` to show the text as written (psql variables unmasked).
 */
export function conditionRange(stmt: Statement, condition: PgNode): { start: number; end: number } | null {
  const text = stmt.parseText;
  let lo = Infinity;
  let hi = -1;
  forEachObject(condition, (o) => {
    if (typeof o.location === "number" && o.location >= 0) {
      lo = Math.min(lo, o.location);
      hi = Math.max(hi, o.location);
    }
  });
  if (hi < 0) return null;
  const a = stmt.indexOf(lo);
  const before = text.slice(0, a);
  const where = before.search(/\bwhere\s*[(\s]*$/i);
  const start = where >= 0 ? where + 5 : a;
  let end = tokenEnd(text, stmt.indexOf(hi));
  // close any parenthesis opened inside the condition
  let depth = 0;
  for (let i = start; i < end; i++) depth += text[i] === "(" ? 1 : text[i] === ")" ? -1 : 0;
  while (depth > 0 && end < text.length) {
    const c = text[end++];
    if (c === ")") depth--;
    else if (c === "(") depth++;
  }
  return { start, end };
}

function tokenEnd(text: string, i: number): number {
  const c = text[i];
  if (c === undefined) return i;
  if (c === "'" || c === '"') {
    let j = i + 1;
    for (;;) {
      const k = text.indexOf(c, j);
      if (k < 0) return text.length;
      if (text[k + 1] === c) {
        j = k + 2;
        continue;
      }
      return k + 1;
    }
  }
  const m = /^(?:[\w$.]+|::\w+|[<>=!]+)/.exec(text.slice(i, i + 200));
  return i + (m ? m[0].length : 1);
}

/** Short, one-line text of a node range for messages. */
export function excerpt(text: string, max = 60): string {
  const one = text.replace(/\s+/g, " ").trim();
  return one.length > max ? one.slice(0, max - 1) + "…" : one;
}

export { nodeType };

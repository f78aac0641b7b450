/**
 * The name PostgreSQL gives a select-list column that has no alias (`FigureColname` in
 * parse_target.c): a column reference's last field, a function's name, `?column?` for constants
 * and operators, `case`, `array`, `row`, `coalesce`… Only the forms worked out here are answered;
 * for others (and for `*`, which expands to columns not known here) the answer is null.
 */
import { nodeBody, nodeType } from "./classify.js";
import type { PgNode } from "./parser.js";

const SQL_VALUE_FUNCTIONS: Record<string, string> = {
  SVFOP_CURRENT_DATE: "current_date",
  SVFOP_CURRENT_TIME: "current_time",
  SVFOP_CURRENT_TIME_N: "current_time",
  SVFOP_CURRENT_TIMESTAMP: "current_timestamp",
  SVFOP_CURRENT_TIMESTAMP_N: "current_timestamp",
  SVFOP_LOCALTIME: "localtime",
  SVFOP_LOCALTIME_N: "localtime",
  SVFOP_LOCALTIMESTAMP: "localtimestamp",
  SVFOP_LOCALTIMESTAMP_N: "localtimestamp",
  SVFOP_CURRENT_ROLE: "current_role",
  SVFOP_CURRENT_USER: "current_user",
  SVFOP_USER: "user",
  SVFOP_SESSION_USER: "session_user",
  SVFOP_CURRENT_CATALOG: "current_catalog",
  SVFOP_CURRENT_SCHEMA: "current_schema",
};

/** Node types PostgreSQL never names: their column is `?column?`. */
const UNNAMED = new Set(["A_Const", "A_Expr", "BoolExpr", "NullTest", "BooleanTest", "ParamRef"]);

/** The output name of a select-list expression without an alias; null when not known here. */
export function outputName(node: PgNode | undefined): string | null {
  const r = figure(node);
  return r === null ? null : (r.name ?? "?column?");
}

/** PostgreSQL's name and its strength (2: a real name, 1: a type's or `case`, 0: none). */
function figure(node: PgNode | undefined): { name: string | null; strength: number } | null {
  if (!node) return { name: null, strength: 0 };
  const type = nodeType(node);
  const b = nodeBody(node);
  switch (type) {
    case "ColumnRef": {
      const fields = (b.fields as PgNode[] | undefined) ?? [];
      if (fields.some((f) => nodeType(f) === "A_Star")) return null; // expands to columns
      const last = [...fields].reverse().find((f) => nodeType(f) === "String");
      return last ? { name: String(nodeBody(last).sval), strength: 2 } : { name: null, strength: 0 };
    }
    case "A_Indirection": {
      const ind = (b.indirection as PgNode[] | undefined) ?? [];
      if (ind.some((f) => nodeType(f) === "A_Star")) return null;
      const last = [...ind].reverse().find((f) => nodeType(f) === "String");
      if (last) return { name: String(nodeBody(last).sval), strength: 2 };
      return figure(b.arg as PgNode | undefined);
    }
    case "FuncCall": {
      const names = (b.funcname as PgNode[] | undefined) ?? [];
      const last = names[names.length - 1];
      return last ? { name: String(nodeBody(last).sval), strength: 2 } : null;
    }
    case "A_Expr":
      return b.kind === "AEXPR_NULLIF" ? { name: "nullif", strength: 2 } : { name: null, strength: 0 };
    case "TypeCast": {
      const inner = figure(b.arg as PgNode | undefined);
      if (inner === null) return null;
      if (inner.strength <= 1) {
        const names = ((b.typeName as PgNode | undefined)?.names as PgNode[] | undefined) ?? [];
        const last = names[names.length - 1];
        if (last) return { name: String(nodeBody(last).sval), strength: 1 };
      }
      return inner;
    }
    case "CollateClause":
      return figure(b.arg as PgNode | undefined);
    case "GroupingFunc":
      return { name: "grouping", strength: 2 };
    case "MergeSupportFunc":
      return { name: "merge_action", strength: 2 };
    case "SubLink":
      if (b.subLinkType === "EXISTS_SUBLINK") return { name: "exists", strength: 2 };
      if (b.subLinkType === "ARRAY_SUBLINK") return { name: "array", strength: 2 };
      if (b.subLinkType === "EXPR_SUBLINK") return subqueryName(b.subselect as PgNode | undefined);
      return { name: null, strength: 0 };
    case "CaseExpr": {
      const d = figure(b.defresult as PgNode | undefined);
      if (d === null) return null;
      return d.strength <= 1 ? { name: "case", strength: 1 } : d;
    }
    case "A_ArrayExpr":
      return { name: "array", strength: 2 };
    case "RowExpr":
      return { name: "row", strength: 2 };
    case "CoalesceExpr":
      return { name: "coalesce", strength: 2 };
    case "MinMaxExpr":
      return b.op === "IS_GREATEST" ? { name: "greatest", strength: 2 } : b.op === "IS_LEAST" ? { name: "least", strength: 2 } : null;
    case "SQLValueFunction": {
      const name = SQL_VALUE_FUNCTIONS[String(b.op)];
      return name ? { name, strength: 2 } : null;
    }
    default:
      return UNNAMED.has(type) ? { name: null, strength: 0 } : null;
  }
}

/** `(SELECT x FROM …)` is named after the subquery's single column. */
function subqueryName(sub: PgNode | undefined): { name: string | null; strength: number } | null {
  if (nodeType(sub) !== "SelectStmt") return null;
  let sel = nodeBody(sub);
  while (sel.op && sel.op !== "SETOP_NONE" && sel.larg) sel = sel.larg as PgNode;
  const first = (sel.targetList as PgNode[] | undefined)?.[0];
  if (!first) return null;
  const r = nodeBody(first);
  if (typeof r.name === "string") return { name: r.name, strength: 2 };
  const name = outputName(r.val as PgNode | undefined);
  return name === null ? null : { name, strength: 2 };
}

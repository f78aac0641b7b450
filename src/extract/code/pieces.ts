/**
 * Piecing a string together: the parts of a literal, a template or a `+` concatenation (SQL
 * written inside an interpolation is read in place), cooked into one SQL text where each
 * remaining interpolation has a stand-in (`$1`, `"${name}"`, `($1)`, `SELECT $1`), with a map from
 * every offset of that text back to the host file.
 */
import type { TSESTree } from "@typescript-eslint/typescript-estree";
import { concatLeaves, isNumeric, unwrap } from "./ast.js";
import { CookedText, cookInto } from "../cook.js";

type Node = TSESTree.Node;

export type Piece =
  | { kind: "string" | "template"; start: number; end: number }
  /** An interpolation: host range of `${…}` (or of a `+` operand) and of the expression inside. */
  | { kind: "expr"; start: number; end: number; exprStart: number; exprEnd: number; numeric: boolean; identifier: boolean };

/** Calls that make a quoted name of their argument (`sql.identifier(['t', 'c'])`, `escapeIdentifier(x)`). */
const IDENTIFIER_CALLS = new Set(["identifier", "ident", "escapeIdentifier", "quoteIdentifier", "quoteIdent"]);

/** An interpolation that is known to be a name: the result of a call that quotes one. */
function makesIdentifier(e: Node): boolean {
  const x = unwrap(e);
  if (x.type !== "CallExpression") return false;
  const callee = x.callee.type === "MemberExpression" && !x.callee.computed ? x.callee.property : x.callee;
  return callee.type === "Identifier" && IDENTIFIER_CALLS.has(callee.name);
}

function exprPiece(start: number, end: number, e: Node): Piece {
  return { kind: "expr", start, end, exprStart: e.range[0], exprEnd: e.range[1], numeric: isNumeric(e), identifier: makesIdentifier(e) };
}

/** How interpolated expressions read: SQL-tagged templates inline into tagged hosts, strings into plain ones. */
export interface PieceContext {
  /** The host is a tagged SQL template (interpolated strings are values, tagged templates are SQL). */
  tagged: boolean;
  isSqlTag(tag: Node): boolean;
  /** The initialiser of a `const` declared once in the file. */
  resolve(name: string): Node | null;
}

export function piecesOf(node: Node, ctx: PieceContext, out: Piece[] = [], depth = 0): Piece[] {
  if (node.type === "Literal") {
    out.push({ kind: "string", start: node.range[0] + 1, end: node.range[1] - 1 });
  } else if (node.type === "TemplateLiteral") {
    // typescript-estree's template parts include their delimiters (`, ${, }); espree's do not
    const withDelimiters = node.quasis[0]!.range[0] === node.range[0];
    const content = (q: TSESTree.TemplateElement): [number, number] =>
      withDelimiters ? [q.range[0] + 1, q.range[1] - (q.tail ? 1 : 2)] : [q.range[0], q.range[1]];
    node.quasis.forEach((q, i) => {
      const [start, end] = content(q);
      out.push({ kind: "template", start, end });
      const e = node.expressions[i];
      if (e && !q.tail) {
        const next = content(node.quasis[i + 1]!);
        const inline = depth < 8 ? inlineable(e, ctx) : null;
        if (inline) for (const part of inline) piecesOf(part, ctx, out, depth + 1);
        else out.push(exprPiece(end, next[0], e));
      }
    });
  } else if (node.type === "TaggedTemplateExpression") {
    piecesOf(node.quasi, ctx, out, depth);
  } else if (node.type === "BinaryExpression" && node.operator === "+") {
    for (const leaf of concatLeaves(node)) {
      if ((leaf.type === "Literal" && typeof leaf.value === "string") || leaf.type === "TemplateLiteral") {
        piecesOf(leaf, ctx, out, depth);
        continue;
      }
      const inline = depth < 8 ? inlineable(leaf, ctx) : null;
      if (inline) for (const part of inline) piecesOf(part, ctx, out, depth + 1);
      else out.push(exprPiece(leaf.range[0], leaf.range[1], leaf));
    }
  }
  return out;
}

/**
 * SQL written inside an interpolation, read in place: `${sql`AND x = ${y}`}` in a tagged
 * template, `${cond ? sql`AND a` : Prisma.empty}` (the branch with more SQL: one path the
 * code really runs), a `const` of the file holding such SQL, and in a plain template
 * `${where ? `WHERE ${where}` : ''}`. Anything else stays a placeholder. Returns the nodes to
 * read (empty: the interpolation adds nothing).
 */
function inlineable(expr: Node, ctx: PieceContext, depth = 0): Node[] | null {
  if (depth > 4) return null;
  let e = unwrap(expr);
  if (e.type === "Identifier") {
    const init = ctx.resolve(e.name);
    if (!init) return null;
    e = init;
  }
  const direct = sqlText(e, ctx);
  if (direct) return direct;
  if (e.type !== "ConditionalExpression") return null;
  const a = inlineable(e.consequent, ctx, depth + 1);
  const b = inlineable(e.alternate, ctx, depth + 1);
  if (!a || !b) return null;
  const size = (nodes: Node[]) => nodes.reduce((n, x) => n + (x.range[1] - x.range[0]), 0);
  return size(b) > size(a) ? b : a;
}

/** The SQL a value stands for in this host, or null when it is not literally SQL here. */
function sqlText(e: Node, ctx: PieceContext): Node[] | null {
  if (ctx.tagged) {
    if (e.type === "TaggedTemplateExpression" && ctx.isSqlTag(e.tag)) return e.quasi.quasis.length === 1 && e.quasi.quasis[0]!.value.raw.trim() === "" ? [] : [e];
    // Prisma.empty, sql.empty, sql.empty()
    const m = e.type === "CallExpression" && e.arguments.length === 0 ? e.callee : e;
    if (m.type === "MemberExpression" && !m.computed && m.property.type === "Identifier" && m.property.name === "empty") return [];
    return null;
  }
  if (e.type === "Literal" && typeof e.value === "string") return e.value === "" ? [] : [e];
  if (e.type === "TemplateLiteral") return e.quasis.length === 1 && e.quasis[0]!.value.raw === "" ? [] : [e];
  return null;
}

export type Mode = "value" | "identifier" | "list" | "query";

export const NEXT_MODE: Record<Mode, Mode | null> = { value: "identifier", identifier: "list", list: "query", query: null };

export interface Slot {
  /** Range of the stand-in in the SQL text. */
  start: number;
  end: number;
  mode: Mode;
  /** The expression computes a number (`${n + 1}`): it cannot carry a clause. */
  numeric: boolean;
  /** For identifiers: the name the parser sees (without quotes). */
  name: string;
}

export interface Built {
  text: string;
  toHost: (offset: number, end?: boolean) => number;
  slots: Slot[];
  /** Where the text written in the string parts lies in `text`: [start, end) per part, in order. */
  written: { piece: number; start: number; end: number }[];
}

export function build(host: string, pieces: Piece[], modes: Mode[], names: string[]): Built {
  const out = new CookedText();
  const slots: Slot[] = [];
  const written: Built["written"] = [];
  let n = 0;
  let previousExpr = false;
  for (const [k, p] of pieces.entries()) {
    if (p.kind !== "expr") {
      const from = out.length;
      cookInto(out, host, p.start, p.end, p.kind);
      written.push({ piece: k, start: from, end: out.length });
      previousExpr = previousExpr && p.end === p.start;
      continue;
    }
    const mode = modes[n]!;
    const name = names[n]!;
    n++;
    // two interpolations side by side must not melt into one token
    if (previousExpr) out.pushFor(" ", p.start, p.start);
    const stand =
      mode === "value" ? `$${n}` : mode === "list" ? `($${n})` : mode === "query" ? `SELECT $${n}` : `"${name.replace(/"/g, '""')}"`;
    const at = out.length;
    out.pushFor(stand, p.start, p.end);
    slots.push({ start: at, end: at + stand.length, mode, name, numeric: p.numeric });
    previousExpr = true;
  }
  const last = pieces[pieces.length - 1];
  if (last) out.setEnd(last.end);
  return { ...out.finish(), slots, written };
}

/** `${expression}` as an identifier the parser accepts (at most 63 bytes, PostgreSQL's limit). */
export function standInName(host: string, p: Extract<Piece, { kind: "expr" }>): string {
  let inner = host.slice(p.exprStart, p.exprEnd).replace(/\s+/g, " ").trim();
  const wrap = (s: string) => "${" + s + "}";
  while (inner.length > 0 && (inner.length > 40 || Buffer.byteLength(wrap(inner).replace(/"/g, '""')) > 60)) {
    inner = inner.slice(0, Math.min(inner.length - 1, 39)) + "…";
    if (inner === "…") break;
  }
  return wrap(inner);
}

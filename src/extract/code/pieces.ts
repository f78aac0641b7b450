/**
 * Piecing a string together: the parts of a literal, a template or a `+` concatenation (SQL
 * written inside an interpolation is read in place), cooked into one SQL text where each
 * remaining interpolation has a stand-in (`$1`, `"${name}"`, `($1)`, `SELECT $1`, or its own text
 * inside a name it is a piece of: `"${prefix}users"`), with a map from every offset of that text
 * back to the host file.
 */
import type { TSESTree } from "@typescript-eslint/typescript-estree";
import { concatLeaves, isNumeric, unwrap } from "./ast.js";
import { CookedText, cookInto } from "../cook.js";
import { skipToken } from "../../sql/lex/chars.js";
import { findCredentials } from "../../secrets/credentials.js";

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

/**
 * How an interpolation is read: `value` (`$1`), `identifier` (`"${table}"`), `list` (`($1)`),
 * `query` (`SELECT $1`), or `part`: a piece of a name written around it (`${prefix}users`,
 * `"IDX_${prefix}x"`), read as its own text inside that one name (see `findGlue`).
 */
export type Mode = "value" | "identifier" | "list" | "query" | "part";

export const NEXT_MODE: Record<Mode, Mode | null> = { value: "identifier", identifier: "list", list: "query", query: null, part: null };

export interface Slot {
  /** Range of the stand-in in the SQL text. */
  start: number;
  end: number;
  mode: Mode;
  /** The expression computes a number (`${n + 1}`): it cannot carry a clause. */
  numeric: boolean;
  /** For identifiers and parts of names: the name the parser sees (without quotes). */
  name: string;
  /** A space was put before the stand-in, to keep it apart from the interpolation just before. */
  spaced: boolean;
}

export interface Built {
  text: string;
  toHost: (offset: number, end?: boolean) => number;
  slots: Slot[];
  /** Where the text written in the string parts lies in `text`: [start, end) per part, in order. */
  written: { piece: number; start: number; end: number }[];
}

/**
 * Names written around interpolations with no quotes (`${prefix}users`, `idx_${a}_${b}`): host
 * offsets where each starts and ends, where `build` puts the double quotes that make it one name
 * for the parser (its written letters folded, as PostgreSQL folds an unquoted name).
 */
export interface Glue {
  opens: ReadonlySet<number>;
  closes: ReadonlySet<number>;
}

export function build(host: string, pieces: Piece[], modes: Mode[], names: string[], glue?: Glue): Built {
  const out = new CookedText();
  const slots: Slot[] = [];
  const written: Built["written"] = [];
  let n = 0;
  let previousExpr = false;
  let previousMode: Mode | null = null;
  // inside a name whose quotes `glue` puts
  let inName = false;
  const quote = (at: number) => {
    out.pushFor('"', at, at);
    inName = !inName;
  };
  for (const [k, p] of pieces.entries()) {
    if (p.kind !== "expr") {
      const from = out.length;
      let at = p.start;
      if (glue) {
        // the quotes of names that start or end inside this part, at the edges of its characters
        const cuts: number[] = [];
        for (const h of glue.opens) if (h >= p.start && h < p.end) cuts.push(h);
        for (const h of glue.closes) if (h > p.start && h <= p.end) cuts.push(h);
        for (const h of cuts.sort((a, b) => a - b)) {
          if (h > at) cookInto(out, host, at, h, p.kind, inName);
          at = h;
          quote(h);
        }
      }
      cookInto(out, host, at, p.end, p.kind, inName);
      written.push({ piece: k, start: from, end: out.length });
      previousExpr = previousExpr && p.end === p.start;
      continue;
    }
    const mode = modes[n]!;
    const name = names[n]!;
    n++;
    if (glue?.opens.has(p.start)) quote(p.start);
    // two interpolations side by side must not melt into one token (unless both are pieces of one name)
    const spaced = previousExpr && !(mode === "part" && previousMode === "part");
    if (spaced) out.pushFor(" ", p.start, p.start);
    const stand =
      mode === "value"
        ? `$${n}`
        : mode === "list"
          ? `($${n})`
          : mode === "query"
            ? `SELECT $${n}`
            : mode === "part"
              ? name.replace(/"/g, '""')
              : `"${name.replace(/"/g, '""')}"`;
    const at = out.length;
    out.pushFor(stand, p.start, p.end);
    slots.push({ start: at, end: at + stand.length, mode, name, numeric: p.numeric, spaced });
    if (glue?.closes.has(p.end)) quote(p.end);
    previousExpr = true;
    previousMode = mode;
  }
  const last = pieces[pieces.length - 1];
  if (last) out.setEnd(last.end);
  return { ...out.finish(), slots, written };
}

/** PostgreSQL keeps at most this many bytes of a name (NAMEDATALEN - 1). */
const NAME_BYTES = 63;

/** Characters that make one word with an interpolation written against them (`${prefix}users`). */
const WORD_CHAR = /[\p{L}\p{N}_]/u;

/**
 * Interpolations that are pieces of a name: written inside a quoted name (`"IDX_${prefix}x"`,
 * `"${a}${b}"`), or against letters, digits or `_` with no space (`${prefix}users`, `t_${n}`)
 * outside strings and comments. Each such name is read as one identifier holding the code's own
 * text (`${prefix}users`), so the statement parses and rules see one table; the names of its
 * interpolations are shortened where the whole would pass PostgreSQL's 63 bytes. A word that ends
 * the text with an interpolation (`'DELETE FROM t' + rest`) is left alone: `rest` may as well be
 * a clause. Returns the interpolations that are parts (indexes among the interpolations), and
 * where the quotes of the unquoted names go; `names` is updated in place.
 */
export function findGlue(host: string, pieces: Piece[], names: string[]): { parts: Set<number>; glue: Glue } {
  const exprs = pieces.filter((p): p is Extract<Piece, { kind: "expr" }> => p.kind === "expr");
  const parts = new Set<number>();
  const opens = new Set<number>();
  const closes = new Set<number>();
  if (exprs.length === 0) return { parts, glue: { opens, closes } };
  const plain = build(
    host,
    pieces,
    exprs.map((): Mode => "value"),
    names,
  );
  const { text, slots } = plain;
  // where each interpolation stands: in the SQL itself, inside a quoted name, or in a string or comment
  const where: ("code" | "quoted" | "other")[] = slots.map(() => "code");
  const quoted: { start: number; end: number; members: number[] }[] = [];
  let k = 0;
  for (let i = 0; i < text.length; ) {
    const past = skipToken(text, i);
    if (past < 0) {
      i++;
      continue;
    }
    while (k < slots.length && slots[k]!.start < i) k++;
    const members: number[] = [];
    for (; k < slots.length && slots[k]!.start < past; k++) {
      where[k] = text[i] === '"' ? "quoted" : "other";
      members.push(k);
    }
    if (text[i] === '"' && members.length > 0) quoted.push({ start: i + 1, end: past - 1, members });
    i = past;
  }
  const fit = (members: number[], start: number, end: number) => {
    let bytes = Buffer.byteLength(text.slice(start, end));
    for (const m of members) bytes -= Buffer.byteLength(text.slice(slots[m]!.start, slots[m]!.end));
    const budget = Math.floor((NAME_BYTES - bytes) / members.length);
    for (const m of members) {
      parts.add(m);
      if (Buffer.byteLength(names[m]!) > budget) names[m] = standInName(host, exprs[m]!, budget);
    }
  };
  for (const q of quoted) fit(q.members, q.start, q.end);
  const taken = new Set<number>();
  for (let s = 0; s < slots.length; s++) {
    if (where[s] !== "code" || taken.has(s)) continue;
    const members = [s];
    let left = slots[s]!.start;
    let first = s;
    for (;;) {
      // an interpolation just before (against the word, or side by side with its first one)
      const prev = slots[first - 1];
      const touching = prev !== undefined && (prev.end === left || (left === slots[first]!.start && slots[first]!.spaced && prev.end === left - 1));
      if (touching && where[first - 1] === "code") {
        first--;
        members.unshift(first);
        left = prev.start;
      } else if (left > 0 && WORD_CHAR.test(text[left - 1]!)) left--;
      else break;
    }
    let right = slots[s]!.end;
    let lastSlot = s;
    for (;;) {
      const next = slots[lastSlot + 1];
      const touching = next !== undefined && (next.start === right || (right === slots[lastSlot]!.end && next.spaced && next.start === right + 1));
      if (touching && where[lastSlot + 1] === "code") {
        lastSlot++;
        members.push(lastSlot);
        right = next.end;
      } else if (WORD_CHAR.test(text[right] ?? "")) right++;
      else break;
    }
    for (const m of members) taken.add(m);
    // written characters of the word: a letter or `_` among them makes it a name (`${a}${b}`,
    // `${n}0` are not)
    let letters = false;
    let cursor = left;
    for (const m of members) {
      if (/[\p{L}_]/u.test(text.slice(cursor, slots[m]!.start).replace(/ /g, ""))) letters = true;
      cursor = slots[m]!.end;
    }
    if (/[\p{L}_]/u.test(text.slice(cursor, right))) letters = true;
    if (!letters) continue;
    // ends the text with an interpolation: not known to be part of the name
    if (right === slots[lastSlot]!.end && text.slice(right).trim() === "") continue;
    fit(members, left, right);
    opens.add(plain.toHost(left));
    closes.add(plain.toHost(right, true));
  }
  return { parts, glue: { opens, closes } };
}

/**
 * `${expression}` as an identifier the parser accepts: at most `maxBytes` bytes (quotes doubled),
 * so the name stays under PostgreSQL's 63. A credential written in the expression
 * (`${conn("postgresql://u:pw@h/db")}`) is `****` in the name: the name is SQL text of its own,
 * quoted differently from the code (`""`), and no masking of the host file reaches all of it.
 */
export function standInName(host: string, p: Extract<Piece, { kind: "expr" }>, maxBytes = 60): string {
  const inner = withoutCredentials(host.slice(p.exprStart, p.exprEnd).replace(/\s+/g, " ").trim());
  const wrap = (s: string) => "${" + s + "}";
  const fits = (s: string) => s.length <= 40 && Buffer.byteLength(wrap(s).replace(/"/g, '""')) <= maxBytes;
  if (fits(inner)) return wrap(inner);
  // the first characters and an ellipsis (just the ellipsis, when nothing more fits)
  let keep = Math.min(inner.length - 1, 39);
  while (keep > 0 && !fits(inner.slice(0, keep) + "…")) keep--;
  return wrap(inner.slice(0, keep) + "…");
}

/** The text with each credential in it (see findCredentials) replaced by `****`. */
function withoutCredentials(text: string): string {
  const found = findCredentials(text, "code");
  let out = "";
  let at = 0;
  for (const [a, b] of found) {
    out += text.slice(at, a) + "****";
    at = b;
  }
  return found.length === 0 ? text : out + text.slice(at);
}

/**
 * What migration rules read in DDL statements besides the tree: where each action of an
 * ALTER TABLE is written (the tree gives most actions no position), how to name a table or a type
 * in a message, and whether a DEFAULT expression is volatile (one value per row: a table rewrite).
 */
import { nodeBody, nodeType, walk } from "./classify.js";
import type { Statement } from "./document.js";
import type { PgNode } from "./parser.js";
import { skipToken } from "./lex/chars.js";
import { MIXED_VOLATILITY_FUNCTIONS, nonVolatileFunction } from "./builtin-functions.js";

/** A range of document offsets. */
export interface Range {
  start: number;
  end: number;
}

/** The whole statement. */
export function statementRange(stmt: Statement): Range {
  return { start: stmt.start, end: stmt.end };
}

const IDENT_START = /[A-Za-z_\u0080-\uffff]/;
const IDENT_PART = /[A-Za-z0-9_$\u0080-\uffff]/;

/** Skips whitespace and comments from `i`. */
function skipTrivia(text: string, i: number): number {
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if ((text[i] === "-" && text[i + 1] === "-") || (text[i] === "/" && text[i + 1] === "*")) i = skipToken(text, i);
    else return i;
  }
}

/** Index of the first `,` or `;` outside parentheses, strings and comments from `i` (or the end). */
function nextSeparator(text: string, i: number): number {
  let depth = 0;
  while (i < text.length) {
    const skipped = skipToken(text, i);
    if (skipped >= 0) {
      i = skipped;
      continue;
    }
    const c = text[i]!;
    if (c === "(" || c === "[") depth++;
    else if (c === ")" || c === "]") depth--;
    else if (depth <= 0 && (c === "," || c === ";")) return i;
    i++;
  }
  return i;
}

/** Index just past a (possibly qualified, possibly quoted) name starting at `i`. */
function nameEnd(text: string, i: number): number {
  for (;;) {
    if (text[i] === '"') i = skipToken(text, i);
    else if (IDENT_START.test(text[i] ?? "")) while (i < text.length && IDENT_PART.test(text[i]!)) i++;
    else return i;
    const k = skipTrivia(text, i);
    if (text[k] !== ".") return i;
    i = skipTrivia(text, k + 1);
  }
}

/** The range of a name written at an AST location (a RangeVar's, a ColumnDef's). */
export function nameRange(stmt: Statement, location: number | undefined): Range {
  if (typeof location !== "number" || location < 0) return statementRange(stmt);
  const i = stmt.indexOf(location);
  const end = nameEnd(stmt.parseText, i);
  return { start: stmt.offsetOfIndex(i), end: stmt.offsetOfIndex(end > i ? end : i + 1) };
}

/**
 * Where each action of an ALTER TABLE is written (`ADD COLUMN …`, `ALTER COLUMN … SET NOT NULL`),
 * in the order of `cmds`; null when the text cannot be matched to the tree.
 */
export function alterActionRanges(stmt: Statement, body: PgNode): Range[] | null {
  const cmds = (body.cmds as PgNode[] | undefined) ?? [];
  const rv = body.relation as PgNode | undefined;
  if (typeof rv?.location !== "number" || rv.location < 0) return null;
  const text = stmt.parseText;
  let i = nameEnd(text, stmt.indexOf(rv.location));
  i = skipTrivia(text, i);
  if (text[i] === "*") i = skipTrivia(text, i + 1);
  const out: Range[] = [];
  for (;;) {
    const start = skipTrivia(text, i);
    const sep = nextSeparator(text, start);
    let end = sep;
    while (end > start && /\s/.test(text[end - 1]!)) end--;
    if (end > start) out.push({ start: stmt.offsetOfIndex(start), end: stmt.offsetOfIndex(end) });
    if (text[sep] !== ",") break;
    i = sep + 1;
  }
  return out.length === cmds.length ? out : null;
}

/** The action `k` of an ALTER TABLE, or the statement when the text cannot be matched. */
export function actionRange(stmt: Statement, body: PgNode, k: number, ranges = alterActionRanges(stmt, body)): Range {
  return ranges?.[k] ?? statementRange(stmt);
}

/** The AlterTableCmd bodies of an ALTER TABLE, with their index. */
export function alterCmds(body: PgNode): PgNode[] {
  return ((body.cmds as PgNode[] | undefined) ?? []).map((c) => nodeBody(c));
}

/** The constraints written on a column (`ColumnDef.constraints`), as Constraint bodies. */
export function columnConstraints(col: PgNode): PgNode[] {
  return ((col.constraints as PgNode[] | undefined) ?? []).map((c) => nodeBody(c));
}

// --- types ---

/** The type's name parts (`["pg_catalog", "int4"]`). */
export function typeNames(typeName: PgNode | undefined): string[] {
  return ((typeName?.names as PgNode[] | undefined) ?? []).map((n) => String(nodeBody(n).sval ?? ""));
}

const TYPE_WORDS: Record<string, string> = {
  int2: "smallint",
  int4: "integer",
  int8: "bigint",
  float4: "real",
  float8: "double precision",
  bool: "boolean",
  bpchar: "char",
  varchar: "varchar",
  timestamp: "timestamp",
  timestamptz: "timestamptz",
  time: "time",
  timetz: "timetz",
  interval: "interval",
  numeric: "numeric",
};

/** The SQL word for a built-in type's pg_catalog name: `int8` → `bigint`, `bpchar` → `char`. */
export function typeWord(name: string): string {
  return TYPE_WORDS[name] ?? name;
}

/** A type as SQL writes it, for messages: `varchar(255)`, `bigint`, `text[]`, `app.mood`. */
export function typeText(typeName: PgNode | undefined): string {
  const names = typeNames(typeName);
  if (names.length === 0) return "?";
  const builtin = names.length === 2 && names[0] === "pg_catalog";
  let text = builtin ? typeWord(names[1]!) : names.join(".");
  const mods = ((typeName?.typmods as PgNode[] | undefined) ?? []).map(constValue).filter((m) => m !== null);
  // char without a length comes back as bpchar(1): keep what matters
  if (mods.length > 0) text += `(${mods.join(",")})`;
  for (let k = 0; k < ((typeName?.arrayBounds as unknown[] | undefined)?.length ?? 0); k++) text += "[]";
  return text;
}

function constValue(n: PgNode): string | null {
  const b = nodeBody(n);
  if (nodeType(n) !== "A_Const") return null;
  if (b.ival) return String(b.ival.ival ?? 0);
  if (b.sval) return String(b.sval.sval ?? "");
  return null;
}

// --- volatility ---

/** A function call in an expression whose result may differ from row to row. */
export interface VolatileCall {
  /** The function as written (`random`, `public.new_id`). */
  name: string;
  /**
   * Known to be volatile (a volatile built-in, a well-known extension function, or a function this
   * document created VOLATILE), or only presumed so (its definition is not in sight).
   */
  known: boolean;
  /** AST location of the call. */
  location: number;
}

/** Volatility of functions the document defines, by name (`f`, `app.f`); undefined when unknown. */
export type FunctionVolatility = (names: string[]) => "immutable" | "stable" | "volatile" | undefined;

/** Functions known to be volatile whatever their arguments: built-ins and common extensions'. */
const KNOWN_VOLATILE = /^(?:random|random_normal|gen_random_uuid|uuidv4|uuidv7|clock_timestamp|timeofday|nextval|setval|currval|lastval|txid_current|pg_current_xact_id|gen_salt|uuid_generate_v[14]|uuid_generate_v1mc)$/;

/**
 * The first call in an expression that is (or may be) volatile: a built-in known to be, a function
 * the document created VOLATILE, or a function whose definition is not in sight (presumed
 * volatile: CREATE FUNCTION's default). Operators, casts of constants, CASE, COALESCE and the SQL
 * value functions (`CURRENT_TIMESTAMP`…) are never volatile.
 */
export function volatileCall(expr: PgNode | undefined, defined?: FunctionVolatility): VolatileCall | null {
  let found: VolatileCall | null = null;
  walk(expr, (type, b) => {
    if (found || type !== "FuncCall") return !found;
    const names = ((b.funcname as PgNode[] | undefined) ?? []).map((n) => String(nodeBody(n).sval ?? ""));
    const name = names[names.length - 1] ?? "";
    const builtin = names.length === 1 || (names.length === 2 && names[0] === "pg_catalog");
    const args = ((b.args as unknown[] | undefined) ?? []).length;
    if (builtin && isNonVolatile(name, args)) return true;
    const own = defined?.(names);
    if (own === "immutable" || own === "stable") return true;
    found = { name: names.join("."), known: own === "volatile" || KNOWN_VOLATILE.test(name), location: Number(b.location ?? -1) };
    return false;
  });
  return found;
}

function isNonVolatile(name: string, args: number): boolean {
  const known = nonVolatileFunction(name);
  if (known) return known.some(([min, max]) => args >= min && args <= max);
  const overloads = MIXED_VOLATILITY_FUNCTIONS[name];
  if (!overloads) return false;
  const fitting = overloads.filter(([min, max]) => args >= min && args <= max);
  return fitting.length > 0 && fitting.every(([, , volatile]) => !volatile);
}

/** A DEFAULT that gives NULL (`DEFAULT NULL`, `DEFAULT NULL::text`): the same as none. */
export function isNullDefault(expr: PgNode | undefined): boolean {
  if (!expr) return true;
  const t = nodeType(expr);
  const b = nodeBody(expr);
  if (t === "A_Const") return Boolean(b.isnull);
  if (t === "TypeCast") return isNullDefault(b.arg as PgNode | undefined);
  return false;
}

/** The DEFAULT expression of a column definition (null when none). */
export function columnDefault(col: PgNode): PgNode | null {
  const d = columnConstraints(col).find((c) => c.contype === "CONSTR_DEFAULT");
  return (d?.raw_expr as PgNode | undefined) ?? (col.raw_default as PgNode | undefined) ?? null;
}

/** The name parts of an object of a DROP (`List`, `TypeName`, `ObjectWithArgs`, `String`). */
export function objectNameParts(o: PgNode): string[] {
  const t = nodeType(o);
  const b = nodeBody(o);
  const parts = (list: unknown) => ((list as PgNode[] | undefined) ?? []).map((n) => String(nodeBody(n).sval ?? ""));
  if (t === "List") return parts(b.items);
  if (t === "TypeName") return parts(b.names);
  if (t === "ObjectWithArgs") return parts(b.objname);
  if (t === "String") return [String(b.sval ?? "")];
  return [];
}

/**
 * Column types as the parser hands them over, for the rules about types. libpg-query turns the SQL
 * keyword types into pg_catalog names (`int` → `pg_catalog.int4`, `character varying(10)` →
 * `pg_catalog.varchar` with typmods `[10]`, `timestamp without time zone` → `pg_catalog.timestamp`,
 * `char` → `pg_catalog.bpchar(1)`), keeps names written literally as written (`int4`, `bpchar`,
 * `timestamptz`, `serial`) and keeps `"char"`, PostgreSQL's internal one-byte type, as `char`.
 * So the built-in type a column has is its last name, when the schema is absent or `pg_catalog`;
 * `public.int4` is some other type of that name.
 */
import { nodeBody, nodeType } from "./classify.js";
import { columnConstraints, typeNames } from "./ddl.js";
import type { PgNode } from "./parser.js";

/**
 * The serial pseudo-types and the integer type each stands for. PostgreSQL recognises them only
 * unqualified and not as arrays (`pg_catalog.serial` is an error, `serial[]` is refused).
 */
export const SERIAL_TYPES: Readonly<Record<string, "int2" | "int4" | "int8">> = {
  smallserial: "int2",
  serial2: "int2",
  serial: "int4",
  serial4: "int4",
  bigserial: "int8",
  serial8: "int8",
};

export interface ColumnType {
  /**
   * The pg_catalog name of the built-in type (`int4`, `bpchar`, `varchar`, `timestamp`…), or the
   * serial pseudo-type's name; null for any other type (a user type, another schema's, `%TYPE`).
   */
  name: string | null;
  /** For a serial pseudo-type: the integer type it creates the column with. */
  serialOf: "int2" | "int4" | "int8" | null;
  /** A length or precision was given (`varchar(10)`, `timestamp(3)`; `char` alone counts as `char(1)`). */
  typmods: boolean;
  /** An array of the type. */
  array: boolean;
  /** AST location (UTF-8 byte offset) of the type name. */
  location: number;
}

/** What a TypeName node says about the type it names. */
export function columnType(typeName: PgNode | undefined): ColumnType | null {
  if (!typeName || typeName.pct_type) return null;
  const names = typeNames(typeName);
  const array = Array.isArray(typeName.arrayBounds) && typeName.arrayBounds.length > 0;
  let name: string | null = null;
  let serialOf: ColumnType["serialOf"] = null;
  if (names.length === 1) {
    name = names[0]!;
    const serial = SERIAL_TYPES[name];
    if (serial && !array) serialOf = serial;
  } else if (names.length === 2 && names[0] === "pg_catalog" && !SERIAL_TYPES[names[1]!]) {
    name = names[1]!;
  }
  return {
    name,
    serialOf,
    typmods: Array.isArray(typeName.typmods) && typeName.typmods.length > 0,
    array,
    location: typeof typeName.location === "number" ? typeName.location : -1,
  };
}

/** `serial`, `bigserial`…: a pseudo-type that makes an integer column with a sequence default. */
export function isSerial(typeName: PgNode | undefined): boolean {
  return (columnType(typeName)?.serialOf ?? null) !== null;
}

/** A column declared or given a new type by CREATE TABLE or ALTER TABLE. */
export interface ColumnSite {
  /** `create`: a column of CREATE TABLE; `add`: ALTER TABLE … ADD COLUMN; `alter`: ALTER COLUMN … TYPE. */
  action: "create" | "add" | "alter";
  column: string;
  /** The ColumnDef node's fields (for `alter`: only the type and the USING expression). */
  def: PgNode;
  typeName: PgNode;
  type: ColumnType;
  /** The table (the RangeVar's fields). */
  relation: PgNode;
}

/**
 * The statement `columnSites` read last, and what it found: the six type rules ask about the same
 * statement one after the other. One entry, not a WeakMap keyed by tree: young-generation
 * collections keep a WeakMap's entries, and with them the trees, alive (every rule on, pg-regress:
 * most CREATE TABLE trees were promoted to the old generation that way).
 */
let last: { node: PgNode; sites: ColumnSite[] } | null = null;

/**
 * Every column a CREATE TABLE declares, or an ALTER TABLE (of a table, not a view, foreign table
 * or composite type) adds or retypes, that has a type.
 */
export function columnSites(type: "CreateStmt" | "AlterTableStmt", node: PgNode): ColumnSite[] {
  // six type rules ask about the same statement: read it once
  if (last?.node === node) return last.sites;
  const out: ColumnSite[] = [];
  last = { node, sites: out };
  const relation = (node.relation as PgNode | undefined) ?? {};
  const add = (action: ColumnSite["action"], column: string, def: PgNode) => {
    const typeName = def.typeName as PgNode | undefined;
    const t = columnType(typeName);
    if (t && typeName) out.push({ action, column, def, typeName, type: t, relation });
  };
  if (type === "CreateStmt") {
    for (const e of (node.tableElts as PgNode[] | undefined) ?? []) {
      if (nodeType(e) !== "ColumnDef") continue;
      const def = nodeBody(e);
      add("create", String(def.colname ?? ""), def);
    }
    return out;
  }
  if (node.objtype !== "OBJECT_TABLE") return out;
  for (const c of (node.cmds as PgNode[] | undefined) ?? []) {
    const cmd = nodeBody(c);
    const def = nodeBody(cmd.def as PgNode | undefined);
    if (cmd.subtype === "AT_AddColumn") add("add", String(def.colname ?? ""), def);
    else if (cmd.subtype === "AT_AlterColumnType") add("alter", String(cmd.name ?? ""), def);
  }
  // serial is a shorthand of column definitions only: ALTER COLUMN … TYPE serial is an error
  for (const site of out) if (site.action === "alter") site.type.serialOf = null;
  return out;
}

/**
 * Columns that table constraints of the same statement make keys, with the reason: a one-column
 * PRIMARY KEY, or the referencing columns of a FOREIGN KEY (in CREATE TABLE's list or ALTER TABLE …
 * ADD CONSTRAINT). The columns of a composite primary key are not keys by themselves: `(shard_id,
 * workflow_id)` does not make `shard_id` grow.
 */
export function keyColumns(type: "CreateStmt" | "AlterTableStmt", node: PgNode): Map<string, string> {
  const out = new Map<string, string>();
  const names = (list: unknown) => ((list as PgNode[] | undefined) ?? []).map((k) => String(nodeBody(k).sval ?? ""));
  const take = (con: PgNode) => {
    if (con.contype === "CONSTR_PRIMARY") {
      const keys = names(con.keys);
      if (keys.length === 1 && !out.has(keys[0]!)) out.set(keys[0]!, "the primary key");
    } else if (con.contype === "CONSTR_FOREIGN") {
      for (const k of names(con.fk_attrs)) out.set(k, "a foreign key");
    }
  };
  if (type === "CreateStmt") {
    for (const e of (node.tableElts as PgNode[] | undefined) ?? []) if (nodeType(e) === "Constraint") take(nodeBody(e));
  } else {
    for (const c of (node.cmds as PgNode[] | undefined) ?? []) {
      const cmd = nodeBody(c);
      if (cmd.subtype === "AT_AddConstraint") take(nodeBody(cmd.def as PgNode | undefined));
    }
  }
  return out;
}

/** Words that may follow a type's first word and belong to it (`character varying`, `double precision`). */
const TYPE_WORDS = /^(?:varying|precision|with|without|time|zone|character|char|varchar|array)$/i;

/**
 * Where the type written at `from` ends in `text` (an index just past it), and where its array
 * part begins: `timestamp(3) without time zone[]` → the base ends before `[]`. The type is the
 * name (possibly qualified, possibly quoted), the words of a multi-word SQL type, typmods in
 * parentheses, and `[…]` or `ARRAY` bounds.
 */
export function typeExtent(text: string, from: number): { baseEnd: number; end: number } {
  let i = from;
  const word = () => {
    const m = /^(?:"(?:[^"]|"")*"|[A-Za-z_\u0080-\uffff][\w$\u0080-\uffff]*)/.exec(text.slice(i, i + 200));
    return m ? m[0] : null;
  };
  const first = word();
  if (!first) return { baseEnd: from, end: from };
  i += first.length;
  let baseEnd = i;
  for (;;) {
    const ws = /^\s*/.exec(text.slice(i, i + 100))![0].length;
    const j = i + ws;
    const ch = text[j];
    if (ch === ".") {
      i = j + 1 + /^\s*/.exec(text.slice(j + 1, j + 100))![0].length;
      const w = word();
      if (!w) break;
      i += w.length;
      baseEnd = i;
      continue;
    }
    if (ch === "(" && baseEnd === i) {
      const close = text.indexOf(")", j);
      if (close < 0) break;
      i = baseEnd = close + 1;
      continue;
    }
    if (ch === "[") {
      const close = text.indexOf("]", j);
      if (close < 0) break;
      i = close + 1;
      continue;
    }
    const save = i;
    i = j;
    const w = word();
    if (w && TYPE_WORDS.test(w)) {
      i += w.length;
      if (!/^array$/i.test(w)) baseEnd = i;
      continue;
    }
    i = save;
    break;
  }
  return { baseEnd, end: i };
}

/** The type as written (whitespace collapsed), and its range as document offsets. */
export interface WrittenType {
  text: string;
  start: number;
  end: number;
  /** Document offset where the base type ends (before an array part). */
  baseEnd: number;
}

/** Reads the type a TypeName location points at in a statement. */
export function writtenType(stmt: { parseText: string; indexOf(l: number): number; offsetOfIndex(i: number): number }, location: number): WrittenType | null {
  if (location < 0) return null;
  const from = stmt.indexOf(location);
  const { baseEnd, end } = typeExtent(stmt.parseText, from);
  if (end <= from) return null;
  return {
    text: stmt.parseText.slice(from, end).replace(/\s+/g, " "),
    start: stmt.offsetOfIndex(from),
    end: stmt.offsetOfIndex(end),
    baseEnd: stmt.offsetOfIndex(baseEnd),
  };
}

/** The text of typmods (`(10)`, `(15,5)`) of a TypeName, from its constants. */
export function typmodText(typeName: PgNode): string {
  const mods = (typeName.typmods as PgNode[] | undefined) ?? [];
  if (mods.length === 0) return "";
  const vals = mods.map((m) => {
    const c = nodeBody(m);
    return c.ival ? String((c.ival as PgNode).ival ?? 0) : "?";
  });
  return `(${vals.join(",")})`;
}

/**
 * Why a column is a key (one that grows with the table): the reason, or null. Serial types, identity
 * columns, a `nextval()` default, PRIMARY KEY or REFERENCES on the column or in a table constraint
 * of the same statement (see `keyColumns`), or a name that says so (`id`, `ids`, `…_id`, `…_ids`,
 * `userId`).
 */
export function keyReason(site: ColumnSite, tableKeys: ReadonlyMap<string, string>): string | null {
  if (site.type.serialOf) return "a serial column";
  for (const con of columnConstraints(site.def)) {
    if (con.contype === "CONSTR_PRIMARY") return "the primary key";
    if (con.contype === "CONSTR_FOREIGN") return "a foreign key";
    if (con.contype === "CONSTR_IDENTITY") return "an identity column";
    if (con.contype === "CONSTR_DEFAULT" && isNextval(con.raw_expr as PgNode | undefined)) return "filled from a sequence";
  }
  const tableKey = tableKeys.get(site.column);
  if (tableKey) return tableKey;
  if (/(?:^|_)ids?$/i.test(site.column) || /[a-z0-9]Ids?$/.test(site.column)) return "named as an id";
  return null;
}

function isNextval(expr: PgNode | undefined): boolean {
  if (!expr) return false;
  if (nodeType(expr) === "TypeCast") return isNextval(nodeBody(expr).arg as PgNode | undefined);
  if (nodeType(expr) !== "FuncCall") return false;
  const names = ((nodeBody(expr).funcname as PgNode[] | undefined) ?? []).map((n) => String(nodeBody(n).sval ?? ""));
  return names[names.length - 1] === "nextval" && (names.length === 1 || names[0] === "pg_catalog");
}

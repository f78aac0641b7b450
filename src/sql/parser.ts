/**
 * The PostgreSQL parser (libpg-query, compiled to WASM). Loaded lazily and once: a run that
 * meets no SQL never pays for it. After `loadParser()` resolves, every call is synchronous.
 */
import { codePointToUtf16 } from "./text.js";
import { thousands } from "../util/thousands.js";
// The playground page's build swaps ./wasm.js for src/playground/wasm.ts (the same calls over
// libpg-query's own browser loader): this module runs unchanged in Node and in the page.
import { instantiateParser, type ParserCalls, type WasmModule } from "./wasm.js";

export { compileParser, type WasmModule } from "./wasm.js";

let pg: ParserCalls | null = null;
let loading: Promise<void> | null = null;

/**
 * Loads the parser. `module`: the compiled WebAssembly to instantiate (a worker thread is handed
 * the main thread's); compiled here when not given.
 */
export function loadParser(module?: WasmModule): Promise<void> {
  if (pg) return Promise.resolve();
  loading ??= instantiateParser(module).then((m) => {
    pg = m;
  });
  return loading;
}

function module(): ParserCalls {
  if (!pg) throw new Error("sqlguard: the SQL parser is not loaded; await loadParser() first");
  return pg;
}

/** A parsed node: `{ UpdateStmt: {...} }`. Fields follow libpg-query's JSON (protobuf) shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type PgNode = Record<string, any>;

export interface RawStmt {
  stmt: PgNode;
  /** UTF-8 byte offset of the statement in the parsed text (absent = 0). */
  stmt_location?: number;
  /** UTF-8 byte length (absent = to the end). */
  stmt_len?: number;
}

export type ParseOutcome =
  | { ok: true; stmts: RawStmt[] }
  | {
      ok: false;
      message: string;
      /** UTF-16 offset in the parsed text */
      offset: number;
      /**
       * The text may well be valid SQL, but its tree is too deep to analyse (see
       * `MAX_TREE_DEPTH`): a limit of sqlguard's, not a mistake in the SQL.
       */
      tooDeep?: true;
      /**
       * PostgreSQL's own parser gave up on the nesting ("memory exhausted", 100,000 parentheses):
       * PostgreSQL would refuse the statement too.
       */
      parserLimit?: true;
    };

/** The call stack ran out (deep recursion in JavaScript or in the WebAssembly parser). */
export function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /maximum call stack size exceeded/i.test(e.message);
}

/**
 * How deeply nested (in JSON objects and arrays) a syntax tree may be for the rules to read it.
 * Rules walk trees recursively, with a few stack frames per level; past a few thousand levels
 * the stack runs out. Real SQL stays far below: about 1,000 `NOT`s or nested function calls,
 * 1,500 terms of `a || b || …` or joins, 3,000 `UNION ALL`s or 400 nested subqueries fit.
 * Deeper trees are reported (a warning: the SQL may be valid), not linted.
 */
export const MAX_TREE_DEPTH = 3000;

/** Texts up to this length cannot hold a tree over `MAX_TREE_DEPTH` (see `parseSql`). */
export const MAY_BE_TOO_DEEP = Math.floor(MAX_TREE_DEPTH / 2.5);

/** Parses SQL text. Empty or comment-only text gives no statements. Never throws on bad SQL. */
export function parseSql(text: string): ParseOutcome {
  if (text.length === 0) return { ok: true, stmts: [] };
  const raw = parseJson(text);
  if (!raw.ok) return raw;
  return readStatements(text, raw.json);
}

/**
 * The statements of `text`'s parse, read from its JSON (see `parseSql`). `depthChecked`: the JSON
 * was looked over already (`jsonStatements`), and its depth needs no second walk.
 */
export function readStatements(text: string, json: string, depthChecked = false): ParseOutcome {
  let stmts: RawStmt[];
  try {
    stmts = (JSON.parse(json) as { stmts?: RawStmt[] }).stmts ?? [];
  } catch (e) {
    return thrown(e);
  }
  // A level of nesting takes at least half a character (the densest SQL found: chained prefix
  // operators, `-+-+-+1`, two levels per character), so only long texts can be too deep, and
  // the walk that checks is skipped for every ordinary statement.
  if (!depthChecked && text.length > MAY_BE_TOO_DEEP && deeperThan(stmts, MAX_TREE_DEPTH)) return tooDeep();
  return { ok: true, stmts };
}

/** The outcome of a parse whose tree is too deep to analyse (see `MAX_TREE_DEPTH`). */
export function tooDeep(): Extract<ParseOutcome, { ok: false }> {
  return { ok: false, message: TOO_DEEP, offset: 0, tooDeep: true };
}

/**
 * How many statements a parse's JSON holds, looked over without reading it; -1 when its tree is
 * too deep to analyse (as `deeperThan(stmts, MAX_TREE_DEPTH)` would say of its statement list).
 * One pass over the text, strings skipped: several times cheaper than `JSON.parse`, so that the
 * tree of a long statement, or of one with a `;` in a string, is read only when asked for too.
 * libpg-query writes `{"version":…,"stmts":[{"stmt":…},…]}`: the statements are the objects three
 * levels down, and the list is the one value two levels down, one level above `deeperThan`'s.
 */
export function jsonStatements(json: string): number {
  let depth = 0;
  let count = 0;
  const n = json.length;
  for (let i = 0; i < n; i++) {
    const c = json.charCodeAt(i);
    if (c === 34) {
      // a string: to its closing quote (a backslash escapes the character after it)
      for (let d = json.charCodeAt(++i); d !== 34 && i < n; d = json.charCodeAt(++i)) if (d === 92) i++;
    } else if (c === 123 || c === 91) {
      if (++depth > MAX_TREE_DEPTH + 1) return -1;
      if (depth === 3) count++;
    } else if (c === 125 || c === 93) depth--;
  }
  return count;
}

/**
 * A parse whose tree is still the JSON text libpg-query wrote: reading it (`JSON.parse`) costs
 * about as much as the parse itself, so the front-end reads it only for statements whose tree
 * something asks for (see `Statement.node`). Not checked for depth: see `MAY_BE_TOO_DEEP`.
 */
export type JsonOutcome = { ok: true; json: string } | Extract<ParseOutcome, { ok: false }>;

/** Parses SQL text, its tree left as JSON text (see `JsonOutcome`). Never throws on bad SQL. */
export function parseJson(text: string): JsonOutcome {
  try {
    const r = module().parse(text);
    if ("message" in r) {
      const offset = r.cursor >= 0 ? codePointToUtf16(text, r.cursor) : 0;
      return { ok: false, message: cleanMessage(r.message), offset, ...(MEMORY_EXHAUSTED.test(r.message) ? { parserLimit: true as const } : {}) };
    }
    return { ok: true, json: r.json };
  } catch (e) {
    return thrown(e);
  }
}

function thrown(e: unknown): Extract<ParseOutcome, { ok: false }> {
  const raw = (e as { message?: string }).message ?? String(e);
  if (e instanceof RangeError || /maximum call stack size exceeded/i.test(raw)) {
    // The WebAssembly stack overflowed while the tree was built (100,000 terms of `1 + 1 + …`).
    return tooDeep();
  }
  return { ok: false, message: cleanMessage(raw), offset: 0, ...(MEMORY_EXHAUSTED.test(raw) ? { parserLimit: true as const } : {}) };
}

/**
 * The type of the one statement in a parse's JSON (`SelectStmt`), or null when the JSON holds no
 * statement, or more than one (then it is read in full). libpg-query writes the statement list
 * first, and each statement's node type as the first key of its object.
 */
export function soleStatementType(json: string): string | null {
  // asked of every statement parsed: read in place, no match array made for it
  if (!json.startsWith(VERSION_KEY)) return null;
  let i = VERSION_KEY.length;
  while (i < json.length && json.charCodeAt(i) >= 48 && json.charCodeAt(i) <= 57) i++;
  if (i === VERSION_KEY.length || !json.startsWith(FIRST_STATEMENT, i)) return null;
  // a second statement would begin `},{"stmt":` after the first; not looked for: callers pass
  // texts without `;`, which hold one statement at most, or JSON `jsonStatements` counted
  return typeAt(json, i + FIRST_STATEMENT.length);
}

const VERSION_KEY = '{"version":';
/** How a statement's part of a parse's JSON begins (its node type is the key after it). */
const PART = '{"stmt":{"';
const NEXT_PART = `,${PART}`;
const FIRST_STATEMENT = `,"stmts":[${PART}`;

/** The node type whose name begins at `from` of a parse's JSON (a key: the name, `"`, `:`), or null. */
function typeAt(json: string, from: number): string | null {
  const end = json.indexOf('"', from);
  return end > from && json.charCodeAt(end + 1) === 58 ? typeName(json.slice(from, end)) : null;
}

/**
 * Each statement type's name, held once. A name taken from a parse's JSON is a piece of that
 * JSON, and V8 keeps a piece of 13 characters or more (`AlterTableStmt`) as a view of the whole
 * string: a statement would hold its JSON as long as it lives, after `releaseTree` let go of it
 * (the migration state keeps statements for a whole file). The copy kept here is a string of its own.
 */
const TYPE_NAMES = new Map<string, string>();

function typeName(key: string): string | null {
  let name = TYPE_NAMES.get(key);
  if (name === undefined) {
    if (!/^[A-Za-z_]+$/.test(key)) return null;
    name = key.split("").join(""); // a new flat string, not a view of the JSON
    TYPE_NAMES.set(name, name);
  }
  return name;
}

/**
 * The tree of the one statement in a parse's JSON (see `soleStatementType`), or in a statement's
 * part of a group's JSON (`{"stmt":…}`: see `parseGroup`).
 */
export function soleStatementTree(json: string): PgNode | null {
  const value = JSON.parse(json) as { stmts?: RawStmt[]; stmt?: PgNode };
  return (value.stmts ? value.stmts[0]?.stmt : value.stmt) ?? null;
}

/** One statement's part of a group's parse (see `parseGroup`). */
export interface GroupPart {
  /** Its part of the JSON: `{"stmt":{"SelectStmt":…},…}`. */
  json: string;
  /** Its node type (`SelectStmt`). */
  type: string;
  /**
   * Where its text begins in the text the parser read, in bytes: the locations in its tree count
   * from the start of the group (see `Statement.indexOf`).
   */
  byteBase: number;
}

/**
 * Parses several one-statement ASCII texts in one call, joined by `;`, and cuts the JSON at its
 * statements. A parser call has a fixed cost (setting up the parser and its memory, writing and
 * freeing the result: parsing `SELECT 1` takes about 2 µs), as much as the parse of a short
 * statement; most statements of a script are short. Each statement's tree is the one its text
 * parsed alone would give, its locations moved by where the text begins in the group (PostgreSQL
 * reads statements between `;` independently, from the scanner's initial state). Null when the
 * group does not parse, or the parser did not see one statement per text (a comment left open, a
 * text it reads as two): then each text is parsed on its own, as before. Callers pass texts
 * without `;` (so none holds two statements), short enough that no tree can be too deep (see
 * `MAY_BE_TOO_DEEP`), and ASCII (a character is a byte: the bases are lengths).
 */
export function parseGroup(texts: readonly string[]): GroupPart[] | null {
  const raw = parseJson(texts.join(";"));
  if (!raw.ok) return null;
  const json = raw.json;
  // {"version":N,"stmts":[{"stmt":{…},"stmt_len":N},{"stmt":{…},"stmt_location":N,…}]}: a part
  // begins with `{"stmt":{"`, which no string in the JSON holds unescaped
  if (!json.startsWith(VERSION_KEY) || !json.endsWith("]}")) return null;
  const parts: GroupPart[] = [];
  let at = json.indexOf(PART);
  let base = 0;
  for (let k = 0; k < texts.length; k++) {
    if (at < 0) return null;
    const next = json.indexOf(NEXT_PART, at + PART.length);
    const end = next < 0 ? json.length - 2 : next;
    const type = typeAt(json, at + PART.length);
    if (type === null) return null;
    parts.push({ json: json.slice(at, end), type, byteBase: base });
    base += texts[k]!.length + 1;
    at = next < 0 ? -1 : next + 1;
  }
  return at < 0 ? parts : null;
}


const TOO_DEEP = `nested too deeply to analyse (a syntax tree over ${thousands(MAX_TREE_DEPTH)} levels deep): the statement was not linted`;

/** Whether a JSON value nests objects and arrays more than `limit` levels deep (no recursion). */
export function deeperThan(value: unknown, limit: number): boolean {
  const stack: unknown[] = [value];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const v = stack.pop()!;
    const d = depths.pop()!;
    if (d > limit) return true;
    if (Array.isArray(v)) {
      for (const x of v) if (x !== null && typeof x === "object") (stack.push(x), depths.push(d + 1));
    } else {
      for (const k in v as Record<string, unknown>) {
        const x = (v as Record<string, unknown>)[k];
        if (x !== null && typeof x === "object") (stack.push(x), depths.push(d + 1));
      }
    }
  }
  return false;
}

/** Bison's bare message when its stack is full: PostgreSQL's parsers give up on deep nesting. */
const MEMORY_EXHAUSTED = /^\s*memory exhausted\b/;

function cleanMessage(m: string, parser = "PostgreSQL's parser"): string {
  const message = m.replace(/\s+/g, " ").trim();
  // PostgreSQL's own parser gives up on deep nesting (100,000 parentheses) with bison's bare
  // "memory exhausted": say what happened.
  if (MEMORY_EXHAUSTED.test(message)) return `nested too deeply for ${parser} (${message})`;
  return message;
}

export type PlpgsqlOutcome =
  | { ok: true; tree: PgNode }
  | {
      ok: false;
      message: string;
      /** Too deep for sqlguard (the WebAssembly parser ran out of stack): the body may be valid. */
      tooDeep?: true;
      /** Too deep for PostgreSQL's PL/pgSQL parser ("memory exhausted"): PostgreSQL refuses it too. */
      parserLimit?: true;
    };

/**
 * Parses the PL/pgSQL body of a `CREATE FUNCTION … LANGUAGE plpgsql` or `DO` statement.
 * Only call it for PL/pgSQL bodies given as strings: on anything else the WASM aborts and
 * prints to stderr. stderr is held back during the call so nothing reaches the terminal.
 * The tree it returns can be thousands of levels deep (3,300 nested blocks parse): walk it
 * without recursion.
 */
export function parsePlpgsql(text: string): PlpgsqlOutcome {
  // In a browser (the playground page) there is no process: the WASM prints to the console there.
  const stderr = (globalThis.process as NodeJS.Process | undefined)?.stderr;
  const write = stderr?.write;
  if (stderr) stderr.write = (() => true) as typeof stderr.write;
  try {
    const out = module().parsePlpgsql(text);
    // a tree is a JSON object; anything else is the parser's error message
    if (!out.startsWith("{")) throw new Error(out);
    return { ok: true, tree: JSON.parse(out) as PgNode };
  } catch (e) {
    if (isStackOverflow(e)) return { ok: false, message: TOO_DEEP_BODY, tooDeep: true };
    const raw = String((e as { message?: unknown })?.message ?? e);
    if (MEMORY_EXHAUSTED.test(raw)) return { ok: false, message: cleanMessage(raw, "PostgreSQL's PL/pgSQL parser"), parserLimit: true };
    return { ok: false, message: cleanMessage(raw) };
  } finally {
    if (stderr) stderr.write = write!;
  }
}

const TOO_DEEP_BODY = "nested too deeply to analyse (the PL/pgSQL parser ran out of stack): the body was not linted";

/** A token of PostgreSQL's scanner. Offsets are UTF-8 bytes of the scanned text. */
export interface ScanToken {
  start: number;
  end: number;
  text: string;
  /** `IDENT` (quoted or not), `SCONST`, `SQL_COMMENT`…; keywords and `U&"…"` identifiers come as `UNKNOWN`. */
  tokenName: string;
}

/** Tokenises SQL text with PostgreSQL's own scanner; null when the scanner gives up. */
export function scanTokens(text: string): ScanToken[] | null {
  if (text.length === 0) return [];
  try {
    const out = module().scan(text);
    return out === null ? null : ((JSON.parse(out) as { tokens?: ScanToken[] }).tokens ?? []);
  } catch {
    return null;
  }
}

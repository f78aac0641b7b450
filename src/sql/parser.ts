/**
 * The PostgreSQL parser (libpg-query, compiled to WASM). Loaded lazily and once: a run that
 * meets no SQL never pays for it. After `loadParser()` resolves, every call is synchronous.
 */
import { codePointToUtf16 } from "./text.js";

type PgQuery = typeof import("libpg-query");

let pg: PgQuery | null = null;
let loading: Promise<void> | null = null;

export function loadParser(): Promise<void> {
  if (pg) return Promise.resolve();
  loading ??= import("libpg-query").then(async (m) => {
    await m.loadModule();
    pg = m;
  });
  return loading;
}

export function parserLoaded(): boolean {
  return pg !== null;
}

function module(): PgQuery {
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
  | { ok: false; message: string; /** UTF-16 offset in the parsed text */ offset: number };

/** Parses SQL text. Empty or comment-only text gives no statements. Never throws on bad SQL. */
export function parseSql(text: string): ParseOutcome {
  if (text.length === 0) return { ok: true, stmts: [] };
  try {
    const result = module().parseSync(text) as { stmts?: RawStmt[] };
    return { ok: true, stmts: result.stmts ?? [] };
  } catch (e) {
    const err = e as { message?: string; sqlDetails?: { cursorPosition?: number } };
    const cursor = err.sqlDetails?.cursorPosition;
    const offset = typeof cursor === "number" && cursor >= 0 ? codePointToUtf16(text, cursor) : 0;
    return { ok: false, message: cleanMessage(err.message ?? String(e)), offset };
  }
}

function cleanMessage(m: string): string {
  return m.replace(/\s+/g, " ").trim();
}

export interface PlpgsqlExpr {
  query: string;
}

/**
 * Parses the PL/pgSQL body of a `CREATE FUNCTION … LANGUAGE plpgsql` or `DO` statement.
 * Only call it for PL/pgSQL bodies given as strings: on anything else the WASM aborts and
 * prints to stderr. stderr is held back during the call so nothing reaches the terminal.
 */
export function parsePlpgsql(text: string): PgNode | null {
  const stderr = process.stderr;
  const write = stderr.write;
  stderr.write = (() => true) as typeof stderr.write;
  try {
    return module().parsePlPgSQLSync(text) as unknown as PgNode;
  } catch {
    return null;
  } finally {
    stderr.write = write;
  }
}

/**
 * The messages between `sqlguard verify` and the process that runs PGlite (see runner.ts). Plain
 * data only: they cross a process boundary (IPC) and then a thread boundary.
 */

/** The fields of a PostgreSQL error (or notice) that verify reports or maps to a position. */
export interface PgError {
  message: string;
  severity?: string;
  /** SQLSTATE. */
  code?: string;
  detail?: string;
  hint?: string;
  /** 1-based, in characters (code points) of the text sent. */
  position?: number;
  /** 1-based position in `internalQuery` (a query PL/pgSQL or a SQL function ran). */
  internalPosition?: number;
  internalQuery?: string;
  /** Context lines: `PL/pgSQL function inline_code_block line 3 at PERFORM`. */
  where?: string;
  schema?: string;
  table?: string;
  column?: string;
  dataType?: string;
  constraint?: string;
}

export interface StatementResult {
  command: string | null;
  /** Rows returned or changed, per statement (PostgreSQL's command tag). */
  rowCount: number | null;
}

export type Request =
  | {
      op: "start";
      /** A gzip tar of a data directory to start from; null: a fresh cluster (initdb). */
      load: string | null;
      /** PGlite contrib extensions to load (`pgcrypto`, `uuid_ossp`…). */
      extensions: string[];
    }
  /** Runs SQL with the simple protocol (several statements make one implicit transaction). */
  | { op: "exec"; sql: string; then?: string }
  /** One statement with the extended protocol; rows come back. */
  | { op: "query"; sql: string; params?: unknown[] }
  /** Parse + Describe, never Execute. */
  | { op: "describe"; sql: string; paramTypes?: number[] }
  /** Writes `dumpDataDir('gzip')` to `path` (atomically: a temporary file, then a rename). */
  | { op: "dump"; path: string }
  | { op: "close" };

export interface Reply {
  id: number;
  ok: boolean;
  error?: PgError;
  /** For exec: one per statement run. */
  results?: StatementResult[];
  /** For query, and for exec's `then` query. */
  rows?: Record<string, unknown>[];
  /** For describe: parameter and result types. */
  params?: number[];
  fields?: { name: string; type: number }[];
  notices: PgError[];
  /** A transaction block is open after the request. */
  inTransaction: boolean;
  /** Milliseconds spent in PGlite. */
  ms: number;
}

/** What the worker says when it cannot go on (PGlite printed PANIC or aborted). */
export interface Crash {
  crashed: string;
}

const ERROR_FIELDS = [
  "message",
  "severity",
  "code",
  "detail",
  "hint",
  "position",
  "internalPosition",
  "internalQuery",
  "where",
  "schema",
  "table",
  "column",
  "dataType",
  "constraint",
] as const;

/** The fields of an error PGlite threw (pg-protocol's DatabaseError), as plain data. */
export function pgError(e: unknown): PgError {
  const o = e as Record<string, unknown>;
  const out: Record<string, unknown> = { message: String(o?.message ?? e) };
  for (const k of ERROR_FIELDS) {
    const v = o?.[k];
    if (v === undefined || v === null || v === "") continue;
    out[k] = k === "position" || k === "internalPosition" ? Number(v) : String(v);
  }
  return out as unknown as PgError;
}

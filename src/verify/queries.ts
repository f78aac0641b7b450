/**
 * Checks the SQL of code and of SQL scripts against a migrated schema, without running it:
 * every query is *prepared* (PGlite's describeQuery: Parse + Describe, never Execute) inside a
 * transaction that is rolled back, so PostgreSQL's parse analysis reports unknown tables and
 * columns, type errors and ambiguous names at their position. A script's own DDL (a view it
 * creates, a temporary table) is applied inside that transaction, so its later queries see it;
 * the transaction is rolled back at the end of the file. Nothing else is ever executed.
 *
 * Skipped, and counted: statements that are not queries (DDL and utility commands in code),
 * dynamic SQL (an interpolation that is a name, a list or a query), psql variables, parameters
 * PostgreSQL cannot type, and strings the extractor found to be fragments.
 */
import path from "node:path";
import { extractCode, type EmbeddedSettings } from "../extract/embedded.js";
import { sqlDocuments } from "../extract/index.js";
import { TOOLS } from "../run-model/index.js";
import { parameterise } from "./placeholders.js";
import { SqlDocument, Statement } from "../sql/document.js";
import { blockRefusal } from "../sql/transaction.js";
import type { VerifyEvent } from "./events.js";
import { commandOf, errorSpan, firstLine } from "./positions.js";
import type { PgError, Reply } from "./protocol.js";
import type { Runner } from "./runner.js";

export type SkipReason =
  | "fragment"
  | "dynamic"
  | "not a query"
  | "psql variables"
  | "untyped parameters"
  | "refused in a transaction"
  | "already in the schema";

/** A statement to check, with everything needed to send it and place what PostgreSQL says. */
export interface QueryStatement {
  file: string;
  /** Index of the file in the run (statements of one file share a transaction). */
  fileIndex: number;
  /** The text sent. */
  sql: string;
  /** `query`: prepared; `ddl`: a script's own schema change, applied inside the file's transaction. */
  how: "query" | "ddl";
  /** Maps an offset of `sql` to a file offset (`end` for a range's end). */
  toFile(offset: number, end?: boolean): number;
  /** Maps an offset of the statement's document to a file offset. */
  docToFile(offset: number, end?: boolean): number;
  /** The statement, for errors inside its body. */
  stmt: Statement;
  /** Relation names it reads or writes (lower case), for --changed-since's dependencies. */
  relations: Set<string>;
}

export interface QueryCollection {
  statements: QueryStatement[];
  skipped: Map<SkipReason, number>;
}

export interface QueryFile {
  file: string;
  text: string;
  kind: "sql" | "code";
}

/** Relation names a statement mentions (`orders`, `shop.orders` → `orders`), read from its tree. */
export function relationNames(stmt: Statement): Set<string> {
  const out = new Set<string>();
  const node = stmt.node;
  if (!node) return out;
  const visit = (n: unknown): void => {
    if (!n || typeof n !== "object") return;
    if (Array.isArray(n)) {
      for (const x of n) visit(x);
      return;
    }
    const o = n as Record<string, unknown>;
    if (typeof o.relname === "string") out.add(o.relname.toLowerCase());
    for (const k in o) if (k !== "relname") visit(o[k]);
  };
  visit(node);
  return out;
}

/** The statements of these files to check, and what was skipped. */
export function collectQueries(files: QueryFile[], embedded: EmbeddedSettings): QueryCollection {
  const statements: QueryStatement[] = [];
  const skipped = new Map<SkipReason, number>();
  const skip = (r: SkipReason, n = 1) => skipped.set(r, (skipped.get(r) ?? 0) + n);
  files.forEach((f, fileIndex) => {
    const parts: { doc: SqlDocument; toHost: (o: number, end?: boolean) => number; dynamic: boolean }[] = [];
    // A SQL file as the linter reads it: one document per unit of its run model (each named query
    // of a sqlc or yesql file, a goose file's sections…).
    if (f.kind === "sql") for (const doc of sqlDocuments(f.file, f.text, { assumeInTransaction: false })) parts.push({ doc, toHost: (o) => o, dynamic: false });
    else {
      const code = extractCode(f.text, f.file, { settings: embedded });
      for (const p of code.parts) parts.push({ doc: p.doc, toHost: p.toHost, dynamic: p.dynamic });
      const fragments = code.skipped.filter((x) => x.reason === "fragment").length;
      if (fragments) skip("fragment", fragments);
    }
    for (const part of parts) {
      const doc = part.doc;
      for (const e of doc.events()) {
        if (!(e instanceof Statement)) continue;
        if (e.text.trim() === "" || e.error || !e.parsed) continue; // syntax errors are the linter's
        if (e.txControl) continue; // the check opens and rolls back its own transaction
        if (part.dynamic) {
          skip("dynamic");
          continue;
        }
        const written = doc.sql.slice(e.start, e.end);
        // A query library's parameters become $n, as the library sends them.
        const tool = doc.run.tool;
        const params = tool !== null && TOOLS[tool].kind === "queries" ? parameterise(written, tool) : null;
        if (params?.dynamic) {
          skip("dynamic");
          continue;
        }
        const sql = params ? params.text.text : written;
        if (!params && doc.kind === "script" && e.parseText.slice(0, sql.length) !== sql && e.parseText !== sql) {
          skip("psql variables");
          continue;
        }
        const kind = e.kind;
        let how: QueryStatement["how"];
        if (kind === "read" || kind === "write") how = "query";
        else if (kind === "ddl" && doc.kind === "script") {
          if (blockRefusal(e, { postgresVersion: 99 })) {
            skip("refused in a transaction");
            continue;
          }
          how = "ddl";
        } else {
          skip("not a query");
          continue;
        }
        const base = e.start;
        const edited = params?.text;
        statements.push({
          file: f.file,
          fileIndex,
          sql,
          how,
          toFile: (o, end) => part.toHost(base + (edited ? edited.toSource(o, end) : o), end),
          docToFile: (o, end) => part.toHost(o, end),
          stmt: e,
          relations: relationNames(e),
        });
      }
    }
  });
  return { statements, skipped };
}

/** What PostgreSQL said about one statement. */
export type Verdict = { ok: true } | { ok: false; error: PgError; start: number; end: number; command: string } | { skipped: SkipReason };

/** A script's DDL naming something that exists already (a table, an index, a schema, a function…). */
const DUPLICATE = new Set(["42P07", "42710", "42P06", "42723", "42701", "42P04"]);

/** Parameter-typing errors: PostgreSQL needs to know what `$1` is. */
const UNTYPED = new Set(["42P08", "42725", "42P18"]);

function paramCount(sql: string): number {
  let n = 0;
  for (const m of sql.matchAll(/\$(\d+)\b/g)) n = Math.max(n, Number(m[1]));
  return n;
}

/**
 * Checks statements against the schema the runner holds. Statements of one file run in one
 * transaction (BEGIN … ROLLBACK); after an error the transaction is restarted (or rolled back to a
 * savepoint once the file has applied DDL of its own).
 */
export async function checkQueries(
  runner: Runner,
  statements: QueryStatement[],
  progress: (file: string, done: number, total: number) => void,
): Promise<Verdict[]> {
  const verdicts: Verdict[] = [];
  let file = -1;
  let dirty = false;
  /** Relations the current script creates that the migrations had made already. */
  const existing = new Set<string>();
  const must = async (sql: string) => {
    const r = await runner.exec(sql);
    if (!r.ok) throw new Error(`${sql}: ${r.error?.message}`);
  };
  for (let i = 0; i < statements.length; i++) {
    const q = statements[i]!;
    if (q.fileIndex !== file) {
      if (file >= 0) await must("ROLLBACK");
      await must("BEGIN");
      file = q.fileIndex;
      dirty = false;
      existing.clear();
      progress(q.file, i, statements.length);
    }
    if (dirty) await must("SAVEPOINT sqlguard_check");
    let reply: Reply;
    if (q.how === "ddl") reply = await runner.exec(q.sql);
    else {
      reply = await runner.describe(q.sql);
      if (!reply.ok && UNTYPED.has(reply.error?.code ?? "")) {
        await recover(runner, dirty);
        if (dirty) await must("SAVEPOINT sqlguard_check");
        const n = paramCount(q.sql);
        reply = await runner.describe(q.sql, new Array<number>(n).fill(25));
        if (!reply.ok && UNTYPED.has(reply.error?.code ?? "")) {
          await recover(runner, dirty);
          verdicts.push({ skipped: "untyped parameters" });
          continue;
        }
      }
    }
    if (reply.ok) {
      if (q.how === "ddl") dirty = true;
      verdicts.push({ ok: true });
      continue;
    }
    const error = reply.error ?? { message: "unknown error" };
    await recover(runner, dirty);
    if (q.how === "ddl" && (DUPLICATE.has(error.code ?? "") || [...q.relations].some((n) => existing.has(n)))) {
      // A script that defines what the migrations already made (a schema dump beside them): not
      // a query, and nothing wrong with what it reads. Its later DDL on what it found existing
      // (pg_dump's ALTER TABLE … ADD CONSTRAINT … PRIMARY KEY) fails for the same reason.
      if (DUPLICATE.has(error.code ?? "")) for (const n of q.relations) existing.add(n);
      verdicts.push({ skipped: "already in the schema" });
      continue;
    }
    verdicts.push({ ok: false, error, ...placeError(error, q), command: commandOf(q.sql) });
  }
  if (file >= 0) await must("ROLLBACK");
  return verdicts;
}

/**
 * Where an error goes in the file: PostgreSQL's position counts in the text sent; an error in a
 * DO block's or a function's body names the body's line, found in the statement's document; else
 * the name the message quotes, else the statement's first line.
 */
export function placeError(error: PgError, q: QueryStatement): { start: number; end: number } {
  if (error.position !== undefined && error.position > 0) {
    const s = errorSpan(error, q.sql, 0, q.sql);
    if (s) return { start: q.toFile(s.start), end: q.toFile(s.end, true) };
  }
  const { position: _, ...rest } = error;
  const doc = q.stmt.doc.sql;
  const s = errorSpan(rest, doc, q.stmt.start, doc.slice(q.stmt.start, q.stmt.end), q.stmt);
  if (s) return { start: q.docToFile(s.start), end: q.docToFile(s.end, true) };
  const line = firstLine(q.sql, 0, q.sql.length);
  return { start: q.toFile(line.start), end: q.toFile(line.end, true) };
}

/** After an error: back to a usable transaction. */
async function recover(runner: Runner, dirty: boolean): Promise<void> {
  if (dirty) await runner.exec("ROLLBACK TO SAVEPOINT sqlguard_check");
  else {
    await runner.exec("ROLLBACK");
    await runner.exec("BEGIN");
  }
}

/**
 * The migration sets a file's statements are checked against: those whose folder is nearest to
 * the file (the longest run of path segments in common), so that `visibility/schema.sql` is read
 * against `visibility/versioned` and a service's code against its own migrations. Files as near to
 * several sets (shared code) are checked against each of them.
 */
export function schemasFor<S extends { dir: string }>(file: string, sets: readonly S[]): S[] {
  const parts = path.dirname(file).split(path.sep);
  let best = -1;
  let out: S[] = [];
  for (const set of sets) {
    const dir = set.dir.split(path.sep);
    let n = 0;
    while (n < dir.length && n < parts.length && dir[n] === parts[n]) n++;
    if (n > best) {
      best = n;
      out = [set];
    } else if (n === best) out.push(set);
  }
  return out;
}

/**
 * The verdicts of several schemas combined: a statement is fine if one schema accepts it (code
 * may talk to several databases); otherwise the error reported is that of a schema that knows
 * its tables (not "relation does not exist"), else the first.
 */
export function combine(perSchema: { schema: string; verdicts: (Verdict | undefined)[] }[], statements: QueryStatement[]): (VerifyEvent | SkipReason | null)[] {
  return statements.map((_q, i) => {
    let best: { schema: string; v: Extract<Verdict, { ok: false }> } | null = null;
    let skipped: SkipReason | null = null;
    for (const { schema, verdicts } of perSchema) {
      const v = verdicts[i];
      if (!v) continue;
      if ("skipped" in v) {
        skipped = v.skipped;
        continue;
      }
      if (v.ok) return null;
      if (!best || (best.v.error.code === "42P01" && v.error.code !== "42P01")) best = { schema, v };
    }
    if (best) return { kind: "query", start: best.v.start, end: best.v.end, command: best.v.command, error: best.v.error, schema: best.schema } as VerifyEvent;
    return skipped;
  });
}

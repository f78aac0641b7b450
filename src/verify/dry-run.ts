/**
 * `sqlguard verify --dry-run fix.sql [--seed data.sql]`: runs an ad-hoc script on a copy of the
 * migrated schema (plus seed data) inside a transaction that is always rolled back, and says per
 * statement how many rows it changed in which tables, and what share of each table that is.
 * Counts come from PostgreSQL's own per-transaction statistics (`pg_stat_xact_user_tables`), so
 * rows changed by cascades and triggers are counted against their tables too.
 */
import { SqlDocument, Statement } from "../sql/document.js";
import { blockRefusal } from "../sql/transaction.js";
import type { VerifyEvent } from "./events.js";
import { commandOf, errorSpan, firstLine } from "./positions.js";
import type { Reply, Request } from "./protocol.js";

/**
 * What the dry run needs of a database: verify's Runner (PGlite in a child process) has it, and so
 * has the playground's PGlite in the page (src/playground/ui/dry-run.ts). This module imports no
 * Node built-in, so the page bundles it as it is.
 */
export interface DryRunDb {
  exec(sql: string, then?: string): Promise<Reply>;
  must(req: Extract<Request, { op: "exec" }>): Promise<Reply>;
  rows<T = Record<string, unknown>>(sql: string): Promise<T[]>;
}

const STATS = `select relid::int as oid, schemaname as schema, relname as name,
  n_tup_ins::int as ins, n_tup_upd::int as upd, n_tup_del::int as del
from pg_stat_xact_user_tables`;

/** The relation locks this session holds on user relations now (tables, indexes, sequences…). */
const LOCKS = `select l.relation::int as oid, l.mode, c.relname as name, n.nspname as schema, c.relkind::text as kind
from pg_locks l join pg_class c on c.oid = l.relation join pg_namespace n on n.oid = c.relnamespace
where l.locktype = 'relation' and l.pid = pg_backend_pid() and l.relation >= 16384::oid and l.granted`;

interface LockRow {
  oid: number;
  mode: string;
  name: string;
  schema: string;
  kind: string;
}

export interface TakenLock {
  /** The relation (schema-qualified unless public). */
  relation: string;
  /** pg_class.relkind: r table, i index, S sequence… */
  kind: string;
  /** PostgreSQL's lock mode (`RowExclusiveLock`, `AccessExclusiveLock`…). */
  mode: string;
}

interface Stat {
  oid: number;
  schema: string;
  name: string;
  ins: number;
  upd: number;
  del: number;
}

export interface TableChange {
  table: string;
  inserted: number;
  updated: number;
  deleted: number;
  /** Rows in the table before the statement. */
  rowsBefore: number;
  /** Changed rows (updated + deleted, or inserted into an empty table) over rows before; null when it was empty. */
  share: number | null;
}

export interface DryRunStatement {
  /** File offsets. */
  start: number;
  end: number;
  command: string;
  /** Rows PostgreSQL's command tag reports (returned by a SELECT, changed by a write). */
  rowCount: number | null;
  tables: TableChange[];
  /**
   * Relation locks the statement took, measured in pg_locks: those the transaction did not hold
   * before it (a mode an earlier statement of the script took is listed at that statement only).
   */
  locks: TakenLock[];
  /** Not run, and why (a transaction command: the dry run keeps its own). */
  skipped?: string;
  /** PostgreSQL rejected it (reported as a finding too). */
  failed?: string;
}

export interface DryRunResult {
  statements: DryRunStatement[];
  events: VerifyEvent[];
  seedEvents: VerifyEvent[];
}

/**
 * Runs a script statement by statement and keeps what it did (the seed; in the playground, the
 * pasted schema too); stops at the first statement PostgreSQL rejects, which is the one event.
 */
export async function applyScript(runner: DryRunDb, text: string, schema: string): Promise<VerifyEvent[]> {
  for (const s of statementsOf(text)) {
    const sql = text.slice(s.start, s.end);
    const r = await runner.exec(sql);
    if (!r.ok) {
      const err = r.error ?? { message: "unknown error" };
      const at = errorSpan(err, text, s.start, sql, s) ?? firstLine(text, s.start, s.end);
      return [{ kind: "query", ...at, command: commandOf(sql), error: err, schema, dryRun: true }];
    }
  }
  return [];
}

/** Runs `seed` (kept) then `script` (rolled back) on the runner's database. */
export async function dryRun(runner: DryRunDb, script: string, seed: string | null, schema: string): Promise<DryRunResult> {
  const seedEvents = seed === null ? [] : await applyScript(runner, seed, schema);
  const out: DryRunStatement[] = [];
  const events: VerifyEvent[] = [];
  await runner.must({ op: "exec", sql: "BEGIN" });
  try {
    for (const s of statementsOf(script)) {
      const sql = script.slice(s.start, s.end);
      const command = commandOf(sql);
      const line = firstLine(script, s.start, s.end);
      if (s.txControl) {
        out.push({ ...line, command, rowCount: null, tables: [], locks: [], skipped: "a transaction command: the dry run keeps its own transaction and rolls it back" });
        continue;
      }
      if (s.parsed && blockRefusal(s, { postgresVersion: 99 })) {
        out.push({ ...line, command, rowCount: null, tables: [], locks: [], skipped: "PostgreSQL refuses it inside a transaction, and the dry run must roll back" });
        continue;
      }
      const before = new Map((await runner.rows<Stat>(STATS)).map((x) => [x.oid, x]));
      const held = new Set((await runner.rows<LockRow>(LOCKS)).map((x) => `${x.oid} ${x.mode}`));
      await runner.must({ op: "exec", sql: "SAVEPOINT sqlguard_dry_run" });
      const r = await runner.exec(sql, LOCKS);
      if (!r.ok) {
        const err = r.error ?? { message: "unknown error" };
        await runner.must({ op: "exec", sql: "ROLLBACK TO SAVEPOINT sqlguard_dry_run" });
        const at = errorSpan(err, script, s.start, sql, s) ?? line;
        events.push({ kind: "query", ...at, command, error: err, schema, dryRun: true });
        out.push({ ...line, command, rowCount: null, tables: [], locks: [], failed: err.message });
        continue;
      }
      const locks: TakenLock[] = [];
      for (const l of (r.rows ?? []) as unknown as LockRow[]) {
        if (held.has(`${l.oid} ${l.mode}`)) continue;
        locks.push({ relation: qualified(l.schema, l.name), kind: l.kind, mode: l.mode });
      }
      const after = await runner.rows<Stat>(STATS);
      const tables: TableChange[] = [];
      for (const a of after) {
        const b = before.get(a.oid) ?? { ins: 0, upd: 0, del: 0 };
        const ins = a.ins - b.ins;
        const upd = a.upd - b.upd;
        const del = a.del - b.del;
        if (ins === 0 && upd === 0 && del === 0) continue;
        const ident = `"${a.schema.replace(/"/g, '""')}"."${a.name.replace(/"/g, '""')}"`;
        // counted in a savepoint rolled back at once: the count's own lock goes with it, and is never
        // reported as a later statement's
        await runner.must({ op: "exec", sql: "SAVEPOINT sqlguard_count" });
        const now = Number((await runner.rows<{ n: number }>(`select count(*)::int as n from ${ident}`))[0]?.n ?? 0);
        await runner.must({ op: "exec", sql: "ROLLBACK TO SAVEPOINT sqlguard_count" });
        const rowsBefore = now - ins + del;
        const changed = upd + del;
        tables.push({
          table: qualified(a.schema, a.name),
          inserted: ins,
          updated: upd,
          deleted: del,
          rowsBefore,
          share: rowsBefore > 0 ? changed / rowsBefore : null,
        });
      }
      const last = r.results?.[r.results.length - 1];
      out.push({ ...line, command, rowCount: last?.rowCount ?? null, tables, locks });
      await runner.must({ op: "exec", sql: "RELEASE SAVEPOINT sqlguard_dry_run" });
    }
  } finally {
    await runner.exec("ROLLBACK");
  }
  return { statements: out, events, seedEvents };
}

function qualified(schema: string, name: string): string {
  return schema === "public" ? name : `${schema}.${name}`;
}

function statementsOf(text: string): Statement[] {
  const out: Statement[] = [];
  for (const e of new SqlDocument(text, { kind: "script" }).events()) if (e instanceof Statement && e.text.trim() !== "") out.push(e);
  return out;
}

/** The dry run as text: one line per statement, with each table it changed. */
export function formatDryRun(file: string, text: string, result: DryRunResult): string {
  const lines = [`Dry run of ${file} (rolled back; nothing was kept):`];
  const lineOf = (offset: number) => {
    const before = text.slice(0, offset);
    const line = before.split(/\r\n|\r|\n/).length;
    const col = offset - Math.max(before.lastIndexOf("\n"), before.lastIndexOf("\r"));
    return `${line}:${col}`;
  };
  for (const s of result.statements) {
    const where = `  ${file}:${lineOf(s.start)}`;
    if (s.skipped) {
      lines.push(`${where}  ${s.command}  skipped: ${s.skipped}`);
      continue;
    }
    if (s.failed) {
      lines.push(`${where}  ${s.command}  failed: ${s.failed}`);
      continue;
    }
    const rows = s.rowCount === null ? "" : `  ${s.rowCount} row${s.rowCount === 1 ? "" : "s"}`;
    lines.push(`${where}  ${s.command}${rows}`);
    for (const t of s.tables) {
      const parts = [t.inserted && `${t.inserted} inserted`, t.updated && `${t.updated} updated`, t.deleted && `${t.deleted} deleted`].filter(Boolean).join(", ");
      const share = t.share === null ? "the table was empty" : `${formatShare(t.share)} of its ${t.rowsBefore} row${t.rowsBefore === 1 ? "" : "s"}`;
      lines.push(`      ${t.table}: ${parts} (${share})`);
    }
    if (s.locks.length > 0) lines.push(`      locks: ${s.locks.map((l) => `${l.mode} on ${l.relation}`).join(", ")}`);
  }
  return `${lines.join("\n")}\n`;
}

function formatShare(x: number): string {
  const p = x * 100;
  if (p === 0) return "0%";
  if (p < 0.1) return "<0.1%";
  return `${p >= 10 ? Math.round(p) : Math.round(p * 10) / 10}%`;
}

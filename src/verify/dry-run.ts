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
import type { Runner } from "./runner.js";

const STATS = `select relid::int as oid, schemaname as schema, relname as name,
  n_tup_ins::int as ins, n_tup_upd::int as upd, n_tup_del::int as del
from pg_stat_xact_user_tables`;

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

/** Runs `seed` (kept) then `script` (rolled back) on the runner's database. */
export async function dryRun(runner: Runner, script: string, seed: string | null, schema: string): Promise<DryRunResult> {
  const seedEvents: VerifyEvent[] = [];
  if (seed !== null) {
    for (const s of statementsOf(seed)) {
      const sql = seed.slice(s.start, s.end);
      const r = await runner.exec(sql);
      if (!r.ok) {
        const err = r.error ?? { message: "unknown error" };
        const at = errorSpan(err, seed, s.start, sql, s) ?? firstLine(seed, s.start, s.end);
        seedEvents.push({ kind: "query", ...at, command: commandOf(sql), error: err, schema, dryRun: true });
        break;
      }
    }
  }
  const out: DryRunStatement[] = [];
  const events: VerifyEvent[] = [];
  await runner.must({ op: "exec", sql: "BEGIN" });
  try {
    for (const s of statementsOf(script)) {
      const sql = script.slice(s.start, s.end);
      const command = commandOf(sql);
      const line = firstLine(script, s.start, s.end);
      if (s.txControl) {
        out.push({ ...line, command, rowCount: null, tables: [], skipped: "a transaction command: the dry run keeps its own transaction and rolls it back" });
        continue;
      }
      if (s.parsed && blockRefusal(s, { postgresVersion: 99 })) {
        out.push({ ...line, command, rowCount: null, tables: [], skipped: "PostgreSQL refuses it inside a transaction, and the dry run must roll back" });
        continue;
      }
      const before = new Map((await runner.rows<Stat>(STATS)).map((x) => [x.oid, x]));
      await runner.must({ op: "exec", sql: "SAVEPOINT sqlguard_dry_run" });
      const r = await runner.exec(sql, STATS);
      if (!r.ok) {
        const err = r.error ?? { message: "unknown error" };
        await runner.must({ op: "exec", sql: "ROLLBACK TO SAVEPOINT sqlguard_dry_run" });
        const at = errorSpan(err, script, s.start, sql, s) ?? line;
        events.push({ kind: "query", ...at, command, error: err, schema, dryRun: true });
        out.push({ ...line, command, rowCount: null, tables: [], failed: err.message });
        continue;
      }
      const after = (r.rows ?? []) as unknown as Stat[];
      const tables: TableChange[] = [];
      for (const a of after) {
        const b = before.get(a.oid) ?? { ins: 0, upd: 0, del: 0 };
        const ins = a.ins - b.ins;
        const upd = a.upd - b.upd;
        const del = a.del - b.del;
        if (ins === 0 && upd === 0 && del === 0) continue;
        const ident = `"${a.schema.replace(/"/g, '""')}"."${a.name.replace(/"/g, '""')}"`;
        const now = Number((await runner.rows<{ n: number }>(`select count(*)::int as n from ${ident}`))[0]?.n ?? 0);
        const rowsBefore = now - ins + del;
        const changed = upd + del;
        tables.push({
          table: a.schema === "public" ? a.name : `${a.schema}.${a.name}`,
          inserted: ins,
          updated: upd,
          deleted: del,
          rowsBefore,
          share: rowsBefore > 0 ? changed / rowsBefore : null,
        });
      }
      const last = r.results?.[r.results.length - 1];
      out.push({ ...line, command, rowCount: last?.rowCount ?? null, tables });
      await runner.must({ op: "exec", sql: "RELEASE SAVEPOINT sqlguard_dry_run" });
    }
  } finally {
    await runner.exec("ROLLBACK");
  }
  return { statements: out, events, seedEvents };
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
  }
  return `${lines.join("\n")}\n`;
}

function formatShare(x: number): string {
  const p = x * 100;
  if (p === 0) return "0%";
  if (p < 0.1) return "<0.1%";
  return `${p >= 10 ? Math.round(p) : Math.round(p * 10) / 10}%`;
}

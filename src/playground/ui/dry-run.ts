/**
 * The playground's dry run: PGlite (PostgreSQL in WebAssembly) in the page, loaded only when the
 * user asks for a dry run (main.ts imports this module lazily, so the page's first load and first
 * finding do not pay for it). What is measured, and how, is verify's own code (src/verify/dry-run.ts):
 * this module only gives it a database that answers like verify's runner.
 *
 * PGlite's files (pglite.wasm, pglite.data, initdb.wasm) sit beside the bundle, where PGlite looks
 * for them (relative to its own script), and the build adds `pglite-empty.tar.gz`: an empty
 * cluster dumped at build time, so the page loads a data directory instead of running initdb (about
 * 3× faster). Every dry run starts a fresh database from it: the pasted schema and seed are applied
 * and kept, the script runs in a transaction that is rolled back.
 */
import { PGlite } from "@electric-sql/pglite";
import { applyScript, dryRun, type DryRunDb, type DryRunResult } from "../../verify/dry-run.js";
import type { VerifyEvent } from "../../verify/events.js";
import { pgError, type PgError, type Reply, type Request, type StatementResult } from "../../verify/protocol.js";

let emptyCluster: Promise<Blob> | null = null;

async function loadEmptyCluster(): Promise<Blob> {
  const response = await fetch(new URL("pglite-empty.tar.gz", document.baseURI));
  if (!response.ok) throw new Error(`pglite-empty.tar.gz: HTTP ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  // a server may have unpacked it already (Content-Encoding: gzip); otherwise the browser unpacks it
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return new Blob([bytes]);
  return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).blob();
}

/** PGlite behind the interface verify's dry run talks to (the runner's replies, in the same shape). */
class PageDb implements DryRunDb {
  constructor(private readonly db: PGlite) {}

  private reply(extra: Partial<Reply>): Reply {
    return { id: 0, ok: true, notices: [], inTransaction: this.db.isInTransaction(), ms: 0, ...extra };
  }

  async exec(sql: string, then?: string): Promise<Reply> {
    try {
      const results = await this.db.exec(sql);
      const out: StatementResult[] = results.map((r) => ({ command: r.command ?? null, rowCount: r.rowCount ?? null }));
      const rows = then === undefined ? undefined : ((await this.db.query(then)).rows as Record<string, unknown>[]);
      return this.reply(rows === undefined ? { results: out } : { results: out, rows });
    } catch (e) {
      return this.reply({ ok: false, error: pgError(e) });
    }
  }

  async must(req: Extract<Request, { op: "exec" }>): Promise<Reply> {
    const r = await this.exec(req.sql, req.then);
    if (!r.ok) throw new Error(r.error?.message ?? "unknown error");
    return r;
  }

  async rows<T = Record<string, unknown>>(sql: string): Promise<T[]> {
    return (await this.db.query(sql)).rows as T[];
  }
}

export interface PageDryRun {
  /** The pasted schema failed here (nothing else ran). */
  schemaError: VerifyEvent | null;
  /** The seed failed here (the script ran on what the seed had done before). */
  seedError: VerifyEvent | null;
  result: DryRunResult | null;
  /** Milliseconds to start PostgreSQL (load the empty cluster). */
  startMs: number;
}

let running: PGlite | null = null;

/** Applies `schema` and `seed` to a fresh database, then dry-runs `script` (rolled back). */
export async function pageDryRun(schema: string, seed: string, script: string): Promise<PageDryRun> {
  if (running) {
    const old = running;
    running = null;
    await old.close().catch(() => undefined);
  }
  const t0 = performance.now();
  emptyCluster ??= loadEmptyCluster().catch((e: unknown) => {
    emptyCluster = null;
    throw e;
  });
  const pg = await PGlite.create({ loadDataDir: await emptyCluster });
  running = pg;
  const startMs = Math.round(performance.now() - t0);
  const db = new PageDb(pg);
  const schemaEvents = await applyScript(db, schema, "the pasted schema");
  if (schemaEvents.length > 0) return { schemaError: schemaEvents[0]!, seedError: null, result: null, startMs };
  const result = await dryRun(db, script, seed.trim() === "" ? null : seed, "the pasted schema");
  return { schemaError: null, seedError: result.seedEvents[0] ?? null, result, startMs };
}

export type { PgError };

/**
 * The worker thread that owns the one PGlite instance of a verify runner (started by
 * verify-child.ts with a 64 MB stack: PostgreSQL's recursion runs on the thread's native stack, and
 * on a small one a deep recursion PANICs instead of failing cleanly with 54001). It answers the
 * requests of protocol.ts one at a time. When PGlite prints PANIC or aborts, the instance is not
 * to be trusted any more: the worker says so and ends, and the runner starts a new one.
 */
import { readFileSync } from "node:fs";
import { gunzipSync, gzipSync } from "node:zlib";
import { parentPort } from "node:worker_threads";
import { pgError, type PgError, type Reply, type Request, type StatementResult } from "./protocol.js";
import { writeFileAtomicallySync } from "../util/write.js";

type PGliteModule = typeof import("@electric-sql/pglite");
type Db = import("@electric-sql/pglite").PGlite;
type Options = import("@electric-sql/pglite").PGliteOptions;

const port = parentPort!;
let db: Db | null = null;
let broken: string | null = null;

/** PostgreSQL's fatal states, as PGlite prints them. */
const FATAL = /\bPANIC\b|Aborted\(|ERRORDATA_STACK_SIZE exceeded/;

async function start(req: Extract<Request, { op: "start" }>): Promise<void> {
  const mod: PGliteModule = await import("@electric-sql/pglite");
  const extensions: Record<string, unknown> = {};
  for (const name of req.extensions) {
    const ext = (await import(`@electric-sql/pglite/contrib/${name}`)) as Record<string, unknown>;
    extensions[name] = ext[name];
  }
  const options: Record<string, unknown> = {
    extensions,
    onStderr: (text: string) => {
      if (FATAL.test(text)) broken ??= text.trim().slice(0, 300);
      return true; // never on the user's terminal
    },
    onStdout: () => true,
  };
  // Dumps are gzip tars; Node's own zlib unpacks them faster than PGlite would (measured: a third less).
  if (req.load) options.loadDataDir = new Blob([gunzipSync(readFileSync(req.load))]);
  db = await mod.PGlite.create(options as Options);
}

async function handle(id: number, req: Request): Promise<Reply> {
  const notices: PgError[] = [];
  const onNotice = (n: unknown) => {
    if (notices.length < 50) notices.push(pgError(n));
  };
  const t0 = performance.now();
  const reply = (extra: Partial<Reply>): Reply => ({
    id,
    ok: true,
    notices,
    inTransaction: db ? safeInTransaction(db) : false,
    ms: Math.round(performance.now() - t0),
    ...extra,
  });
  try {
    switch (req.op) {
      case "start":
        await start(req);
        return reply({});
      case "exec": {
        const results = await need().exec(req.sql, { onNotice });
        const out: StatementResult[] = results.map((r) => ({ command: r.command ?? null, rowCount: r.rowCount ?? null }));
        if (req.then) {
          const rows = (await need().query(req.then)).rows as Record<string, unknown>[];
          return reply({ results: out, rows });
        }
        return reply({ results: out });
      }
      case "query": {
        const r = await need().query(req.sql, req.params ?? [], { onNotice });
        return reply({ rows: r.rows as Record<string, unknown>[], results: [{ command: r.command ?? null, rowCount: r.rowCount ?? null }] });
      }
      case "describe": {
        const d = await need().describeQuery(req.sql, req.paramTypes ? { paramTypes: req.paramTypes } : undefined);
        return reply({ params: d.queryParams.map((p) => p.dataTypeID), fields: d.resultFields.map((f) => ({ name: f.name, type: f.dataTypeID })) });
      }
      case "dump": {
        // PGlite's own gzip is slower than a plain tar compressed by Node's zlib at level 1, for a
        // file a tenth bigger (measured on a migrated schema: 3.3 s against 2.1 s).
        const blob = await need().dumpDataDir("none");
        writeFileAtomicallySync(req.path, gzipSync(new Uint8Array(await blob.arrayBuffer()), { level: 1 }));
        return reply({});
      }
      case "close":
        if (db) await db.close();
        db = null;
        return reply({});
    }
  } catch (e) {
    return reply({ ok: false, error: pgError(e) });
  }
}

function need(): Db {
  if (!db) throw new Error("PGlite is not started");
  return db;
}

function safeInTransaction(d: Db): boolean {
  try {
    return d.isInTransaction();
  } catch {
    return false;
  }
}

// One request at a time, in order.
let queue: Promise<void> = Promise.resolve();
port.on("message", (m: { id: number; req: Request }) => {
  queue = queue.then(async () => {
    const r = await handle(m.id, m.req);
    if (broken) {
      port.postMessage({ crashed: broken });
      process.exit(3);
    }
    port.postMessage(r);
  });
});

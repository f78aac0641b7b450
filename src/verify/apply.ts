/**
 * Applies migrations to PGlite as their tool would, statement by statement, and measures what each
 * statement did to the tables that existed before its migration:
 *
 * - the transaction model: `wrapped` (BEGIN … COMMIT around the unit), `implicit` (the unit is one
 *   query string: PostgreSQL runs several statements as one implicit transaction, one statement on
 *   its own), `none` (each statement commits alone). The statements are sent one at a time inside
 *   the same transaction the tool would open, so errors, rollbacks and locks are those of the real
 *   run; a statement that runs alone is wrapped in a transaction of its own to be measured, unless
 *   PostgreSQL refuses it in one (CREATE INDEX CONCURRENTLY…);
 * - locks: after each statement, the relation locks the transaction holds (`pg_locks`); a mode not
 *   held before was taken by this statement (it then holds it until COMMIT);
 * - rewrites: a table (or index) whose `relfilenode` changed got new storage: every row copied;
 * - scans: `pg_stat_get_xact_numscans` says a statement read the whole table (SET NOT NULL, a
 *   constraint's validation) even when it rewrote nothing.
 *
 * A failing statement stops the migration and the set, as the tool would; what PGlite cannot do
 * (an extension it lacks, a timeout, a crash) is a limit, not a bug in the migration.
 */
import { SqlDocument, Statement } from "../sql/document.js";
import { blockRefusal } from "../sql/transaction.js";
import { EditedText } from "./edited-text.js";
import { LOCK_MODES, lockStrength, type LockMode, type VerifyEvent } from "./events.js";
import type { Migration, MigrationSet, MigrationUnit } from "./migrations.js";
import { commandOf, errorSpan, firstLine } from "./positions.js";
import type { PgError, Reply } from "./protocol.js";
import { RunnerDied, type Runner } from "./runner.js";

/** Relations of the user's schemas (not the catalogs), with what makes their storage theirs. */
const RELATIONS = `select c.oid::int as oid, c.relname as name, n.nspname as schema, c.relkind::text as kind,
  c.relfilenode::int as fn, coalesce(i.indrelid::int, t.oid::int, 0) as owner,
  (pg_stat_get_numscans(c.oid) + pg_stat_get_xact_numscans(c.oid))::int as scans
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
left join pg_index i on i.indexrelid = c.oid
left join pg_class t on t.reltoastrelid = c.oid
where c.oid >= 16384 and c.relkind in ('r', 'p', 'm', 'f', 'i', 'I', 't')`;

/**
 * The relation locks this session holds now, with the storage and scan count of each relation.
 * Scans are counted as the flushed count plus the transaction's pending one: PGlite flushes the
 * pending statistics now and then, and only the sum never goes back.
 */
export const SNAPSHOT = `select l.relation::int as oid, l.mode, c.relfilenode::int as fn,
  (pg_stat_get_numscans(l.relation) + pg_stat_get_xact_numscans(l.relation))::int as scans
from pg_locks l join pg_class c on c.oid = l.relation
where l.locktype = 'relation' and l.pid = pg_backend_pid() and l.relation >= 16384::oid`;

interface Rel {
  oid: number;
  name: string;
  schema: string;
  kind: string;
  fn: number;
  owner: number;
  scans: number;
}

interface SnapRow {
  oid: number;
  mode: string;
  fn: number | null;
  scans: number | null;
}

const TABLE_KINDS = new Set(["r", "p", "m", "f"]);
/** Modes worth keeping (the rule's threshold cannot go lower): those that block something real. */
const KEPT_FROM = lockStrength("ShareUpdateExclusiveLock");

export interface MigrationOutcome {
  file: string;
  /** applied; failed (PostgreSQL rejected it: the tool stops); stopped (PGlite could not go on). */
  status: "applied" | "failed" | "stopped";
  events: VerifyEvent[];
  /** Roles created because a statement named one the fresh database lacks. */
  roles: string[];
}

export interface ApplyState {
  /** Something earlier was not applied as written (an extension PGlite lacks): later failures may follow from it. */
  limited: string | null;
  /** Statements whose CONCURRENTLY is dropped (file → statement start), after PGlite could not run them. */
  withoutConcurrently: Map<string, Set<number>>;
  /** Measure locks and rewrites (off when only replaying to rebuild a schema). */
  measure: boolean;
}

/** Thrown when PGlite itself gave up (timeout, crash): the event says where. */
export class Stopped extends Error {
  constructor(
    readonly event: VerifyEvent,
    readonly died: RunnerDied,
    readonly concurrently: boolean,
  ) {
    super(died.message);
  }
}

type UnitResult = { status: "ok" | "failed" | "retry"; events: VerifyEvent[] };

/** Applies one migration file; returns what happened. Throws `Stopped` when PGlite gave up. */
export async function applyMigration(r: Runner, set: MigrationSet, m: Migration, state: ApplyState): Promise<MigrationOutcome> {
  const out: MigrationOutcome = { file: m.file, status: "applied", events: [], roles: [] };
  const pre = state.measure ? await relations(r) : new Map<number, Rel>();
  for (const unit of m.units) {
    const skip = new Set<number>();
    let result: UnitResult = { status: "retry", events: [] };
    // What an attempt found that made it start the unit again (a statement PGlite cannot run).
    const carried: VerifyEvent[] = [];
    for (let attempt = 0; attempt < 20 && result.status === "retry"; attempt++) {
      result = await applyUnit(r, set, m, unit, pre, skip, state, out);
      if (result.status === "retry") carried.push(...result.events);
    }
    out.events.push(...carried, ...result.events);
    if (result.status !== "ok") {
      out.status = "failed";
      break;
    }
  }
  return out;
}

/** After a statement run outside any transaction: its scans and new storage are not the next statement's. */
async function rebase(r: Runner, pre: Map<number, Rel>, scans: Map<number, number>, storage: Map<number, number>): Promise<void> {
  for (const rel of (await relations(r)).values()) {
    if (!pre.has(rel.oid)) continue;
    scans.set(rel.oid, rel.scans);
    storage.set(rel.oid, rel.fn);
  }
}

async function relations(r: Runner): Promise<Map<number, Rel>> {
  const rows = await r.rows<Rel>(RELATIONS);
  return new Map(rows.map((x) => [x.oid, x]));
}

/** What PGlite cannot do, as opposed to what the migration does wrong. */
function pgliteLimit(e: PgError): string | null {
  const m = e.message;
  if (e.code === "0A000" && /extension "([^"]+)" is not available/.test(m)) return `PGlite has no extension ${/extension "([^"]+)"/.exec(m)![1]}`;
  if (/could not (?:load library|access file)/.test(m)) return "PGlite cannot load this library";
  if (e.code === "58P01" || e.code === "58P02") return "PGlite has no such file or directory (tablespaces and server files do not exist in it)";
  if (e.code === "55000" && /prepared transactions are disabled/.test(m)) return "PGlite has prepared transactions disabled";
  if (e.code === "XX000") return "PGlite failed internally";
  return null;
}

async function applyUnit(
  r: Runner,
  set: MigrationSet,
  m: Migration,
  unit: MigrationUnit,
  pre: Map<number, Rel>,
  skip: Set<number>,
  state: ApplyState,
  out: MigrationOutcome,
): Promise<UnitResult> {
  const events: VerifyEvent[] = [];
  // The file as the tool sends it (its placeholders replaced); the unit's document reads it up to
  // the unit's end from the unit's start, so offsets are the (edited) file's own.
  const edited = new EditedText(m.text, set.substitute);
  const from = edited.fromSource(unit.start);
  const to = edited.fromSource(unit.end, true);
  const doc = new SqlDocument(to === edited.text.length ? edited.text : edited.text.slice(0, to), {
    kind: "script",
    run: unit.run,
    ...(from > 0 ? { from } : {}),
    ...(unit.breaks.length ? { breaks: unit.breaks.map((b) => ({ at: edited.fromSource(b.at), skipTo: edited.fromSource(b.skipTo) })) } : {}),
    ...(unit.endsStatement ? { endsStatement: true } : {}),
    ...(unit.params.length ? { params: unit.params } : {}),
  });
  const toFile = (o: number, end = false) => edited.toSource(o, end);
  const items = [...doc.events()];
  const statements = items.filter((i): i is Statement => i instanceof Statement && i.text.trim() !== "");
  const refusalOf = (s: Statement) => (s.parsed && !s.txControl ? blockRefusal(s, { postgresVersion: 99 }) : null);
  // Statements the tool itself treats apart because PostgreSQL refuses them in a transaction.
  const named = statements.filter((s) => s.parsed && !skip.has(s.start) && unit.apart.includes(refusalOf(s)?.command ?? ""));
  let mode = unit.transaction;
  if ((unit.refused === "flyway" || unit.refused === "flyway-mixed") && named.length > 0) {
    const others = statements.filter((s) => s.parsed && !skip.has(s.start)).length - named.length;
    if (others > 0 && unit.refused === "flyway") {
      // Flyway reads the migration before running it and refuses the mix: nothing of it runs.
      const s = named[0]!;
      const start = toFile(s.start);
      const command = refusalOf(s)!.command;
      const error = { message: `it refuses a migration that mixes ${command} with statements that run in a transaction (its mixed setting is off)` };
      events.push({ kind: "error", start, end: firstLine(m.text, start, toFile(s.end, true)).end, command, error, tool: toolWords(set), rolledBack: false, later: 0 });
      return { status: "failed", events };
    }
    mode = "none"; // Flyway runs such a migration without a transaction
  }
  /** Prisma 7.4+: the tool sends these on their own, ending the query before and starting another after. */
  const apart = new Set(unit.refused === "apart" ? named : []);
  // The tool's own transaction: BEGIN before the unit (wrapped), or the implicit one of a string of
  // several statements; a statement sent apart splits the string in two.
  const segmentBlock = (first: number): boolean => {
    if (mode === "wrapped") return true;
    if (mode !== "implicit") return false;
    let n = 0;
    for (let k = first; k < statements.length && !apart.has(statements[k]!); k++) n++;
    return n > 1;
  };
  let toolBlock = statements.length > 0 && !apart.has(statements[0]!) && segmentBlock(0);
  const dropped = state.withoutConcurrently.get(m.file);

  let inTx = false;
  let block = 0;
  /** For each measured event: the block it ran in and the index of its statement among those run. */
  const placed = new Map<VerifyEvent, { block: number; seq: number }>();
  const ranIn: number[] = []; // block of every statement run, in order
  let held = new Map<number, number>();
  const scans = new Map<number, number>();
  const storage = new Map<number, number>();
  for (const rel of pre.values()) {
    storage.set(rel.oid, rel.fn);
    scans.set(rel.oid, rel.scans);
  }

  const send = async (sql: string): Promise<Reply> => r.exec(sql);
  const endBlock = () => {
    inTx = false;
    held = new Map();
  };
  const rollback = async () => {
    if (inTx) await send("ROLLBACK");
    endBlock();
  };

  if (toolBlock) {
    await send("BEGIN");
    inTx = true;
    block++;
  }

  for (const item of items) {
    if (!(item instanceof Statement)) {
      const start = toFile(item.start);
      const end = toFile(item.end, true);
      if (item.type === "meta") events.push({ kind: "limit", start, end, command: `\\${item.command}`, what: `psql's \\${item.command} is not run by verify`, detail: "" });
      continue;
    }
    const s = item;
    if (s.text.trim() === "" || skip.has(s.start)) continue;
    let sent = doc.sql.slice(s.start, s.end);
    const start = toFile(s.start);
    const end = toFile(s.end, true);
    const command = commandOf(sent);
    const refused = refusalOf(s);
    const index = statements.indexOf(s);
    if (apart.size > 0 && index > 0 && (apart.has(s) || apart.has(statements[index - 1]!))) {
      // A new query of the split migration: the one before ends (its implicit transaction commits).
      if (toolBlock && inTx) {
        const c = await send("COMMIT");
        if (!c.ok) {
          events.push({ kind: "error", start, end: start, command: "COMMIT", error: c.error!, tool: toolWords(set), rolledBack: true, later: 0 });
          endBlock();
          return { status: "failed", events };
        }
        endBlock();
      }
      toolBlock = !apart.has(s) && segmentBlock(index);
      if (toolBlock) {
        await send("BEGIN");
        inTx = true;
        block++;
      }
    }
    let note: string | null = null;
    if (refused && dropped?.has(start)) {
      sent = withoutConcurrently(sent);
      note = `${refused.command} did not finish in PGlite: it ran without CONCURRENTLY instead (its locks are those of the plain form, stronger than production's)`;
      events.push({ kind: "limit", start, end: firstLine(m.text, start, end).end, command, what: note, detail: "" });
    }

    // A statement that runs alone (no block open) gets a transaction of its own to be measured in,
    // unless PostgreSQL refuses it in one; after the file's own COMMIT inside an implicit string,
    // PostgreSQL opens a new implicit block.
    let own = false;
    if (!inTx && !s.txControl && (refused === null || note !== null)) {
      await send("BEGIN");
      inTx = true;
      block++;
      own = !(mode === "implicit" && toolBlock);
    }
    // Every statement in a transaction is measured (a SELECT may call a function that alters a
    // table); one outside any (refused in a transaction) cannot be: the relations are read again
    // after it, so what it did is not laid on the next statement.
    const measure = state.measure && inTx && pre.size > 0 && !s.txControl;
    const wasInTx = inTx;
    let reply: Reply;
    try {
      reply = await r.exec(sent, measure ? SNAPSHOT : undefined);
    } catch (e) {
      if (!(e instanceof RunnerDied)) throw e;
      const what = e.kind === "timeout" ? e.message.replace(/^the statement/, `${command}`) : `PGlite crashed on this statement: ${e.message}`;
      throw new Stopped({ kind: "limit", start, end: firstLine(m.text, start, end).end, command, what, detail: "" }, e, refused !== null && note === null);
    }
    if (!reply.ok) {
      const err = reply.error ?? { message: "unknown error" };
      const role = err.code === "42704" ? /^role "(.+)" does not exist$/.exec(err.message)?.[1] : undefined;
      if (role !== undefined && !out.roles.includes(role)) {
        // Roles belong to the cluster, not to the migrations: create it as the platform would have.
        await rollback();
        await r.must({ op: "exec", sql: `CREATE ROLE "${role.replace(/"/g, '""')}"` });
        out.roles.push(role);
        return retryOrRerun(events);
      }
      const limit = pgliteLimit(err);
      const span = errorSpan(err, doc.sql, s.start, sent, s);
      const at = span ? { start: toFile(span.start), end: toFile(span.end, true) } : { start, end: firstLine(m.text, start, end).end };
      if (limit) {
        events.push({ kind: "limit", ...at, command, what: limit, detail: err.message });
        state.limited ??= limit;
        skip.add(s.start);
        if (!toolBlock && !own) {
          // nothing else was undone: go on with the next statement
          inTx = reply.inTransaction;
          continue;
        }
        await rollback();
        return { status: "retry", events: events.filter((e) => e.kind === "limit") };
      }
      await rollback();
      const marker = err.code === "42601" && span ? templateMarkerAt(sent, span.start - s.start) : null;
      if (marker) {
        // Not SQL yet: the tool fills the marker in before it sends the file.
        events.push({
          kind: "limit",
          ...at,
          command,
          what: `${marker} is a placeholder the migration tool fills in before sending the file: name its value in verify.migrations[].substitute (docs/verify.md)`,
          detail: err.message,
        });
      } else if (state.limited) {
        events.push({ kind: "limit", ...at, command, what: `failed after an earlier statement could not run in PGlite (${state.limited})`, detail: err.message });
      } else {
        events.push({ kind: "error", ...at, command, error: err, tool: toolWords(set), rolledBack: toolBlock, later: 0 });
      }
      return { status: "failed", events };
    }
    // The block it ran in (none: -1), for how long the locks before it were held.
    if (!wasInTx && reply.inTransaction) block++; // the file's own BEGIN
    ranIn.push(s.txControl || !wasInTx ? -1 : block);
    if (state.measure && !wasInTx && !s.txControl && pre.size > 0) await rebase(r, pre, scans, storage);
    if (measure && reply.rows) {
      for (const e of diff(reply.rows as unknown as SnapRow[], pre, held, scans, storage, s, start, end, command, m.text)) {
        events.push(e);
        placed.set(e, { block, seq: ranIn.length - 1 });
      }
    }
    inTx = reply.inTransaction;
    if (!inTx) endBlock();
    if (own && inTx) {
      const c = await send("COMMIT");
      if (!c.ok) {
        events.push({ kind: "error", start, end: firstLine(m.text, start, end).end, command, error: c.error!, tool: toolWords(set), rolledBack: false, later: 0 });
        endBlock();
        return { status: "failed", events };
      }
      endBlock();
    }
  }
  if (inTx) {
    const c = await send("COMMIT");
    if (!c.ok) {
      const at = statements[statements.length - 1];
      const start = at ? toFile(at.start) : unit.start;
      events.push({ kind: "error", start, end: start, command: "COMMIT", error: c.error!, tool: toolWords(set), rolledBack: true, later: 0 });
      endBlock();
      return { status: "failed", events };
    }
    endBlock();
  }
  // How long each lock was held: the statements that ran after it in the same transaction.
  for (const [e, at] of placed) {
    if (e.kind !== "lock") continue;
    let n = 0;
    for (let i = at.seq + 1; i < ranIn.length; i++) if (ranIn[i] === at.block) n++;
    e.heldFor = n;
  }
  return { status: "ok", events };
}

/** The tool as the subject of "… would stop here". */
function toolWords(set: MigrationSet): string {
  return set.tool === "sql" ? "the migration run" : set.toolName;
}

function retryOrRerun(events: VerifyEvent[]): UnitResult {
  return { status: "retry", events: events.filter((e) => e.kind === "limit") };
}

function diff(
  rows: SnapRow[],
  pre: Map<number, Rel>,
  held: Map<number, number>,
  scans: Map<number, number>,
  storage: Map<number, number>,
  s: Statement,
  start: number,
  end: number,
  command: string,
  fileText: string,
): VerifyEvent[] {
  const events: VerifyEvent[] = [];
  const tableOf = (rel: Rel): Rel | null => (TABLE_KINDS.has(rel.kind) ? rel : rel.owner ? pre.get(rel.owner) ?? null : null);
  const nameOf = (rel: Rel) => (rel.schema === "public" ? rel.name : `${rel.schema}.${rel.name}`);
  const span = firstLine(fileText, start, end);
  const strongest = new Map<number, number>();
  const scanned = new Set<number>();
  /** Table → its own storage (or its TOAST) was rewritten, or only these indexes were rebuilt. */
  const rewritten = new Map<number, { table: boolean; indexes: string[] }>();
  for (const row of rows) {
    const rel = pre.get(row.oid);
    if (!rel) continue; // created by this migration: exempt
    const strength = lockStrength(row.mode);
    if (TABLE_KINDS.has(rel.kind) && strength > (held.get(rel.oid) ?? -1)) {
      strongest.set(rel.oid, Math.max(strongest.get(rel.oid) ?? -1, strength));
    }
    if (row.scans !== null) {
      if (row.scans > (scans.get(rel.oid) ?? 0) && TABLE_KINDS.has(rel.kind)) scanned.add(rel.oid);
      scans.set(rel.oid, row.scans);
    }
    if (row.fn !== null && row.fn !== storage.get(rel.oid)) {
      storage.set(rel.oid, row.fn);
      const table = tableOf(rel);
      if (table && s.nodeType !== "TruncateStmt") {
        let r = rewritten.get(table.oid);
        if (!r) rewritten.set(table.oid, (r = { table: false, indexes: [] }));
        if (rel.kind === "i" || rel.kind === "I") r.indexes.push(nameOf(rel));
        else r.table = true;
      }
    }
  }
  for (const [oid, strength] of strongest) {
    held.set(oid, Math.max(held.get(oid) ?? -1, strength));
    if (strength < KEPT_FROM) continue;
    const rel = pre.get(oid)!;
    events.push({ kind: "lock", ...span, command, table: nameOf(rel), mode: LOCK_MODES[strength] as LockMode, scanned: scanned.has(oid), heldFor: 0 });
  }
  for (const [oid, r] of rewritten) {
    const rel = pre.get(oid)!;
    const mode = LOCK_MODES[held.get(oid) ?? 0] ?? "AccessExclusiveLock";
    if (r.table) events.push({ kind: "rewrite", ...span, command, table: nameOf(rel), index: null, mode });
    else for (const index of r.indexes) events.push({ kind: "rewrite", ...span, command, table: nameOf(rel), index, mode });
  }
  return events;
}

/**
 * The template marker a syntax error points into (`{{ index .Options "Namespace" }}`, Flyway's
 * `${schema}`), or null: the tool replaces it before PostgreSQL sees the file.
 */
export function templateMarkerAt(sent: string, offset: number): string | null {
  for (const m of sent.matchAll(/\{\{[\s\S]*?\}\}|\$\{[\w:.-]+\}/g)) {
    if (offset >= m.index && offset <= m.index + m[0].length) return m[0];
    if (m.index > offset) break;
  }
  return null;
}

/** The statement without its CONCURRENTLY (outside strings and quoted names). */
export function withoutConcurrently(sql: string): string {
  return sql
    .replace(/\(\s*concurrently(?:\s+(?:true|on|1))?\s*\)/i, "")
    .replace(/('(?:[^']|'')*'|"(?:[^"]|"")*")|\bconcurrently\b(\s*,)?/gi, (m, quoted: string | undefined) => (quoted ? m : ""));
}

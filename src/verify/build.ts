/**
 * Builds the database of a migration set: from the cache when its migrations did not change, else
 * from the longest cached prefix (or an empty cluster) by applying the rest. Keeps the runner
 * that holds the result alive for the checks that follow.
 */
import { existsSync } from "node:fs";
import { applyMigration, type ApplyState, type MigrationOutcome, Stopped } from "./apply.js";
import type { DumpCache } from "./cache.js";
import type { VerifyEvent } from "./events.js";
import type { MigrationSet } from "./migrations.js";
import { contribFor, createdExtensions } from "./pglite.js";
import { Runner, RunnerDied } from "./runner.js";

export interface BuildContext {
  cache: DumpCache | null;
  root: string;
  timeoutMs: number;
  /** Extensions to load beyond those the migrations create (config `verify.extensions`). */
  extensions: string[];
  /**
   * Cache the empty cluster when this run has to create one (initdb): worth it when another set
   * of the run will need one too; otherwise the set's own dump serves the next run.
   */
  cacheBase?: boolean;
  progress: (what: string, done: number, total: number) => void;
  notes: string[];
  debug?: (text: string) => void;
}

export interface BuiltSet {
  set: MigrationSet;
  /** Outcome of every migration reached, in order (the failed one last). */
  outcomes: MigrationOutcome[];
  /** Migrations applied to the database the set ended with. */
  applied: number;
  /** Why the set stopped before its last migration (a failure, a PGlite limit), or null. */
  stopped: string | null;
  from: "cache" | "prefix" | "empty";
  /** Migrations applied by this run (the rest came from the cache). */
  appliedNow: number;
  extensions: string[];
  /** A dump of the final state (to start a runner from), when there is one. */
  dump: string | null;
  /** A live runner holding the final state (when this run built it). */
  runner: Runner | null;
}

/** The extensions a set needs loaded (those PGlite ships), and those it lacks. */
export function extensionsOf(set: MigrationSet, extra: string[]): { load: string[]; missing: string[] } {
  const load = new Set<string>();
  const missing = new Set<string>();
  for (const name of [...extra, ...set.migrations.flatMap((m) => createdExtensions(m.text)), ...set.setup.flatMap(createdExtensions)]) {
    const c = contribFor(name);
    if (c) load.add(c);
    else missing.add(name);
  }
  return { load: [...load].sort(), missing: [...missing].sort() };
}

export async function buildSet(set: MigrationSet, ctx: BuildContext): Promise<BuiltSet> {
  const { load: extensions } = extensionsOf(set, ctx.extensions);
  const keys = ctx.cache ? ctx.cache.keys(set, extensions, ctx.root) : [];
  const total = set.migrations.length;
  const base: Omit<BuiltSet, "outcomes" | "applied" | "stopped" | "from" | "appliedNow" | "dump" | "runner"> = { set, extensions };

  const cached = ctx.cache?.result(set, keys);
  if (cached) return { ...base, outcomes: cached.outcomes, applied: cached.applied, stopped: cached.stopped, from: "cache", appliedNow: 0, dump: cached.dump, runner: null };

  const prefix = ctx.cache?.prefix(set, keys) ?? null;
  const outcomes: MigrationOutcome[] = prefix ? [...prefix.outcomes] : [];
  let applied = prefix?.count ?? 0;
  const state: ApplyState = { limited: null, withoutConcurrently: new Map(), measure: true };
  for (const o of outcomes) for (const e of o.events) if (e.kind === "limit") state.limited ??= e.what;

  const start = async (): Promise<Runner> => {
    const basePath = ctx.cache?.basePath() ?? null;
    const load = prefix?.dump ?? (basePath && existsSync(basePath) ? basePath : null);
    ctx.progress(load ? "loading the cached database" : "starting PostgreSQL (first run: initdb)", 0, 0);
    const r = await Runner.start({ load, extensions, timeoutMs: ctx.timeoutMs, ...(ctx.debug ? { debug: ctx.debug } : {}) });
    if (!load && basePath && ctx.cacheBase) {
      // The empty cluster, for every later set and run: saves initdb (seconds) from now on.
      try {
        await r.dump(basePath);
      } catch (e) {
        ctx.notes.push(`could not cache the empty database (${(e as Error).message})`);
      }
    }
    if (!prefix) {
      for (const sql of set.setup) {
        const reply = await r.exec(sql);
        if (!reply.ok) ctx.notes.push(`${set.id}: the setup SQL failed: ${reply.error?.message ?? "unknown error"}`);
      }
    }
    return r;
  };

  let runner: Runner | null = await start();
  let stopped: string | null = null;
  let i = applied;
  while (i < total) {
    const m = set.migrations[i]!;
    ctx.progress(`${set.id}: ${m.file.slice(set.dir.length + 1)}`, i, total);
    let outcome: MigrationOutcome;
    try {
      outcome = await applyMigration(runner!, set, m, state);
    } catch (e) {
      if (!(e instanceof Stopped)) throw e;
      // PGlite gave up (a timeout, a crash): its database is gone. Rebuild the state before this
      // migration; retry once without CONCURRENTLY when that is what did not finish.
      const concurrent = e.concurrently && !state.withoutConcurrently.get(m.file)?.has(e.event.start);
      runner = await replay(i);
      if (concurrent && runner) {
        let set2 = state.withoutConcurrently.get(m.file);
        if (!set2) state.withoutConcurrently.set(m.file, (set2 = new Set()));
        set2.add(e.event.start);
        continue;
      }
      outcome = { file: m.file, status: "stopped", events: [e.event], roles: [] };
    }
    for (const role of outcome.roles) ctx.notes.push(`${set.id}: role ${role} does not exist in a fresh database: verify created it (create it in verify.setup to say so)`);
    outcomes.push(outcome);
    if (outcome.status !== "applied") {
      const later = total - i - 1;
      for (const ev of outcome.events) if (ev.kind === "error") ev.later = later;
      stopped = reasonOf(outcome.events, m.file.slice(set.dir.length + 1), later);
      break;
    }
    applied = ++i;
  }

  async function replay(upTo: number): Promise<Runner | null> {
    try {
      const r = await start();
      const quiet: ApplyState = { limited: null, withoutConcurrently: state.withoutConcurrently, measure: false };
      for (let k = prefix?.count ?? 0; k < upTo; k++) {
        ctx.progress(`${set.id}: replaying ${set.migrations[k]!.file.slice(set.dir.length + 1)}`, k, upTo);
        await applyMigration(r, set, set.migrations[k]!, quiet);
      }
      return r;
    } catch (e) {
      if (e instanceof Stopped || e instanceof RunnerDied) {
        ctx.notes.push(`${set.id}: PGlite could not rebuild the schema after it gave up: queries are not checked against it`);
        return null;
      }
      throw e;
    }
  }

  // The final state is exactly "the first `applied` migrations" unless a failed one committed part of itself.
  const failed = outcomes.length > applied ? outcomes[outcomes.length - 1]! : null;
  const clean = !failed || failed.status === "stopped" || (set.migrations[applied]!.units.length === 1 && failed.events.some((e) => e.kind === "error" && e.rolledBack));
  let dump: string | null = null;
  if (runner && ctx.cache) {
    const target = ctx.cache.dumpPath(set, keys, applied, clean);
    if (clean && prefix && applied === prefix.count) dump = prefix.dump;
    else {
      ctx.progress(`${set.id}: caching the migrated database`, applied, total);
      try {
        await runner.dump(target);
        dump = target;
      } catch (e) {
        ctx.notes.push(`${set.id}: could not cache the migrated database (${(e as Error).message})`);
      }
    }
    if (dump) ctx.cache.store(set, keys, applied, outcomes, stopped, dump, clean);
  }
  return { ...base, outcomes, applied, stopped, from: prefix ? "prefix" : "empty", appliedNow: applied - (prefix?.count ?? 0), dump, runner };
}

function reasonOf(events: VerifyEvent[], file: string, later: number): string {
  const e = events.find((x) => x.kind === "error" || x.kind === "limit");
  const why =
    e?.kind === "error"
      ? e.error.code
        ? `failed (${e.error.code} ${e.error.message})`
        : `refused by ${e.tool} (${e.error.message})`
      : e?.kind === "limit"
        ? `not verified (${e.what})`
        : "stopped";
  return `${file} ${why}${later > 0 ? `; ${later} later migration${later === 1 ? "" : "s"} not applied` : ""}`;
}

/**
 * The cache of migrated databases. A migrated set is a gzip dump of PGlite's data directory
 * (`dumpDataDir('gzip')`: a few megabytes) with the findings of the migrations applied to it, so a
 * run whose migrations did not change starts in the time of a load and reports the same findings
 * without applying anything.
 *
 * Keys form a chain, one link per migration in the tool's order: `k0` hashes what every database
 * of the set starts from (PGlite's version, this model's version, the extensions, the tool, its
 * substitutions and setup); `k(i+1)` hashes `k(i)` with the i-th migration's path, content and
 * transaction model. A dump stored under `k(i)` holds the first i migrations applied, so a run
 * that adds migration n+1 loads the dump of the first n and applies one. The empty cluster
 * (initdb's output) is cached too, under PGlite's version alone.
 *
 * Files: `<dir>/<set>/<key>.tar.gz` and `<key>.json` (the findings of the migrations in it);
 * `<key>.result.json` for a run that stopped early (which dump it stopped at, and why). Old
 * entries are removed beyond the newest few per set. A damaged or missing file is a miss.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, unlinkSync, utimesSync } from "node:fs";
import path from "node:path";
import type { MigrationOutcome } from "./apply.js";
import type { MigrationSet } from "./migrations.js";
import { writeFileAtomicallySync } from "../util/write.js";

/** Changes when the way migrations are applied or findings are recorded changes. */
export const MODEL_VERSION = "3";

/** Dumps kept per set (each a few MB). */
const KEEP = 4;

export interface CachedPrefix {
  /** How many migrations the dump holds. */
  count: number;
  dump: string;
  outcomes: MigrationOutcome[];
}

export interface CachedResult {
  /** Findings of every migration the run reached (the failed one included). */
  outcomes: MigrationOutcome[];
  /** The dump the run ended with and how many migrations it holds. */
  applied: number;
  dump: string;
  /** Why the run stopped early, if it did. */
  stopped: string | null;
}

function sha(...parts: string[]): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(p).update("\0");
  return h.digest("hex").slice(0, 32);
}

/** The default cache folder: under the project's node_modules/.cache, else a dot-folder in it. */
export function defaultCacheDir(root: string): string {
  let dir = root;
  for (;;) {
    if (existsSync(path.join(dir, "node_modules"))) return path.join(dir, "node_modules", ".cache", "sqlguard", "verify");
    const up = path.dirname(dir);
    if (up === dir) return path.join(root, ".sqlguardcache-verify");
    dir = up;
  }
}

export class DumpCache {
  constructor(
    readonly dir: string,
    private readonly pgliteVersion: string,
    private readonly warn: (message: string) => void,
  ) {}

  /** The empty cluster's dump (exists or not). */
  basePath(): string {
    mkdirSync(this.dir, { recursive: true });
    return path.join(this.dir, `base-pglite-${this.pgliteVersion}.tar.gz`);
  }

  /** The key chain of a set: `keys[i]` for the first i migrations (keys.length = migrations + 1). */
  keys(set: MigrationSet, extensions: string[], root: string): string[] {
    const start = sha(
      "sqlguard-verify",
      MODEL_VERSION,
      this.pgliteVersion,
      [...extensions].sort().join(","),
      set.tool,
      JSON.stringify(set.substitute.map((s) => [s.pattern.source, s.with])),
      JSON.stringify(set.setup),
    );
    const keys = [start];
    for (const m of set.migrations) {
      const rel = path.relative(root, m.file).split(path.sep).join("/");
      keys.push(sha(keys[keys.length - 1]!, rel, sha(m.text), JSON.stringify(m.units)));
    }
    return keys;
  }

  private setDir(set: MigrationSet): string {
    const slug = set.id.replace(/[^A-Za-z0-9._-]+/g, "_").slice(-80) || "root";
    return path.join(this.dir, slug);
  }

  private readJson<T>(file: string): T | null {
    try {
      return JSON.parse(readFileSync(file, "utf8")) as T;
    } catch {
      return null;
    }
  }

  /** The result of a run over exactly these migrations, if one was cached. */
  result(set: MigrationSet, keys: string[]): CachedResult | null {
    const d = this.setDir(set);
    const r = this.readJson<{ outcomes: MigrationOutcome[]; applied: number; stopped: string | null; dump: string }>(
      path.join(d, `${keys[keys.length - 1]}.result.json`),
    );
    if (!r || !Array.isArray(r.outcomes) || typeof r.applied !== "number" || typeof r.dump !== "string" || r.dump.includes("/")) return null;
    const dump = path.join(d, r.dump);
    if (!existsSync(dump)) return null;
    return this.touch({ outcomes: r.outcomes, applied: r.applied, stopped: r.stopped ?? null, dump });
  }

  /** The longest cached prefix of the chain (dump and findings), or null. */
  prefix(set: MigrationSet, keys: string[]): CachedPrefix | null {
    const d = this.setDir(set);
    for (let i = keys.length - 1; i >= 0; i--) {
      const dump = path.join(d, `${keys[i]}.tar.gz`);
      if (!existsSync(dump)) continue;
      const outcomes = this.readJson<MigrationOutcome[]>(path.join(d, `${keys[i]}.json`));
      if (!Array.isArray(outcomes) || outcomes.length !== i) continue;
      this.touchFile(dump);
      return { count: i, dump, outcomes };
    }
    return null;
  }

  /**
   * Where the dump of a run's final state goes: under the key of the migrations it holds when it
   * is exactly their state (a later run can start from it), else under the whole chain's key with
   * `-partial` (a failed migration that committed part of itself: only this run's result uses it).
   */
  dumpPath(set: MigrationSet, keys: string[], applied: number, clean: boolean): string {
    const d = this.setDir(set);
    mkdirSync(d, { recursive: true });
    return path.join(d, clean ? `${keys[applied]}.tar.gz` : `${keys[keys.length - 1]}-partial.tar.gz`);
  }

  /** Records a run: the findings of the dump just written (when it is a prefix) and the run's result. */
  store(set: MigrationSet, keys: string[], applied: number, outcomes: MigrationOutcome[], stopped: string | null, dump: string, clean: boolean): void {
    try {
      const d = this.setDir(set);
      mkdirSync(d, { recursive: true });
      if (clean) writeFileAtomicallySync(path.join(d, `${keys[applied]}.json`), JSON.stringify(outcomes.slice(0, applied)));
      writeFileAtomicallySync(path.join(d, `${keys[keys.length - 1]}.result.json`), JSON.stringify({ outcomes, applied, stopped, dump: path.basename(dump) }));
      this.evict(d);
    } catch (e) {
      this.warn(`verify cache: could not write to ${this.dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); the next run starts over`);
    }
  }

  private touch(r: CachedResult): CachedResult {
    this.touchFile(r.dump);
    return r;
  }

  private touchFile(f: string): void {
    try {
      const now = new Date();
      utimesSync(f, now, now);
    } catch {
      // only the eviction order suffers
    }
  }

  /** Keeps the newest few dumps of a set, with their findings; results whose dump is gone go too. */
  private evict(d: string): void {
    const names = readdirSync(d);
    const dumps = names
      .filter((f) => f.endsWith(".tar.gz"))
      .map((f) => ({ f, t: statSync(path.join(d, f)).mtimeMs }))
      .sort((a, b) => b.t - a.t);
    const remove = (f: string) => {
      try {
        unlinkSync(path.join(d, f));
      } catch {
        // already gone
      }
    };
    for (const { f } of dumps.slice(KEEP)) {
      remove(f);
      remove(`${f.slice(0, -".tar.gz".length)}.json`);
    }
    const kept = new Set(dumps.slice(0, KEEP).map((x) => x.f));
    for (const f of names) {
      if (!f.endsWith(".result.json")) continue;
      const r = this.readJson<{ dump?: string }>(path.join(d, f));
      if (!r?.dump || !kept.has(r.dump)) remove(f);
    }
  }
}

/**
 * `--cache`: remembers each file's result keyed on its content, so a repeat run (the next
 * commit, the next CI job with a restored cache) only lints what changed. The whole cache is
 * dropped when the sqlguard version or the configuration changes, like ESLint's.
 */
import { createHash } from "node:crypto";
import { constants, promises as fs } from "node:fs";
import path from "node:path";
import type { Config } from "../engine/config.js";
import { countMessages } from "../engine/counts.js";
import type { FileResult } from "../engine/types.js";
import { writeFileAtomically } from "../util/write.js";
import { VERSION } from "../version.js";
import { DEFAULT_CACHE_LOCATION } from "./cache-location.js";

/** The shape of a remembered result; a cache written with another is dropped, even by the same version. */
const RESULTS = 2;

interface CacheData {
  version: string;
  key: string;
  files: Record<string, { hash: string; result: FileResult }>;
}

export class ResultCache {
  private readonly files = new Map<string, { hash: string; result: FileResult }>();
  private dirty = false;

  private constructor(
    /** Where it is written; null when the location cannot hold a cache (it is then not used). */
    private readonly file: string | null,
    private readonly key: string,
    data: unknown,
    /** Said once on standard error: why the cache is not used, or was not written. */
    readonly warnings: string[],
    /** The rule ids a remembered message may name. */
    ruleIds: ReadonlySet<string> = new Set(),
  ) {
    if (!isObject(data) || data.version !== VERSION || data.key !== key || !isObject(data.files)) return;
    // Entry by entry: one damaged entry is a miss for its file, never a failed run.
    for (const [name, entry] of Object.entries(data.files)) {
      if (isObject(entry) && typeof entry.hash === "string" && isResult(entry.result, ruleIds)) this.files.set(name, { hash: entry.hash, result: entry.result });
    }
  }

  /**
   * Opens the cache at `location`: a file (created on save), or a folder to keep
   * `.sqlguardcache` in (as ESLint does). Something that is neither (a FIFO, a device) is
   * never read, which could block forever, nor replaced: the run goes on without a cache.
   */
  static async open(location: string, config: Config, extra: unknown): Promise<ResultCache> {
    // RESULTS: what a remembered result holds changed (fixes are kept since results carry them without --fix)
    const key = hash(JSON.stringify([RESULTS, config.serialize(), config.ruleSet.rules.map((r) => r.id), extra]));
    let file = location;
    for (let tries = 0; ; tries++) {
      let handle: fs.FileHandle;
      try {
        // O_NONBLOCK: opening a FIFO for reading does not wait for a writer.
        handle = await fs.open(file, constants.O_RDONLY | constants.O_NONBLOCK);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === "ENOENT") {
          if (location.endsWith("/") || location.endsWith(path.sep)) file = path.join(location, DEFAULT_CACHE_LOCATION);
          return new ResultCache(file, key, null, []); // none yet
        }
        return new ResultCache(null, key, null, [`cannot read the cache ${file} (${code ?? (e as Error).message}); running without it`]);
      }
      try {
        const st = await handle.stat();
        if (st.isDirectory() && tries === 0) {
          file = path.join(file, DEFAULT_CACHE_LOCATION);
          continue;
        }
        if (!st.isFile()) {
          const what = st.isDirectory() ? "a folder" : st.isFIFO() ? "a named pipe (FIFO)" : st.isSocket() ? "a socket" : "a device";
          return new ResultCache(null, key, null, [`the cache location ${file} is ${what}, not a file; running without a cache (give --cache-location a file or a folder)`]);
        }
        let data: unknown = null;
        try {
          data = JSON.parse(await handle.readFile("utf8"));
        } catch {
          data = null; // damaged: start afresh
        }
        // a linked cache file stays a link: write its target
        return new ResultCache(await fs.realpath(file).catch(() => file), key, data, [], new Set(config.ruleSet.rules.map((r) => r.id)));
      } finally {
        await handle.close();
      }
    }
  }

  get(filePath: string, contentHash: string): FileResult | null {
    const e = this.files.get(filePath);
    return e && e.hash === contentHash ? { ...e.result, filePath } : null;
  }

  set(filePath: string, contentHash: string, result: FileResult): void {
    if (this.file === null) return;
    if (result.messages.some((m) => m.internal || m.fatal)) return; // never remember a failure
    const { output: _output, contentHash: _hash, fixed: _fixed, stamp: _stamp, ...kept } = result as FileResult & { contentHash?: string; fixed?: Uint8Array; stamp?: unknown };
    this.files.set(filePath, { hash: contentHash, result: kept });
    this.dirty = true;
  }

  /** Writes the cache (through a temporary file) if it changed; a failure is a warning, not a failed run. */
  async save(): Promise<void> {
    if (!this.dirty || this.file === null) return;
    const data: CacheData = { version: VERSION, key: this.key, files: Object.fromEntries(this.files) };
    try {
      await fs.mkdir(path.dirname(this.file), { recursive: true });
      await writeFileAtomically(this.file, JSON.stringify(data));
    } catch (e) {
      this.warnings.push(`could not write the cache ${this.file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); the results were not remembered`);
    }
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const isInt = (v: unknown, min = 0): v is number => typeof v === "number" && Number.isInteger(v) && v >= min;
const isString = (v: unknown): v is string => typeof v === "string";
const optional = (v: unknown, check: (x: unknown) => boolean) => v === undefined || check(v);
const isBool = (v: unknown) => typeof v === "boolean";

function isLocation(v: Record<string, unknown>): boolean {
  return isInt(v.line, 1) && isInt(v.column, 1) && isInt(v.endLine, 1) && isInt(v.endColumn, 1);
}

function isFix(v: unknown): boolean {
  return isObject(v) && Array.isArray(v.range) && v.range.length === 2 && isInt(v.range[0]) && isInt(v.range[1]) && isString(v.text);
}

function isMessage(v: unknown, ruleIds: ReadonlySet<string>): boolean {
  if (!isObject(v) || !isLocation(v) || !isString(v.message) || !isInt(v.start) || !isInt(v.end)) return false;
  if (!(v.ruleId === null || (isString(v.ruleId) && ruleIds.has(v.ruleId)))) return false;
  if (v.severity !== 1 && v.severity !== 2) return false;
  return (
    optional(v.help, isString) &&
    optional(v.fix, isFix) &&
    optional(v.fatal, isBool) &&
    optional(v.internal, isBool) &&
    optional(v.suggestions, (s) => Array.isArray(s) && s.every((x) => isObject(x) && isString(x.desc) && isFix(x.fix))) &&
    optional(v.related, (r) => Array.isArray(r) && r.every((x) => isObject(x) && isLocation(x) && isString(x.message)))
  );
}

/** A remembered result as the reporters and the exit code need it: every field of the right type, counts that add up. */
function isResult(v: unknown, ruleIds: ReadonlySet<string>): v is FileResult {
  if (!isObject(v) || !Array.isArray(v.messages) || !v.messages.every((m) => isMessage(m, ruleIds))) return false;
  const counts = countMessages(v.messages as FileResult["messages"]);
  if (Object.entries(counts).some(([k, n]) => v[k] !== n)) return false;
  if (!isObject(v.lines) || !Object.entries(v.lines).every(([k, t]) => /^[1-9]\d*$/.test(k) && isString(t))) return false;
  return optional(v.redacted, (r) =>
    isObject(r) && Object.entries(r).every(([k, spans]) => /^[1-9]\d*$/.test(k) && Array.isArray(spans) && spans.every((x) => Array.isArray(x) && x.length === 2 && isInt(x[0]) && isInt(x[1]))),
  );
}

/** The hash a file's bytes are remembered by. */
export function contentHash(bytes: Uint8Array): string {
  return hash(bytes);
}

function hash(data: string | Uint8Array): string {
  return createHash("sha1").update(data).digest("hex");
}

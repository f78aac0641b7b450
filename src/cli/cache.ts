/**
 * `--cache`: remembers each file's result keyed on its content, so a repeat run (the next
 * commit, the next CI job with a restored cache) only lints what changed. The whole cache is
 * dropped when the sqlguard version or the configuration changes, like ESLint's.
 */
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import type { Config } from "../engine/config.js";
import type { FileResult } from "../engine/types.js";
import { rules } from "../engine/registry.js";
import { writeFileAtomically } from "../util/write.js";
import { VERSION } from "../version.js";

interface CacheData {
  version: string;
  key: string;
  files: Record<string, { hash: string; result: FileResult }>;
}


export class ResultCache {
  private data: CacheData;
  private dirty = false;

  private constructor(
    private readonly file: string,
    key: string,
    data: CacheData | null,
  ) {
    this.data = data && data.version === VERSION && data.key === key ? data : { version: VERSION, key, files: {} };
  }

  static async open(file: string, config: Config, extra: unknown): Promise<ResultCache> {
    const key = hash(JSON.stringify([config.serialize(), rules.map((r) => r.id), extra]));
    let data: CacheData | null = null;
    try {
      data = JSON.parse(await fs.readFile(file, "utf8")) as CacheData;
    } catch {
      data = null; // missing or unreadable: start afresh
    }
    return new ResultCache(file, key, data);
  }

  get(filePath: string, contentHash: string): FileResult | null {
    const e = this.data.files[filePath];
    return e && e.hash === contentHash ? { ...e.result, filePath } : null;
  }

  set(filePath: string, contentHash: string, result: FileResult): void {
    if (result.messages.some((m) => m.internal || m.fatal)) return; // never remember a failure
    const { output: _output, contentHash: _hash, fixed: _fixed, stamp: _stamp, ...kept } = result as FileResult & { contentHash?: string; fixed?: Uint8Array; stamp?: unknown };
    this.data.files[filePath] = { hash: contentHash, result: kept };
    this.dirty = true;
  }

  /** Writes the cache (through a temporary file) if it changed. */
  async save(): Promise<void> {
    if (!this.dirty) return;
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    await writeFileAtomically(this.file, JSON.stringify(this.data));
  }
}

/** The hash a file's bytes are remembered by. */
export function contentHash(bytes: Uint8Array): string {
  return hash(bytes);
}

function hash(data: string | Uint8Array): string {
  return createHash("sha1").update(data).digest("hex");
}

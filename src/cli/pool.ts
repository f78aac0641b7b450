/**
 * Lints many files on several cores: the main thread and worker threads pull files from one
 * queue (largest first, so no thread is left with a big file at the end) and results come back
 * in the original order. Workers cost a start-up (module graph + WASM), so they are only used
 * when there is enough SQL to pay for them.
 */
import { availableParallelism } from "node:os";
import { statSync } from "node:fs";
import type { Config } from "../engine/config.js";
import type { FileResult } from "../engine/types.js";
import { fsPath } from "../util/file-names.js";
import type { LintFilesOptions, SourceFile } from "./types.js";

/** Below this much input, one thread finishes before a worker would have started. */
const BYTES_PER_EXTRA_THREAD = 1_500_000;

export type Concurrency = number | "auto" | "off";

export function threadCount(files: SourceFile[], concurrency: Concurrency): number {
  if (concurrency === "off") return 1;
  const cores = availableParallelism();
  if (typeof concurrency === "number") return Math.max(1, Math.min(concurrency, 64));
  // One linting thread already keeps more than one core busy (V8 collects garbage and compiles
  // on helper threads): on two cores a second linting thread only contends with them (measured
  // on the PostgreSQL regression scripts: 2.3 s alone, 2.7 s with a worker). Leave a core spare.
  if (files.length < 2 || cores < 3) return 1;
  const bytes = files.reduce((n, f) => n + sizeOf(f), 0);
  return Math.max(1, Math.min(cores - 1, files.length, 1 + Math.floor(bytes / BYTES_PER_EXTRA_THREAD)));
}

function sizeOf(f: SourceFile): number {
  if (f.bytes) return f.bytes.length;
  try {
    return statSync(fsPath(f.path)).size;
  } catch {
    return 0;
  }
}

export async function lintInParallel(
  files: SourceFile[],
  config: Config,
  options: LintFilesOptions,
  threads: number,
  lintFile: (file: SourceFile, config: Config, options: LintFilesOptions) => Promise<FileResult>,
  /** Called as each result arrives (in completion order). */
  settled?: (index: number, result: FileResult) => void,
  /** The result of a file whose linting failed in a worker (the worker threw, or died on it). */
  failed: (file: SourceFile, error: unknown) => FileResult = (_file, error) => {
    throw error;
  },
): Promise<FileResult[]> {
  const results: FileResult[] = new Array(files.length);
  const order = files.map((f, i) => ({ i, size: sizeOf(f) })).sort((a, b) => b.size - a.size || a.i - b.i);
  let next = 0;
  const take = (): number => (next < order.length ? order[next++]!.i : -1);

  const { Worker } = await import("node:worker_threads"); // only runs that use threads pay for it
  const workers: Promise<void>[] = [];
  for (let w = 0; w < threads - 1; w++) {
    workers.push(
      new Promise<void>((resolve, reject) => {
        const worker = new Worker(new URL("./worker.js", import.meta.url), {
          workerData: { config: config.serialize(), options },
        });
        let current = -1;
        const feed = () => {
          current = take();
          if (current < 0) {
            worker.postMessage("stop");
            return;
          }
          worker.postMessage({ index: current, file: files[current] });
        };
        // One file's failure is that file's result: the worker goes on with the next file, and
        // a worker that dies leaves its file failed and the rest of the queue to the others.
        const done = (index: number, result: FileResult) => {
          results[index] = result;
          settled?.(index, result);
        };
        const fail = (error: unknown) => {
          try {
            if (current >= 0 && results[current] === undefined) done(current, failed(files[current]!, error));
          } catch (e) {
            reject(e);
          }
        };
        let lastError: unknown = null;
        worker.on("message", (msg: "ready" | { index: number; result?: FileResult; error?: string }) => {
          if (msg === "ready") return feed();
          if (msg.error !== undefined) fail(new Error(msg.error));
          else done(msg.index, msg.result!);
          feed();
        });
        worker.on("error", (e) => (lastError = e));
        worker.on("exit", (code) => {
          fail(lastError ?? new Error(`lint worker stopped (exit code ${code})`));
          resolve();
        });
      }),
    );
  }
  // The main thread takes its share too.
  const local = (async () => {
    for (let i = take(); i >= 0; i = take()) {
      results[i] = await lintFile(files[i]!, config, options);
      settled?.(i, results[i]!);
      // let worker messages through between files
      await new Promise((r) => setImmediate(r));
    }
  })();
  await Promise.all([local, ...workers]);
  return results;
}

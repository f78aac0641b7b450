/**
 * Lints many files on several cores. The main thread and worker threads take files from one
 * queue, largest first (no thread is left with a big file at the end), through a counter in
 * shared memory: a worker never waits for the main thread, which is busy linting too, to hand
 * it the next file. Results come back as messages and are put in the original order.
 *
 * A worker costs a start-up (a Node thread, the bundle's code, an instance of the parser): it is
 * handed the main thread's compiled WebAssembly module, so it only instantiates it and reuses the
 * machine code compiled already, and it starts while the main thread lints the first files.
 * Workers are only used when there is enough SQL to pay for them.
 */
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { statSync } from "node:fs";
import type { Config } from "../engine/config.js";
import type { FileResult } from "../engine/types.js";
import { compileParser } from "../sql/parser.js";
import { fsPath } from "../util/file-names.js";
import { idleCores } from "./idle.js";
import { WORKER_ARG, type LintFilesOptions, type SourceFile, type WorkerInit, type WorkerMessage } from "./types.js";

/**
 * Below this much input one thread is done before a worker has paid for its start (a worker
 * starts in about 0.1 s of one core; one thread lints about 2.5 MB of SQL a second).
 */
const BYTES_PER_EXTRA_THREAD = 1_000_000;

export type Concurrency = number | "auto" | "off";

/** How many threads lint `files` (the main thread included). */
export function threadCount(files: SourceFile[], concurrency: Concurrency): number {
  if (concurrency === "off") return 1;
  if (typeof concurrency === "number") return Math.max(1, Math.min(concurrency, 64));
  if (files.length < 2) return 1;
  const cores = availableParallelism();
  if (cores < 2) return 1;
  const bytes = files.reduce((n, f) => n + sizeOf(f), 0);
  return Math.max(1, Math.min(cores, files.length, 1 + Math.floor(bytes / BYTES_PER_EXTRA_THREAD)));
}

function sizeOf(f: SourceFile): number {
  if (f.bytes) return f.bytes.length;
  try {
    return statSync(fsPath(f.path)).size;
  } catch {
    return 0;
  }
}

/** The file a worker runs: the bundle itself in the bundled CLI (see src/build/bundle.ts), else worker-entry.js. */
declare const SQLGUARD_BUNDLE: boolean | undefined;
const workerFile = (): URL => (typeof SQLGUARD_BUNDLE !== "undefined" && SQLGUARD_BUNDLE ? new URL("./bin.cjs", import.meta.url) : new URL("./worker-entry.js", import.meta.url));

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
  /**
   * Start a worker only while a core is idle (`--concurrency auto`): a worker on a core that is
   * busy with other work only takes turns with the main thread, and pays its start and a second
   * JIT compile of the same code (a pg-regress run with one other busy process on a 2-core
   * machine: 1.3x slower with a worker than without). Otherwise all start at once.
   */
  whenIdle = false,
): Promise<FileResult[]> {
  const results: FileResult[] = new Array(files.length);
  const sized = files.map((f, i) => ({ i, size: sizeOf(f) })).sort((a, b) => b.size - a.size || a.i - b.i);
  const order = Int32Array.from(sized.map((x) => x.i));
  // bytes left in the queue from each place on
  const left = new Float64Array(sized.length + 1);
  for (let k = sized.length - 1; k >= 0; k--) left[k] = left[k + 1]! + sized[k]!.size;
  // [0]: the next place in `order` to take; [1 + w]: the file worker w is linting (-1: none)
  const shared = new Int32Array(new SharedArrayBuffer(4 * (1 + threads)));
  shared.fill(-1, 1);
  const take = (): number => {
    const k = Atomics.add(shared, 0, 1);
    return k < order.length ? order[k]! : -1;
  };
  const done = (index: number, result: FileResult) => {
    results[index] = result;
    settled?.(index, result);
  };

  // only runs that use threads pay for loading it (required: the bundle cannot call import(), see load-cli.ts)
  const { Worker } = createRequire(import.meta.url)("node:worker_threads") as typeof import("node:worker_threads");
  const wasm = await compileParser(); // started when the CLI started; the workers instantiate it
  // A worker reads the project files itself (the index is not sent: it holds functions); workers
  // live for this run only, so what they read is this run's.
  const { project: _project, ...workerOptions } = options;
  const serialized = config.serialize();
  const workers: Promise<void>[] = [];
  const startWorker = (w: number) =>
    new Promise<void>((resolve, reject) => {
      const init: WorkerInit = { sqlguardWorker: true, config: serialized, options: workerOptions, files, order, shared, slot: w, wasm };
      // A smaller young generation than V8 gives a thread by default (16 MB): the worker's
      // garbage is collected a little more often, and a run with a worker peaks no higher in
      // memory than one thread did (pg-regress: 126-130 MB against 135-141 MB, same CPU).
      const worker = new Worker(workerFile(), { workerData: init, argv: [WORKER_ARG], resourceLimits: { maxYoungGenerationSizeMb: 8 } });
      let lastError: unknown = null;
      worker.on("message", (msg: WorkerMessage) => {
        try {
          done(msg.index, "error" in msg ? failed(files[msg.index]!, new Error(msg.error)) : msg.result);
        } catch (e) {
          reject(e);
        }
      });
      worker.on("error", (e) => (lastError = e));
      // A worker that dies leaves the file it was on failed; the rest of the queue goes to the others.
      worker.on("exit", (code) => {
        const current = Atomics.load(shared, w);
        try {
          if (current >= 0 && results[current] === undefined) done(current, failed(files[current]!, lastError ?? new Error(`lint worker stopped (exit code ${code})`)));
        } catch (e) {
          reject(e);
        }
        resolve();
      });
    });
  /** Starts workers for the cores idle since the last look, while the queue still holds enough SQL to pay. */
  const moreWorkers = () => {
    const idle = idleCores();
    if (idle === null) return;
    for (let n = Math.floor(idle + 0.5); n > 0 && workers.length < threads - 1; n--) {
      if (left[Math.min(Atomics.load(shared, 0), order.length)]! < BYTES_PER_EXTRA_THREAD) return;
      workers.push(startWorker(workers.length + 1));
    }
  };
  if (whenIdle) moreWorkers();
  else while (workers.length < threads - 1) workers.push(startWorker(workers.length + 1));

  // The main thread takes its share too.
  for (let i = take(); i >= 0; i = take()) {
    done(i, await lintFile(files[i]!, config, options));
    if (whenIdle && workers.length < threads - 1) moreWorkers();
    // let the workers' results in between files
    await new Promise((r) => setImmediate(r));
  }
  await Promise.all(workers);
  return results;
}

/**
 * A lint worker thread (see pool.ts): builds the same config as the main thread, instantiates the
 * main thread's compiled parser, then takes files from the shared queue until it is empty and
 * posts each result back. It never waits for the main thread.
 */
import { workerData, parentPort } from "node:worker_threads";
import { Config } from "../engine/config.js";
import { lintFile } from "./lint-files.js";
import type { WorkerInit, WorkerMessage } from "./types.js";
import { loadParser } from "../sql/parser.js";
import { builtin } from "../../rules/index.js";

/** Whether this thread was started by the pool. */
export function isLintWorker(): boolean {
  return (workerData as Partial<WorkerInit> | null)?.sqlguardWorker === true;
}

export async function runWorker(): Promise<void> {
  const init = workerData as WorkerInit;
  const port = parentPort!;
  await loadParser(init.wasm);
  const config = Config.deserialize(init.config, builtin);
  const { order, shared, slot, files } = init;
  for (;;) {
    const k = Atomics.add(shared, 0, 1);
    if (k >= order.length) break;
    const index = order[k]!;
    Atomics.store(shared, slot, index);
    let msg: WorkerMessage;
    try {
      msg = { index, result: await lintFile(files[index]!, config, init.options) };
    } catch (e) {
      msg = { index, error: (e as Error)?.stack ?? String(e) };
    }
    port.postMessage(msg);
    Atomics.store(shared, slot, -1);
  }
}

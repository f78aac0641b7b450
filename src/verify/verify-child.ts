/**
 * The process `sqlguard verify` forks to run PGlite (see runner.ts). It only hosts the worker
 * thread that owns PGlite (verify-worker.ts), with a stack big enough for PostgreSQL's recursion,
 * and relays messages. Why a process and not only a thread: a PGlite that aborts can take V8 down
 * with a fatal error that no `try` catches, and WebAssembly memory goes back to the system only
 * when the process ends. sqlguard's own process never loads PGlite.
 */
import { Worker } from "node:worker_threads";

const worker = new Worker(new URL("./verify-worker.js", import.meta.url), {
  resourceLimits: { stackSizeMb: 64 },
  stdout: true,
  stderr: true,
});
// Whatever PGlite prints stays here (the parent does not show this process's output either).
worker.stdout.resume();
worker.stderr.resume();

worker.on("message", (m: unknown) => process.send?.(m));
worker.on("error", (e) => {
  process.send?.({ crashed: `PGlite's thread failed: ${e.message}` }, () => process.exit(3));
});
worker.on("exit", (code) => {
  if (code !== 0) process.send?.({ crashed: `PGlite's thread ended (exit code ${code})` }, () => process.exit(3));
  else process.exit(0);
});
process.on("message", (m) => worker.postMessage(m));
// The parent went away: nothing left to do.
process.on("disconnect", () => process.exit(0));

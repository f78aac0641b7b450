/**
 * How the `sqlguard` command loads its bundle (dist/bundle/cli.cjs), shared by the command
 * (bin.ts) and the build step that makes the bundle's code cache (src/build/code-cache.ts): both
 * must set the same V8 flags and compile the same text the same way, or V8 rejects the cache.
 *
 * Most of a one-file run's own time used to go to compiling JavaScript: V8 parses the 480 KB
 * bundle, then compiles each function the run calls. Node 22.1 and later keep compiled code
 * between runs themselves (`module.enableCompileCache()`). For older Node, the build runs the
 * CLI once on an example and saves V8's code cache of the bundle (`cli.cache`: the bytecode of
 * every function that run compiled); the command hands it to V8 with the bundle's text. V8 uses
 * it only if it was made by the same V8 version with the same flags from the same text, and
 * otherwise compiles as usual: a stale or foreign cache costs the time to read it, nothing else.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { setFlagsFromString } from "node:v8";
import vm from "node:vm";
import { WORKER_ARG } from "./types.js";

export interface CliBundle {
  start(importModule?: (url: string) => Promise<unknown>, wasm?: Promise<object>): void;
  main: typeof import("./main.js").main;
}

/**
 * V8 flags for every run, set before anything is compiled (worker threads share them).
 *
 * --liftoff-only: the parser is WebAssembly. V8's optimising tier (TurboFan) recompiles its hot
 * functions in the background and then stalls the main thread ~150 ms to install them; for a
 * linter's short run the baseline compiler (Liftoff) alone is as fast overall and starts at
 * once (measured on the PostgreSQL regression scripts: same wall time, less CPU).
 *
 * --max-inlined-bytecode-size-cumulative=200 (V8's default: 920): TurboFan compiles the hot
 * JavaScript on background threads, and on a run over pg-regress that was a third of the CPU
 * time: the lexer's and the rules' large functions, each optimised again after every deopt
 * (a branch first taken after optimisation), and every worker thread compiles them again. Less
 * inlining makes each compile much cheaper for a little slower code: 16% less CPU on one
 * thread, 19% on two (medians of 4 interleaved runs on pg-regress).
 *
 * --interrupt-budget=135168 (twice V8's default): a function is optimised after twice as much
 * of it has run, so fewer of them are, fewer times, for each thread. On an idle 2-core machine a
 * two-thread pg-regress run takes 6-8% less CPU and wall time, one thread the same (8 interleaved
 * runs).
 */
export const V8_FLAGS = ["--liftoff-only", "--max-inlined-bytecode-size-cumulative=200", "--interrupt-budget=135168"];

export function setV8Flags(): void {
  for (const flag of V8_FLAGS) setFlagsFromString(flag);
}

/** Whether a run with these arguments parses SQL (not --help, --version, init or rules; not a lint worker, which is handed the parser). */
export function needsParser(argv: string[]): boolean {
  return !(argv[0] === "init" || argv[0] === "rules" || argv.some((a) => a === "-h" || a === "--help" || a === "-v" || a === "--version" || a === WORKER_ARG));
}

export const CLI_FILE = "cli.cjs";
export const CACHE_FILE = "cli.cache";

/** The bundle compiled as Node compiles a CommonJS module, with `cachedData` if given. */
export function compileCli(file: string, cachedData?: Buffer): { script: vm.Script; run(): CliBundle } {
  const source = readFileSync(file, "utf8");
  // No importModuleDynamically: code compiled from a cache loses it (the bundle calls no import()
  // itself; the command hands it one, see start.ts).
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
  });
  return {
    script,
    run() {
      const module = { exports: {} as CliBundle };
      const fn = script.runInThisContext() as (e: object, r: NodeRequire, m: object, f: string, d: string) => void;
      fn(module.exports, createRequire(file), module, file, path.dirname(file));
      return module.exports;
    },
  };
}


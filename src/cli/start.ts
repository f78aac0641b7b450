/**
 * The CLI bundle's entry (dist/bundle/cli.cjs, loaded by bin.ts): `start()` runs the command, or,
 * in a worker thread the pool started, the lint worker.
 */
import { createRequire } from "node:module";
import { setImportModule } from "../util/import-module.js";
import { compileParser, type WasmModule } from "../sql/wasm.js";
import { WORKER_ARG } from "./types.js";
import { needsParser } from "./load-cli.js";
import { outputTo } from "./output.js";

export { main } from "./main.js";

/**
 * `importModule`: the command's import() (the bundle, compiled from a code cache, cannot call its
 * own). `wasm`: the parser's WebAssembly, whose compile the command started before it loaded the
 * bundle.
 */
export function start(importModule?: (url: string) => Promise<unknown>, wasm?: Promise<WasmModule>): void {
  if (importModule) setImportModule(importModule);
  // No top-level await: the bundled CLI is CommonJS (see src/build/bundle.ts).
  if (process.argv.includes(WORKER_ARG) && !(createRequire(import.meta.url)("node:worker_threads") as typeof import("node:worker_threads")).isMainThread) {
    // The bundled CLI is also its worker threads' script (one file to load and compile).
    void (async () => {
      const { isLintWorker, runWorker } = await import("./worker.js");
      if (isLintWorker()) await runWorker();
    })();
    return;
  }
  // Load the SQL parser (WASM) as soon as its compile is done, while the files are found.
  const argv = process.argv.slice(2);
  if (wasm) void compileParser(wasm);
  if (needsParser(argv)) import("../sql/parser.js").then((m) => m.loadParser()).catch(() => undefined);
  void (async () => {
    const { main } = await import("./main.js");
    const stdout = outputTo(1);
    const stderr = outputTo(2);
    // verify's progress lines fit the terminal: its width only when stderr is one (asked once)
    const errTTY = stderr.isTTY();
    const columns = errTTY ? stderr.columns() : undefined;
    const code = await main(argv, {
      cwd: process.cwd(),
      stdout: (s) => stdout.write(s),
      stderr: (s) => stderr.write(s),
      isTTY: stdout.isTTY(),
      stderrIsTTY: errTTY,
      ...(columns ? { stderrColumns: columns } : {}),
      env: process.env,
    });
    process.exitCode = code;
  })();
}

/**
 * The CLI bundle's entry (dist/bundle/cli.cjs, loaded by bin.ts): `start()` runs the command, or,
 * in a worker thread the pool started, the lint worker.
 */
import { isMainThread } from "node:worker_threads";

import { setImportModule } from "../util/import-module.js";

export { main } from "./main.js";

/** `importModule`: the command's import() (the bundle, compiled from a code cache, cannot call its own). */
export function start(importModule?: (url: string) => Promise<unknown>): void {
  if (importModule) setImportModule(importModule);
  // No top-level await: the bundled CLI is CommonJS (see src/build/bundle.ts).
  if (!isMainThread) {
    // The bundled CLI is also its worker threads' script (one file to load and compile).
    void (async () => {
      const { isLintWorker, runWorker } = await import("./worker.js");
      if (isLintWorker()) await runWorker();
    })();
    return;
  }
  // Start loading the SQL parser (WASM) at once: V8 validates it on background threads while the
  // rest of the CLI loads and the files are found, instead of after. Not for --help & co.
  const argv = process.argv.slice(2);
  if (!(argv[0] === "init" || argv.some((a) => a === "-h" || a === "--help" || a === "-v" || a === "--version"))) {
    import("../sql/parser.js").then((m) => m.loadParser()).catch(() => undefined);
  }
  void (async () => {
    const { main } = await import("./main.js");

    // `sqlguard … | head`: the reader went away. Stop quietly, as other command-line tools do,
    // instead of dying with a stack trace.
    for (const stream of [process.stdout, process.stderr]) {
      stream.on("error", (e: NodeJS.ErrnoException) => {
        if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
        throw e;
      });
    }

    const code = await main(argv, {
      cwd: process.cwd(),
      stdout: (s) => void process.stdout.write(s),
      stderr: (s) => void process.stderr.write(s),
      isTTY: Boolean(process.stdout.isTTY),
      env: process.env,
    });
    process.exitCode = code;
  })();
}

#!/usr/bin/env node
import { setFlagsFromString } from "node:v8";
import { isMainThread } from "node:worker_threads";

// The parser is WebAssembly. V8's optimising tier (TurboFan) recompiles its hot functions in the
// background and then stalls the main thread ~150 ms to install them; for a linter's short run
// the baseline compiler (Liftoff) alone is as fast overall and starts at once (measured on the
// PostgreSQL regression scripts: same wall time, less CPU). Set before the WASM is compiled;
// worker threads share the flag.
setFlagsFromString("--liftoff-only");

// No top-level await: the bundled CLI is CommonJS (see src/build/bundle.ts).
if (!isMainThread) {
  // The bundled CLI is also its worker threads' script (one file to load and compile).
  void (async () => {
    const { isLintWorker, runWorker } = await import("./worker.js");
    if (isLintWorker()) await runWorker();
  })();
} else {
  // Start compiling the SQL parser (WASM) at once: V8 validates it on background threads while
  // the rest of the CLI loads and the files are found, instead of after. Not for --help & co.
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

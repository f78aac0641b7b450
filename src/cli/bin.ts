#!/usr/bin/env node
// Start compiling the SQL parser (WASM) at once: V8 compiles it on background threads while
// the rest of the CLI loads and the files are found, instead of after. Not for --help & co.
const argv = process.argv.slice(2);
if (!(argv[0] === "init" || argv.some((a) => a === "-h" || a === "--help" || a === "-v" || a === "--version"))) {
  import("../sql/parser.js").then((m) => m.loadParser()).catch(() => undefined);
}
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

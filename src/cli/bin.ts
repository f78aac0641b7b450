#!/usr/bin/env node
/**
 * The `sqlguard` command: loads the CLI bundle (cli.cjs, next to this file) the fastest way this
 * Node allows (see load-cli.ts) and starts it. Worker threads of the pool run this file too.
 */
import { existsSync, readFileSync } from "node:fs";
import module, { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parserWasm } from "../sql/wasm.js";
import { CACHE_FILE, CLI_FILE, compileCli, needsParser, setV8Flags, type CliBundle } from "./load-cli.js";

setV8Flags();
// Start compiling the SQL parser (WebAssembly) first: V8 validates it on background threads while
// the bundle loads (see src/sql/wasm.ts).
const require = createRequire(import.meta.url);
let wasm: Promise<object> | undefined;
if (needsParser(process.argv.slice(2))) {
  try {
    wasm = (globalThis as unknown as { WebAssembly: { compile(b: Uint8Array): Promise<object> } }).WebAssembly.compile(parserWasm(require.resolve));
    wasm.catch(() => undefined); // a failure is reported where the parser is used
  } catch {
    wasm = undefined; // not found: reported where the parser is used
  }
}
const dir = path.dirname(fileURLToPath(import.meta.url));
const file = path.join(dir, CLI_FILE);
const enableCompileCache = (module as { enableCompileCache?: () => unknown }).enableCompileCache;
let cli: CliBundle;
if (!existsSync(file)) {
  // Not the bundle: dist/src/cli/bin.js, or the sources run with tsx (the repository's own
  // pre-commit hook lints with the code being committed). The name is computed so that the
  // bundler leaves start.js out of bin.cjs, which never takes this branch.
  const entry = "./start.js";
  cli = { start: (importModule, parser) => void import(new URL(entry, import.meta.url).href).then((m: CliBundle) => m.start(importModule, parser)) } as CliBundle;
} else if (typeof enableCompileCache === "function") {
  // Node 22.1+: Node's own compile cache (in the system's temporary folder)
  enableCompileCache?.();
  cli = require(file) as CliBundle;
} else {
  let cache: Buffer | undefined;
  try {
    cache = readFileSync(path.join(dir, CACHE_FILE));
  } catch {
    cache = undefined; // not built: compiled as usual
  }
  cli = compileCli(file, cache).run();
}
// the bundle's import() of a JavaScript config file, made from here (see start.ts)
cli.start((url) => import(url), wasm);

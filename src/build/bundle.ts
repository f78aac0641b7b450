/**
 * Bundles the CLI (run after tsc: `npm run build`). Node 20's ES module loader pays a few
 * milliseconds per module, and the CLI has some sixty: loading them one by one cost more than
 * everything else a one-file run does. The CLI is one CommonJS file (Node loads CommonJS faster
 * than an ES module: about 15 ms of a one-file run), its worker thread one ES module; the parser
 * (WASM), TypeScript and ESLint stay outside, loaded from node_modules when needed. The library
 * API, the ESLint plugin and the tests use dist/src.
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

rmSync(path.join(root, "dist/bundle"), { recursive: true, force: true }); // no stale chunks

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: "node" as const,
  target: "node20.19",
  external: ["libpg-query", "typescript", "@typescript-eslint/*", "eslint", "@eslint/*", "picomatch", "ignore", "@electric-sql/pglite", "@electric-sql/pglite/*"],
  logLevel: "warning" as const,
  legalComments: "none" as const,
  minifyWhitespace: true,
  minifySyntax: true,
};

// The CLI. Its modules find package.json, node_modules and the worker from import.meta.url:
// in CommonJS that is the bundle's own file.
await build({
  ...common,
  entryPoints: ["dist/src/cli/bin.js"],
  outfile: "dist/bundle/bin.cjs",
  format: "cjs",
  define: { "import.meta.url": "__sqlguardUrl" },
  banner: { js: 'const __sqlguardUrl = require("node:url").pathToFileURL(__filename).href;' },
});

// The worker thread (runs with three or more cores), next to the CLI: the pool starts ./worker.js.
await build({
  ...common,
  entryPoints: ["dist/src/cli/worker.js"],
  outfile: "dist/bundle/worker.js",
  format: "esm",
  // CommonJS dependencies (ignore, picomatch) call require() for Node built-ins.
  banner: { js: 'import { createRequire as __sqlguardRequire } from "node:module"; const require = __sqlguardRequire(import.meta.url);' },
});

// `sqlguard verify`: its own modules, loaded by the CLI only for that command (a lint run never
// parses them), and the process and thread that run PGlite, all next to the CLI (each finds the
// next from import.meta.url). PGlite stays in node_modules.
for (const [entry, out] of [
  ["dist/src/cli/verify.js", "dist/bundle/verify.js"],
  ["dist/src/verify/verify-child.js", "dist/bundle/verify-child.js"],
  ["dist/src/verify/verify-worker.js", "dist/bundle/verify-worker.js"],
] as const) {
  await build({
    ...common,
    entryPoints: [entry],
    outfile: out,
    format: "esm",
    banner: { js: 'import { createRequire as __sqlguardRequire } from "node:module"; const require = __sqlguardRequire(import.meta.url);' },
  });
}

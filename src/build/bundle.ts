/**
 * Bundles the CLI (run after tsc: `npm run build`). Node 20's ES module loader pays a few
 * milliseconds per module, and the CLI has some sixty: loading them one by one cost more than
 * everything else a one-file run does. The CLI is one CommonJS file (Node loads CommonJS faster
 * than an ES module: about 15 ms of a one-file run), cli.cjs, loaded by a small bin.cjs with a code
 * cache made here (see src/cli/load-cli.ts); its worker threads run the same files. The parser
 * (WASM), TypeScript, ESLint and PGlite stay outside, loaded from node_modules when needed;
 * `sqlguard verify` is bundled apart (below). The library API, the ESLint plugin and the tests use
 * dist/src.
 */
import { execFileSync } from "node:child_process";
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

// The CLI (src/cli/start.ts), also its worker threads' code (SQLGUARD_BUNDLE tells the pool to
// start bin.cjs). Its modules find package.json, node_modules and the bundle from
// import.meta.url: in CommonJS that is the bundle's own file.
await build({
  ...common,
  entryPoints: ["dist/src/cli/start.js"],
  outfile: "dist/bundle/cli.cjs",
  format: "cjs",
  define: { "import.meta.url": "__sqlguardUrl", SQLGUARD_BUNDLE: "true" },
  banner: { js: 'const __sqlguardUrl = require("node:url").pathToFileURL(__filename).href;' },
});

// The command (src/cli/bin.ts): loads cli.cjs with its code cache (see src/cli/load-cli.ts).
await build({
  ...common,
  entryPoints: ["dist/src/cli/bin.js"],
  outfile: "dist/bundle/bin.cjs",
  format: "cjs",
  define: { "import.meta.url": "__sqlguardUrl" },
  banner: { js: 'const __sqlguardUrl = require("node:url").pathToFileURL(__filename).href;' },
});

// `sqlguard verify`: its own modules, loaded by the CLI only for that command (a lint run never
// parses them), and the process and thread that run PGlite, all next to the CLI (each finds the
// next from import.meta.url). PGlite stays in node_modules. ES modules: the CLI imports verify.js
// through the command's import() (see src/util/import-module.ts).
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

// The code cache, made by a run of the bundle in a process of its own (the flags must be the
// command's, set before anything is compiled).
execFileSync(process.execPath, [path.join(root, "dist/src/build/code-cache.js")], { stdio: "inherit" });

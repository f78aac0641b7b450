/**
 * Bundles the CLI (run after tsc: `npm run build`). Node 20's ES module loader pays a few
 * milliseconds per module, and the CLI has some sixty: loading them one by one cost more than
 * everything else a one-file run does. The bundle is two entry points, the CLI and its worker
 * thread, sharing chunks; the parser (WASM), TypeScript and ESLint stay outside, loaded from
 * node_modules when needed. The library API, the ESLint plugin and the tests use dist/src.
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

rmSync(path.join(root, "dist/bundle"), { recursive: true, force: true }); // no stale chunks

await build({
  absWorkingDir: root,
  entryPoints: { bin: "dist/src/cli/bin.js", worker: "dist/src/cli/worker.js" },
  outdir: "dist/bundle",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20.19",
  external: ["libpg-query", "typescript", "@typescript-eslint/*", "eslint", "@eslint/*", "picomatch", "ignore"],
  // CommonJS dependencies (ignore, picomatch) call require() for Node built-ins.
  banner: { js: 'import { createRequire as __sqlguardRequire } from "node:module"; const require = __sqlguardRequire(import.meta.url);' },
  logLevel: "warning",
  legalComments: "none",
  minifyWhitespace: true,
  minifySyntax: true,
});

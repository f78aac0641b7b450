/**
 * Builds the playground page (`npm run playground`): dist/playground/ holds index.html, one
 * JavaScript bundle, and the parser's WASM file; static files any host can serve, no server code.
 *
 * The bundle is made by esbuild (already the CLI's bundler, see bundle.ts) from the TypeScript
 * sources themselves: the page runs the engine and the rules of src/ and rules/, never a copy.
 * What the page never runs stays out of it:
 *
 *   - src/util/lazy-deps.ts (the one engine module that loads code with Node's createRequire) is
 *     swapped for src/playground/lazy-deps.ts, which imports the same packages up front;
 *   - `node:path` is path-browserify, Node's POSIX path functions for browsers: the page's files have
 *     POSIX paths (/playground/script.sql) and the engine works out folders and extensions with them;
 *   - the other Node built-ins (`node:fs`, `node:url`, `node:module`…) are stubs whose every function
 *     throws. Only code paths the page never takes import them: reading a config file or the project
 *     from disk (the page builds its Config from the panel's JSON and passes a project in memory),
 *     Node's branch of the WASM loader, typescript-estree's type-aware program setup.
 *
 * The WASM file sits beside the bundle: the parser's loader fetches `libpg-query.wasm` relative to
 * the page, so it must be served from the same folder. `build-info.json` records the inputs (path,
 * size and time of every bundled file) so that a test can tell whether the page is stale.
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const require = createRequire(import.meta.url);

export const PLAYGROUND_DIR = path.join(root, "dist/playground");

/** Files the page is made of besides what the bundle imports (the template, this script's source). */
const EXTRA_INPUTS = ["src/playground/index.html", "src/build/playground.ts"];

/** Node built-ins that only code paths the page never takes import (see above). */
const UNAVAILABLE = /^(?:node:)?(?:fs|fs\/promises|url|module|util|os|crypto|child_process|worker_threads|perf_hooks|inspector|readline|stream|tty|v8|vm|zlib|buffer)$/;

interface BuildInfo {
  inputs: Record<string, { size: number; mtimeMs: number }>;
}

/**
 * Swaps lazy-deps for the page's twin, keeps Node built-ins out (see the module comment), and
 * bundles `?raw` imports (the examples/ files) as text; those files are added to `rawFiles`.
 */
const browserPlugin = (rawFiles: Set<string>): Plugin => ({
  name: "sqlguard-playground",
  setup(b) {
    b.onResolve({ filter: /\?raw$/ }, (args) => ({ path: path.resolve(args.resolveDir, args.path.slice(0, -"?raw".length)), namespace: "raw" }));
    b.onLoad({ filter: /.*/, namespace: "raw" }, (args) => {
      rawFiles.add(args.path);
      return { contents: readFileSync(args.path, "utf8"), loader: "text" };
    });
    b.onResolve({ filter: /\/util\/lazy-deps\.js$/ }, (args) => {
      if (!args.importer.startsWith(path.join(root, "src"))) return undefined;
      return { path: path.join(root, "src/playground/lazy-deps.ts") };
    });
    b.onResolve({ filter: /^(?:node:)?path$/ }, () => ({ path: require.resolve("path-browserify") }));
    b.onResolve({ filter: UNAVAILABLE }, (args) => ({ path: args.path, namespace: "unavailable" }));
    b.onLoad({ filter: /.*/, namespace: "unavailable" }, (args) => ({
      // Every property is a function that throws, named after the module: a page that reached one
      // would say where, instead of failing on `undefined is not a function`.
      contents: `const name = ${JSON.stringify(args.path)};
module.exports = new Proxy({}, {
  get(_, key) {
    if (key === "__esModule") return false;
    if (typeof key === "symbol" || key === "then") return undefined;
    return () => { throw new Error(name + "." + String(key) + " is not available in the playground"); };
  },
});`,
      loader: "js",
    }));
  },
});

export interface PlaygroundBuild {
  outdir: string;
  /** Bytes of each file written, by name. */
  files: Record<string, number>;
  ms: number;
}

/** Builds the page into `outdir` (emptied first). */
export async function buildPlayground(outdir = PLAYGROUND_DIR): Promise<PlaygroundBuild> {
  const started = Date.now();
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const rawFiles = new Set<string>();
  const result = await build({
    absWorkingDir: root,
    entryPoints: { playground: "src/playground/ui/main.ts" },
    outdir,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: ["chrome111", "firefox113", "safari16.4"], // CompressionStream("deflate-raw") for the shared links
    minify: true,
    legalComments: "none",
    charset: "utf8",
    metafile: true,
    logLevel: "warning",
    plugins: [browserPlugin(rawFiles)],
    inject: [path.join(root, "src/playground/shims/process.ts")],
    define: { "process.env.NODE_ENV": '"production"' },
  });
  copyFileSync(path.join(path.dirname(require.resolve("libpg-query")), "libpg-query.wasm"), path.join(outdir, "libpg-query.wasm"));
  writeFileSync(path.join(outdir, "index.html"), readFileSync(path.join(root, "src/playground/index.html"), "utf8"));

  const inputs: BuildInfo["inputs"] = {};
  for (const rel of [...Object.keys(result.metafile.inputs), ...EXTRA_INPUTS, ...rawFiles]) {
    // not files: the stubs' and the raw files' namespaces (raw files are in rawFiles), and modules a
    // package's "browser" field turns off
    if (/^(?:[a-z]+|\(disabled\)):/.test(rel)) continue;
    const abs = path.resolve(root, rel);
    const st = statSync(abs);
    inputs[path.relative(root, abs)] = { size: st.size, mtimeMs: st.mtimeMs };
  }
  writeFileSync(path.join(outdir, "build-info.json"), JSON.stringify({ inputs } satisfies BuildInfo) + "\n");
  const files: Record<string, number> = {};
  for (const name of ["index.html", "playground.js", "libpg-query.wasm"]) files[name] = statSync(path.join(outdir, name)).size;
  return { outdir, files, ms: Date.now() - started };
}

/**
 * Why the built page in `outdir` is out of date (missing, or an input changed since), or null when
 * it is current. Inputs are every file the bundle was made of, with this script and the template.
 */
export function playgroundStale(outdir = PLAYGROUND_DIR): string | null {
  let info: BuildInfo;
  try {
    info = JSON.parse(readFileSync(path.join(outdir, "build-info.json"), "utf8")) as BuildInfo;
  } catch {
    return `${path.relative(root, outdir)} has not been built`;
  }
  for (const name of ["index.html", "playground.js", "libpg-query.wasm"]) {
    try {
      statSync(path.join(outdir, name));
    } catch {
      return `${name} is missing`;
    }
  }
  for (const [rel, was] of Object.entries(info.inputs)) {
    let st;
    try {
      st = statSync(path.join(root, rel));
    } catch {
      return `${rel} is gone`;
    }
    if (st.size !== was.size || st.mtimeMs !== was.mtimeMs) return `${rel} changed`;
  }
  // A new file the bundle would now import shows as a change to the file importing it.
  return null;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const done = await buildPlayground();
  const sizes = Object.entries(done.files).map(([name, bytes]) => `${name} ${(bytes / 1024).toFixed(0)} KiB`);
  console.log(`playground: ${path.relative(process.cwd(), done.outdir) || "."} (${sizes.join(", ")}) in ${(done.ms / 1000).toFixed(1)} s`);
  console.log("serve that folder with any static file server, e.g. python3 -m http.server -d dist/playground");
}

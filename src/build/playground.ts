/**
 * Builds the playground page (`npm run playground`): dist/playground/ holds index.html, the
 * JavaScript (an entry and its chunks), the parser's WASM file, and PGlite's files for the dry
 * run; static files any host can serve, no server code.
 *
 * The bundle is made by esbuild (already the CLI's bundler, see bundle.ts) from the TypeScript
 * sources themselves: the page runs the engine and the rules of src/ and rules/, never a copy.
 * What the page never runs stays out of it:
 *
 *   - src/util/lazy-deps.ts (the one engine module that loads code with Node's createRequire) is
 *     swapped for src/playground/lazy-deps.ts, which imports the same packages up front;
 *   - src/sql/wasm.ts (the parser's Node binding: node:fs, Buffer, a module compiled by hand for
 *     worker threads) is swapped for src/playground/wasm.ts, the same calls over libpg-query's
 *     Emscripten loader, which fetches the .wasm beside the page;
 *   - `node:path` is path-browserify, Node's POSIX path functions for browsers: the page's files have
 *     POSIX paths (/playground/script.sql) and the engine works out folders and extensions with them;
 *   - the other Node built-ins (`node:fs`, `node:url`, `node:module`…) are stubs whose every function
 *     throws. Only code paths the page never takes import them: reading a config file or the project
 *     from disk (the page builds its Config from the panel's JSON and passes a project in memory),
 *     Node's branch of the WASM loader, typescript-estree's type-aware program setup.
 *
 * The dry run (src/playground/ui/dry-run.ts) is a chunk of its own that the page imports on the
 * first click on "Dry run", with PGlite; PGlite's files (pglite.wasm, pglite.data, initdb.wasm) are
 * copied beside it, where PGlite looks for them, and so is an empty cluster dumped by verify's
 * runner (made once, kept in verify's cache), so that the browser skips initdb. build-info.json
 * lists which files a page load fetches and which only a dry run does.
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
import { DumpCache, defaultCacheDir } from "../verify/cache.js";
import { pgliteVersion } from "../verify/pglite.js";
import { Runner } from "../verify/runner.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const require = createRequire(import.meta.url);

export const PLAYGROUND_DIR = path.join(root, "dist/playground");

/** The files of the page itself: what loads before the first finding. */
export const PAGE_FILES = ["index.html", "playground.js", "libpg-query.wasm"];
/** PGlite's files and the empty cluster, loaded only by a dry run (with the dry-run chunk). */
export const PGLITE_FILES = ["pglite.wasm", "pglite.data", "initdb.wasm", "pglite-empty.tar.gz"];

/**
 * The empty cluster (a gzip tar of a fresh data directory) for the page's dry run: loading it
 * skips initdb in the browser. Made once by verify's own runner and kept in verify's cache, where
 * `sqlguard verify` keeps the same file for the same PGlite version.
 */
async function emptyCluster(): Promise<string> {
  const cache = new DumpCache(defaultCacheDir(root), pgliteVersion(), () => undefined);
  const file = cache.basePath();
  try {
    statSync(file);
    return file;
  } catch {
    // not made yet
  }
  const runner = await Runner.start({ load: null, extensions: [], timeoutMs: 120_000 });
  try {
    await runner.dump(file);
  } finally {
    await runner.close();
  }
  return file;
}

/** Files the page is made of besides what the bundle imports (the template, this script's source). */
const EXTRA_INPUTS = ["src/playground/index.html", "src/build/playground.ts"];

/** Node built-ins that only code paths the page never takes import (see above). */
const UNAVAILABLE = /^(?:node:)?(?:fs|fs\/promises|url|module|util|os|crypto|child_process|worker_threads|perf_hooks|inspector|readline|stream|tty|v8|vm|zlib|buffer)$/;

interface BuildInfo {
  inputs: Record<string, { size: number; mtimeMs: number }>;
  /** What a page load fetches (index.html, the script and the chunks it imports, the parser's WASM). */
  page: string[];
  /** What only a dry run fetches (its chunks, PGlite's files, the empty cluster). */
  onDemand: string[];
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
    // the parser's binding: the Node one reads the .wasm with node:fs and moves strings with Buffer
    b.onResolve({ filter: /^\.\/wasm\.js$/ }, (args) => {
      if (args.importer !== path.join(root, "src/sql/parser.ts")) return undefined;
      return { path: path.join(root, "src/playground/wasm.ts") };
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
  /** What a page load fetches, and what only a dry run does. */
  page: string[];
  onDemand: string[];
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
    // the dry run's code and PGlite are a chunk of their own, imported on the first dry run; chunks
    // stay beside the page: PGlite finds its .wasm and .data files relative to its own script
    splitting: true,
    chunkNames: "[name]-[hash]",
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
  const pgliteDist = path.dirname(require.resolve("@electric-sql/pglite/pglite.wasm"));
  for (const name of ["pglite.wasm", "pglite.data", "initdb.wasm"]) copyFileSync(path.join(pgliteDist, name), path.join(outdir, name));
  copyFileSync(await emptyCluster(), path.join(outdir, "pglite-empty.tar.gz"));
  // The chunks the page's script imports up front (code it shares with the dry run's chunk) are
  // preloaded with it, so that they load in parallel rather than after it.
  const rel = (o: string) => path.relative(outdir, path.resolve(root, o)).split(path.sep).join("/");
  const upFront: string[] = [];
  const visit = (output: string) => {
    for (const i of result.metafile.outputs[output]?.imports ?? []) {
      if (i.kind !== "import-statement" || i.external || upFront.includes(rel(i.path))) continue;
      upFront.push(rel(i.path));
      visit(i.path);
    }
  };
  const entry = Object.keys(result.metafile.outputs).find((o) => rel(o) === "playground.js")!;
  visit(entry);
  const preload = upFront.map((f) => `<link rel="modulepreload" href="${f}">\n`).join("");
  const html = readFileSync(path.join(root, "src/playground/index.html"), "utf8").replace('<script type="module" src="playground.js">', `${preload}<script type="module" src="playground.js">`);
  writeFileSync(path.join(outdir, "index.html"), html);

  const inputs: BuildInfo["inputs"] = {};
  for (const rel of [...Object.keys(result.metafile.inputs), ...EXTRA_INPUTS, ...rawFiles]) {
    // not files: the stubs' and the raw files' namespaces (raw files are in rawFiles), and modules a
    // package's "browser" field turns off
    if (/^(?:[a-z]+|\(disabled\)):/.test(rel)) continue;
    const abs = path.resolve(root, rel);
    const st = statSync(abs);
    inputs[path.relative(root, abs)] = { size: st.size, mtimeMs: st.mtimeMs };
  }
  const page = [...PAGE_FILES, ...upFront];
  const chunks = Object.keys(result.metafile.outputs).map(rel).filter((n) => n.endsWith(".js") && !page.includes(n));
  const onDemand = [...chunks, ...PGLITE_FILES];
  writeFileSync(path.join(outdir, "build-info.json"), JSON.stringify({ inputs, page, onDemand } satisfies BuildInfo) + "\n");
  const files: Record<string, number> = {};
  for (const name of [...page, ...onDemand]) files[name] = statSync(path.join(outdir, name)).size;
  return { outdir, page, onDemand, files, ms: Date.now() - started };
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
  if (!Array.isArray(info.page) || !Array.isArray(info.onDemand)) return "build-info.json is from an older build";
  for (const name of [...info.page, ...info.onDemand]) {
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

/** The files of the built page: what a load fetches and what only a dry run does. */
export function playgroundFiles(outdir = PLAYGROUND_DIR): { page: string[]; onDemand: string[] } {
  const info = JSON.parse(readFileSync(path.join(outdir, "build-info.json"), "utf8")) as BuildInfo;
  return { page: info.page, onDemand: info.onDemand };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const done = await buildPlayground();
  const kib = (names: string[]) => `${(names.reduce((n, f) => n + done.files[f]!, 0) / 1024).toFixed(0)} KiB`;
  console.log(`playground: ${path.relative(process.cwd(), done.outdir) || "."} in ${(done.ms / 1000).toFixed(1)} s`);
  console.log(`  the page: ${kib(done.page)} (${done.page.join(", ")})`);
  console.log(`  loaded by the first dry run only: ${kib(done.onDemand)} (PGlite's files and ${done.onDemand.length - PGLITE_FILES.length} chunks)`);
  console.log("serve that folder with any static file server, e.g. python3 -m http.server -d dist/playground");
}

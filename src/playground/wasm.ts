/**
 * The playground's twin of src/sql/wasm.ts (the build swaps it in): the same calls into
 * libpg-query's WebAssembly, for a browser. The Node binding reads the .wasm file with node:fs,
 * compiles it itself (to hand the module to worker threads) and moves strings with Node's Buffer;
 * none of that exists in a page. Here libpg-query's Emscripten loader fetches `libpg-query.wasm`
 * beside the page (the build copies it there) and strings cross with Emscripten's own UTF-8
 * helpers. The calls themselves (C functions, struct layouts) are the Node binding's, shared in
 * src/sql/wasm-calls.ts.
 *
 * The loader starts when the page's script loads: fetching and compiling the WASM overlaps the
 * rest of the page's start, and the first lint waits only for what is left of it.
 */
import type * as Node from "../sql/wasm.js";
import { PgQueryCalls, type PgQueryExports } from "../sql/wasm-calls.js";

export type { WasmModule, ParserCalls, RawParse } from "../sql/wasm.js";

/** The parts of the Emscripten module used here: the calls' exports, and its string reader. */
interface Emscripten extends PgQueryExports {
  UTF8ToString(ptr: number): string;
}
type Factory = (options: object) => Promise<Emscripten>;

// a `require` esbuild resolves at build time: the loader is part of the page's bundle
const loading: Promise<Node.ParserCalls> = (require("libpg-query/wasm/libpg-query.js") as Factory)({}).then((em) => new EmCalls(em));
loading.catch(() => undefined); // reported to whoever awaits it (the first lint), not as unhandled

/** Nothing to compile ahead here: the loader compiles the module it fetches. */
export const compileParser: typeof Node.compileParser = () => loading;

export const instantiateParser: typeof Node.instantiateParser = () => loading;

/** The calls, with strings moved by Emscripten's own UTF-8 helpers. */
class EmCalls extends PgQueryCalls<Emscripten> {
  protected put(text: string): number {
    const n = this.em.lengthBytesUTF8(text) + 1;
    const p = this.em._malloc(n);
    this.em.stringToUTF8(text, p, n);
    return p;
  }

  protected get(p: number): string {
    return p ? this.em.UTF8ToString(p) : "";
  }
}

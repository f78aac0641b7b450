/**
 * The playground's twin of src/sql/wasm.ts (the build swaps it in): the same calls into
 * libpg-query's WebAssembly, for a browser. The Node binding reads the .wasm file with node:fs,
 * compiles it itself (to hand the module to worker threads) and moves strings with Node's Buffer;
 * none of that exists in a page. Here libpg-query's Emscripten loader fetches `libpg-query.wasm`
 * beside the page (the build copies it there) and strings cross with Emscripten's own UTF-8
 * helpers. The C functions and struct layouts are the same as the Node binding's.
 *
 * The loader starts when the page's script loads: fetching and compiling the WASM overlaps the
 * rest of the page's start, and the first lint waits only for what is left of it.
 */
import type * as Node from "../sql/wasm.js";

export type { WasmModule, ParserCalls, RawParse } from "../sql/wasm.js";

/** The parts of the Emscripten module used here. */
interface Emscripten {
  HEAPU32: Uint32Array;
  _malloc(size: number): number;
  _free(ptr: number): void;
  _wasm_parse_query_raw(query: number): number;
  _wasm_free_parse_result(result: number): void;
  _wasm_normalize_query(query: number): number;
  _wasm_scan(query: number): number;
  _wasm_parse_plpgsql(query: number): number;
  _wasm_free_string(ptr: number): void;
  lengthBytesUTF8(s: string): number;
  stringToUTF8(s: string, ptr: number, max: number): void;
  UTF8ToString(ptr: number): string;
}
type Factory = (options: object) => Promise<Emscripten>;

// a `require` esbuild resolves at build time: the loader is part of the page's bundle
const loading: Promise<Node.ParserCalls> = (require("libpg-query/wasm/libpg-query.js") as Factory)({}).then((em) => new EmCalls(em));
loading.catch(() => undefined); // reported to whoever awaits it (the first lint), not as unhandled

/** Nothing to compile ahead here: the loader compiles the module it fetches. */
export const compileParser: typeof Node.compileParser = () => loading;

export const instantiateParser: typeof Node.instantiateParser = () => loading;

class EmCalls implements Node.ParserCalls {
  constructor(private readonly em: Emscripten) {}

  private put(text: string): number {
    const n = this.em.lengthBytesUTF8(text) + 1;
    const p = this.em._malloc(n);
    this.em.stringToUTF8(text, p, n);
    return p;
  }

  private word(p: number): number {
    return this.em.HEAPU32[p >>> 2]!;
  }

  parse(query: string): Node.RawParse {
    const q = this.put(query);
    let r = 0;
    try {
      r = this.em._wasm_parse_query_raw(q);
      if (!r) throw new Error("Failed to parse query: memory allocation failed");
      // PgQueryParseResult { char *parse_tree; char *stderr_buffer; PgQueryError *error; }
      const tree = this.word(r);
      const error = this.word(r + 8);
      if (error) {
        // PgQueryError { char *message; char *funcname; char *filename; int lineno; int cursorpos; … }
        const message = this.word(error);
        const cursor = this.word(error + 16) | 0;
        return { message: message ? this.em.UTF8ToString(message) : "Unknown error", cursor: cursor > 0 ? cursor - 1 : 0 };
      }
      if (!tree) throw new Error("No parse tree generated");
      return { json: this.em.UTF8ToString(tree) };
    } finally {
      this.em._free(q);
      if (r) this.em._wasm_free_parse_result(r);
    }
  }

  normalize(query: string): string | null {
    const out = this.stringCall(query, this.em._wasm_normalize_query);
    return isError(out) ? null : out;
  }

  scan(query: string): string | null {
    const out = this.stringCall(query, this.em._wasm_scan);
    return isError(out) ? null : out;
  }

  parsePlpgsql(query: string): string {
    return this.stringCall(query, this.em._wasm_parse_plpgsql);
  }

  private stringCall(query: string, call: (p: number) => number): string {
    const q = this.put(query);
    let r = 0;
    try {
      r = call(q);
      return r ? this.em.UTF8ToString(r) : "";
    } finally {
      this.em._free(q);
      if (r) this.em._wasm_free_string(r);
    }
  }
}

function isError(out: string): boolean {
  return out.startsWith("syntax error") || out.startsWith("deparse error") || out.startsWith("ERROR");
}

/**
 * The calls into libpg-query's WebAssembly and the layouts of what they return, shared by the
 * parser's two bindings: the Node one (src/sql/wasm.ts: the module compiled by hand, strings moved
 * with Buffer) and the page's (src/playground/wasm.ts: Emscripten's loader and UTF-8 helpers).
 * Each binding says only how a string goes into the module's memory and comes back out.
 *
 * The C functions and structs are libpg-query 18.1.5's (a pinned dependency):
 * `wasm_parse_query_raw`, `wasm_scan`, `wasm_parse_plpgsql`, and
 * `PgQueryParseResult` / `PgQueryError`. Nothing here needs Node or a browser.
 */

/** The C functions and memory of libpg-query's Emscripten module that the calls use. */
export interface PgQueryExports {
  HEAPU32: Uint32Array;
  _malloc(size: number): number;
  _free(ptr: number): void;
  _wasm_parse_query_raw(query: number): number;
  _wasm_free_parse_result(result: number): void;
  _wasm_scan(query: number): number;
  _wasm_parse_plpgsql(query: number): number;
  _wasm_free_string(ptr: number): void;
  lengthBytesUTF8(s: string): number;
  stringToUTF8(s: string, ptr: number, max: number): void;
}

/** What a parse call gives: the JSON text of the tree, or PostgreSQL's error. */
export type RawParse = { json: string } | { message: string; /** code points into the query, -1 if none */ cursor: number };

/** The parser's calls as src/sql/parser.ts uses them. */
export interface ParserCalls {
  /** Parses SQL into its tree (JSON text), or PostgreSQL's error and where it stopped. */
  parse(query: string): RawParse;
  /** The scanner's tokens as JSON text; null when the scanner gave up. */
  scan(query: string): string | null;
  /** A PL/pgSQL function's tree as JSON text, or the error message (anything not starting with `{`). */
  parsePlpgsql(query: string): string;
}

/** The parser's calls, synchronous. Each throws only what the WebAssembly itself throws (stack overflow, abort). */
export abstract class PgQueryCalls<E extends PgQueryExports = PgQueryExports> implements ParserCalls {
  constructor(protected readonly em: E) {}

  /** `text` as a NUL-terminated UTF-8 string in the module's memory; the caller frees it. */
  protected abstract put(text: string): number;

  /** The NUL-terminated UTF-8 string at `p` ("" for a null pointer). */
  protected abstract get(p: number): string;

  private word(p: number): number {
    return this.em.HEAPU32[p >>> 2]!;
  }

  parse(query: string): RawParse {
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
        return { message: message ? this.get(message) : "Unknown error", cursor: cursor > 0 ? cursor - 1 : 0 };
      }
      if (!tree) throw new Error("No parse tree generated");
      return { json: this.get(tree) };
    } finally {
      this.em._free(q);
      if (r) this.em._wasm_free_parse_result(r);
    }
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
      return this.get(r);
    } finally {
      this.em._free(q);
      if (r) this.em._wasm_free_string(r);
    }
  }
}

function isError(out: string): boolean {
  return out.startsWith("syntax error") || out.startsWith("deparse error") || out.startsWith("ERROR");
}

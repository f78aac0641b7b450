/**
 * sqlguard's own binding to libpg-query's WebAssembly build (the `.wasm` file and the Emscripten
 * runtime beside it; the package's JavaScript wrapper is not used). Two reasons:
 *
 * - The compiled `WebAssembly.Module` is ours to hold: the CLI starts compiling it first thing
 *   (V8 validates it on background threads while the rest loads) and hands the same module to its
 *   worker threads, which then only instantiate it, and reuse the machine code the main thread's
 *   first parses compiled. The package's wrapper compiles its own copy in every thread, on require.
 * - Strings cross into and out of WebAssembly memory through Node's native UTF-8 coding, and a
 *   statement that does not parse comes back as a value, not a thrown error with a stack trace.
 *
 * The calls and result layouts (src/sql/wasm-calls.ts) are libpg-query 18.1.5's: the C functions
 * `wasm_parse_query_raw`, `wasm_scan` and `wasm_parse_plpgsql`, and the
 * `PgQueryParseResult` / `PgQueryError` structs. The tests run the real module through them.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { PgQueryCalls, type ParserCalls, type PgQueryExports } from "./wasm-calls.js";

export type { ParserCalls, RawParse } from "./wasm-calls.js";

const require = createRequire(import.meta.url);

/** A compiled WebAssembly module: can be posted to a worker thread. */
export type WasmModule = object;
/** The part of the WebAssembly API used here (Node has it; its types here do not declare it). */
const WebAssembly = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<WasmModule>; instantiate(module: WasmModule, imports: object): Promise<object> } })
  .WebAssembly;

/** The parts of the Emscripten module used here: the calls' exports, and the memory as bytes. */
interface Emscripten extends PgQueryExports {
  HEAPU8: Uint8Array;
}
type Factory = (options: object) => Promise<Emscripten>;

let compiling: Promise<WasmModule> | undefined;

/**
 * Compiles the parser's WebAssembly, once per thread (a worker is handed the main thread's module
 * instead), or takes the compile `started` elsewhere (the command starts it before it loads the
 * bundle). Resolves when V8 has validated it; functions are compiled to machine code as they are
 * first called, and that code is shared by every thread using the module.
 */
export function compileParser(started?: Promise<WasmModule>): Promise<WasmModule> {
  // read synchronously: 1.7 MB from the page cache, where an asynchronous read is several trips
  // through libuv's thread pool
  compiling ??= started ?? (async () => WebAssembly.compile(parserWasm(require.resolve)))();
  return compiling;
}

/**
 * libpg-query's .wasm, read, with the initial size of its memory lowered from 128 MB to what its
 * data and stack take plus 4 MB (it grows on demand, up to the same maximum). V8 counts a
 * module's memory as external memory, and 128 MB at once passes the 64 MB at which V8 collects
 * garbage to relieve external memory: a full mark-compact in every run (7 ms of a one-file
 * run). Only memory pages ever written take RAM either way. The bytes are changed only when the
 * module has the expected shape (one memory, the stack pointer as first global); otherwise they
 * are used as they are.
 */
export function parserWasm(resolve: (id: string) => string): Uint8Array {
  const bytes = readFileSync(resolve("libpg-query/wasm/libpg-query.wasm"));
  try {
    lowerInitialMemory(bytes);
  } catch {
    // an unexpected layout: the module as it is
  }
  return bytes;
}

/** Rewrites, in place and in the same number of bytes, the initial page count of the module's memory. */
function lowerInitialMemory(b: Uint8Array): void {
  let p = 8; // magic and version
  const u32 = (): number => {
    let r = 0;
    let shift = 0;
    for (;;) {
      const x = b[p++]!;
      r += (x & 0x7f) * 2 ** shift;
      shift += 7;
      if (!(x & 0x80)) return r;
      if (shift > 28) throw new Error("LEB128 too long");
    }
  };
  let memAt = -1; // offset of the memory's initial page count
  let memLen = 0;
  let initial = 0;
  let stack = -1; // initial stack pointer (the first global, a mutable i32 set by i32.const)
  while (p < b.length && (memAt < 0 || stack < 0)) {
    const id = b[p++]!;
    const size = u32();
    const end = p + size;
    if (id === 5) {
      if (u32() !== 1) return;
      const flags = b[p++]!;
      if (flags !== 0 && flags !== 1) return;
      memAt = p;
      initial = u32();
      memLen = p - memAt;
    } else if (id === 6) {
      if (u32() < 1 || b[p] !== 0x7f || b[p + 1] !== 1 || b[p + 2] !== 0x41) return;
      p += 3;
      stack = u32(); // (a signed LEB128; a stack pointer is positive and below 2^28 here)
    }
    p = end;
  }
  if (memAt < 0 || stack <= 0) return;
  const pages = Math.ceil(stack / 65536) + 64;
  if (pages >= initial) return;
  // the same number of bytes: LEB128 allows continuation bytes that add nothing
  let v = pages;
  for (let i = 0; i < memLen; i++) {
    b[memAt + i] = (v & 0x7f) | (i < memLen - 1 ? 0x80 : 0);
    v >>>= 7;
  }
  if (v !== 0) throw new Error("does not fit");
}

/** The parser, instantiated from `module` (compiled here when not given). */
export async function instantiateParser(module?: WasmModule): Promise<ParserCalls> {
  const wasm = module ?? (await compileParser());
  const factory = require("libpg-query/wasm/libpg-query.js") as Factory;
  let failed: (e: unknown) => void = () => undefined;
  const failure = new Promise<never>((_, reject) => (failed = reject));
  const em = await Promise.race([
    factory({
      // Emscripten's hook for bringing one's own instance: instantiate the module given
      instantiateWasm(imports: object, receive: (instance: object) => void) {
        WebAssembly.instantiate(wasm, imports).then(receive, failed);
        return {};
      },
    }),
    failure,
  ]);
  return new PgWasm(em);
}

const decoder = new TextDecoder(); // as Emscripten decodes: UTF-8, invalid bytes replaced, a leading BOM dropped

/** The calls, with strings moved through Node's native UTF-8 coding. */
export class PgWasm extends PgQueryCalls<Emscripten> {
  private heap: Buffer;
  constructor(em: Emscripten) {
    super(em);
    this.heap = Buffer.from(em.HEAPU8.buffer);
  }

  /** A Buffer over the module's memory; memory that grew is a new ArrayBuffer. */
  private memory(): Buffer {
    if (this.heap.buffer !== this.em.HEAPU8.buffer) this.heap = Buffer.from(this.em.HEAPU8.buffer);
    return this.heap;
  }

  protected put(text: string): number {
    if (!(text as unknown as { isWellFormed(): boolean }).isWellFormed()) {
      // a lone surrogate: Emscripten's own encoder, byte for byte what the package's wrapper sends
      const n = this.em.lengthBytesUTF8(text) + 1;
      const p = this.em._malloc(n);
      this.em.stringToUTF8(text, p, n);
      return p;
    }
    const n = Buffer.byteLength(text, "utf8");
    const p = this.em._malloc(n + 1);
    const heap = this.memory();
    heap.write(text, p, n, "utf8");
    heap[p + n] = 0;
    return p;
  }

  protected get(p: number): string {
    if (!p) return "";
    const heap = this.memory();
    const end = heap.indexOf(0, p);
    return decoder.decode(heap.subarray(p, end < 0 ? heap.length : end));
  }
}

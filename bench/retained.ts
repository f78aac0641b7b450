/**
 * Memory a lint holds as it goes through a long script, beyond the script's text: the heap after
 * a full garbage collection, every 10% of the statements, less the heap with the text loaded.
 * Peak RSS also counts garbage not yet collected (V8 lets the heap grow in proportion to what is
 * live, and the text is live); this is what the linter itself keeps. Prints JSON.
 * Usage: node --expose-gc dist/bench/retained.js <file.sql>
 */
import { readFileSync } from "node:fs";
import { builtin } from "../rules/index.js";

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with node --expose-gc");
const { loadParser } = await import("../src/sql/parser.js");
const { SqlDocument, Statement } = await import("../src/sql/document.js");
const { lintText } = await import("../src/lint/lint-text.js");
const { Config } = await import("../src/engine/config.js");
await loadParser();

const file = process.argv[2]!;
const text = readFileSync(file, "utf8");
const total = (text.match(/;\n/g) ?? []).length;
const heap = () => process.memoryUsage().heapUsed / 2 ** 20;
gc();
const base = heap();
const samples: { statements: number; retainedMB: number }[] = [];
// Sample from inside the run: wrap the document's statement stream.
const events = SqlDocument.prototype.events;
SqlDocument.prototype.events = function* (this: InstanceType<typeof SqlDocument>) {
  let n = 0;
  const every = Math.max(1, Math.floor(total / 10));
  for (const e of events.call(this)) {
    yield e;
    if (e instanceof Statement && ++n % every === 0) {
      gc();
      samples.push({ statements: n, retainedMB: heap() - base });
    }
  }
};
lintText(text, new Config({}, process.cwd(), "bench", builtin), { filePath: file });
console.log(JSON.stringify({ textMB: Buffer.byteLength(text) / 2 ** 20, samples }));

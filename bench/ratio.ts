/**
 * Lint time against the raw parse time of the same statements, in one process, one thread
 * (`node --single-threaded`, so garbage collection and compilation stay on the measured
 * thread and repeated runs agree), warm, best of several interleaved runs.
 *
 * Raw parse: libpg-query's `parseSync`, called directly, on every statement of the files, as
 * sqlguard's splitter cuts them (statements inside function and DO bodies are string literals to
 * the parser: reading them is sqlguard's own work, counted in the lint time). Lint: `lintText`
 * with the default rules on the same files. Prints JSON.
 * Usage: node --single-threaded dist/bench/ratio.js <folder of .sql files>
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { filesUnder } from "./files.js";
import { builtin } from "../rules/index.js";
import { setV8Flags } from "../src/cli/load-cli.js";

setV8Flags(); // as the CLI does

const { loadParser } = await import("../src/sql/parser.js");
const { SqlDocument, Statement } = await import("../src/sql/document.js");
const { lintText } = await import("../src/lint/lint-text.js");
const { Config } = await import("../src/engine/config.js");
const pg = await import("libpg-query");
await loadParser();
await pg.loadModule();

const files = filesUnder(path.resolve(process.argv[2] ?? "."), /\.sql$/);
const texts = files.map((f) => readFileSync(f, "utf8"));
const pieces: string[] = [];
for (const t of texts) {
  let last = "";
  for (const e of new SqlDocument(t).events()) {
    // statements the lexer gave up on (unterminated quotes, NUL bytes) never reach the parser
    if (!(e instanceof Statement) || e.parseText === last || (e.error && /^unterminated|NUL byte/.test(e.error.message))) continue;
    pieces.push((last = e.parseText));
  }
}
const config = new Config({}, process.cwd(), "bench", builtin);
const rawParse = () => {
  for (const p of pieces) {
    try {
      pg.parseSync(p);
    } catch {
      // a statement that does not parse costs its time all the same
    }
  }
};
const lint = () => texts.forEach((t, i) => lintText(t, config, { filePath: files[i]! }));
let raw = Infinity;
let linted = Infinity;
for (let rep = 0; rep < 6; rep++) {
  let t0 = performance.now();
  rawParse();
  raw = Math.min(raw, performance.now() - t0);
  t0 = performance.now();
  lint();
  linted = Math.min(linted, performance.now() - t0);
}
console.log(JSON.stringify({ files: files.length, statements: pieces.length, parseMs: raw, lintMs: linted, ratio: linted / raw }));

/**
 * Lint time against the raw parse time of the same statements, in one process, one thread
 * (`node --single-threaded`, so garbage collection and compilation stay on the measured
 * thread and repeated runs agree), warm, best of several interleaved runs.
 *
 * Raw parse: libpg-query's `parseSync`, called directly, on every statement of the files, as
 * sqlguard's splitter cuts them (statements inside function and DO bodies are string literals to
 * the parser: reading them is sqlguard's own work, counted in the lint time). Lint: `lintText`
 * with the default rules on the same files. Also, interleaved: the rules sqlguard had before the
 * migration-safety ones (issue 18's baseline: the eight general rules) against the default rule
 * set (pg-regress is no migration: the migration rules stay off, the two new general ones run)
 * and against the full rule set (every rule on at its default severity, the migration rules
 * included, as in a file detected as a migration). Times are CPU times of this one thread
 * (`process.cpuUsage`): on a shared machine they vary less than wall time. Prints JSON.
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
/** The rules before the migration-safety ones (issue 18): the target compares the full set with these. */
const BEFORE = new Set([
  "ambiguous-statement-split",
  "no-prod-connection-string",
  "require-semicolon",
  "require-transaction",
  "require-where",
  "syntax-error",
  "transaction-incompatible-statement",
  "unbalanced-transaction",
]);
const rules = builtin.rules;
const on = (r: (typeof rules)[number]) => (r.defaultSeverity === "off" ? "warn" : r.defaultSeverity);
const baseConfig = new Config({ rules: Object.fromEntries(rules.map((r) => [r.id, BEFORE.has(r.id) ? on(r) : "off"])) }, process.cwd(), "bench", builtin);
const fullConfig = new Config({ extends: ["sqlguard:migrations"] }, process.cwd(), "bench", builtin);
const rawParse = () => {
  for (const p of pieces) {
    try {
      pg.parseSync(p);
    } catch {
      // a statement that does not parse costs its time all the same
    }
  }
};
const lintWith = (c: InstanceType<typeof Config>) => () => texts.forEach((t, i) => lintText(t, c, { filePath: files[i]! }));
const lint = lintWith(config);
const lintBase = lintWith(baseConfig);
const lintFull = lintWith(fullConfig);
let raw = Infinity;
let linted = Infinity;
let base = Infinity;
let full = Infinity;
const time = (f: () => void) => {
  const t0 = process.cpuUsage();
  f();
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / 1000;
};
for (let rep = 0; rep < 8; rep++) {
  raw = Math.min(raw, time(rawParse));
  linted = Math.min(linted, time(lint));
  base = Math.min(base, time(lintBase));
  full = Math.min(full, time(lintFull));
}
console.log(JSON.stringify({ files: files.length, statements: pieces.length, parseMs: raw, lintMs: linted, ratio: linted / raw, baseMs: base, fullMs: full, fullRatio: full / base, defaultRatio: linted / base, rules: rules.length, fullRules: fullConfig.rulesFor(path.resolve("x.sql")).size, baseRules: baseConfig.rulesFor(path.resolve("x.sql")).size }));

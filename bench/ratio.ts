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
 * included, as in a file detected as a migration), and against the 8 rules plus a rule that only
 * subscribes to the statement types the full set's rules subscribe to, with listeners that do
 * nothing: the cost of reading those trees alone, a lower bound of what the full set must spend
 * beyond the 8 rules (it reads more trees still, for its `statement` listeners and the migration
 * state, and then does its work). Times are CPU times of this one thread
 * (`process.cpuUsage`): on a shared machine they vary less than wall time. Prints JSON.
 * Usage: node --single-threaded dist/bench/ratio.js <folder of .sql files>
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { filesUnder } from "./files.js";
import { cpuMs } from "./measure.js";
import { builtin } from "../rules/index.js";
import { setV8Flags } from "../src/cli/load-cli.js";

setV8Flags(); // as the CLI does

const { loadParser } = await import("../src/sql/parser.js");
const { SqlDocument, Statement } = await import("../src/sql/document.js");
const { lintText } = await import("../src/lint/lint-text.js");
const { Config } = await import("../src/engine/config.js");
const { RuleSet } = await import("../src/engine/rule-set.js");
const { subscribedTypes } = await import("../src/engine/run-rules.js");
const { sharedSettings } = await import("../src/lint/lint-text.js");
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
/** The 8 rules on, every other rule off. */
const baseRules: Record<string, ReturnType<typeof on> | "off"> = Object.fromEntries(rules.map((r) => [r.id, BEFORE.has(r.id) ? on(r) : "off"]));
const baseConfig = new Config({ rules: baseRules }, process.cwd(), "bench", builtin);
const fullConfig = new Config({ extends: ["sqlguard:migrations"] }, process.cwd(), "bench", builtin);
/** The statement types the full set's rules subscribe to: each rule's listeners, made for a small script. */
const fullTypes = new Set<string>();
{
  const probe = new SqlDocument("SELECT 1;\n");
  for (const { rule, options } of fullConfig.rulesFor(path.resolve("x.sql")).values()) {
    if (rule.verify || !rule.appliesTo.includes("script")) continue;
    const listeners = rule.create({ options, settings: sharedSettings(fullConfig), doc: probe, report() {} });
    for (const type of subscribedTypes(listeners)) fullTypes.add(type);
  }
}
/** A rule that has those trees read and does nothing with them. */
const treeReader = {
  id: "bench-tree-reader",
  description: "reads the trees the full rule set subscribes to, and nothing else",
  defaultSeverity: "off" as const,
  appliesTo: ["script" as const, "embedded" as const],
  messages: {},
  create: () => Object.fromEntries([...fullTypes].map((type) => [type, () => {}])),
};
const withReader = new RuleSet([...rules, treeReader as unknown as (typeof rules)[number]]);
const treesConfig = new Config({ rules: { ...baseRules, "bench-tree-reader": "warn" } }, process.cwd(), "bench", withReader);
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
const lintTrees = lintWith(treesConfig);
let raw = Infinity;
let linted = Infinity;
let base = Infinity;
let full = Infinity;
let trees = Infinity;
for (let rep = 0; rep < 8; rep++) {
  raw = Math.min(raw, cpuMs(rawParse));
  linted = Math.min(linted, cpuMs(lint));
  base = Math.min(base, cpuMs(lintBase));
  full = Math.min(full, cpuMs(lintFull));
  trees = Math.min(trees, cpuMs(lintTrees));
}
console.log(JSON.stringify({ files: files.length, statements: pieces.length, parseMs: raw, lintMs: linted, ratio: linted / raw, baseMs: base, fullMs: full, fullRatio: full / base, treesMs: trees, treesRatio: trees / base, treeTypes: fullTypes.size, defaultRatio: linted / base, rules: rules.length, fullRules: fullConfig.rulesFor(path.resolve("x.sql")).size, baseRules: baseConfig.rulesFor(path.resolve("x.sql")).size }));

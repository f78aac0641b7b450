/**
 * Census of SQL embedded in real code: for each folder given (a checkout of someone else's
 * repository, outside this one), counts the SQL strings the extractor finds, how many parse,
 * how many are skipped as fragments, and what the rules report, and lists every finding for
 * review. Reads only the folders it is given.
 *
 *   npm run census -- /tmp/census/slonik /tmp/census/drizzle-orm [--json out.json]
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Config } from "../src/engine/config.js";
import { lintText } from "../src/lint/lint-text.js";
import { codeProject, fileKind } from "../src/extract/index.js";
import { extractCode } from "../src/extract/embedded.js";
import { expandPaths } from "../src/sources/files.js";
import { decodeUtf8, LineIndex, looksBinary } from "../src/sql/text.js";
import { loadParser } from "../src/sql/parser.js";
import { builtin } from "../rules/index.js";

interface Tally {
  folder: string;
  codeFiles: number;
  parsedFiles: number;
  minified: string[];
  parseErrors: string[];
  found: { tag: number; function: number; literal: number };
  linted: { tag: number; function: number; literal: number };
  fragments: { tag: number; function: number };
  nested: number;
  empty: number;
  literalsRejected: number;
  statements: number;
  /** Strings read with a query library's placeholders (`knex`: 12). */
  placeholders: Record<string, number>;
  findings: Record<string, number>;
  list: string[];
  seconds: number;
}

async function census(folder: string): Promise<Tally> {
  const started = Date.now();
  const config = new Config({}, folder, "defaults", builtin);
  const files = await expandPaths([folder], { cwd: folder, include: (f) => fileKind(f) === "code", isIgnored: () => false });
  const t: Tally = {
    folder,
    codeFiles: files.length,
    parsedFiles: 0,
    minified: [],
    parseErrors: [],
    found: { tag: 0, function: 0, literal: 0 },
    linted: { tag: 0, function: 0, literal: 0 },
    fragments: { tag: 0, function: 0 },
    nested: 0,
    empty: 0,
    literalsRejected: 0,
    statements: 0,
    placeholders: {},
    findings: {},
    list: [],
    seconds: 0,
  };
  for (const f of files) {
    const bytes = readFileSync(f.path);
    if (looksBinary(bytes)) continue;
    const text = decodeUtf8(bytes).text;
    const rel = path.relative(folder, f.path);
    const code = extractCode(text, f.path, { settings: config.embedded, project: codeProject(f.path, text) });
    if (code.error) {
      const pos = new LineIndex(text).position(code.error.offset);
      t.parseErrors.push(`${rel}:${pos.line}:${pos.column} ${code.error.message}`);
      continue;
    }
    if (code.minified) t.minified.push(rel);
    if (!code.parsed) continue;
    t.parsedFiles++;
    const show = (what: string, start: number, end: number) => {
      if (!verbose) return;
      const pos = new LineIndex(text).position(start);
      console.log(`  [${what}] ${rel}:${pos.line}:${pos.column} ${text.slice(start, end).replace(/\s+/g, " ").slice(0, 160)}`);
    };
    for (const p of code.parts) {
      if (p.origin === "literal") show("literal", p.start, p.end);
      t.found[p.origin]++;
      t.linted[p.origin]++;
      if (p.library) t.placeholders[p.library] = (t.placeholders[p.library] ?? 0) + 1;
      for (const e of p.doc.events()) if ("nodeType" in e) t.statements++;
    }
    for (const s of code.skipped) {
      show(s.reason, s.start, s.end);
      if (s.reason === "not-sql") t.literalsRejected++;
      else if (s.reason === "nested") t.nested++;
      else if (s.reason === "empty") t.empty++;
      else if (s.origin !== "literal") t.fragments[s.origin]++;
      if (s.origin !== "literal") t.found[s.origin]++;
    }
    if (code.parts.length === 0) continue;
    const result = lintText(text, config, { filePath: f.path });
    for (const m of result.messages) {
      const id = m.ruleId ?? "(file)";
      t.findings[id] = (t.findings[id] ?? 0) + 1;
      t.list.push(`${rel}:${m.line}:${m.column} ${id} ${m.message}`);
    }
  }
  t.seconds = (Date.now() - started) / 1000;
  return t;
}

const verbose = Boolean(process.env.CENSUS_VERBOSE);
const args = process.argv.slice(2);
const jsonAt = args.indexOf("--json");
const jsonOut = jsonAt >= 0 ? args[jsonAt + 1] : undefined;
const folders = args.filter((_, i) => jsonAt < 0 || (i !== jsonAt && i !== jsonAt + 1));
if (folders.length === 0) {
  console.error("usage: npm run census -- <folder>... [--json out.json]");
  process.exit(2);
}
await loadParser();
const all: Tally[] = [];
for (const folder of folders) {
  const t = await census(path.resolve(folder));
  all.push(t);
  const sinks = t.found.tag + t.found.function;
  console.log(`\n## ${path.basename(t.folder)} (${t.seconds.toFixed(1)}s)`);
  console.log(`code files ${t.codeFiles}, parsed ${t.parsedFiles}, parse errors ${t.parseErrors.length}, minified (not parsed) ${t.minified.length}${t.minified.length ? `: ${t.minified.join(", ")}` : ""}`);
  console.log(
    `sink strings ${sinks} (tag ${t.found.tag}, function ${t.found.function}): linted ${t.linted.tag + t.linted.function}, fragments ${t.fragments.tag + t.fragments.function}, nested ${t.nested}, empty ${t.empty}`,
  );
  console.log(`other literals read as SQL ${t.linted.literal}; keyword-led literals that are not SQL ${t.literalsRejected}; statements ${t.statements}`);
  console.log(`read with a library's placeholders ${JSON.stringify(t.placeholders)}`);
  console.log(`findings ${JSON.stringify(t.findings)}`);
  for (const l of t.list) console.log(`  ${l}`);
  for (const e of t.parseErrors) console.log(`  parse error: ${e}`);
}
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(all, null, 2));

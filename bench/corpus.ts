/**
 * `npm run corpus [dir]` (default ../shared/corpus): runs the real CLI over a corpus of SQL written
 * by others and prints, per folder, the findings by rule and severity, the files that did not
 * parse, and the time taken. Exits 1 on any crash: exit code 2, anything on stderr, an internal
 * error, or a stack trace in the output.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const bin = path.join(root, "dist/bundle/bin.js");
const dir = path.resolve(process.argv[2] ?? path.join(root, "../shared/corpus"));

interface Message {
  ruleId: string | null;
  severity: 1 | 2;
  message: string;
  line: number;
  column: number;
}
interface Result {
  filePath: string;
  messages: Message[];
}

if (!existsSync(dir)) {
  console.log(`corpus: ${dir} does not exist; nothing to do.`);
  process.exit(0);
}

const started = Date.now();
const run = spawnSync(process.execPath, [bin, "--format", "json", dir], { encoding: "utf8", maxBuffer: 1 << 30 });
const seconds = (Date.now() - started) / 1000;
const crashes: string[] = [];
if (run.status === 2 || run.status === null) crashes.push(`exit code ${run.status ?? run.signal}`);
if (run.stderr.trim()) crashes.push(`stderr: ${run.stderr.trim().slice(0, 2000)}`);
if (/\n\s+at .+\(.+:\d+:\d+\)/.test(run.stdout)) crashes.push("a stack trace in the output");

let results: Result[] = [];
try {
  results = JSON.parse(run.stdout) as Result[];
} catch {
  crashes.push("the JSON output did not parse");
}

const folderOf = (file: string) => {
  const rel = path.relative(dir, file).split(path.sep);
  return rel.length > 2 ? rel.slice(0, 2).join("/") : rel[0]!;
};
const table = new Map<string, { files: number; counts: Map<string, number>; unparsed: string[] }>();
for (const r of results) {
  const key = folderOf(r.filePath);
  let t = table.get(key);
  if (!t) table.set(key, (t = { files: 0, counts: new Map(), unparsed: [] }));
  t.files++;
  for (const m of r.messages) {
    if (m.ruleId === null && /internal error/.test(m.message)) crashes.push(`${r.filePath}: ${m.message}`);
    const k = `${m.ruleId ?? "(file)"} ${m.severity === 2 ? "error" : "warning"}`;
    t.counts.set(k, (t.counts.get(k) ?? 0) + 1);
  }
  if (r.messages.some((m) => m.ruleId === "syntax-error")) t.unparsed.push(path.relative(dir, r.filePath));
}

console.log(`sqlguard over ${dir}: ${results.length} files in ${seconds.toFixed(2)} s, exit code ${run.status}\n`);
for (const [folder, t] of [...table].sort((a, b) => a[0].localeCompare(b[0]))) {
  console.log(`${folder} (${t.files} files)`);
  if (t.counts.size === 0) console.log("  no findings");
  for (const [k, n] of [...t.counts].sort((a, b) => a[0].localeCompare(b[0]))) console.log(`  ${k.padEnd(48)} ${n}`);
  if (t.unparsed.length) console.log(`  files with syntax errors: ${t.unparsed.length}`);
}
const unparsed = [...table.values()].flatMap((t) => t.unparsed);
if (unparsed.length) {
  console.log(`\nfiles that did not parse completely (${unparsed.length}):`);
  for (const f of unparsed) console.log(`  ${f}`);
}
if (crashes.length) {
  console.log(`\nCRASHES (${crashes.length}):`);
  for (const c of crashes) console.log(`  ${c}`);
  process.exit(1);
}
console.log("\nno crash");

/**
 * `npm run corpus [dir]` (default ../shared/corpus): runs the real CLI over a corpus of SQL written
 * by others and prints, per project folder, the findings by rule and severity, the files that did
 * not parse (with their first error), the time taken and the peak memory. Then it lints a few
 * generated inputs too big for the test suite (a 20 MB script, a 3 MB line, a 100,000-deep
 * nesting) and reports their time and memory the same way.
 *
 * Exits 1 on any crash: exit code 2 (or a signal), anything on stderr, an internal error, or a
 * stack trace in the output. `.ci/run` runs it when ../shared/corpus exists.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const bin = path.join(root, "dist/bundle/bin.cjs");
const dir = path.resolve(process.argv[2] ?? path.join(root, "../shared/corpus"));

interface Message {
  ruleId: string | null;
  severity: 1 | 2;
  message: string;
  line: number;
  column: number;
  fatal?: boolean;
}
interface Result {
  filePath: string;
  messages: Message[];
}
interface Run {
  status: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  seconds: number;
  /** Peak resident memory of the whole process (worker threads included), in MB. */
  peakMb: number | null;
}

const crashes: string[] = [];

/** Runs the CLI with --format json; a preloaded hook records the peak memory when it exits. */
function runCli(args: string[], cwd: string): Run {
  const scratch = mkdtempSync(path.join(os.tmpdir(), "sqlguard-corpus-"));
  const rssFile = path.join(scratch, "rss");
  const hook = path.join(scratch, "peak.cjs");
  writeFileSync(hook, `process.on("exit", () => require("node:fs").writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)));\n`);
  const started = Date.now();
  const r = spawnSync(process.execPath, ["--require", hook, bin, "--format", "json", ...args], { cwd, encoding: "utf8", maxBuffer: 1 << 30 });
  const seconds = (Date.now() - started) / 1000;
  let peakMb: number | null = null;
  try {
    peakMb = Math.round(Number(readFileSync(rssFile, "utf8")) / 1024);
  } catch {
    peakMb = null;
  }
  rmSync(scratch, { recursive: true, force: true });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, seconds, peakMb };
}

/** Records every sign of a crash in a run; returns its parsed results. */
function check(label: string, run: Run): Result[] {
  if (run.status === 2 || run.status === null) crashes.push(`${label}: exit code ${run.status ?? run.signal}`);
  if (run.stderr.trim()) crashes.push(`${label}: stderr: ${run.stderr.trim().slice(0, 2000)}`);
  if (/\n\s+at .+\(.+:\d+:\d+\)/.test(run.stdout)) crashes.push(`${label}: a stack trace in the output`);
  let results: Result[] = [];
  try {
    results = JSON.parse(run.stdout) as Result[];
  } catch {
    crashes.push(`${label}: the JSON output did not parse`);
  }
  for (const r of results) {
    for (const m of r.messages) if (m.ruleId === null && /internal error/.test(m.message)) crashes.push(`${r.filePath}: ${m.message}`);
  }
  return results;
}

const memory = (run: Run) => (run.peakMb === null ? "" : `, peak memory ${run.peakMb} MB`);

/** The project a file belongs to: the nearest folder with a SOURCE.txt, else its first two folders. */
const projectOf = (() => {
  const cache = new Map<string, string>();
  return (file: string): string => {
    const rel = path.relative(dir, path.dirname(file));
    const hit = cache.get(rel);
    if (hit !== undefined) return hit;
    let found: string | null = null;
    for (let d = rel; d && d !== "." && !d.startsWith(".."); d = path.dirname(d)) {
      if (existsSync(path.join(dir, d, "SOURCE.txt"))) found = d;
      if (path.dirname(d) === d) break;
    }
    const parts = rel.split(path.sep).filter((p) => p && p !== ".");
    const key = (found ?? (parts.length ? parts.slice(0, 2).join("/") : "(top level)")).split(path.sep).join("/");
    cache.set(rel, key);
    return key;
  };
})();

function corpus(): void {
  if (!existsSync(dir)) {
    console.log(`corpus: ${dir} does not exist; nothing to do.`);
    return;
  }
  const run = runCli([dir], root);
  const results = check("corpus", run);
  const table = new Map<string, { files: number; counts: Map<string, number>; unparsed: { file: string; first: Message; count: number }[] }>();
  for (const r of results) {
    const key = projectOf(r.filePath);
    let t = table.get(key);
    if (!t) table.set(key, (t = { files: 0, counts: new Map(), unparsed: [] }));
    t.files++;
    for (const m of r.messages) {
      const k = `${m.ruleId ?? (m.fatal ? "(file not linted)" : "(file)")} ${m.severity === 2 ? "error" : "warning"}`;
      t.counts.set(k, (t.counts.get(k) ?? 0) + 1);
    }
    const syntax = r.messages.filter((m) => m.ruleId === "syntax-error");
    if (syntax.length) t.unparsed.push({ file: path.relative(dir, r.filePath).split(path.sep).join("/"), first: syntax[0]!, count: syntax.length });
  }

  console.log(`sqlguard over ${dir}: ${results.length} files in ${run.seconds.toFixed(2)} s${memory(run)}, exit code ${run.status}\n`);
  for (const [project, t] of [...table].sort((a, b) => a[0].localeCompare(b[0]))) {
    console.log(`${project} (${t.files} files)`);
    if (t.counts.size === 0) console.log("  no findings");
    for (const [k, n] of [...t.counts].sort((a, b) => a[0].localeCompare(b[0]))) console.log(`  ${k.padEnd(48)} ${n}`);
    if (t.unparsed.length) console.log(`  files with syntax errors: ${t.unparsed.length}`);
  }
  const unparsed = [...table.values()].flatMap((t) => t.unparsed);
  if (unparsed.length) {
    console.log(`\nfiles that did not parse completely (${unparsed.length}), with the first error:`);
    for (const u of unparsed) {
      const more = u.count > 1 ? ` (+${u.count - 1} more)` : "";
      console.log(`  ${u.file}:${u.first.line}:${u.first.column} ${u.first.message.slice(0, 110)}${more}`);
    }
  }
}

/** Inputs too big or too slow for the test suite: generated, linted once, measured. */
function generated(): void {
  const tmp = mkdtempSync(path.join(os.tmpdir(), "sqlguard-big-"));
  try {
    const statements: string[] = [];
    let size = 0;
    for (let i = 0; size < 20 * 1024 * 1024; i++) {
      const s = `INSERT INTO events (id, name, note) VALUES (${i}, 'name ${i}', 'it''s $$ -- not a comment');\nUPDATE events SET name = 'x' WHERE id = ${i};\n/* batch ${i} */\n`;
      statements.push(s);
      size += s.length;
    }
    statements.push("DELETE FROM events;\n");
    writeFileSync(path.join(tmp, "twenty-mb.sql"), statements.join(""));
    const columns: string[] = [];
    for (let i = 0, len = 0; len < 3 * 1024 * 1024; i++) {
      const c = `coalesce(c${i}, 0)`;
      columns.push(c);
      len += c.length + 2;
    }
    writeFileSync(path.join(tmp, "three-mb-line.sql"), `SELECT ${columns.join(", ")} FROM wide;\nDELETE FROM wide;\n`);
    writeFileSync(path.join(tmp, "deep.sql"), `SELECT ${"(".repeat(100_000)}1${")".repeat(100_000)};\nDELETE FROM deep;\n`);
    console.log("\ngenerated inputs:");
    for (const name of ["twenty-mb.sql", "three-mb-line.sql", "deep.sql"]) {
      const run = runCli(["--concurrency", "off", name], tmp);
      const results = check(name, run);
      const messages = results.flatMap((r) => r.messages);
      const errors = messages.filter((m) => m.severity === 2).length;
      console.log(`  ${name.padEnd(20)} ${run.seconds.toFixed(2).padStart(6)} s${memory(run)}, ${messages.length} findings (${errors} errors), exit code ${run.status}`);
      if (!messages.some((m) => m.ruleId === "require-where")) crashes.push(`${name}: the DELETE without WHERE at the end was not found`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

corpus();
if (!process.env.SQLGUARD_CORPUS_SKIP_GENERATED) generated();
if (crashes.length) {
  console.log(`\nCRASHES (${crashes.length}):`);
  for (const c of crashes) console.log(`  ${c}`);
  process.exit(1);
}
console.log("\nno crash");

#!/usr/bin/env node
// Runs every compiled test file (dist/**/*.test.js) with uvu in a few lanes: child processes (see
// lane.mjs) that each run one file at a time and take the next one from a shared queue when done.
// The slowest files (by the times of earlier runs) start first, so the lanes end together. Each
// file's output is printed in one piece when the file is done.
//
// A file that throws at import, rejects or throws after its tests, runs no test, or kills or hangs
// its lane is that file's failure; the other files still run and are counted. The output ends
// with the one line CI reads, "N passed, N failed", and the exit code is non-zero on any failure.
//
// node test/run.mjs [regex of the dist path, e.g. "cli|rules/require-where"]
//   TEST_LANES=n (default: the cores, at most 4)   TEST_FILE_TIMEOUT=seconds (default 600)
import { fork } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = path.join(root, "dist");
// --pglite: include the tests that start the real PGlite (npm run test:verify; see test/verify-pglite.ts).
const args = process.argv.slice(2);
const pglite = args.includes("--pglite");
const pattern = args.find((a) => a !== "--pglite");
const filter = pattern ? new RegExp(pattern) : null;
const timeoutMs = (Number(process.env.TEST_FILE_TIMEOUT) || 600) * 1000;
/** How long each file took last time (wall ms), to start the slow ones first. Not in dist: the build empties it. */
const timesFile = path.join(root, "node_modules/.cache/sqlguard/test-times.json");

const rel = (f) => path.relative(dist, f).split(path.sep).join("/");

function find(dir, out = []) {
  let names = [];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return out; // no dist yet
  }
  for (const name of names) {
    const p = path.join(dir, name);
    if (name === "node_modules") continue;
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith(".test.js")) out.push(p);
  }
  return out;
}

const files = find(dist).filter((f) => !filter || filter.test(rel(f)));

if (files.length === 0) {
  console.error(filter ? `no test file under dist/ matches ${filter}` : "no test files found under dist/ (did the build run?)");
  console.log("0 passed, 1 failed");
  process.exit(1);
}

let times = {};
try {
  times = JSON.parse(readFileSync(timesFile, "utf8"));
} catch {
  times = {}; // a fresh clone: no times yet
}
// Slowest first. A file with no time yet (new, or a fresh clone) goes by its size, before the
// files known to be quick: starting a slow file last is what leaves one lane working alone.
const known = Object.values(times).filter((t) => typeof t === "number");
const weight = (f) => times[rel(f)] ?? (known.length ? Math.max(...known) : 0) + statSync(f).size;
const queue = [...files].sort((a, b) => weight(b) - weight(a) || a.localeCompare(b));

const lanes = Math.max(1, Math.min(files.length, Number(process.env.TEST_LANES) || Math.min(availableParallelism(), 4)));
const started = Date.now();
let passed = 0;
let failed = 0;
let skipped = 0;
const skippedNames = [];
const failures = [];
const done = [];

/** Runs files from the queue in one child process; starts a new one if it dies mid-file. */
function lane() {
  return new Promise((resolve) => {
    const child = fork(path.join(root, "test/lane.mjs"), [], {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: "0", ...(pglite ? { SQLGUARD_VERIFY_TESTS: "1" } : {}) },
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    let file = null;
    let sent = 0;
    let output = "";
    let timer = null;
    const collect = (d) => (output += d);
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.on("error", () => {}); // a send to a lane that just died: its "close" says what happened
    const next = () => {
      clearTimeout(timer);
      file = queue.shift() ?? null;
      output = "";
      if (!file) {
        child.send({ type: "stop" });
        return;
      }
      timer = setTimeout(() => {
        output += `\n  did not finish within ${timeoutMs / 1000} s (TEST_FILE_TIMEOUT): stopped\n`;
        child.kill("SIGKILL");
      }, timeoutMs);
      sent = Date.now();
      child.send({ type: "run", file });
    };
    child.on("message", (m) => {
      if (m.type === "ready") next();
      else if (m.type === "output") output += m.text;
      else if (m.type === "stray") {
        failed += 1;
        const whose = m.file ?? "an error outside any test file";
        failures.push(m.file ? `${m.file} (after it was done)` : whose);
        process.stdout.write(`${whose}: an error after its tests were done, counted as 1 failing:\n${m.text}\n\n`);
      } else if (m.type === "done") {
        report(rel(m.file), output, { ...m, ms: Date.now() - sent });
        next();
      }
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (file) {
        // The lane died (or was stopped) in the middle of a file: that file fails, the rest go on.
        const why = `\n  the test process exited (${signal ?? `code ${code}`}) while running this file\n`;
        report(rel(file), output + why, { passed: 0, failed: 1, skipped: 0, ms: Date.now() - sent, cpuMs: NaN });
        resolve(lane());
        return;
      }
      if (code !== 0 || signal) {
        failed += 1;
        failures.push("a test lane");
        process.stdout.write(`a test lane exited (${signal ?? `code ${code}`}) after its last file (counted as 1 failed)\n${output}\n\n`);
      }
      resolve();
    });
  });
}

function report(name, output, r) {
  passed += r.passed;
  failed += r.failed;
  skipped += r.skipped;
  if (r.failed) failures.push(name);
  for (const s of r.skippedNames ?? []) skippedNames.push(`${name}: ${s}`);
  done.push({ name, ms: r.ms, cpuMs: r.cpuMs });
  // Worded unlike the summary line, so that the last line is the only "N passed, N failed".
  const counts = [`${r.passed} ok`, ...(r.failed ? [`${r.failed} FAILING`] : []), ...(r.skipped ? [`${r.skipped} skipped`] : [])];
  process.stdout.write(`${name}: ${counts.join(", ")} (${(r.ms / 1000).toFixed(1)} s)\n${output.replace(/^\n+|\s+$/g, "")}\n\n`);
}

await Promise.all(Array.from({ length: lanes }, lane));

// A full run replaces the times (files gone are dropped); a filtered one updates its files'.
const nextTimes = filter ? times : {};
for (const d of done) nextTimes[d.name] = d.ms;
try {
  mkdirSync(path.dirname(timesFile), { recursive: true });
  writeFileSync(timesFile, JSON.stringify(nextTimes, null, 2) + "\n");
} catch {
  // a read-only checkout: the next run orders files by size again
}

const slowest = [...done].sort((a, b) => b.ms - a.ms).slice(0, Number(process.env.TEST_SLOWEST) || 5);
const cpu = (d) => (Number.isFinite(d.cpuMs) ? `, cpu ${(d.cpuMs / 1000).toFixed(1)} s in the lane` : "");
console.log(`slowest: ${slowest.map((d) => `${d.name} ${(d.ms / 1000).toFixed(1)} s${cpu(d)}`).join("; ")}`);
if (skipped > 0) {
  console.log(`${skipped} skipped${skippedNames.length ? ":" : ""}`);
  for (const s of skippedNames) console.log(`  ${s}`);
}
if (failures.length > 0) console.log(`failing: ${failures.join(", ")}`);
console.log(`${files.length} test files in ${lanes} lanes, ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);

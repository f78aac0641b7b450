#!/usr/bin/env node
// Runs every compiled test file (dist/**/*.test.js) with uvu in child processes, streams their
// output, and ends with the one line CI reads: "N passed, N failed". Exits non-zero on any failure.
import { spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
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

function find(dir, out = []) {
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith(".test.js")) out.push(p);
  }
  return out;
}

const files = ["test", "rules", "src"]
  .map((d) => path.join(dist, d))
  .filter((d) => { try { return statSync(d).isDirectory(); } catch { return false; } })
  .flatMap((d) => find(d))
  .filter((f) => !filter || filter.test(path.relative(dist, f)));

if (files.length === 0) {
  console.error("no test files found under dist/ (did the build run?)");
  console.log("0 passed, 1 failed");
  process.exit(1);
}

// The files are dealt in turn to one lane per core (at most 4; TEST_LANES sets it), each lane one
// uvu process, so both cores work.
const lanes = Math.max(1, Math.min(files.length, Number(process.env.TEST_LANES) || Math.min(availableParallelism(), 4)));
const buckets = Array.from({ length: lanes }, () => []);
files.forEach((f, i) => buckets[i % lanes].push(f));

function runLane(bucket) {
  return new Promise((resolve) => {
    const pattern = bucket.map((f) => path.relative(dist, f).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).map((s) => `^${s}$`).join("|");
    const child = spawn(process.execPath, [path.join(root, "node_modules/uvu/bin.js"), "dist", pattern, "--no-color"], {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: "0", ...(pglite ? { SQLGUARD_VERIFY_TESTS: "1" } : {}) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("close", (code) => resolve({ out, code }));
  });
}

const started = Date.now();
const results = await Promise.all(buckets.map(runLane));
let passed = 0;
let failed = 0;
for (const { out, code } of results) {
  process.stdout.write(out.replace(/\n  Total:[\s\S]*$/, "\n"));
  const total = Number(/Total:\s+(\d+)/.exec(out)?.[1] ?? NaN);
  const ok = Number(/Passed:\s+(\d+)/.exec(out)?.[1] ?? NaN);
  const skipped = Number(/Skipped:\s+(\d+)/.exec(out)?.[1] ?? 0);
  if (Number.isNaN(total) || Number.isNaN(ok)) {
    failed += 1; // the lane crashed before uvu could count
    continue;
  }
  passed += ok;
  const lost = total - ok - skipped;
  failed += lost > 0 ? lost : code !== 0 ? 1 : 0;
}
console.log(`\n${files.length} test files in ${lanes} lanes, ${((Date.now() - started) / 1000).toFixed(1)}s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);

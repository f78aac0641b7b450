/**
 * Sums a V8 CPU profile (`node --cpu-prof`) into where the time went: idle, garbage collection,
 * the WebAssembly parser, module loading and compiling, and the project's own code by source
 * file, plus the heaviest functions by self time. The analysis in bench/PROFILE.md is made with it.
 *
 * Usage: node dist/bench/profile.js <file.cpuprofile> [--top N]
 */
import { readFileSync } from "node:fs";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith("--"));
if (!file) throw new Error("usage: node dist/bench/profile.js <file.cpuprofile> [--top N]");
const top = args.includes("--top") ? Number(args[args.indexOf("--top") + 1]) : 25;
const p = JSON.parse(readFileSync(file, "utf8")) as Profile;
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

// self time per node: each sample's delta goes to the node sampled (deltas[i+1] belongs to sample i)
const self = new Map<number, number>();
for (let i = 0; i < p.samples.length; i++) {
  const dt = (p.timeDeltas[i + 1] ?? 0) / 1000;
  self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + dt);
}
const total = (p.endTime - p.startTime) / 1000;

/** Where a frame's code comes from, in a few words. */
function place(n: Node): string {
  const { functionName: f, url } = n.callFrame;
  if (f === "(idle)") return "idle (waiting: I/O, timers, other threads)";
  if (f === "(garbage collector)") return "garbage collection";
  if (f === "(program)") return "V8/Node native (compiling, loading, runtime)";
  if (f === "(root)") return "root";
  if (url === "" && /^\$?[a-z_0-9]+$/i.test(f) && isWasm(n)) return "WebAssembly (libpg-query)";
  if (url.includes("libpg-query")) return "libpg-query JS glue";
  if (url.startsWith("node:")) return `Node built-in ${url.replace(/^node:(internal\/)?/, "").split("/")[0]}`;
  if (url.includes("/node_modules/")) return `node_modules/${url.split("/node_modules/").pop()!.split("/")[0]}`;
  const m = /\/(src|rules|bench)\/(.*)$/.exec(url);
  if (m) return `${m[1]}/${m[2]}`;
  if (url.endsWith("bin.cjs") || url.endsWith("cli.cjs")) return "bundle (sqlguard code)";
  return url || "(native)";
}
function isWasm(n: Node): boolean {
  // WebAssembly frames carry a wasm:// url in newer V8, none in older; their callers lead to the glue
  for (let id: number | undefined = n.id; id !== undefined; id = parent.get(id)) {
    const u = byId.get(id)!.callFrame.url;
    if (u.includes("libpg-query")) return true;
    if (u !== "" && !u.startsWith("wasm")) return false;
  }
  return false;
}

const byPlace = new Map<string, number>();
const byFn = new Map<string, number>();
for (const [id, ms] of self) {
  const n = byId.get(id)!;
  const where = n.callFrame.url.startsWith("wasm") ? "WebAssembly (libpg-query)" : place(n);
  byPlace.set(where, (byPlace.get(where) ?? 0) + ms);
  const fn = `${n.callFrame.functionName || "(anonymous)"} ${where}:${n.callFrame.lineNumber + 1}`;
  byFn.set(fn, (byFn.get(fn) ?? 0) + ms);
}
const line = (ms: number, what: string) => `${ms.toFixed(0).padStart(7)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${what}`;
console.log(`${file}: ${total.toFixed(0)} ms profiled, ${p.samples.length} samples`);
console.log("\nself time by place:");
for (const [k, v] of [...byPlace].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(line(v, k));
console.log(`\ntop ${top} functions by self time:`);
for (const [k, v] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(line(v, k));

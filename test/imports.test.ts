/**
 * The house's one-way dependencies, checked on the sources: the engine knows no concrete rule
 * (only rules/index.ts assembles them), and no file under src/ takes part in an import cycle, type
 * imports included (a cycle of types today is a cycle of values after the next refactor).
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { root } from "./helpers.js";

const test = suite("imports");

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(full));
    else if (/\.m?ts$/.test(e.name) && !e.name.endsWith(".d.ts") && !e.name.endsWith(".test.ts")) out.push(full);
  }
  return out;
}

/** The relative modules a file imports or re-exports, as repository paths of .ts files. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const found: string[] = [];
  const re = /^\s*(?:import|export)\b[^;]*?\bfrom\s*["'](\.{1,2}\/[^"']+)["']|^\s*import\s*["'](\.{1,2}\/[^"']+)["']/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const spec = (m[1] ?? m[2])!;
    found.push(path.relative(root, path.resolve(path.dirname(file), spec.replace(/\.js$/, ".ts").replace(/\.mjs$/, ".mts"))).split(path.sep).join("/"));
  }
  return found;
}

const files = sources(path.join(root, "src"));
const graph = new Map(files.map((f) => [path.relative(root, f).split(path.sep).join("/"), importsOf(f)]));

test("the reader finds the imports it is meant to check", () => {
  assert.ok(graph.size > 50, `${graph.size} files`);
  assert.ok(graph.get("src/engine/linter.ts")!.includes("src/engine/run-rules.ts"));
  assert.ok(graph.get("src/cli/main.ts")!.some((f) => f.startsWith("rules/") || f.startsWith("src/")));
});

test("nothing under src/engine imports a rule", () => {
  for (const [file, deps] of graph) {
    if (!file.startsWith("src/engine/")) continue;
    assert.equal(deps.filter((d) => d.startsWith("rules/")), [], file);
  }
});

test("no import cycle between files under src/", () => {
  const state = new Map<string, "open" | "done">();
  const cycles: string[] = [];
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, "open");
    stack.push(file);
    for (const dep of graph.get(file) ?? []) {
      if (!graph.has(dep)) continue;
      const s = state.get(dep);
      if (s === "open") cycles.push([...stack.slice(stack.indexOf(dep)), dep].join(" -> "));
      else if (s === undefined) visit(dep);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  assert.equal(cycles, []);
});

test.run();

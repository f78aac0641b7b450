/**
 * Issue 18's speed target as the issue words it: the full rule set "within 1.3× of today's lint
 * time on pg-regress", where today is the day the target was set. That lint time is the one of
 * sqlguard as it stood then: commit d9402df (2026-11-25, the last commit before the work on that
 * round of issues began), with its own default rules, its own engine and the V8 flag its command
 * set (`--liftoff-only`). `bench/ratio.ts` measures a stricter stand-in, in one process: the full
 * set against today's engine running the 8 rules of that day (today's engine is faster, so the
 * stand-in asks more).
 *
 * This script builds that commit from this clone's history into a temporary folder (`git
 * archive`, compiled with this clone's TypeScript; it resolves this clone's node_modules, which
 * hold the same libpg-query and TypeScript versions it pinned), then lints pg-regress with it and
 * with today's full rule set (`sqlguard:migrations`: every rule on, as in a file detected as a
 * migration), each in processes of its own (`node --single-threaded`: garbage collection and
 * compilation stay on the measured thread), alternating, CPU time of the lint calls only, best of
 * many warm runs (the full set's code takes a dozen runs to be fully compiled). Prints JSON;
 * `available: false` with the reason when the commit is not in this clone (a shallow clone, a
 * tarball).
 *
 * Usage: node dist/bench/then.js <folder of .sql files> [--rounds N] [--reps N]
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { filesUnder } from "./files.js";
import { childJson, cpuMs } from "./measure.js";

/** sqlguard when issue 18 set its target (2026-11-25). */
export const THEN_COMMIT = "d9402df0574e2720dea0493257ac9fa9c6429c98";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Best CPU time (ms) of `reps` lints of every file, in this process. */
function best(lint: (text: string, file: string) => void, files: string[], reps: number): number {
  const texts = files.map((f) => readFileSync(f, "utf8"));
  let min = Infinity;
  for (let r = 0; r < reps; r++) min = Math.min(min, cpuMs(() => texts.forEach((t, i) => lint(t, files[i]!))));
  return min;
}

/** A child process: one build's lint of the folder, best of `reps`. */
async function child(which: string, dist: string, folder: string, reps: number): Promise<void> {
  const files = filesUnder(folder, /\.sql$/);
  let ms: number;
  if (which === "then") {
    // the flag its command set, before any WebAssembly is compiled
    (await import("node:v8")).setFlagsFromString("--liftoff-only");
    const at = (p: string) => import(pathToFileURL(path.join(dist, p)).href);
    const { lintText } = await at("src/engine/linter.js");
    const { Config } = await at("src/engine/config.js");
    await (await at("src/sql/parser.js")).loadParser();
    const config = new Config({}, process.cwd(), "bench");
    ms = best((text, filePath) => lintText(text, config, { filePath }), files, reps);
  } else {
    (await import("../src/cli/load-cli.js")).setV8Flags();
    const { builtin } = await import("../rules/index.js");
    const { Config } = await import("../src/engine/config.js");
    const { lintText } = await import("../src/lint/lint-text.js");
    await (await import("../src/sql/parser.js")).loadParser();
    const config = new Config({ extends: ["sqlguard:migrations"] }, process.cwd(), "bench", builtin);
    ms = best((text, filePath) => lintText(text, config, { filePath }), files, reps);
  }
  console.log(JSON.stringify({ ms }));
}

/** Builds the commit into a temporary folder; null with the reason when it cannot. */
function buildThen(): { dir: string } | { why: string } {
  try {
    execFileSync("git", ["-C", root, "cat-file", "-e", `${THEN_COMMIT}^{commit}`], { stdio: "ignore" });
  } catch {
    return { why: `commit ${THEN_COMMIT.slice(0, 7)} is not in this clone's history (a shallow clone or a copy without .git)` };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "sqlguard-then-"));
  try {
    const tar = execFileSync("git", ["-C", root, "archive", "--format=tar", THEN_COMMIT], { maxBuffer: 1 << 28 });
    execFileSync("tar", ["-x", "-C", dir], { input: tar });
    symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"), "dir");
    execFileSync(process.execPath, [path.join(root, "node_modules/typescript/bin/tsc"), "-p", dir], { stdio: "ignore" });
    if (!existsSync(path.join(dir, "dist/src/engine/linter.js"))) throw new Error("the build wrote no dist/src/engine/linter.js");
    return { dir };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    return { why: `building ${THEN_COMMIT.slice(0, 7)} failed: ${(e as Error).message.split("\n")[0]}` };
  }
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === "--child") return child(argv[1]!, argv[2]!, argv[3]!, Number(argv[4]));
  const folder = path.resolve(argv[0] ?? ".");
  const opt = (name: string, fallback: number) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : fallback);
  const rounds = opt("--rounds", 2);
  const reps = opt("--reps", 16);
  const built = buildThen();
  if ("why" in built) {
    console.log(JSON.stringify({ available: false, why: built.why, commit: THEN_COMMIT }));
    return;
  }
  const self = fileURLToPath(import.meta.url);
  const run = (which: "then" | "now", dist: string) => childJson<{ ms: number }>(["--single-threaded", self, "--child", which, dist, folder, String(reps)]).ms;
  const then: number[] = [];
  const now: number[] = [];
  try {
    for (let r = 0; r < rounds; r++) {
      then.push(run("then", path.join(built.dir, "dist")));
      now.push(run("now", path.join(root, "dist")));
    }
  } finally {
    rmSync(built.dir, { recursive: true, force: true });
  }
  const thenMs = Math.min(...then);
  const nowMs = Math.min(...now);
  console.log(JSON.stringify({ available: true, commit: THEN_COMMIT, files: filesUnder(folder, /\.sql$/).length, rounds, reps, thenMs, nowMs, ratio: nowMs / thenMs, thenRuns: then, nowRuns: now }));
}

await main(process.argv.slice(2));

/**
 * Makes dist/bundle/cli.cache, the V8 code cache of the CLI bundle (see src/cli/load-cli.ts): runs
 * the bundle once as a pre-commit hook would (one small SQL file, the default output), then saves
 * the bytecode of every function that run compiled. Run by the build (src/build/bundle.ts) in a
 * process of its own. Nothing is made on a Node that keeps its own compile cache (22.1+).
 */
import { rmSync, writeFileSync } from "node:fs";
import module from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CACHE_FILE, CLI_FILE, compileCli, setV8Flags } from "../cli/load-cli.js";

setV8Flags();
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const bundle = path.join(root, "dist/bundle");
const cacheFile = path.join(bundle, CACHE_FILE);
rmSync(cacheFile, { force: true });
if (typeof (module as { enableCompileCache?: unknown }).enableCompileCache !== "function") {
  const { script, run } = compileCli(path.join(bundle, CLI_FILE));
  const cli = run();
  let out = "";
  const code = await cli.main([path.join(root, "examples/delete-without-where.sql")], {
    cwd: root,
    stdout: (s) => void (out += s),
    stderr: (s) => void (out += s),
    isTTY: false,
    env: { ...process.env },
  });
  // the example has findings on purpose: exit code 1, and a report
  if (code !== 1 || !out.includes("require-where")) throw new Error(`code cache: the example run went wrong (exit ${code}):\n${out}`);
  writeFileSync(cacheFile, script.createCachedData());
}

/**
 * What the tests that run the real PGlite share. Each PGlite start costs seconds and hundreds of
 * MB, so these tests are not part of `npm test` (its budget is one minute on two cores): they run
 * with `npm run test:verify`, which .ci/run calls. The empty cluster (initdb's output, the slowest
 * part and the same for every run) is made once and kept in node_modules/.cache/sqlguard-test;
 * each test copies it into a fresh cache folder, so its migrations really are applied.
 */
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { pgliteVersion } from "../src/verify/pglite.js";
import { Runner } from "../src/verify/runner.js";
import { root, tempDir } from "./helpers.js";

/** Whether this run includes the PGlite tests (`npm run test:verify` sets it). */
export const withPglite = Boolean(process.env.SQLGUARD_VERIFY_TESTS);

const shared = path.join(root, "node_modules/.cache/sqlguard-test");
const base = path.join(shared, `base-pglite-${pgliteVersion()}.tar.gz`);

/** A cache folder that holds only the empty cluster. */
export async function freshCache(): Promise<string> {
  if (!existsSync(base)) {
    mkdirSync(shared, { recursive: true });
    const r = await Runner.start({ load: null, extensions: [], timeoutMs: 300_000 });
    try {
      await r.dump(base);
    } finally {
      await r.close();
    }
  }
  const dir = tempDir();
  copyFileSync(base, path.join(dir, path.basename(base)));
  return dir;
}

import { readdirSync } from "node:fs";
import path from "node:path";

/** Every file under `dir` whose name matches `ext`, sorted: the input lists of the benchmarks. */
export function filesUnder(dir: string, ext: RegExp, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) filesUnder(p, ext, out);
    else if (ext.test(e.name)) out.push(p);
  }
  return out.sort();
}

/**
 * picomatch and ignore, loaded on first use. A run on a few named files needs neither (no
 * walk, no globs, no config patterns), and loading them cost a start-up measurable next to a
 * native linter's; they stay outside the CLI bundle and come from node_modules when needed.
 */
import { createRequire } from "node:module";
import type PicomatchFn from "picomatch";
import type IgnoreFactory from "ignore";

const load = createRequire(import.meta.url);

let pm: typeof PicomatchFn | undefined;
let ig: typeof IgnoreFactory | undefined;

export type Matcher = (path: string) => boolean;
export type { Ignore } from "ignore";

export function picomatch(glob: string | readonly string[], options?: PicomatchFn.PicomatchOptions): Matcher {
  pm ??= load("picomatch") as typeof PicomatchFn;
  return pm(glob as string | string[], options);
}

export function ignore(): ReturnType<typeof IgnoreFactory> {
  ig ??= load("ignore") as typeof IgnoreFactory;
  return ig();
}

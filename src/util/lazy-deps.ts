/**
 * Dependencies loaded on first use: picomatch and ignore (a run on a few named files needs neither:
 * no walk, no globs, no config patterns) and the TypeScript reader (typescript-estree, which loads
 * TypeScript). Loading them cost a start-up measurable next to a native linter's; they stay outside
 * the CLI bundle and come from node_modules when needed. The SQL parser (libpg-query's WASM) has
 * its own binding, src/sql/wasm.ts, which loads it the same way.
 *
 * With src/sql/wasm.ts, the one engine module that loads code at run time (with Node's
 * `createRequire`). The
 * playground page replaces it with src/playground/lazy-deps.ts, which has the same exports and
 * imports the same packages up front, so that no other engine module needs a Node built-in to load
 * its dependencies.
 */
import { createRequire } from "node:module";
import type PicomatchFn from "picomatch";
import type IgnoreFactory from "ignore";

const load = createRequire(import.meta.url);

let pm: typeof PicomatchFn | undefined;
let ig: typeof IgnoreFactory | undefined;

export type Matcher = (path: string) => boolean;
export type { Ignore } from "ignore";
export type Estree = typeof import("@typescript-eslint/typescript-estree");
/** Node type → the keys of its children. */
export type VisitorKeys = Record<string, readonly string[] | undefined>;

export function picomatch(glob: string | readonly string[], options?: PicomatchFn.PicomatchOptions): Matcher {
  pm ??= load("picomatch") as typeof PicomatchFn;
  return pm(glob as string | string[], options);
}

export function ignore(): ReturnType<typeof IgnoreFactory> {
  ig ??= load("ignore") as typeof IgnoreFactory;
  return ig();
}

/** typescript-estree (and with it TypeScript). */
export function typescriptEstree(): Estree {
  return load("@typescript-eslint/typescript-estree") as Estree;
}

/** The child keys of every TSESTree node type. */
export function visitorKeys(): VisitorKeys {
  return (load("@typescript-eslint/visitor-keys") as { visitorKeys: VisitorKeys }).visitorKeys;
}

/**
 * The playground's twin of src/util/lazy-deps.ts (the build swaps it in): the same exports, with
 * every package inside the bundle instead of required from node_modules at run time, so that the
 * page makes no request once loaded.
 *
 * The parser (libpg-query) is src/playground/wasm.ts's, which starts fetching and compiling its
 * WASM when the page loads. typescript-estree (and TypeScript, most of the bundle) is a `require` that
 * esbuild resolves at build time and runs on first use: TypeScript's start-up then happens after
 * the SQL tab's first findings are on screen, not before.
 */
import picomatchFn from "picomatch";
import ignoreFactory from "ignore";
import type * as Node from "../util/lazy-deps.js";

export type { Matcher, Ignore, Estree, VisitorKeys } from "../util/lazy-deps.js";

let estree: Node.Estree | undefined;
let keys: Node.VisitorKeys | undefined;

export const picomatch: typeof Node.picomatch = (glob, options) => picomatchFn(glob as string | string[], options);
export const ignore: typeof Node.ignore = () => ignoreFactory();
export const typescriptEstree: typeof Node.typescriptEstree = () => (estree ??= require("@typescript-eslint/typescript-estree") as Node.Estree);
export const visitorKeys: typeof Node.visitorKeys = () =>
  (keys ??= (require("@typescript-eslint/visitor-keys") as { visitorKeys: Node.VisitorKeys }).visitorKeys);

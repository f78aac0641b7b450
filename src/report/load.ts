/**
 * The reporter for one format, loaded on demand: a run prints one format, and the CLI should
 * not pay for loading the others (SARIF pulls in hashing and the rule table). This table is the
 * one list of formats: `--help`, the CLI's check of `--format`, and `reporters` (which the
 * redaction test runs every format through) all come from it.
 */
import type { Reporter } from "./types.js";

const LOADERS = {
  stylish: async () => (await import("./stylish.js")).stylish,
  json: async () => (await import("./json.js")).json,
  compact: async () => (await import("./compact.js")).compact,
  sarif: async () => (await import("./sarif.js")).sarif,
  github: async () => (await import("./github.js")).github,
  html: async () => (await import("./html.js")).html,
} satisfies Record<string, () => Promise<Reporter>>;

export type Format = keyof typeof LOADERS;

export const FORMATS = Object.keys(LOADERS) as Format[];

export async function loadReporter(format: string): Promise<Reporter | null> {
  return Object.hasOwn(LOADERS, format) ? LOADERS[format as Format]() : null;
}

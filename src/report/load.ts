/**
 * The reporter for one format, loaded on demand: a run prints one format, and the CLI should
 * not pay for loading the others (SARIF pulls in hashing and the rule table).
 */
import type { Reporter } from "./index.js";

export const FORMATS = ["stylish", "json", "compact", "sarif", "github"] as const;

export async function loadReporter(format: string): Promise<Reporter | null> {
  switch (format) {
    case "stylish":
      return (await import("./stylish.js")).stylish;
    case "json":
      return (await import("./json.js")).json;
    case "compact":
      return (await import("./compact.js")).compact;
    case "sarif":
      return (await import("./sarif.js")).sarif;
    case "github":
      return (await import("./github.js")).github;
    default:
      return null;
  }
}

/**
 * Facts about the installed PGlite, found without loading it (a lint run never does, and verify's
 * own process never does either: only the runner's worker thread imports it): its version, for
 * the cache keys, and the contrib extensions it ships, to load those the migrations create.
 */
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

let found: { version: string; contrib: Set<string> } | null = null;

function locate(): { version: string; contrib: Set<string> } {
  if (found) return found;
  const require = createRequire(import.meta.url);
  const entry = require.resolve("@electric-sql/pglite"); // …/dist/index.cjs
  const dist = path.dirname(entry);
  const version = (JSON.parse(readFileSync(path.join(dist, "..", "package.json"), "utf8")) as { version: string }).version;
  const contrib = new Set<string>();
  try {
    for (const f of readdirSync(path.join(dist, "contrib"))) if (f.endsWith(".js")) contrib.add(f.slice(0, -3));
  } catch {
    // no contrib folder: no extension to offer
  }
  return (found = { version, contrib });
}

export function pgliteVersion(): string {
  return locate().version;
}

/** The contrib module that provides an extension (`uuid-ossp` → `uuid_ossp`), or null when PGlite has none. */
export function contribFor(extension: string): string | null {
  const name = extension.toLowerCase().replace(/-/g, "_");
  return locate().contrib.has(name) ? name : null;
}

/** Extensions that need no loading: built into PGlite's PostgreSQL. */
const BUILT_IN = new Set(["plpgsql"]);

/** The extensions a text creates (`CREATE EXTENSION [IF NOT EXISTS] "name"`). */
export function createdExtensions(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\bcreate\s+extension\s+(?:if\s+not\s+exists\s+)?(?:"([^"]+)"|([A-Za-z_][\w-]*))/gi)) {
    const name = (m[1] ?? m[2] ?? "").toLowerCase();
    if (name && !BUILT_IN.has(name)) out.push(name);
  }
  return out;
}

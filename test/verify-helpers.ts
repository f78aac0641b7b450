/**
 * Helpers for the tests of what `sqlguard verify` reports: findings as the engine turns them into
 * diagnostics (rule options, severities, directives, masking), without running PostgreSQL.
 */
import path from "node:path";
import { Config, type UserConfig } from "../src/engine/config.js";
import { lintText } from "../src/lint/lint-text.js";
import type { FileResult } from "../src/engine/types.js";
import type { VerifyEvent } from "../src/verify/events.js";
import { pendingOf } from "../src/verify/findings.js";
import { builtin } from "../rules/index.js";
import { root } from "./helpers.js";

/** The file's result when verify measured these events in it. */
export function reportEvents(text: string, events: VerifyEvent[], options: { filePath?: string; config?: UserConfig } = {}): FileResult {
  const config = new Config(options.config ?? {}, root, "test", builtin);
  const file = path.join(root, options.filePath ?? "migrations/001_test.sql");
  return lintText(text, config, { filePath: file, measured: pendingOf(events, file, text, config) });
}

/** The offsets of `needle` in `text` (the first occurrence), for events. */
export function at(text: string, needle: string): { start: number; end: number } {
  const start = text.indexOf(needle);
  if (start < 0) throw new Error(`${needle} not in the text`);
  return { start, end: start + needle.length };
}

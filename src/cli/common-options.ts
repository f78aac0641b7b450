/**
 * The options `sqlguard` and `sqlguard verify` share, declared and read once: the report's format,
 * `--output-file`, the config and `--rule` overrides, git sources, `--max-warnings`, `--quiet`,
 * colour and `--help`.
 */
import { parseRuleFlag, type RuleSetting } from "../engine/config.js";
import { FORMATS, loadReporter } from "../report/load.js";
import type { Reporter } from "../report/types.js";
import { UsageError } from "../sources/files.js";

/** For `parseArgs`: spread into each command's own options. */
export const COMMON_OPTIONS = {
  format: { type: "string", short: "f" },
  "output-file": { type: "string", short: "o" },
  config: { type: "string", short: "c" },
  rule: { type: "string", multiple: true },
  staged: { type: "boolean" },
  "changed-since": { type: "string" },
  "max-warnings": { type: "string" },
  quiet: { type: "boolean" },
  color: { type: "boolean" },
  "no-color": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** The reporter of `--format` (default stylish); an unknown one is a usage error. */
export async function reporterFor(format: string): Promise<Reporter> {
  const reporter = await loadReporter(format);
  if (!reporter) throw new UsageError(`unknown format "${format}" (choose one of: ${FORMATS.join(", ")})`);
  return reporter;
}

/** `--max-warnings`: a whole number ≥ 0; -1 when not given (no limit). */
export function maxWarningsOf(value: string | undefined): number {
  if (value === undefined) return -1;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--max-warnings needs a whole number ≥ 0 (got "${value}")`);
  return n;
}

/** The `--rule id:severity` overrides, by rule id. */
export function cliRulesOf(flags: readonly string[] | undefined): Record<string, RuleSetting> {
  const cliRules: Record<string, RuleSetting> = {};
  for (const r of flags ?? []) {
    const [id, setting] = parseRuleFlag(r);
    // defineProperty: `--rule __proto__:warn` is a key (an unknown rule), not the object's prototype
    Object.defineProperty(cliRules, id, { value: setting, enumerable: true, writable: true, configurable: true });
  }
  return cliRules;
}

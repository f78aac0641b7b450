/**
 * What the playground's config controls do to the config's JSON. The JSON text is the one source of
 * truth (it is what a user copies into sqlguard.config.json); each control reads its value from it
 * and writes a change back into it, leaving every other key as it was. No DOM here: tested in Node.
 */
import type { RuleSetting, UserConfig } from "../engine/config.js";
import type { Severity } from "../engine/rule.js";
import type { ToolId } from "../run-model/types.js";

/** The `overrides` entry the migration tool control owns: every file. */
export const ALL_FILES = "**";

/** "default": the rule's setting is not in the config. */
export type SeverityChoice = Severity | "default";

export interface RuleControl {
  severity: SeverityChoice;
  /** The options object, when the config gives one. */
  options: unknown;
}

/** A config object as 2-space JSON, the way sqlguard.config.json files are usually written. */
export function toJson(user: UserConfig): string {
  return JSON.stringify(user, null, 2) + "\n";
}

const SEVERITY_WORDS = new Map<unknown, Severity>([
  ["off", "off"],
  ["warn", "warn"],
  ["error", "error"],
  [0, "off"],
  [1, "warn"],
  [2, "error"],
]);

/** What the config says about one rule (its top-level `rules` entry). */
export function ruleControl(user: UserConfig, id: string): RuleControl {
  const setting = user.rules && Object.hasOwn(user.rules, id) ? user.rules[id] : undefined;
  if (setting === undefined) return { severity: "default", options: undefined };
  const [sev, options] = Array.isArray(setting) ? setting : [setting, undefined];
  return { severity: SEVERITY_WORDS.get(sev) ?? "default", options };
}

/**
 * Sets a rule's severity and options. `default` with no options removes the entry; options with
 * `default` keep the rule at the severity it has without a config (`fallback`), as an array needs one.
 */
export function setRule(user: UserConfig, id: string, severity: SeverityChoice, options: unknown, fallback: Severity): UserConfig {
  const rules = { ...(user.rules ?? {}) };
  if (severity === "default" && options === undefined) delete rules[id];
  else {
    const sev = severity === "default" ? fallback : severity;
    rules[id] = (options === undefined ? sev : [sev, options]) as RuleSetting;
  }
  const next: UserConfig = { ...user, rules };
  if (Object.keys(rules).length === 0) delete next.rules;
  return next;
}

/** Sets (or, with null, removes) `postgresVersion`. */
export function setPostgresVersion(user: UserConfig, version: number | null): UserConfig {
  const next = { ...user };
  if (version === null) delete next.postgresVersion;
  else next.postgresVersion = version;
  return next;
}

/** The migration tool the config sets for every file (the last `overrides` entry for `**` that names one). */
export function migrationToolOf(user: UserConfig): ToolId | "none" | null {
  let tool: ToolId | "none" | null = null;
  for (const o of user.overrides ?? []) {
    if (isAllFiles(o) && o.migrationTool !== undefined) tool = o.migrationTool;
  }
  return tool;
}

/**
 * Sets the migration tool for every file (null: detect it from the file). The control owns the
 * `overrides` entries for `**` that set only a tool; other entries are left as they are.
 */
export function setMigrationTool(user: UserConfig, tool: ToolId | "none" | null): UserConfig {
  const kept = (user.overrides ?? []).filter((o) => !(isAllFiles(o) && o.migrationTool !== undefined && Object.keys(o).length === 2));
  const overrides = tool === null ? kept : [...kept, { files: [ALL_FILES], migrationTool: tool }];
  const next: UserConfig = { ...user, overrides };
  if (overrides.length === 0) delete next.overrides;
  return next;
}

function isAllFiles(o: { files: string[] }): boolean {
  return Array.isArray(o.files) && o.files.length === 1 && o.files[0] === ALL_FILES;
}

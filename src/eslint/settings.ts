/**
 * The plugin's settings for a file: the project's sqlguard config (sqlguard.config.json, .js,
 * .mjs or "sqlguard" in package.json — the nearest to the file, as ESLint 10 finds its own), with
 * `settings.sqlguard` in an ESLint config overriding it key by key. What the config says, the
 * plugin follows as the command does: project settings (production and local hosts, files a
 * migration tool wraps in a transaction, the migration tool of `overrides`, which strings in code
 * hold SQL), `ignores`, and which rules are on or off where, with which options. Severities are
 * ESLint's. `settings.sqlguard` is checked like the config: an unknown key or a bad value is an
 * error naming it; so is an invalid config file.
 */
import picomatch from "picomatch";
import { relativeWithin } from "../util/paths.js";
import { configSchema, DEFAULT_POSTGRES_VERSION, type Config, type ResolvedRule } from "../engine/config.js";
import type { SharedSettings } from "../engine/rule.js";
import type { ToolId } from "../run-model/types.js";
import { projectConfig, SettingsError } from "./project-config.js";

export { SettingsError } from "./project-config.js";
import { validate, type JsonSchema } from "../engine/schema.js";
import { embeddedSchema, resolveEmbedded, type EmbeddedConfig, type EmbeddedSettings } from "../extract/embedded.js";

export interface PluginSettings {
  prodHosts?: string[];
  localHosts?: string[];
  postgresVersion?: number;
  /** Globs (relative to ESLint's working directory), or true/false for the files a config object matches. */
  assumeInTransaction?: string[] | boolean;
  embedded?: EmbeddedConfig;
}

const cli = configSchema.properties!;

export const settingsSchema: JsonSchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    prodHosts: cli.prodHosts!,
    localHosts: cli.localHosts!,
    postgresVersion: cli.postgresVersion!,
    assumeInTransaction: {
      description:
        "Files a migration tool runs inside a transaction of its own: globs relative to ESLint's working directory, or `true` in a config object whose `files` select them.",
      oneOf: [cli.assumeInTransaction!, { type: "boolean" }],
    },
    embedded: embeddedSchema,
  },
};

/** Keys of sqlguard.config that belong in the config file (which the plugin reads) or in ESLint's own config. */
const ESLINT_OWN: Record<string, string> = {
  rules: 'set them in sqlguard.config.json, which the plugin reads, or in ESLint\'s "rules" ("sqlguard/require-where": "error")',
  overrides: 'put them in sqlguard.config.json, which the plugin reads, or use a config object with "files" (and "settings" or "rules")',
  ignores: 'put them in sqlguard.config.json, which the plugin reads, or use ESLint\'s "ignores"',
  reportUnusedDirectives: 'use ESLint\'s "linterOptions.reportUnusedDisableDirectives"',
  maxFileSize: "ESLint reads every file it is given",
};

export interface ResolvedSettings {
  shared: SharedSettings;
  embedded: EmbeddedSettings;
  /** Whether a migration tool wraps this file (absolute path) in a transaction. */
  assumeInTransaction(file: string, cwd: string): boolean;
  /** The migration tool the config's `overrides` name for this file. */
  migrationTool(file: string): ToolId | "none" | undefined;
  /** The file is in the config's `ignores`: no sqlguard rule reports in it. */
  ignored(file: string): boolean;
  /** What the config says about a rule in a file (see `Config.settingFor`). */
  ruleSetting(file: string, id: string, migration: boolean): ResolvedRule | null | undefined;
}

/** Checked `settings.sqlguard` objects. */
const checked = new WeakMap<object, PluginSettings>();
/** Merged settings, per config (or none) and `settings.sqlguard` object (or none). */
const merged = new WeakMap<object, WeakMap<object, ResolvedSettings>>();
const NO_CONFIG = {};
const NO_SETTINGS = {};

/**
 * The settings for a file: its project's config with `settings.sqlguard` over it (throws a
 * SettingsError naming what is wrong in either). `file` is the file on disk (absolute, or
 * relative to `cwd`); one that is not (`<text>`) finds the config from `cwd`.
 */
export function resolveSettings(raw: unknown, file?: string, cwd?: string): ResolvedSettings {
  const user = checkSettings(raw);
  const config = file !== undefined ? projectConfig(file, cwd ?? process.cwd()) : null;
  const byConfig = merged.get(config ?? NO_CONFIG) ?? new WeakMap<object, ResolvedSettings>();
  merged.set(config ?? NO_CONFIG, byConfig);
  const key = raw !== null && typeof raw === "object" ? raw : NO_SETTINGS;
  let resolved = byConfig.get(key);
  if (!resolved) byConfig.set(key, (resolved = build(user, config)));
  return resolved;
}

function checkSettings(raw: unknown): PluginSettings {
  if (raw === undefined || raw === null) return {};
  if (typeof raw === "object") {
    const hit = checked.get(raw);
    if (hit) return hit;
  }
  if (typeof raw === "object" && !Array.isArray(raw)) {
    for (const key of Object.keys(raw)) {
      const hint = ESLINT_OWN[key];
      if (hint) throw new SettingsError(`settings.sqlguard.${key}: not a setting of the ESLint plugin: ${hint}`);
    }
  }
  const errors = validate(settingsSchema, raw);
  if (errors.length > 0) {
    const first = errors[0]!.replace(/^value: /, "");
    const where = first.startsWith("must ") ? `settings.sqlguard ${first}` : `settings.sqlguard.${first}`;
    throw new SettingsError(where);
  }
  const user = raw as PluginSettings;
  checked.set(raw as object, user);
  return user;
}

function build(user: PluginSettings, config: Config | null): ResolvedSettings {
  let embedded = config?.embedded ?? resolveEmbedded(undefined).settings;
  if (user.embedded !== undefined) {
    const own = resolveEmbedded(user.embedded);
    if (own.errors.length > 0) throw new SettingsError(`settings.sqlguard.${own.errors[0]}`);
    embedded = own.settings;
  }
  const assume = user.assumeInTransaction;
  const match = Array.isArray(assume) && assume.length > 0 ? picomatch(assume, { dot: true }) : null;
  const shared: SharedSettings = {
    prodHosts: user.prodHosts ?? config?.prodHosts ?? [],
    localHosts: user.localHosts ?? config?.localHosts ?? [],
    postgresVersion: user.postgresVersion ?? config?.postgresVersion ?? DEFAULT_POSTGRES_VERSION,
  };
  return {
    shared,
    embedded,
    assumeInTransaction(file, cwd) {
      if (typeof assume === "boolean") return assume;
      if (assume === undefined) return config?.assumeInTransaction(file) ?? false;
      if (!match) return false;
      const rel = relativeWithin(cwd, file);
      return rel !== null && match(rel);
    },
    migrationTool: (file) => config?.migrationTool(file),
    ignored: (file) => config?.isIgnored(file) ?? false,
    ruleSetting: (file, id, migration) => config?.settingFor(file, id, { migration }),
  };
}

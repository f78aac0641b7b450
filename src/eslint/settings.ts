/**
 * `settings.sqlguard` in an ESLint config: the project-wide settings the CLI reads from
 * sqlguard.config (production and local hosts, files a migration tool wraps in a transaction,
 * which strings in code hold SQL). Rules, severities, options and ignores are ESLint's own.
 * Checked like the CLI's config: an unknown key or a bad value is an error naming it.
 */
import picomatch from "picomatch";
import { relativeWithin } from "../util/paths.js";
import { configSchema, DEFAULT_POSTGRES_VERSION } from "../engine/config.js";
import type { SharedSettings } from "../engine/rule.js";
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

/** Keys of sqlguard.config that ESLint configures its own way. */
const ESLINT_OWN: Record<string, string> = {
  rules: 'set rules in ESLint\'s "rules" ("sqlguard/require-where": "error")',
  overrides: 'use a config object with "files" (and "settings" or "rules") instead',
  ignores: 'use ESLint\'s "ignores"',
  reportUnusedDirectives: 'use ESLint\'s "linterOptions.reportUnusedDisableDirectives"',
  maxFileSize: "ESLint reads every file it is given",
};

export interface ResolvedSettings {
  shared: SharedSettings;
  embedded: EmbeddedSettings;
  /** Whether a migration tool wraps this file (absolute path) in a transaction. */
  assumeInTransaction(file: string, cwd: string): boolean;
}

/** A bad `settings.sqlguard`: thrown from the rules, so ESLint stops and names it. */
export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SettingsError";
  }
}

const cache = new WeakMap<object, ResolvedSettings>();
let defaults: ResolvedSettings | null = null;

/** Checks and resolves `settings.sqlguard` (throws a SettingsError naming what is wrong). */
export function resolveSettings(raw: unknown): ResolvedSettings {
  if (raw === undefined || raw === null) return (defaults ??= build({}));
  if (typeof raw === "object") {
    const hit = cache.get(raw);
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
  const resolved = build(raw as PluginSettings);
  cache.set(raw as object, resolved);
  return resolved;
}

function build(user: PluginSettings): ResolvedSettings {
  const embedded = resolveEmbedded(user.embedded);
  if (embedded.errors.length > 0) throw new SettingsError(`settings.sqlguard.${embedded.errors[0]}`);
  const assume = user.assumeInTransaction;
  const match = Array.isArray(assume) && assume.length > 0 ? picomatch(assume, { dot: true }) : null;
  return {
    shared: { prodHosts: user.prodHosts ?? [], localHosts: user.localHosts ?? [], postgresVersion: user.postgresVersion ?? DEFAULT_POSTGRES_VERSION },
    embedded: embedded.settings,
    assumeInTransaction(file, cwd) {
      if (typeof assume === "boolean") return assume;
      if (!match) return false;
      const rel = relativeWithin(cwd, file);
      return rel !== null && match(rel);
    },
  };
}

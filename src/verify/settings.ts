/**
 * The `verify` key of the config: where the migrations are when sqlguard cannot tell, what the
 * runner does to them before PostgreSQL sees them, and where the migrated databases are cached.
 * Only plain data and its schema live here: the config module reads it in every lint run, and a
 * lint run must not load anything of verify beyond this.
 */
import type { JsonSchema } from "../engine/schema.js";

export type TxModeSetting = "wrapped" | "implicit" | "none";

export interface MigrationSetConfig {
  /** The folder, relative to the config file. */
  dir: string;
  /** A tool sqlguard knows (sets the order and the transaction model); see docs/verify.md. */
  tool?: string;
  /** Globs (relative to `dir`) of the migration files; default: the tool's. */
  files?: string[];
  /** How the files are ordered: by name, or by the version number in the name. */
  order?: "name" | "version";
  /** How each file is sent: overrides the tool's model. */
  transaction?: TxModeSetting;
  /** Text the tool replaces before sending a file (a schema placeholder, a template marker). */
  substitute?: { pattern: string; with: string }[];
  /** SQL the tool (or the environment) runs once before the first migration. */
  setup?: string;
}

export interface VerifyConfig {
  migrations?: MigrationSetConfig[];
  /** SQL run once on every fresh database before its migrations: roles, schemas the platform provides. */
  setup?: string;
  /** Where migrated databases are cached (relative to the config file). */
  cacheDir?: string;
  /** Seconds one statement may run before PGlite is stopped. */
  timeout?: number;
  /** PGlite extensions to load beyond those the migrations create. */
  extensions?: string[];
}

const txMode: JsonSchema = { type: "string", enum: ["wrapped", "implicit", "none"] };

export const verifySchema: JsonSchema = {
  type: "object",
  additionalProperties: false,
  description: "Settings of `sqlguard verify` (see docs/verify.md).",
  properties: {
    migrations: {
      type: "array",
      description: "Migration folders, when sqlguard does not find them by itself (replaces the detection).",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["dir"],
        properties: {
          dir: { type: "string", minLength: 1 },
          tool: { type: "string", minLength: 1 },
          files: { type: "array", items: { type: "string", minLength: 1 } },
          order: { type: "string", enum: ["name", "version"] },
          transaction: txMode,
          substitute: {
            type: "array",
            items: {
              type: "object",
              additionalProperties: false,
              required: ["pattern", "with"],
              properties: { pattern: { type: "string", minLength: 1 }, with: { type: "string" } },
            },
          },
          setup: { type: "string" },
        },
      },
    },
    setup: { type: "string", description: "SQL run on every fresh database before its migrations (roles, schemas the platform provides)." },
    cacheDir: { type: "string", minLength: 1, description: "Where migrated databases are cached (default node_modules/.cache/sqlguard/verify, or .sqlguardcache-verify without node_modules)." },
    timeout: { type: "number", minimum: 1, description: "Seconds one statement may run before PGlite is stopped (default 60)." },
    extensions: { type: "array", items: { type: "string", minLength: 1 }, description: "PGlite extensions to load beyond those the migrations create." },
  },
};

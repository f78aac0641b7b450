/**
 * Configuration: `sqlguard.config.json|js|mjs`, or `"sqlguard"` in package.json, found from the
 * working directory upwards (or given with --config). Every key and value is checked; anything
 * unknown or malformed is a ConfigError naming it (the CLI exits 2), never silently ignored.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { RuleSet } from "./rule-set.js";
import type { Rule, Severity } from "./rule.js";
import { show, validate, withDefaults, type JsonSchema } from "./schema.js";
import { embeddedSchema, resolveEmbedded, type EmbeddedConfig, type EmbeddedSettings } from "../extract/embedded.js";
import { ignore, picomatch, type Ignore } from "../util/lazy-deps.js";
import { relativeWithin } from "../util/paths.js";
import { importModule } from "../util/import-module.js";
import { CODE_TOOL_IDS, TOOL_IDS, type ToolId } from "../run-model/types.js";
import { CODE_EXTENSIONS } from "../extract/extensions.js";
import { verifySchema, type VerifyConfig } from "../verify/settings.js";

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

export type SeverityValue = Severity | 0 | 1 | 2;
export type RuleSetting = SeverityValue | [SeverityValue, unknown?];

/**
 * Rule presets a config can extend: `sqlguard:migrations` turns every migration-safety rule on at
 * its default severity (where the config or `overrides` entry applies), also in files sqlguard does
 * not recognise as migrations.
 */
export const PRESETS = ["sqlguard:migrations"] as const;
export type Preset = (typeof PRESETS)[number];

export interface UserConfig {
  $schema?: string;
  extends?: Preset | Preset[];
  rules?: Record<string, RuleSetting>;
  ignores?: string[];
  assumeInTransaction?: string[];
  prodHosts?: string[];
  localHosts?: string[];
  postgresVersion?: number;
  overrides?: { files: string[]; extends?: Preset | Preset[]; rules?: Record<string, RuleSetting>; assumeInTransaction?: boolean; migrationTool?: ToolId | "none" }[];
  reportUnusedDirectives?: Severity;
  maxFileSize?: number | string;
  embedded?: EmbeddedConfig;
  verify?: VerifyConfig;
}

export const CONFIG_FILES = ["sqlguard.config.json", "sqlguard.config.js", "sqlguard.config.mjs"] as const;

/** The JSON Schema of sqlguard.config.json, at the package's root (`"$schema"`; see docs/config-schema.ts). */
export const SCHEMA_FILE = "sqlguard.config.schema.json";

/**
 * The oldest PostgreSQL major version the project still supports (https://www.postgresql.org/support/versioning/):
 * 14 stopped receiving fixes on 2026-11-12.
 */
export const DEFAULT_POSTGRES_VERSION = 15;

const presetSchema: JsonSchema = {
  oneOf: [
    { type: "string", enum: PRESETS },
    { type: "array", items: { type: "string", enum: PRESETS } },
  ],
  description:
    "`sqlguard:migrations`: every migration-safety rule at its default severity, also where no migration tool is detected (by default they are on only in files detected as migrations).",
};

/** Globs and host patterns: an empty one means nothing (and the glob library throws on it). */
const patternList: JsonSchema = { type: "array", items: { type: "string", minLength: 1 } };

/** The config file's schema (rule settings are checked against each rule's own schema). */
export const configSchema: JsonSchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    $schema: { type: "string" },
    rules: { type: "object", description: "Rule id → severity, or [severity, options]." },
    ignores: { ...patternList, description: "Paths not to lint, in .gitignore syntax, relative to the config file." },
    assumeInTransaction: {
      ...patternList,
      description: "Globs of files a migration tool runs inside a transaction of its own.",
    },
    prodHosts: { ...patternList, description: "Host globs that always count as production." },
    localHosts: { ...patternList, description: "Host globs that never count as production." },
    postgresVersion: {
      type: "integer",
      minimum: 9,
      maximum: 99,
      description: `Oldest PostgreSQL major version the SQL must run on (default ${DEFAULT_POSTGRES_VERSION}, the oldest the PostgreSQL project still supports): what is safe depends on it.`,
    },
    overrides: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["files"],
        properties: {
          files: { ...patternList, minItems: 1 },
          extends: presetSchema,
          rules: { type: "object" },
          assumeInTransaction: { type: "boolean" },
          migrationTool: {
            type: "string",
            enum: [...TOOL_IDS, "none"],
            description:
              "The tool that runs these files, when sqlguard does not recognise it, or `none`: no migrations. SQL files take any tool; a file of code (a migration written in TypeScript/JavaScript) takes node-pg-migrate, knex, typeorm, sequelize, mikro-orm, db-migrate or kysely. See docs/migration-tools.md.",
          },
        },
      },
    },
    reportUnusedDirectives: { type: "string", enum: ["off", "warn", "error"] },
    maxFileSize: {
      oneOf: [{ type: "integer", minimum: 0 }, { type: "string" }],
      description: 'Larger files are reported and not read: bytes, or a size such as "20MB"; 0 means no limit.',
    },
    embedded: embeddedSchema,
    extends: presetSchema,
    verify: verifySchema,
  },
};

export interface SerializedConfig {
  user: UserConfig;
  baseDir: string;
  source: string;
  cliRules: Record<string, RuleSetting>;
}

export interface ResolvedRule {
  rule: Rule;
  severity: "warn" | "error";
  options: unknown;
}

export const DEFAULT_MAX_FILE_SIZE = 32 * 1024 * 1024;

interface Override {
  match: (p: string) => boolean;
  /** Rule id → setting (null: off), presets first, then the entry's rules, then --rule. */
  rules: Map<string, ResolvedRule | null>;
  assume?: boolean;
  tool?: ToolId | "none";
}

/** The migration rules a preset list turns on. */
function presetRules(ruleSet: RuleSet, presets: Preset | Preset[] | undefined): string[] {
  const list = presets === undefined ? [] : Array.isArray(presets) ? presets : [presets];
  return list.includes("sqlguard:migrations") ? ruleSet.rules.filter((r) => r.migration && r.defaultSeverity !== "off").map((r) => r.id) : [];
}

export class Config {
  /** Rules enabled for files no override matches. */
  private readonly base: Map<string, ResolvedRule>;
  /** Rule ids the config's top level or the command line sets (a preset counts). */
  private readonly baseExplicit: Set<string>;
  /** Migration-safety rules at their default severity: on in migrations the config says nothing about. */
  private readonly migrationDefaults: Map<string, ResolvedRule>;
  private readonly overrides: Override[];
  private readonly ignorer: Ignore | null;
  private readonly assumeMatch: ((p: string) => boolean) | null;
  private readonly cache = new Map<string, Map<string, ResolvedRule>>();
  readonly reportUnusedDirectives: Severity;
  readonly maxFileSize: number;
  readonly prodHosts: string[];
  readonly localHosts: string[];
  readonly postgresVersion: number;
  /** Which strings in TypeScript/JavaScript files hold SQL. */
  readonly embedded: EmbeddedSettings;

  constructor(
    readonly user: UserConfig,
    /** Folder the config's relative patterns start from. */
    readonly baseDir: string,
    /** Where it came from (a path, or "defaults"). */
    readonly source: string,
    /** The rules there are (the built-in set: rules/index.ts). */
    readonly ruleSet: RuleSet,
    /** --rule settings, applied over the file's. */
    readonly cliRules: Record<string, RuleSetting> = {},
  ) {
    const where = source === "defaults" ? "--rule" : path.basename(source);
    checkConfig(user, where);
    // Migration-safety rules are on at their default severity in files detected as migrations
    // (see rulesFor), and elsewhere only where the config turns them on.
    this.base = new Map();
    this.migrationDefaults = new Map();
    for (const rule of ruleSet.rules) {
      if (rule.defaultSeverity === "off") continue;
      (rule.migration ? this.migrationDefaults : this.base).set(rule.id, resolve(rule, rule.defaultSeverity, undefined, where));
    }
    this.baseExplicit = new Set([...Object.keys(user.rules ?? {}), ...Object.keys(cliRules)]);
    for (const id of presetRules(ruleSet, user.extends)) {
      this.base.set(id, this.migrationDefaults.get(id)!);
      this.baseExplicit.add(id);
    }
    applySettings(ruleSet, this.base, user.rules ?? {}, where, "rules");
    applySettings(ruleSet, this.base, cliRules, "--rule", "");
    this.overrides = (user.overrides ?? []).map((o, i) => {
      const m = new Map<string, ResolvedRule | null>();
      for (const id of presetRules(ruleSet, o.extends)) m.set(id, this.migrationDefaults.get(id)!);
      for (const [id, setting] of Object.entries(o.rules ?? {})) {
        m.set(id, resolveSetting(ruleSet, id, setting, where, `overrides[${i}].rules`));
      }
      // command-line rules win over everything in the file
      for (const [id, setting] of Object.entries(cliRules)) m.set(id, resolveSetting(ruleSet, id, setting, "--rule", ""));
      const match = globs(o.files, where, `overrides[${i}].files`);
      const entry: Override = { match: (p) => match(p), rules: m };
      if (o.assumeInTransaction !== undefined) entry.assume = o.assumeInTransaction;
      if (o.migrationTool !== undefined) entry.tool = checkCodeTool(o.migrationTool, o.files, where, i);
      return entry;
    });
    this.ignorer = user.ignores?.length ? ignore().add(user.ignores) : null;
    this.assumeMatch = user.assumeInTransaction?.length ? globs(user.assumeInTransaction, where, "assumeInTransaction") : null;
    this.reportUnusedDirectives = user.reportUnusedDirectives ?? "warn";
    this.maxFileSize = parseSize(user.maxFileSize, where) ?? DEFAULT_MAX_FILE_SIZE;
    this.prodHosts = user.prodHosts ?? [];
    this.localHosts = user.localHosts ?? [];
    this.postgresVersion = user.postgresVersion ?? DEFAULT_POSTGRES_VERSION;
    const embedded = resolveEmbedded(user.embedded);
    if (embedded.errors.length > 0) throw new ConfigError(`${where}: ${embedded.errors[0]}`);
    this.embedded = embedded.settings;
  }

  /** What it takes to build the same config elsewhere (a worker thread): plain data. */
  serialize(): SerializedConfig {
    return { user: this.user, baseDir: this.baseDir, source: this.source, cliRules: this.cliRules };
  }

  static deserialize(s: SerializedConfig, ruleSet: RuleSet): Config {
    return new Config(s.user, s.baseDir, s.source, ruleSet, s.cliRules);
  }

  /** The path of a file relative to the config folder, with `/` (null when outside it). */
  relative(file: string): string | null {
    return relativeWithin(this.baseDir, file);
  }

  /**
   * The rules that apply to a file, with severities and options. `migration`: the file was detected
   * as a migration (its migration tool, or the config's `assumeInTransaction`, or a file directive):
   * the migration-safety rules the config says nothing about are on at their default severity.
   */
  rulesFor(file: string, options: { migration?: boolean } = {}): Map<string, ResolvedRule> {
    const rel = this.relative(file);
    const matching = rel === null ? [] : this.overrides.filter((o) => o.match(rel));
    const migration = options.migration === true && this.migrationDefaults.size > 0;
    if (matching.length === 0 && !migration) return this.base;
    const key = `${matching.map((o) => this.overrides.indexOf(o)).join(",")}${migration ? "+migration" : ""}`;
    let merged = this.cache.get(key);
    if (!merged) {
      merged = new Map(this.base);
      const explicit = new Set(this.baseExplicit);
      for (const o of matching) {
        for (const [id, r] of o.rules) {
          explicit.add(id);
          if (r === null) merged.delete(id);
          else merged.set(id, r);
        }
      }
      if (migration) for (const [id, r] of this.migrationDefaults) if (!explicit.has(id)) merged.set(id, r);
      this.cache.set(key, merged);
    }
    return merged;
  }

  /**
   * What the config itself says about a rule in a file — its top level, a preset, the `overrides`
   * entries matching the file, `--rule`: the rule with its options, null when that turns it off,
   * undefined when none of them names it (its default applies). The ESLint plugin asks this: what
   * the config says, it follows; what it does not say, ESLint's own config decides.
   */
  settingFor(file: string, id: string, options: { migration?: boolean } = {}): ResolvedRule | null | undefined {
    const rel = this.relative(file);
    const named = this.baseExplicit.has(id) || (rel !== null && this.overrides.some((o) => o.rules.has(id) && o.match(rel)));
    if (!named) return undefined;
    return this.rulesFor(file, options).get(id) ?? null;
  }

  /** Whether `ignores` excludes a file, or a folder (`folder`: so that `vendor/` matches it, as in .gitignore). */
  isIgnored(file: string, folder = false): boolean {
    return this.ignoredBy(file, folder) !== null;
  }

  /** The `ignores` pattern that excludes a file or folder (null when none does). */
  ignoredBy(file: string, folder = false): string | null {
    const rel = this.relative(file);
    if (rel === null || rel === "" || this.ignorer === null) return null;
    const t = this.ignorer.test(folder ? `${rel}/` : rel);
    return t.ignored ? (t.rule?.pattern ?? "") : null;
  }

  /** Whether a migration tool wraps this file in a transaction (config `assumeInTransaction`). */
  assumeInTransaction(file: string): boolean {
    const rel = this.relative(file);
    if (rel === null) return false;
    let assume = this.assumeMatch ? this.assumeMatch(rel) : false;
    for (const o of this.overrides) if (o.assume !== undefined && o.match(rel)) assume = o.assume;
    return assume;
  }

  /** The tool that runs this file, when an `overrides` entry names it (the last matching one wins). */
  migrationTool(file: string): ToolId | "none" | undefined {
    const rel = this.relative(file);
    if (rel === null) return undefined;
    let tool: ToolId | "none" | undefined;
    for (const o of this.overrides) if (o.tool !== undefined && o.match(rel)) tool = o.tool;
    return tool;
  }
}

/**
 * A `migrationTool` that runs SQL files only (goose, Flyway…), in an entry whose globs name only
 * code files (`src/migrations/*.ts`): it could apply to none of them, so it is a mistake, said as
 * such. An entry whose globs may also match SQL files keeps it for those; its code files are read
 * as detected (`--print-config` says so).
 */
function checkCodeTool(tool: ToolId | "none", files: string[], where: string, i: number): ToolId | "none" {
  if (tool === "none" || CODE_TOOL_IDS.includes(tool) || !files.every(namesOnlyCode)) return tool;
  const list = CODE_TOOL_IDS.map((t) => `"${t}"`).join(", ");
  throw new ConfigError(
    `${where}: overrides[${i}].migrationTool: "${tool}" runs SQL files, but overrides[${i}].files names only code files (${files.join(", ")}); a migration written in code is one of ${list}, or "none"`,
  );
}

/** A glob that can match only TypeScript/JavaScript files: its name ends in `.ts`, `.{ts,js}`… */
function namesOnlyCode(pattern: string): boolean {
  if (pattern.startsWith("!")) return false;
  const m = /\.(?:([A-Za-z]+)|\{([A-Za-z,]+)\})$/.exec(pattern);
  if (!m) return false;
  const exts = m[1] !== undefined ? [m[1]] : m[2]!.split(",");
  return exts.every((e) => (CODE_EXTENSIONS as readonly string[]).includes(`.${e.toLowerCase()}`));
}

/** Compiles globs; one the glob library rejects (a 70,000-character pattern) is a config error naming it. */
function globs(patterns: string[], where: string, key: string): (p: string) => boolean {
  for (let i = 0; i < patterns.length; i++) {
    try {
      picomatch(patterns[i]!, { dot: true });
    } catch (e) {
      throw new ConfigError(`${where}: ${key}[${i}]: not a usable glob (${(e as Error).message})`);
    }
  }
  return picomatch(patterns, { dot: true });
}

function checkConfig(user: unknown, where: string): void {
  let errors: string[];
  try {
    errors = validate(configSchema, user);
  } catch (e) {
    // a JS config's getter that throws, a Proxy…: still the config's fault, said as such
    throw new ConfigError(`${where}: cannot be read: ${(e as Error)?.message ?? String(e)}`);
  }
  if (errors.length > 0) {
    throw new ConfigError(`${where}: ${errors[0]!.replace(/^value: /, "")}${hintFor(errors[0]!)}`);
  }
}

function hintFor(error: string): string {
  const m = /^(\w+): unknown option/.exec(error);
  if (!m) return "";
  const known = Object.keys(configSchema.properties ?? {}).filter((k) => k !== "$schema");
  return ` — the config knows: ${known.join(", ")}`;
}

function applySettings(ruleSet: RuleSet, target: Map<string, ResolvedRule>, settings: Record<string, RuleSetting>, where: string, at: string): void {
  for (const [id, setting] of Object.entries(settings)) {
    const r = resolveSetting(ruleSet, id, setting, where, at);
    if (r === null) target.delete(id);
    else target.set(id, r);
  }
}

const SEVERITIES = new Map<unknown, Severity>([
  ["off", "off"],
  ["warn", "warn"],
  ["error", "error"],
  [0, "off"],
  [1, "warn"],
  [2, "error"],
  ["0", "off"],
  ["1", "warn"],
  ["2", "error"],
]);

function resolveSetting(ruleSet: RuleSet, id: string, setting: RuleSetting, where: string, at: string): ResolvedRule | null {
  const name = at ? `${at}.${id}` : id;
  const rule = ruleSet.get(id);
  if (!rule) {
    const hint = ruleSet.suggest(id);
    throw new ConfigError(`${where}: ${name}: unknown rule "${id}"${hint ? ` (did you mean "${hint}"?)` : ""}`);
  }
  const [sev, options] = Array.isArray(setting) ? setting : [setting, undefined];
  const severity = SEVERITIES.get(sev);
  if (!severity) {
    throw new ConfigError(`${where}: ${name}: severity must be "off", "warn" or "error" (got ${show(sev)})`);
  }
  if (Array.isArray(setting) && setting.length > 2) {
    throw new ConfigError(`${where}: ${name}: expected [severity, options], got ${setting.length} elements`);
  }
  if (severity === "off") return null;
  return resolve(rule, severity, options, where, name);
}

function resolve(rule: Rule, severity: "warn" | "error", options: unknown, where: string, name = rule.id): ResolvedRule {
  if (options !== undefined) {
    if (!rule.schema) throw new ConfigError(`${where}: ${name}: this rule takes no options`);
    const errors = validate(rule.schema, options);
    if (errors.length > 0) throw new ConfigError(`${where}: ${name}: ${errors[0]!.replace(/^value: /, "options: ")}`);
  }
  return { rule, severity, options: withDefaults(rule.schema, options) };
}

/**
 * A size limit in bytes: a number, or `"20MB"`, `"512kb"`, `"100"`. `0` (in any form) means no
 * limit, as a file of any size is linted by ESLint; `Infinity` is returned for it.
 */
function parseSize(value: number | string | undefined, where: string): number | null {
  if (value === undefined) return null;
  // in a config file the key is named; on the command line `where` is the option itself
  const name = where.startsWith("--") ? where : `${where}: maxFileSize`;
  let bytes: number;
  if (typeof value === "number") bytes = value;
  else {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|k|mb|m|gb|g)?\s*$/i.exec(value);
    if (!m) throw new ConfigError(`${name}: expected a number of bytes or a size like "20MB", 0 for no limit (got ${show(value)})`);
    const unit = (m[2] ?? "b").toLowerCase()[0];
    const mult = unit === "k" ? 1024 : unit === "m" ? 1024 ** 2 : unit === "g" ? 1024 ** 3 : 1;
    bytes = Math.round(Number(m[1]) * mult);
    if (bytes === 0 && Number(m[1]) > 0) throw new ConfigError(`${name}: ${show(value)} is less than a byte (0 means no limit)`);
  }
  return bytes === 0 ? Number.POSITIVE_INFINITY : bytes;
}

export { parseSize };

/** Finds the config for `cwd`: the nearest folder upwards holding one. */
export function findConfigFile(cwd: string, probe: ConfigProbe = ON_DISK): { file: string; packageJson: boolean } | null {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    for (const name of CONFIG_FILES) {
      const p = path.join(dir, name);
      if (probe.isFile(p)) return { file: p, packageJson: false };
    }
    const pkg = path.join(dir, "package.json");
    if (probe.isFile(pkg) && probe.hasSqlguardKey(pkg)) return { file: pkg, packageJson: true };
    if (path.dirname(dir) === dir) return null;
  }
}

/** How `findConfigFile` looks at a folder's candidates (the ESLint plugin's remembers what it read). */
export interface ConfigProbe {
  /** A file (not a folder) is there. */
  isFile(file: string): boolean;
  /** The package.json holds a "sqlguard" key; a broken one is not ours to judge: no key. */
  hasSqlguardKey(packageJson: string): boolean;
}

const ON_DISK: ConfigProbe = {
  isFile(file) {
    try {
      return statSync(file).isFile();
    } catch {
      return false;
    }
  },
  hasSqlguardKey: packageJsonHasKey,
};

/** Whether a package.json holds a "sqlguard" key (false when it cannot be read as JSON). */
export function packageJsonHasKey(file: string): boolean {
  try {
    const json = JSON.parse(withoutBom(readFileSync(file, "utf8"))) as unknown;
    return json !== null && typeof json === "object" && Object.hasOwn(json, "sqlguard");
  } catch {
    return false;
  }
}

export interface LoadConfigOptions {
  cwd: string;
  /** The rules there are (the built-in set: rules/index.ts). */
  ruleSet: RuleSet;
  /** --config FILE */
  configFile?: string;
  /** --rule id:severity */
  cliRules?: Record<string, RuleSetting>;
}

export async function loadConfig(options: LoadConfigOptions): Promise<Config> {
  const cliRules = options.cliRules ?? {};
  let found: { file: string; packageJson: boolean } | null;
  if (options.configFile) {
    const file = path.resolve(options.cwd, options.configFile);
    if (!existsSync(file)) throw new ConfigError(`--config ${options.configFile}: no such file`);
    found = { file, packageJson: path.basename(file) === "package.json" };
  } else {
    found = findConfigFile(options.cwd);
  }
  if (!found) return new Config({}, path.resolve(options.cwd), "defaults", options.ruleSet, cliRules);
  const user = await readConfigFile(found.file, found.packageJson);
  return new Config(user, path.dirname(found.file), found.file, options.ruleSet, cliRules);
}

/**
 * Reads a config file synchronously (the ESLint plugin's rules cannot wait). JSON as `loadConfig`
 * reads it; a `.js`/`.mjs` config through `require`, which loads an ES module synchronously on the
 * Node versions sqlguard supports (one with a top-level `await` cannot be: the error says so).
 */
export function readConfigFileSync(file: string, packageJson: boolean): UserConfig {
  if (file.endsWith(".json")) return readJsonConfig(file, packageJson);
  const name = path.basename(file);
  let mod: unknown;
  try {
    mod = createRequire(import.meta.url)(file);
  } catch (e) {
    throw new ConfigError(`${name}: failed to load: ${(e as Error).message.split("\n")[0]}`);
  }
  // an ES module's namespace (its `default` is the config), or CommonJS `module.exports` (the config
  // itself, as `import()` hands it over as `default`)
  const value = Object.prototype.toString.call(mod) === "[object Module]" ? (mod as { default?: unknown }).default : mod;
  if (value === undefined) throw new ConfigError(`${name}: has no default export`);
  return value as UserConfig;
}

function readJsonConfig(file: string, packageJson: boolean): UserConfig {
  const name = path.basename(file);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new ConfigError(`${name}: cannot read it (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  return parseConfigJson(text, name, packageJson);
}

async function readConfigFile(file: string, packageJson: boolean): Promise<UserConfig> {
  const name = path.basename(file);
  if (file.endsWith(".json")) return readJsonConfig(file, packageJson);
  try {
    // The file's time and size in the URL: loading the config again in the same process (the CLI's
    // main called twice, an editor) reads the file as it is now, not as the module cache kept it.
    const st = statSync(file);
    const mod = (await importModule(`${pathToFileURL(file).href}?mtime=${st.mtimeMs}&size=${st.size}`)) as { default?: unknown };
    const value = mod.default;
    if (value === undefined) throw new ConfigError(`${name}: has no default export`);
    return value as UserConfig;
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(`${name}: failed to load: ${(e as Error).message}`);
  }
}

/**
 * The config a JSON file's text holds (not yet checked: `new Config` does that), or a ConfigError
 * saying where the JSON is broken. `name` is the file's name, as messages show it. The playground
 * reads its config panel through here too, so it shows the messages the command line prints.
 */
export function parseConfigJson(text: string, name: string, packageJson = false): UserConfig {
  const clean = withoutBom(text);
  let json: unknown;
  try {
    json = JSON.parse(clean);
  } catch (e) {
    throw new ConfigError(`${name}: not valid JSON: ${jsonErrorWhere(clean, e as Error)}`);
  }
  if (packageJson) {
    const cfg = json && typeof json === "object" && Object.hasOwn(json, "sqlguard") ? (json as Record<string, unknown>).sqlguard : undefined;
    if (cfg === undefined) throw new ConfigError(`${name}: has no "sqlguard" key`);
    return cfg as UserConfig;
  }
  return json as UserConfig;
}

/** Editors save JSON with a UTF-8 BOM now and then; JSON.parse rejects it. */
function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function jsonErrorWhere(text: string, e: Error): string {
  const m = /position (\d+)/.exec(e.message);
  if (!m) return e.message;
  const pos = Number(m[1]);
  const before = text.slice(0, pos);
  const line = before.split(/\r\n|\r|\n/).length;
  const column = pos - Math.max(before.lastIndexOf("\n"), before.lastIndexOf("\r")) ;
  return `${e.message.replace(/ in JSON at position \d+.*$/, "")} at line ${line}, column ${column}`;
}

/** Parses a --rule value: `id:severity` or `id:[severity, {options}]` (JSON after the colon). */
export function parseRuleFlag(value: string): [string, RuleSetting] {
  const i = value.indexOf(":");
  if (i <= 0) throw new ConfigError(`--rule ${value}: expected id:severity, e.g. --rule require-where:warn`);
  const id = value.slice(0, i).trim();
  const rest = value.slice(i + 1).trim();
  if (rest.startsWith("[")) {
    try {
      return [id, JSON.parse(rest) as RuleSetting];
    } catch {
      throw new ConfigError(`--rule ${value}: the part after ':' is not valid JSON`);
    }
  }
  return [id, rest as RuleSetting];
}

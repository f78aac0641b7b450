/**
 * `sqlguard --print-config <file>`: the configuration the linter applies to one file, as JSON.
 * The rules with their severities and options (defaults filled in) after `overrides`, `extends`,
 * `--rule` and the migration-safety rules a migration turns on; the settings rules read; and how
 * the file runs: the migration tool detected (or configured), the evidence, and the transaction
 * model of each unit. It answers "why did (or didn't) sqlguard say that about this file?".
 */
import { existsSync } from "node:fs";
import path from "node:path";
import type { Config } from "../engine/config.js";
import { extract, fileKind } from "../extract/index.js";
import { sharedSettings } from "../lint/lint-text.js";
import { configuredForCode, isMigrationRun, resolveRunModel, TOOLS, type CodeRunModel, type OptOut, type RunModel, type RunUnit, type ToolId } from "../run-model/index.js";
import { readSource, UsageError } from "../sources/files.js";
import { loadParser } from "../sql/parser.js";
import { LineIndex } from "../sql/text.js";
import { fsPath } from "../util/file-names.js";

/** The printed object (documented in the README's CLI section). */
export interface PrintedConfig {
  filePath: string;
  /** The config file in force, or "defaults". */
  configFile: string;
  /** The config's `ignores` exclude the file (a walk skips it; named, it is still linted). */
  ignored: boolean;
  /** The file is linted as a migration: the migration-safety rules the config says nothing about are on. */
  migration: boolean;
  /** Rule id → severity, or [severity, options] for rules that take options (defaults filled in). */
  rules: Record<string, string | [string, unknown]>;
  /** What every rule reads: `postgresVersion`, `prodHosts`, `localHosts`. */
  settings: { postgresVersion: number; prodHosts: readonly string[]; localHosts: readonly string[] };
  /** Other config keys as they apply to this file. */
  assumeInTransaction: boolean;
  migrationTool: string | null;
  reportUnusedDirectives: string;
  embedded?: { tags: string[]; functions: string[]; transactions: string[]; literals: boolean };
  /** How the file runs. */
  runModel: PrintedRunModel;
}

interface PrintedUnit {
  role: string;
  name: string;
  lines: [number, number];
  transaction: string;
  optOut?: PrintedOptOut;
  refusedStatements: string;
  runApart?: string[];
}

interface PrintedOptOut {
  marker: string;
  used: boolean;
  honoured: boolean;
  /** The transaction mode the marker gives. */
  gives: string;
}

interface PrintedRunModel {
  /** Tool id (`goose`, `typeorm`…), or null: no migration tool, run as psql would. */
  tool: string | null;
  toolName: string | null;
  version: string | null;
  /** detected, config, directive or default. */
  source: string;
  /** The database the file is written for, when its folder names another than PostgreSQL. */
  database?: string;
  evidence: { fact: string; source: string }[];
  /** SQL files: the units the tool runs, each with its transaction. */
  units?: PrintedUnit[];
  /** Code migrations: how each SQL string of the migration runs. */
  transaction?: string;
  sinks?: string[];
  optOut?: PrintedOptOut;
  notes: string[];
  /** The same decision in words. */
  explanation: string[];
}

/** The resolved configuration of `file` (relative to `cwd`), or a UsageError when it cannot be read. */
export async function printConfig(file: string, config: Config, cwd: string): Promise<PrintedConfig> {
  const filePath = path.resolve(cwd, file);
  if (!existsSync(fsPath(filePath))) throw new UsageError(`--print-config ${file}: no such file`);
  const read = await readSource(filePath, config.maxFileSize, false);
  if (read.text === null) throw new UsageError(`--print-config ${file}: ${read.notices[0]?.message ?? "cannot read the file"}`);
  const text = read.text;
  const kind = fileKind(filePath);
  const lines = new LineIndex(text);
  const lineOf = (offset: number) => lines.lineOf(offset) + 1;

  // Whether it is a migration, decided as the linter decides it: from the documents extracted.
  if (kind !== "text") await loadParser();
  const migrationTool = config.migrationTool(filePath);
  const documents = extract(filePath, text, {
    assumeInTransaction: config.assumeInTransaction(filePath),
    ...(migrationTool ? { migrationTool } : {}),
    lineOf,
    embedded: config.embedded,
  });
  const migration = documents.sql.some((p) => isMigrationRun(p.doc.run));

  const rules: PrintedConfig["rules"] = {};
  const resolved = [...config.rulesFor(filePath, { migration }).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [id, r] of resolved) rules[id] = hasOptions(r.options) ? [r.severity, r.options] : r.severity;

  const { sql, code, explanation } = resolveRunModel(filePath, text, config, { lineOf });
  const out: PrintedConfig = {
    filePath,
    configFile: config.source,
    ignored: config.isIgnored(filePath),
    migration,
    rules,
    settings: sharedSettings(config),
    assumeInTransaction: config.assumeInTransaction(filePath),
    migrationTool: migrationTool ?? null,
    reportUnusedDirectives: config.reportUnusedDirectives,
    ...(kind === "code" ? { embedded: embedded(config) } : {}),
    runModel: sql ? sqlModel(sql, lineOf, explanation) : codeModel(code, explanation, kind === "code" ? migrationTool : undefined),
  };
  return out;
}

/** Options worth printing: anything but nothing or an empty object (a rule without options gets `{}`). */
function hasOptions(options: unknown): boolean {
  if (options === undefined || options === null) return false;
  return typeof options !== "object" || Array.isArray(options) || Object.keys(options).length > 0;
}

/** Which strings of a code file are read as SQL (config `embedded`, defaults included). */
function embedded(config: Config): NonNullable<PrintedConfig["embedded"]> {
  const names = (list: { text: string }[]) => list.map((p) => p.text);
  const e = config.embedded;
  return { tags: names(e.tags), functions: names(e.functions), transactions: names(e.transactions), literals: e.literals };
}

function optOut(o: OptOut | null): PrintedOptOut | undefined {
  return o ? { marker: o.marker, used: o.present, honoured: o.honoured, gives: o.effect } : undefined;
}

/** What becomes of a statement PostgreSQL refuses in a transaction block (`CREATE INDEX CONCURRENTLY`). */
function refused(u: RunUnit): string {
  if (u.refused !== "fails") return REFUSED[u.refused] ?? u.refused;
  if (u.transaction === "wrapped") return "fail: they run inside the tool's transaction";
  if (u.transaction === "implicit") return "fail beside another statement of the unit (one implicit transaction); alone they run";
  return "run, each on its own, unless the file opens a transaction around them";
}

const REFUSED: Record<string, string> = {
  apart: "run apart, outside the transaction",
  flyway: "alone in a migration: run without a transaction; beside others: refused by Flyway",
  "flyway-mixed": "make the whole migration run without a transaction (mixed = true)",
};

function sqlModel(model: RunModel, lineOf: (offset: number) => number, explanation: string[]): PrintedRunModel {
  const info = model.tool ? TOOLS[model.tool] : null;
  return {
    tool: model.tool,
    toolName: info?.name ?? null,
    version: model.version,
    source: model.source,
    ...(model.database ? { database: model.database } : {}),
    evidence: model.evidence.map((e) => ({ ...e })),
    units: model.units.map((u) => {
      const o = optOut(u.optOut);
      const unit: PrintedUnit = {
        role: u.role,
        name: u.name,
        lines: [lineOf(u.start), lineOf(Math.max(u.start, u.end - 1))],
        transaction: u.transaction,
        ...(o ? { optOut: o } : {}),
        refusedStatements: refused(u),
        ...(u.apart?.length ? { runApart: [...u.apart] } : {}),
      };
      return unit;
    }),
    notes: [...model.notes],
    explanation,
  };
}

/** A code file's model; `configured`: the config's `migrationTool` for it. */
function codeModel(model: CodeRunModel | null, explanation: string[], configured: ToolId | "none" | undefined): PrintedRunModel {
  const said = configuredForCode(configured);
  if (!model) {
    if (configured === "none") return { tool: null, toolName: null, version: null, source: "config", evidence: [{ fact: said!, source: "config" }], notes: [], explanation };
    return { tool: null, toolName: null, version: null, source: "default", evidence: [], notes: said ? [said] : [], explanation };
  }
  const o = optOut(model.optOut);
  return {
    tool: model.tool,
    toolName: TOOLS[model.tool].name,
    version: model.version,
    source: model.source,
    ...(model.database ? { database: model.database } : {}),
    evidence: model.evidence.map((e) => ({ ...e })),
    transaction: model.transaction,
    sinks: [...model.sinks],
    ...(o ? { optOut: o } : {}),
    notes: [...model.notes, ...(said ? [said] : [])],
    explanation,
  };
}

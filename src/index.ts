/**
 * sqlguard's API: lint SQL text or files with the same engine the CLI and the ESLint plugin use.
 *
 *   import { lintText, loadConfig, loadParser } from "sqlguard";
 *   await loadParser();
 *   const config = await loadConfig({ cwd: process.cwd() });
 *   const result = lintText("DELETE FROM orders;", config, { filePath: "x.sql" });
 */
import { builtin, builtinRules } from "../rules/index.js";
import { loadConfig as loadProjectConfig, type Config, type LoadConfigOptions } from "./engine/config.js";
import type { Rule } from "./engine/rule.js";
import type { RuleSet } from "./engine/rule-set.js";

export { loadParser, parseSql } from "./sql/parser.js";
export { lex, lexScript } from "./sql/lexer.js";
export type { LexResult, ScriptItem, StatementItem, MetaItem, CopyDataItem, Comment } from "./sql/lexer.js";
export { SqlDocument, Statement, parseDocument } from "./sql/document.js";
export type { DocumentOptions, ParsedDocument, TxState } from "./sql/document.js";
export { lintText, applyFixes } from "./lint/lint-text.js";
export type { LintTextOptions } from "./lint/lint-text.js";
export { lintDocuments } from "./engine/linter.js";
export type { EngineInput, EngineOptions, FileNotice } from "./engine/linter.js";
export { Config, ConfigError } from "./engine/config.js";
export type { UserConfig, RuleSetting } from "./engine/config.js";
export { RuleSet } from "./engine/rule-set.js";

/** Every rule sqlguard ships, and the same as a rule set (what `Config` takes). */
export const rules = builtinRules;
export { builtin };
export const ruleById: ReadonlyMap<string, Rule> = new Map(builtinRules.map((r) => [r.id, r]));

/** Finds and reads the project's config (see `LoadConfigOptions`); the rules are sqlguard's own unless given. */
export function loadConfig(options: Omit<LoadConfigOptions, "ruleSet"> & { ruleSet?: RuleSet }): Promise<Config> {
  return loadProjectConfig({ ruleSet: builtin, ...options });
}
export { defineRule, docsUrl, options } from "./engine/rule.js";
export type { RuleDefinition, RuleContext, RuleListeners, NodeContext, ReportDescriptor, TextDocument } from "./engine/rule.js";
export type { StatementType, NodeOf } from "./sql/statements.js";
export type { Diagnostic, FileResult } from "./engine/types.js";
export { reporters } from "./report/index.js";
export { findConnectionStrings } from "./secrets/connection-strings.js";
export type { ConnectionString, ConnectionForm, Finding as ConnectionFinding, HostMention } from "./secrets/connection-strings.js";
export { classifyHost } from "./secrets/hosts.js";
export type { HostPolicy, HostVerdict } from "./secrets/hosts.js";
export { VERSION } from "./version.js";

/**
 * sqlguard's API: lint SQL text or files with the same engine the CLI and the ESLint plugin use.
 *
 *   import { lintText, loadConfig, loadParser } from "sqlguard";
 *   await loadParser();
 *   const config = await loadConfig({ cwd: process.cwd() });
 *   const result = lintText("DELETE FROM orders;", config, { filePath: "x.sql" });
 */
export { loadParser, parseSql } from "./sql/parser.js";
export { lex, lexScript } from "./sql/lexer.js";
export type { LexResult, ScriptItem, StatementItem, MetaItem, CopyDataItem, Comment } from "./sql/lexer.js";
export { SqlDocument, Statement, parseDocument } from "./sql/document.js";
export type { DocumentOptions, ParsedDocument, TxState } from "./sql/document.js";
export { lintText, applyFixes } from "./engine/linter.js";
export type { LintTextOptions, FileNotice } from "./engine/linter.js";
export { Config, ConfigError, loadConfig } from "./engine/config.js";
export type { UserConfig, RuleSetting } from "./engine/config.js";
export { rules, ruleById } from "./engine/registry.js";
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

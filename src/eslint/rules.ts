/**
 * ESLint rules `sqlguard/<id>`, one per rule of the set: thin adapters. Each file's documents are
 * extracted once, as the CLI extracts them (the first rule builds them, the others reuse them), and
 * each rule runs through the engine's one function, `lintDocuments`, which applies `sqlguard-…`
 * directives and masks every credential; the adapter only hands each of the rule's messages to
 * `context.report` at its place in the file.
 *
 * - Code files (`Program`): the SQL strings are extracted from the tree ESLint already parsed
 *   (nothing is parsed twice; files the cheap pre-check finds no SQL in cost nothing more), and
 *   every offset maps back through escapes, line breaks and `${…}`. Text rules
 *   (`no-prod-connection-string`) report what lies in string literals, templates and comments.
 * - `.sql` files (the `sqlguard/sql` language's `Script`): the documents the language parsed.
 *
 * Severity comes from ESLint's config; `eslint-disable` comments are ESLint's business. The
 * project's sqlguard config (see settings.ts) decides where each rule reports, as in the CLI.
 */
import path from "node:path";
import type { Linter, Rule as ESLintRule, SourceCode as JsSourceCode } from "eslint";
import type { TSESTree } from "@typescript-eslint/typescript-estree";
import { lintDocuments, reportOf, withoutSecretFixes, type EngineInput } from "../engine/linter.js";
import { FileSecrets } from "../engine/masking.js";
import { docsUrl, type Rule } from "../engine/rule.js";
import { withDefaults } from "../engine/schema.js";
import type { Diagnostic } from "../engine/types.js";
import { extract, type Extraction } from "../extract/index.js";
import { isMigrationRun } from "../run-model/index.js";
import { builtin } from "../../rules/index.js";
import { parseScript, SqlSourceCode } from "./language.js";
import { resolveSettings, type ResolvedSettings } from "./settings.js";
import { VERSION } from "../version.js";

type Range = [number, number];

/** A file's documents, built once for every rule that reads them. */
interface FileState {
  /** The engine's input (documents extracted on first use, their statements parsed once). */
  input(): EngineInput;
  settings: ResolvedSettings;
  /** The file's absolute path (where the project's config is looked up, and its globs matched). */
  file: string;
  /** The file is a migration: migration rules report here. */
  migration(): boolean;
  /** For code: whether a text finding lies in a string literal, a template or a comment. */
  inText?(start: number, end: number): boolean;
  locOf(offset: number): { line: number; column: number };
}

interface Context {
  sourceCode: ESLintRule.RuleContext["sourceCode"] | SqlSourceCode;
  settings: Record<string, unknown>;
  filename: string;
  /** The file on disk (a processor's code block has a `filename` of its own inside it). */
  physicalFilename?: string;
  cwd: string;
}

/**
 * The file on disk, absolute. Text ESLint was given no name for (`<text>`) counts as a file of
 * that name in ESLint's working directory: the config found from there applies to it.
 */
function physicalFile(context: Context): string {
  return path.resolve(context.cwd, context.physicalFilename ?? context.filename);
}

const states = new WeakMap<object, FileState>();

/**
 * Messages the engine capped at warning (`atMostWarning`: a finding sqlguard is not sure of), by
 * file: ESLint gives every report of a rule the rule's configured severity, so the plugin's
 * processor lowers these after the rules ran, as the CLI does.
 */
const capped = new Map<string, Set<string>>();
const cappedKey = (ruleId: string, messageId: string | undefined, line: number, column: number, endLine: number | undefined, endColumn: number | undefined) =>
  `${ruleId}\0${messageId ?? ""}\0${line}:${column}-${endLine ?? ""}:${endColumn ?? ""}`;

/**
 * A processor that hands the file through unchanged (fixes keep their offsets) and lowers the
 * messages the engine capped at warning to severity 1.
 */
export const severityProcessor: Linter.Processor = {
  meta: { name: "sqlguard/severity", version: VERSION },
  supportsAutofix: true,
  preprocess(text: string, filename: string) {
    capped.delete(filename);
    return [text];
  },
  postprocess(lists: Linter.LintMessage[][], filename: string) {
    const keys = capped.get(filename);
    capped.delete(filename);
    const messages = lists.flat();
    if (!keys) return messages;
    return messages.map((m) =>
      m.severity === 2 && m.ruleId && keys.has(cappedKey(m.ruleId, m.messageId, m.line, m.column, m.endLine, m.endColumn)) ? { ...m, severity: 1 as const } : m,
    );
  },
};

function lazy<T>(make: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = make();
      done = true;
    }
    return value;
  };
}

function displayPathOf(context: Context): string {
  const rel = path.relative(context.cwd, context.filename);
  return (rel === "" || rel.startsWith("..") || path.isAbsolute(rel) ? context.filename : rel).split(path.sep).join("/");
}

/** The engine's input for a file, its credentials found once for every rule. */
function inputOf(context: Context, text: string, kind: EngineInput["kind"], extraction: Extraction, settings: ResolvedSettings): EngineInput {
  const secrets = new FileSecrets(text, kind, () => extraction.sql, () => extraction.text.connectionStrings(settings.shared));
  return { filePath: displayPathOf(context), text, documents: extraction, kind, secrets, ...(extraction.notices ? { notices: extraction.notices } : {}) };
}

function sqlFileState(context: Context, sourceCode: SqlSourceCode, settings: ResolvedSettings): FileState {
  const text = sourceCode.text;
  const file = physicalFile(context);
  const extraction = lazy(() => {
    const parsed = sourceCode.extraction;
    // The config names the migration tool that runs this file, or says (as settings.sqlguard may)
    // that one wraps it in a transaction, which its own run model did not see: the units and
    // transaction states differ, so the statements are read again, as the command reads them.
    const migrationTool = settings.migrationTool(file);
    const assume = settings.assumeInTransaction(file, context.cwd);
    if (migrationTool !== undefined || (assume && !parsed.sql.some((p) => p.doc.assumeInTransaction || p.doc.transactionDirective !== null))) {
      return parseScript(text, file, { assumeInTransaction: assume, ...(migrationTool !== undefined ? { migrationTool } : {}) }).extraction;
    }
    return parsed;
  });
  const input = lazy(() => inputOf(context, text, "sql", extraction(), settings));
  return { input, settings, file, migration: lazy(() => extraction().sql.some((p) => isMigrationRun(p.doc.run))), locOf: (o) => sourceCode.getLocFromIndex(o) };
}

function codeFileState(context: Context, sourceCode: JsSourceCode, settings: ResolvedSettings): FileState {
  const text = sourceCode.text;
  const extraction = lazy(() => {
    const lineOf = (o: number) => sourceCode.getLocFromIndex(o).line;
    // the config may name the migration tool that runs the file (or say it is none), as for the command
    const migrationTool = settings.migrationTool(physicalFile(context));
    const found = extract(context.filename, text, {
      ...(migrationTool !== undefined ? { migrationTool } : {}),
      kind: "code",
      program: sourceCode.ast as unknown as TSESTree.Program,
      // walked with the keys of the parser that built it (the project's), not a copy of our own
      visitorKeys: sourceCode.visitorKeys as Record<string, readonly string[] | undefined>,
      embedded: settings.embedded,
      assumeInTransaction: settings.assumeInTransaction(physicalFile(context), context.cwd),
      lineOf,
    });
    // Statements are parsed once here and replayed for each rule.
    found.sql = found.sql.map((p) => ({ ...p, events: [...p.doc.events()] }));
    return found;
  });
  const input = lazy(() => inputOf(context, text, "code", extraction(), settings));
  const comments = lazy(() => sourceCode.getAllComments().map((c) => c.range as Range));
  const inText = (start: number, end: number): boolean => {
    if (comments().some(([a, b]) => a <= start && end <= b)) return true;
    type Node = { type: string; range?: Range; parent?: Node | null; value?: unknown };
    for (let n = sourceCode.getNodeByRangeIndex(start) as Node | null; n; n = n.parent ?? null) {
      const [a, b] = n.range ?? [0, 0];
      if (b < end || a > start) continue;
      if ((n.type === "Literal" && typeof n.value === "string") || n.type === "TemplateLiteral" || n.type === "JSXText") return true;
      if (n.type.endsWith("Statement") || n.type === "Program") return false;
    }
    return false;
  };
  return {
    input,
    settings,
    file: physicalFile(context),
    migration: lazy(() => extraction().sql.some((p) => isMigrationRun(p.doc.run))),
    inText,
    locOf: (o) => sourceCode.getLocFromIndex(o),
  };
}

function fileState(context: Context, settings: ResolvedSettings): FileState | null {
  const sourceCode = context.sourceCode;
  let state = states.get(sourceCode);
  if (!state) {
    if (sourceCode instanceof SqlSourceCode) state = sqlFileState(context, sourceCode, settings);
    else if ((sourceCode.ast as { type?: string }).type === "Program") state = codeFileState(context, sourceCode as JsSourceCode, settings);
    else return null;
    states.set(sourceCode, state);
  }
  return state;
}

/** Each file's settings, looked up once for all the rules that run on it (the config is found on disk). */
const fileSettings = new WeakMap<object, { raw: unknown; settings: ResolvedSettings }>();

function settingsOf(context: Context): ResolvedSettings {
  const raw = context.settings?.sqlguard;
  const hit = fileSettings.get(context.sourceCode);
  if (hit && hit.raw === raw) return hit.settings;
  const settings = resolveSettings(raw, physicalFile(context), context.cwd);
  fileSettings.set(context.sourceCode, { raw, settings });
  return settings;
}

/**
 * Runs one rule over the file through the engine; returns the rule's messages. The project's
 * config decides where the rule runs and, unless ESLint's config gives options of its own, with
 * which options; where the config says nothing, the rule runs as ESLint's config has it (a
 * migration rule only in files detected as migrations, as in the command).
 */
function messagesFor(rule: Rule, eslintOptions: { options: unknown; given: boolean }, state: FileState): Diagnostic[] {
  if (state.settings.ignored(state.file)) return [];
  const said = state.settings.ruleSetting(state.file, rule.id, state.migration());
  if (said === null) return [];
  if (said === undefined && rule.migration && !state.migration()) return [];
  const options = said && !eslintOptions.given ? said.options : eslintOptions.options;
  const result = withoutSecretFixes(
    lintDocuments(state.input(), {
      runs: [{ rule, options, severity: 2 }],
      settings: state.settings.shared,
      ruleSet: builtin,
      fix: true,
      // unused directives are ESLint's business (reportUnusedDisableDirectives); one rule at a time
      // cannot tell whether another rule used a sqlguard- directive
      reportUnusedDirectives: "off",
      keepReports: true,
    }),
  );
  const internal = result.messages.find((m) => m.internal);
  if (internal) throw new Error(internal.message);
  return result.messages.filter(
    // in code, connection strings are read in string literals, templates and comments
    (m) => m.ruleId === rule.id && (!state.inText || !rule.appliesTo.includes("text") || state.inText(m.start, m.end)),
  );
}

/** The ESLint rule for a sqlguard rule. */
export function eslintRule(rule: Rule): ESLintRule.RuleModule {
  const schema = rule.schema;
  const meta: ESLintRule.RuleMetaData = {
    type: "problem",
    docs: {
      description: rule.description,
      url: docsUrl(rule.id),
      recommended: rule.defaultSeverity !== "off",
    },
    messages: { ...rule.messages },
    schema: schema ? [schema as never] : [],
  };
  if (schema) meta.defaultOptions = [withDefaults(schema, undefined)];
  if (rule.fixable) meta.fixable = "code";
  if (rule.hasSuggestions) meta.hasSuggestions = true;
  const onSql = rule.appliesTo.includes("script") || rule.appliesTo.includes("text");
  const onCode = rule.appliesTo.includes("embedded") || rule.appliesTo.includes("text");

  return {
    meta,
    create(eslintContext) {
      const context = eslintContext as unknown as Context;
      const isSql = context.sourceCode instanceof SqlSourceCode;
      if (isSql ? !onSql : !onCode) return {};
      const settings = settingsOf(context);
      const options = withDefaults(schema, eslintContext.options[0]);
      // ESLint fills in the defaults: options equal to them were not given (the config's apply)
      const given = schema !== undefined && JSON.stringify(options) !== JSON.stringify(withDefaults(schema, undefined));
      const run = () => {
        const state = fileState(context, settings);
        if (!state) return;
        for (const m of messagesFor(rule, { options, given }, state)) {
          const report = reportOf(m)!;
          const descriptor: ESLintRule.ReportDescriptor = {
            loc: { start: state.locOf(m.start), end: state.locOf(m.end) },
            messageId: report.messageId,
            data: report.data,
          };
          const fix = m.fix;
          if (fix && rule.fixable) descriptor.fix = (fixer) => fixer.replaceTextRange(fix.range, fix.text);
          if (m.suggestions && rule.hasSuggestions) {
            descriptor.suggest = m.suggestions.map((s) => ({ desc: s.desc, fix: (fixer) => fixer.replaceTextRange(s.fix.range, s.fix.text) }));
          }
          eslintContext.report(descriptor);
          if (m.severity === 1) {
            // run at severity 2, so a warning here is a finding the engine capped
            const start = state.locOf(m.start);
            const end = state.locOf(m.end);
            const key = cappedKey(`sqlguard/${rule.id}`, report.messageId, start.line, start.column + 1, end.line, end.column + 1);
            const set = capped.get(context.filename) ?? new Set<string>();
            set.add(key);
            capped.set(context.filename, set);
          }
        }
      };
      return isSql ? { "Script:exit": run } : { "Program:exit": run };
    },
  };
}

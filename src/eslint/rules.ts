/**
 * ESLint rules `sqlguard/<id>`, one per rule of the registry: thin adapters that run the rule's
 * own `create()` listeners over the documents the CLI builds, through the engine's `runRules`
 * and `resolveFindings`, and hand each finding to ESLint at its place in the file.
 *
 * - Code files (`Program`): the SQL strings are extracted from the tree ESLint already parsed
 *   (nothing is parsed twice; files the cheap pre-check finds no SQL in cost nothing more), and
 *   every offset maps back through escapes, line breaks and `${…}`. Text rules
 *   (`no-prod-connection-string`) report what lies in string literals, templates and comments.
 * - `.sql` files (the `sqlguard/sql` language's `Script`): the document the language parsed.
 *
 * The documents of a file are built once (the first rule builds them, the others reuse them).
 * Severity comes from ESLint's config. `eslint-disable` comments are ESLint's business;
 * `sqlguard-disable…` comments are applied here, as the CLI applies them. No message, suggestion
 * or fix ever carries a secret: every connection string's password in the file is scrubbed.
 */
import path from "node:path";
import type { Rule as ESLintRule, SourceCode as JsSourceCode } from "eslint";
import type { TSESTree } from "@typescript-eslint/typescript-estree";
import { applyDirectives, parseDirectives, type Directive } from "../engine/directives.js";
import { resolveFindings, runRules, secretRanges, type Finding, type FileDocuments } from "../engine/linter.js";
import { docsUrl, type Rule } from "../engine/rule.js";
import { textDocument, type TextDocument } from "../secrets/text-document.js";
import { withDefaults } from "../engine/schema.js";
import { extract, type SqlPart } from "../extract/index.js";
import { SqlDocument } from "../sql/document.js";
import { SqlSourceCode } from "./language.js";
import { resolveSettings, type ResolvedSettings } from "./settings.js";

type Range = [number, number];

/** A file's documents, built once for every rule that reads them. */
interface FileState {
  text: string;
  displayPath: string;
  settings: ResolvedSettings;
  /** The SQL documents, their statements parsed (built on first use). */
  sql(): SqlPart[];
  textDoc: TextDocument;
  /** `sqlguard-…` directives of the file (after `sql()`: SQL comments count too). */
  directives(): Directive[];
  /** Host ranges of every secret in the file (passwords of connection strings), found on first use. */
  secrets(): Range[];
  /** For code: whether a text finding lies in a string literal, a template or a comment. */
  inText?(start: number, end: number): boolean;
  lineOf(offset: number): number;
  locOf(offset: number): { line: number; column: number };
}

interface Context {
  sourceCode: ESLintRule.RuleContext["sourceCode"] | SqlSourceCode;
  settings: Record<string, unknown>;
  filename: string;
  cwd: string;
}

const states = new WeakMap<object, FileState>();

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

function common(context: Context, text: string, settings: ResolvedSettings, locOf: (o: number) => { line: number; column: number }) {
  const textDoc = textDocument(text, displayPathOf(context));
  return {
    text,
    displayPath: textDoc.filePath,
    settings,
    textDoc,
    lineOf: (o: number) => locOf(o).line,
    locOf,
    secrets: lazy(() => secretRanges(textDoc, settings.shared)),
  };
}

function sqlFileState(context: Context, sourceCode: SqlSourceCode, settings: ResolvedSettings): FileState {
  const base = common(context, sourceCode.text, settings, (o) => sourceCode.getLocFromIndex(o));
  const assume = settings.assumeInTransaction(context.filename, context.cwd);
  let doc = sourceCode.doc;
  let events = sourceCode.events;
  if (assume && !doc.assumeInTransaction && doc.transactionDirective === null) {
    // the migration tool wraps this file: the transaction states differ, so the statements are read again
    doc = new SqlDocument(base.text, { kind: "script", assumeInTransaction: true });
    events = [...doc.events()];
  }
  const extraction = extract(context.filename, base.text, { kind: "sql", doc, lineOf: base.lineOf, assumeInTransaction: assume });
  const sql: SqlPart[] = [{ doc, toHost: (o) => o, events }];
  return { ...base, sql: () => sql, directives: lazy(() => parseDirectives(extraction.comments(), [])) };
}

function codeFileState(context: Context, sourceCode: JsSourceCode, settings: ResolvedSettings): FileState {
  const base = common(context, sourceCode.text, settings, (o) => sourceCode.getLocFromIndex(o));
  const extraction = lazy(() =>
    extract(context.filename, base.text, {
      kind: "code",
      program: sourceCode.ast as unknown as TSESTree.Program,
      embedded: settings.embedded,
      assumeInTransaction: settings.assumeInTransaction(context.filename, context.cwd),
      lineOf: base.lineOf,
    }),
  );
  // Statements are parsed once here and replayed for each rule.
  const sql = lazy(() => extraction().sql.map((p): SqlPart => ({ ...p, events: [...p.doc.events()] })));
  const directives = lazy(() => {
    sql(); // the comments of the SQL strings are known once their documents were read
    return parseDirectives(extraction().comments(), []);
  });
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
  return { ...base, sql, directives, inText };
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

/** Runs one rule over the file's documents; returns what ESLint should report. */
function findingsFor(rule: Rule, options: unknown, state: FileState): Finding[] {
  const run = (documents: FileDocuments): Finding[] => {
    const { pending, internal } = runRules([{ rule, options, severity: 2 }], documents, state.settings.shared);
    if (internal.length > 0) throw new Error(internal[0]);
    return pending.length === 0 ? [] : resolveFindings(state.text, pending, { redact: state.secrets() }).findings;
  };
  const findings: Finding[] = [];
  if (rule.appliesTo.includes("script") || rule.appliesTo.includes("embedded")) findings.push(...run({ sql: state.sql(), text: null }));
  if (rule.appliesTo.includes("text")) {
    const found = run({ sql: [], text: state.textDoc });
    // in code, connection strings are read in string literals, templates and comments
    findings.push(...(state.inText ? found.filter((f) => state.inText!(f.start, f.end)) : found));
  }
  if (findings.length === 0) return findings;
  const directives = state.directives();
  if (directives.length === 0) return findings;
  const items = findings.map((f) => ({ ruleId: rule.id, start: f.start, line: state.lineOf(f.start), finding: f }));
  return applyDirectives(items, directives).kept.map((i) => i.finding);
}

/** The ESLint rule for a sqlguard rule. */
export function eslintRule(rule: Rule): ESLintRule.RuleModule {
  const schema = rule.schema;
  const meta: ESLintRule.RuleMetaData = {
    type: "problem",
    docs: {
      description: rule.description,
      url: docsUrl(rule.id),
      recommended: rule.defaultSeverity !== "off" && !rule.migration,
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
      const settings = resolveSettings(context.settings?.sqlguard);
      const isSql = context.sourceCode instanceof SqlSourceCode;
      if (isSql ? !onSql : !onCode) return {};
      const options = withDefaults(schema, eslintContext.options[0]);
      const run = () => {
        const state = fileState(context, settings);
        if (!state) return;
        for (const f of findingsFor(rule, options, state)) {
          const descriptor: ESLintRule.ReportDescriptor = {
            loc: { start: state.locOf(f.start), end: state.locOf(f.end) },
            messageId: f.messageId,
            data: f.data ?? {},
          };
          const fix = f.fix;
          if (fix && rule.fixable && !f.fixHoldsSecret) descriptor.fix = (fixer) => fixer.replaceTextRange(fix.range, fix.text);
          if (f.suggestions && rule.hasSuggestions) {
            descriptor.suggest = f.suggestions.map((s) => ({ desc: s.desc, fix: (fixer) => fixer.replaceTextRange(s.fix.range, s.fix.text) }));
          }
          eslintContext.report(descriptor);
        }
      };
      return isSql ? { "Script:exit": run } : { "Program:exit": run };
    },
  };
}

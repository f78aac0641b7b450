/**
 * The shape of a rule: metadata (id, description, default severity, messages, option schema)
 * plus a pure `check` that reads a parsed document and reports. Rules do no I/O, never look up
 * config and never pick a severity; the engine does all of that.
 */
import { findConnectionStrings, type ConnectionString, type HostPolicy } from "../secrets/connection-strings.js";
import type { DocumentItem, SqlDocument, Statement } from "../sql/document.js";
import type { JsonSchema } from "./schema.js";

export type Severity = "off" | "warn" | "error";
export type DocumentKind = "script" | "embedded" | "text";

/** A text document: the whole file as text, for rules that look at any file (secrets). */
export interface TextDocument {
  kind: "text";
  text: string;
  filePath: string;
  /**
   * Every connection string in the text, found once per document: the rule that reports them
   * and the engine, which keeps every password out of its output (reported or not), share it.
   */
  connectionStrings(policy: HostPolicy): ConnectionString[];
}

export function textDocument(text: string, filePath: string): TextDocument {
  let found: { policy: HostPolicy; list: ConnectionString[] } | null = null;
  return {
    kind: "text",
    text,
    filePath,
    connectionStrings(policy) {
      if (found?.policy !== policy) found = { policy, list: findConnectionStrings(text, 0, policy) };
      return found.list;
    },
  };
}

export type Document = SqlDocument | TextDocument;

/** An edit in document offsets. */
export interface Fix {
  start: number;
  end: number;
  text: string;
}

export interface Suggestion {
  /** What applying it does ("add COMMIT; at the end"). */
  desc: string;
  fix: Fix;
}

export interface Related {
  message: string;
  start: number;
  end: number;
}

export interface ReportDescriptor {
  messageId: string;
  data?: Record<string, string | number>;
  /** Document offsets of the range to underline. */
  start: number;
  end: number;
  /** A message id for the help line (filled with the same data). */
  helpId?: string;
  fix?: Fix;
  suggest?: Suggestion[];
  related?: Related[];
  /** Report at most as a warning whatever the configured severity (e.g. a read-only hazard). */
  atMostWarning?: boolean;
  /** Ranges (document offsets) whose text must never reach any output: secrets. */
  redact?: { start: number; end: number }[];
}

/** Project-wide settings from the config that some rules read (never per-rule options). */
export interface SharedSettings {
  /** Host globs that always count as production (config `prodHosts`). */
  readonly prodHosts: readonly string[];
  /** Host globs that never count as production (config `localHosts`). */
  readonly localHosts: readonly string[];
}

export interface RuleContext<O> {
  readonly options: O;
  readonly settings: SharedSettings;
  /** Path of the file, relative to the working directory, with `/` separators. */
  readonly filePath: string;
  /** The document being checked. */
  readonly doc: Document;
  report(descriptor: ReportDescriptor): void;
}

/**
 * What a rule listens to. For SQL documents the engine calls `statement` for every statement
 * in order (top level, then the statements inside its function or DO body, which have
 * `parent` set), `item` for psql meta-commands and COPY data, then `end`. For text documents
 * it calls `text`. Each statement is parsed once and shared by every rule.
 */
export interface RuleVisitor {
  statement?(stmt: Statement): void;
  item?(item: DocumentItem): void;
  end?(): void;
  text?(doc: TextDocument): void;
}

export interface RuleDefinition<O = Record<string, unknown>> {
  id: string;
  /** One line, used in docs, --help, SARIF and ESLint meta. */
  description: string;
  defaultSeverity: Severity;
  /** Which documents the rule reads. */
  appliesTo: readonly DocumentKind[];
  messages: Record<string, string>;
  /** JSON schema of the options object (the second element of `[severity, options]`). */
  schema?: JsonSchema;
  /** The fix is only applied with --fix. */
  fixable?: boolean;
  hasSuggestions?: boolean;
  /** Called once per document; returns the listeners. Pure: no I/O, no config lookup. */
  create(context: RuleContext<O>): RuleVisitor;
}

export type Rule = RuleDefinition<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function defineRule<O = Record<string, unknown>>(rule: RuleDefinition<O>): RuleDefinition<O> {
  return rule;
}

/** Fills `{{name}}` placeholders. Unknown placeholders are left as they are. */
export function formatMessage(template: string, data: Record<string, string | number> | undefined): string {
  if (!data) return template;
  return template.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (m, key: string) => (key in data ? String(data[key]) : m));
}

export const DOCS_BASE = "https://github.com/sqlguard/sqlguard/blob/main/rules";

export function docsUrl(id: string): string {
  return `${DOCS_BASE}/${id}/README.md`;
}

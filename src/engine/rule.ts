/**
 * The rule API: what a rule is (metadata, messages, an option schema) and what it listens to.
 * A rule's `create` returns listeners, as ESLint rules return node selectors:
 *
 *   - statement kinds by their parser names (`UpdateStmt(node, at)`, `TruncateStmt`, `IndexStmt`…),
 *     called for every such statement that runs: at top level, in WITH queries, in EXPLAIN ANALYZE,
 *     PREPARE and BEGIN ATOMIC bodies, and inside DO blocks and function bodies;
 *   - `statement(stmt)`: every top-level statement of a SQL document, parsed or not, in order;
 *   - `bodyStatement(stmt)`: the statements of a DO block or function body, after the statement
 *     holding them, wherever that body was read for the rules (a body too deep to analyse shows
 *     here as a statement carrying the error);
 *   - `transaction(stmt)`: every top-level transaction-control statement (`stmt.txControl` is set);
 *   - `item(item)`: psql meta-commands and COPY data; `end()`: the end of the document;
 *   - `text(doc)`: a text document (the whole file).
 *
 * The front-end builds exactly what the enabled rules listen for. Rules are pure: no I/O, no config
 * lookup, no severity; the engine applies directives, severities and masking.
 */
import type { TextDocument } from "../secrets/text-document.js";
import type { DocumentItem, SqlDocument, Statement } from "../sql/document.js";
import type { NodeOf, StatementType, Via } from "../sql/statements.js";
import type { JsonSchema } from "./schema.js";

export type { TextDocument } from "../secrets/text-document.js";

export type Severity = "off" | "warn" | "error";
export type DocumentKind = "script" | "embedded" | "text";
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

export interface ReportDescriptor<M extends string = string> {
  messageId: M;
  data?: Record<string, string | number>;
  /** Document offsets of the range to underline. */
  start: number;
  end: number;
  /** A message id for the help line (filled with the same data). */
  helpId?: M;
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
  /** The oldest PostgreSQL major version the SQL must run on (config `postgresVersion`). */
  readonly postgresVersion: number;
}

export interface RuleContext<O = unknown, M extends string = string> {
  readonly options: O;
  readonly settings: SharedSettings;
  /** The document being checked. */
  readonly doc: Document;
  report(descriptor: ReportDescriptor<M>): void;
}

/** Where a statement node a rule listens for was met. */
export interface NodeContext {
  /** The statement that holds the node: a top-level statement, or one inside a DO block or function body. */
  stmt: Statement;
  /** Where the node sits in that statement. */
  via: Via;
  /** For a statement inside a body: the top-level DO or CREATE FUNCTION/PROCEDURE holding it; else null. */
  body: Statement | null;
}

export type NodeListeners = {
  [K in StatementType]?: (node: NodeOf<K>, at: NodeContext) => void;
};

export interface RuleListeners extends NodeListeners {
  statement?(stmt: Statement): void;
  bodyStatement?(stmt: Statement): void;
  transaction?(stmt: Statement): void;
  item?(item: DocumentItem): void;
  end?(): void;
  text?(doc: TextDocument): void;
}

/** A rule's option schema, carrying the options type it describes (see `options`). */
export interface OptionsSchema<O> extends JsonSchema {
  /** Never set: only carries the type. */
  readonly __options?: O;
}

/** Declares a rule's option schema and the type of the options it validates (defaults filled in). */
export function options<O>(schema: JsonSchema): OptionsSchema<O> {
  return schema as OptionsSchema<O>;
}

export interface RuleDefinition<O = Record<string, never>, M extends string = string> {
  id: string;
  /** One line, used in docs, --help, SARIF and ESLint meta. */
  description: string;
  defaultSeverity: Severity;
  /** Which documents the rule reads. */
  appliesTo: readonly DocumentKind[];
  /** Message templates by id (`{{name}}` placeholders); report and help ids are checked against them. */
  messages: Record<M, string>;
  /** The options object (the second element of `[severity, options]`): see `options()`. */
  schema?: OptionsSchema<O>;
  /** The fix is only applied with --fix. */
  fixable?: boolean;
  hasSuggestions?: boolean;
  /**
   * A migration-safety rule (locks, rewrites, schema changes on a live database): on at its default
   * severity in files detected as migrations, off elsewhere unless the config turns it on. Its node
   * listeners hear only statements the migration runs (top level, WITH, DO blocks), not those in a
   * function or procedure body, which run when it is called (see `runsNow`), unless it sets
   * `functionBodies`.
   */
  migration?: boolean;
  /**
   * Measured by `sqlguard verify`, not found by reading the SQL: verify reports it from what a real
   * PostgreSQL did (errors, locks, rewrites). The static engine never runs it (its `create` returns
   * no listeners); it has a rule's metadata so severities, options, directives and docs work as for
   * any rule. The ESLint plugin does not offer it.
   */
  verify?: boolean;
  /**
   * A migration rule whose hazard is there whenever the statement runs, now or when a function
   * the migration creates is called (`TRUNCATE … CASCADE`): it reads function bodies too.
   */
  functionBodies?: boolean;
  /**
   * Down migrations are not checked: what the rule reports is what a down migration is for (it
   * drops the table the up created, renames back, restores the old column type). A down migration
   * is a unit of the run model with role `down` (goose's `-- +goose Down`, dbmate's
   * `-- migrate:down`, a `*.down.sql` file…).
   */
  skipDown?: boolean;
  /** Called once per document; returns the listeners. Pure: no I/O, no config lookup. */
  create(context: RuleContext<O, M>): RuleListeners;
}

// The erased form the engine handles: any options, any message ids.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Rule = RuleDefinition<any, string>;

/**
 * Defines a rule. The message ids come from `messages` and the options type from `schema`
 * (declared with `options<Options>(…)`): a report naming an unknown message id does not compile.
 */
export function defineRule<O = Record<string, never>, const M extends string = string>(rule: RuleDefinition<O, M>): RuleDefinition<O, M> {
  return rule;
}

/**
 * What a migration rule's `create` is given: a context whose document is SQL. A migration rule
 * reads scripts and SQL in code, never a text document (see `defineMigrationRule`).
 */
export type MigrationRuleContext<O = Record<string, never>, M extends string = string> = RuleContext<O, M> & { readonly doc: SqlDocument };

/** A migration-safety rule as written: what `defineMigrationRule` does not fill in. */
export type MigrationRuleDefinition<O = Record<string, never>, M extends string = string> = Omit<RuleDefinition<O, M>, "appliesTo" | "migration" | "create"> & {
  create(context: MigrationRuleContext<O, M>): RuleListeners;
};

/**
 * Defines a migration-safety rule: as `defineRule` (the same typing of messages and options), with
 * what every migration rule shares filled in: it reads SQL scripts and SQL embedded in code
 * (`appliesTo`), and is one (`migration`); its `create` is handed SQL documents only.
 * `defaultSeverity`, `skipDown` and `functionBodies` stay the rule's own.
 */
export function defineMigrationRule<O = Record<string, never>, const M extends string = string>(rule: MigrationRuleDefinition<O, M>): RuleDefinition<O, M> {
  const { id, description, defaultSeverity, create, ...rest } = rule;
  // the keys in the order a rule written with defineRule has them
  return {
    id,
    description,
    defaultSeverity,
    appliesTo: ["script", "embedded"],
    migration: true,
    ...rest,
    // `appliesTo` keeps text documents away already; the check narrows the context's type
    create: (context) => (context.doc.kind === "text" ? {} : create(context as MigrationRuleContext<O, M>)),
  };
}

/** Fills `{{name}}` placeholders. Unknown placeholders are left as they are. */
export function formatMessage(template: string, data: Record<string, string | number> | undefined): string {
  if (!data) return template;
  const parts = templateParts(template);
  if (parts.length === 1) return template;
  let out = parts[0]!;
  // odd indexes: [placeholder as written, key] pairs
  for (let i = 1; i < parts.length; i += 3) {
    const key = parts[i + 1]!;
    out += (key in data ? String(data[key]) : parts[i]!) + parts[i + 2]!;
  }
  return out;
}

/**
 * A template cut at its placeholders: text, then for each placeholder its written form, its key and
 * the text after it. A rule's few templates are cut once, not at each of its (many) reports.
 */
function templateParts(template: string): string[] {
  let parts = TEMPLATES.get(template);
  if (!parts) {
    parts = [];
    let last = 0;
    for (const m of template.matchAll(/\{\{\s*([\w.-]+)\s*\}\}/g)) {
      parts.push(template.slice(last, m.index), m[0], m[1]!);
      last = m.index + m[0].length;
    }
    parts.push(template.slice(last));
    if (TEMPLATES.size < 10_000) TEMPLATES.set(template, parts);
  }
  return parts;
}

const TEMPLATES = new Map<string, string[]>();

export const DOCS_BASE = "https://github.com/sqlguard/sqlguard/blob/main/rules";

export function docsUrl(id: string): string {
  return `${DOCS_BASE}/${id}/README.md`;
}

/**
 * SQL embedded in TypeScript and JavaScript. The file is parsed with typescript-estree (no
 * program, no type checker) and every SQL string becomes an *embedded* document whose offsets
 * map back to the host file through escapes, line breaks and `${…}` interpolations. ESTree
 * ranges are used throughout, so the ESLint plugin (which gets the same tree) can reuse
 * `extractFromProgram` and report at the same places.
 *
 * What counts as SQL:
 * - tagged templates whose tag matches `embedded.tags` (`sql`…`, `prisma.$queryRaw`…`);
 * - the first argument of a call matching `embedded.functions` (`pool.query('…')`), when it is a
 *   string, a template, a `+` concatenation, `{ text: … }` / `{ sql: … }`, or a `const` of this
 *   file holding one;
 * - any other string that starts with an SQL keyword and parses completely (`embedded.literals`).
 *
 * `${…}` becomes `$1`, `$2`…; where that does not parse, the placeholder is retried as an
 * identifier (`"${table}"`), then as a list (`($1)`), then as a query (`SELECT $1`, for
 * `FROM (${subquery}) t`). A string that still does not parse is a fragment: skipped, never
 * reported.
 */
import { createRequire } from "node:module";
import type { TSESTree } from "@typescript-eslint/typescript-estree";
import { forEachObject } from "../sql/classify.js";
import { SqlDocument } from "../sql/document.js";
import { parseSql, type PgNode, type RawStmt } from "../sql/parser.js";
import type { JsonSchema } from "../engine/schema.js";
import { directiveText, fileTransactionDirective, isDirective } from "../directives/words.js";
import { CookedText, cookInto } from "./cook.js";
import { CODE_EXTENSIONS } from "./extensions.js";

type Node = TSESTree.Node;
type Estree = typeof import("@typescript-eslint/typescript-estree");

export { CODE_EXTENSIONS } from "./extensions.js";

// --- settings ---------------------------------------------------------------------------------

export const DEFAULT_TAGS = ["sql", "SQL", "sql.unsafe", "sql.fragment", "sql.type()", "sql.typeAlias()", "$queryRaw", "$executeRaw"];
export const DEFAULT_FUNCTIONS = [
  "query",
  "execute",
  "raw",
  "unsafe",
  "$queryRawUnsafe",
  "$executeRawUnsafe",
  "none",
  "one",
  "many",
  "any",
  "oneOrNone",
  "manyOrNone",
  "result",
];
export const DEFAULT_TRANSACTIONS = ["begin", "transaction", "$transaction", "tx", "txIf", "transactional", "transaction().execute"];

/** pg-promise's method names are common words (`emitter.one('end', …)`): a lone word is not SQL there. */
const WORDY_FUNCTIONS = new Set(["none", "one", "many", "any", "result", "oneOrNone", "manyOrNone"]);

/** The `embedded` key of the config file. */
export interface EmbeddedConfig {
  tags?: string[];
  functions?: string[];
  transactions?: string[];
  literals?: boolean;
}

const patternList = (what: string, defaults: string[]): JsonSchema => ({
  type: "array",
  items: { type: "string" },
  description: `${what} Added to the defaults (${defaults.map((d) => `\`${d}\``).join(", ")}); \`"!name"\` removes a default.`,
});

export const embeddedSchema: JsonSchema = {
  type: "object",
  additionalProperties: false,
  description: "Which strings in TypeScript/JavaScript files hold SQL.",
  properties: {
    tags: patternList("Template tags whose template is SQL (`sql`…`); `x.sql` is matched by `sql`, `sql.type()` by a called tag.", DEFAULT_TAGS),
    functions: patternList("Calls whose first argument is SQL (`pool.query('…')`).", DEFAULT_FUNCTIONS),
    transactions: patternList("Calls whose callback runs in a transaction (`db.transaction(async (tx) => …)`).", DEFAULT_TRANSACTIONS),
    literals: {
      type: "boolean",
      default: true,
      description: "Also read other string literals as SQL when they start with an SQL keyword and parse completely.",
    },
  },
};

/** A name pattern: `query`, `sql.unsafe`, `sql.type()`, `transaction().execute`. */
export interface NamePattern {
  text: string;
  segments: string[];
}

export interface EmbeddedSettings {
  tags: NamePattern[];
  functions: NamePattern[];
  transactions: NamePattern[];
  literals: boolean;
}

const PATTERN = /^[A-Za-z_$][\w$]*(?:\(\))?(?:\.[A-Za-z_$][\w$]*(?:\(\))?)*$/;

function toPattern(text: string): NamePattern {
  return { text, segments: text.split(".") };
}

/** Resolves the user's `embedded` settings against the defaults; `errors` name what is wrong. */
export function resolveEmbedded(user: EmbeddedConfig | undefined): { settings: EmbeddedSettings; errors: string[] } {
  const errors: string[] = [];
  const list = (key: "tags" | "functions" | "transactions", defaults: string[]): NamePattern[] => {
    const out = [...defaults];
    (user?.[key] ?? []).forEach((raw, i) => {
      const remove = raw.startsWith("!");
      const name = remove ? raw.slice(1) : raw;
      if (!PATTERN.test(name)) {
        errors.push(`embedded.${key}[${i}]: "${raw}" is not a name or a dotted path (e.g. "query", "db.query", "sql.type()")`);
      } else if (remove) {
        const at = out.indexOf(name);
        if (at < 0) errors.push(`embedded.${key}[${i}]: "${raw}" removes nothing (the defaults are: ${defaults.join(", ")})`);
        else out.splice(at, 1);
      } else if (!out.includes(name)) out.push(name);
    });
    return out.map(toPattern);
  };
  const settings: EmbeddedSettings = {
    tags: list("tags", DEFAULT_TAGS),
    functions: list("functions", DEFAULT_FUNCTIONS),
    transactions: list("transactions", DEFAULT_TRANSACTIONS),
    literals: user?.literals ?? true,
  };
  return { settings, errors };
}

export const defaultEmbeddedSettings: EmbeddedSettings = resolveEmbedded(undefined).settings;

/** The dotted path of a callee or tag: `pool.query` → [pool, query]; `sql.type(x)` → [sql, type()]. */
function pathOf(node: Node, depth = 0): string[] {
  if (depth > 20) return ["?"];
  switch (node.type) {
    case "Identifier":
      return [node.name];
    case "ThisExpression":
      return ["this"];
    case "Super":
      return ["super"];
    case "MemberExpression": {
      const obj = pathOf(node.object, depth + 1);
      if (!node.computed && node.property.type === "Identifier") return [...obj, node.property.name];
      if (!node.computed && node.property.type === "PrivateIdentifier") return [...obj, `#${node.property.name}`];
      if (node.computed && node.property.type === "Literal" && typeof node.property.value === "string") return [...obj, node.property.value];
      return [...obj, "?"];
    }
    case "CallExpression": {
      const p = pathOf(node.callee, depth + 1);
      p[p.length - 1] += "()";
      return p;
    }
    case "ChainExpression":
    case "TSNonNullExpression":
    case "TSAsExpression":
    case "TSSatisfiesExpression":
    case "TSTypeAssertion":
    case "TSInstantiationExpression":
      return pathOf(node.expression, depth + 1);
    default:
      return ["?"];
  }
}

/** The last segment must be equal; the others must appear before it, in order. */
function matches(pattern: NamePattern, path: string[]): boolean {
  const p = pattern.segments;
  if (p[p.length - 1] !== path[path.length - 1]) return false;
  let j = path.length - 2;
  for (let i = p.length - 2; i >= 0; i--) {
    while (j >= 0 && path[j] !== p[i]) j--;
    if (j < 0) return false;
    j--;
  }
  return true;
}

function findPattern(patterns: NamePattern[], path: string[]): NamePattern | null {
  for (const p of patterns) if (matches(p, path)) return p;
  return null;
}

// --- parsing the host file --------------------------------------------------------------------

let estree: Estree | null = null;

/** typescript-estree (and TypeScript) load on first use: a run without code files never pays. */
function loadEstree(): Estree {
  return (estree ??= createRequire(import.meta.url)("@typescript-eslint/typescript-estree") as Estree);
}

export type CodeParse = { ok: true; program: TSESTree.Program } | { ok: false; offset: number; message: string };

/** Parses TS/JS (syntax only: no program, no type information). Never throws. */
export function parseCode(text: string, filePath: string): CodeParse {
  const ext = (/\.[^./\\]+$/.exec(filePath)?.[0] ?? ".ts").toLowerCase();
  try {
    const program = loadEstree().parse(text, {
      range: true,
      loc: false,
      comment: true,
      tokens: false,
      // the extension decides: .js/.jsx/.mjs/.cjs may hold JSX, .ts/.mts/.cts may not, .tsx does
      filePath: `file${(CODE_EXTENSIONS as readonly string[]).includes(ext) ? ext : ".ts"}`,
      jsx: ext === ".tsx" || ext === ".jsx",
      jsDocParsingMode: "none",
      suppressDeprecatedPropertyWarnings: true,
    });
    return { ok: true, program };
  } catch (e) {
    const err = e as { message?: string; location?: { start?: { offset?: number } } };
    const offset = err.location?.start?.offset;
    // The TypeScript parser recurses: thousands of nested brackets or `+` terms exhaust the stack.
    const deep = e instanceof RangeError || /maximum call stack size exceeded/i.test(String(err.message));
    return {
      ok: false,
      offset: typeof offset === "number" ? Math.max(0, Math.min(offset, text.length)) : 0,
      message: deep
        ? "Parsing error: nested too deeply for the TypeScript parser (it ran out of stack); the file was not linted"
        : `Parsing error: ${String(err.message ?? e).split("\n")[0]}`,
    };
  }
}

// --- what the extractor returns ---------------------------------------------------------------

export type Origin = "tag" | "function" | "literal";

export interface EmbeddedPart {
  doc: SqlDocument;
  /** Maps a document offset to a host offset (`end`: of a range's exclusive end). */
  toHost(offset: number, end?: boolean): number;
  /** Host range of the string (the literal, the template, or the whole concatenation). */
  start: number;
  end: number;
  origin: Origin;
  /** The tag or callee as matched (`sql`, `query`…); "" for other literals. */
  sink: string;
  /** Inside the callback of a transaction wrapper (`db.transaction(async (tx) => …)`). */
  inTransaction: boolean;
  /** Host offsets of where the string's code starts (the literal, the call, the statement). */
  anchors: number[];
}

export interface SkippedString {
  start: number;
  end: number;
  origin: Origin;
  /**
   * fragment: a sink's string that does not parse as complete SQL; empty: nothing but comments;
   * nested: a piece of another SQL string; not-sql: a plain literal that starts with a keyword
   * but does not parse.
   */
  reason: "fragment" | "empty" | "nested" | "not-sql";
}

export interface CodeComment {
  start: number;
  end: number;
  block: boolean;
  /** A `/** … *\/` block: sqlguard reads a directive in it, ESLint does not. */
  jsdoc?: boolean;
  /** The directive text inside the delimiters (a JSDoc block's leading `*` dropped). */
  text: string;
}

export interface CodeSql {
  /** Whether the file was parsed (false: no mention of SQL, minified, or a parse error). */
  parsed: boolean;
  /** Not parsed because it is minified, bundled or generated code (see `minifiedCode`). */
  minified?: MinifiedCode;
  error: { offset: number; message: string } | null;
  parts: EmbeddedPart[];
  /** Strings that looked like SQL but were not linted, and why (for the census). */
  skipped: SkippedString[];
  /** Code comments that may hold directives (`sqlguard-…`, `eslint-disable…`). */
  comments: CodeComment[];
}

export interface EmbeddedOptions {
  settings?: EmbeddedSettings;
  /** A test file: plain literals are not read as SQL (default: judged from the file name). */
  testFile?: boolean;
  /** The file runs inside a transaction (config `assumeInTransaction`). */
  assumeInTransaction?: boolean;
}

// --- the cheap gate -----------------------------------------------------------------------------

const STRONG_KEYWORDS = ["select", "insert", "update", "delete", "with", "merge", "create", "alter", "drop", "truncate", "grant", "revoke", "copy", "begin", "start", "commit", "rollback"];
/** Keywords that open ordinary words too ("lock screen", "analyze results"): upper case only. */
const WEAK_KEYWORDS = ["vacuum", "analyze", "analyse", "reindex", "cluster", "refresh", "lock", "explain", "set", "reset", "show", "do", "call", "listen", "notify", "unlisten", "discard", "checkpoint", "comment", "savepoint", "release", "prepare", "deallocate", "declare", "fetch", "move", "close", "values", "table", "import", "security", "abort", "end", "load"];
const STRONG = new Set(STRONG_KEYWORDS);
const WEAK = new Set(WEAK_KEYWORDS);

interface Gate {
  tags: RegExp;
  /** A sink call whose first argument is written in place: `query('`, `execute(\``, `query({`. */
  callsWithString: RegExp;
  calls: RegExp;
}

const gates = new WeakMap<EmbeddedSettings, Gate>();
const KEYWORD_AFTER_QUOTE = new RegExp(`['"\`]\\s*(?:${STRONG_KEYWORDS.join("|")})\\s`, "i");
const UPPER_KEYWORD_AFTER_QUOTE = new RegExp(`['"\`]\\s*(?:${WEAK_KEYWORDS.map((k) => k.toUpperCase()).join("|")})\\s`);

function gate(settings: EmbeddedSettings): Gate {
  let g = gates.get(settings);
  if (!g) {
    const names = (patterns: NamePattern[]) =>
      [...new Set(patterns.map((p) => p.segments[p.segments.length - 1]!.replace(/\(\)$/, "").replace(/[$]/g, "\\$")))].join("|");
    const fns = names(settings.functions);
    g = {
      tags: new RegExp(`(?<![\\w$])(?:${names(settings.tags)})\\s*[(\`<!]`),
      callsWithString: new RegExp(`(?<![\\w$])(?:${fns})\\s*(?:<[^<>()]*>)?\\s*\\(\\s*[\`'"{]`),
      calls: new RegExp(`(?<![\\w$])(?:${fns})\\s*(?:<[^<>()]*>)?\\s*\\(`),
    };
    gates.set(settings, g);
  }
  return g;
}

/**
 * An ESLint directive that concerns sqlguard: one naming a `sqlguard/` rule, or one naming no rule
 * (which covers every rule, sqlguard's too). Those naming only other rules do not make a file worth
 * parsing: most code bases have many `eslint-disable-next-line @typescript-eslint/…` comments.
 */
const ESLINT_DIRECTIVE_FOR_US = /eslint-(?:disable|enable)(?:-next-line|-line)?(?:[ \t]+[^\r\n]*?sqlguard\/|[ \t]*(?:\*\/|\r|\n|$|--\s))/;

/**
 * Whether a file may hold SQL at all (regular expressions, before paying for a parse): a
 * directive, a SQL tag, a sink call with a string written in place, or a string that starts
 * with an SQL keyword (a const a sink reads, or a plain literal).
 */
export function mayHoldSql(text: string, settings: EmbeddedSettings = defaultEmbeddedSettings): boolean {
  const g = gate(settings);
  if (text.includes("sqlguard-") || g.tags.test(text) || g.callsWithString.test(text)) return true;
  if (text.includes("eslint-") && ESLINT_DIRECTIVE_FOR_US.test(text)) return true;
  if (!settings.literals && !g.calls.test(text)) return false;
  return KEYWORD_AFTER_QUOTE.test(text) || (settings.literals && UPPER_KEYWORD_AFTER_QUOTE.test(text));
}

/**
 * Parses a code file (when it may hold SQL) and extracts its SQL strings. With `program` (the
 * tree ESLint already built for the file), nothing is parsed again.
 */
export function extractCode(text: string, filePath: string, options: EmbeddedOptions & { program?: TSESTree.Program } = {}): CodeSql {
  const settings = options.settings ?? defaultEmbeddedSettings;
  const empty: CodeSql = { parsed: false, error: null, parts: [], skipped: [], comments: [] };
  if (!mayHoldSql(text, settings)) return empty;
  const minified = minifiedCode(text);
  if (minified) return { ...empty, minified };
  let program = options.program;
  if (!program) {
    const parsed = parseCode(text, filePath);
    if (!parsed.ok) return { ...empty, error: { offset: parsed.offset, message: parsed.message } };
    program = parsed.program;
  }
  return extractFromProgram(program, text, { ...options, testFile: options.testFile ?? isTestFile(filePath) });
}

/** A line with more code than this (strings and comments left out) is not written by hand. */
const LONG_CODE_LINE = 1000;
/** Below this much code on long lines, a file is parsed whatever its shape. */
const MIN_MINIFIED_CODE = 5000;

export interface MinifiedCode {
  /** Offset of the start of the longest line of code. */
  offset: number;
  /** Characters of code on that line (outside strings and comments). */
  chars: number;
}

/**
 * Whether a file is minified, bundled or generated code (`.yarn/releases/yarn-4.x.cjs`,
 * `dist/*.min.js`, a table of numbers on one line): at least half of its code, and 5,000
 * characters of it, stands on lines with over 1,000 characters of code each. Code, not text: the
 * contents of strings, templates and comments do not count, so a file with a long string on one
 * line (a base64 image, an inlined SVG or SQL) is hand-written code and is read like any other.
 * Such files are not where SQL is written, and parsing a bundle costs seconds (typescript-estree
 * converts every node): the caller skips them, and says so.
 */
export function minifiedCode(text: string): MinifiedCode | null {
  // Cheap first: a file with no line over 1,000 characters has no long line of code.
  if (text.length < MIN_MINIFIED_CODE || !hasLongLine(text, LONG_CODE_LINE)) return null;
  let total = 0;
  let onLong = 0;
  let best: MinifiedCode | null = null;
  let lineStart = 0;
  let lineCode = 0;
  const endLine = (next: number) => {
    total += lineCode;
    if (lineCode > LONG_CODE_LINE) {
      onLong += lineCode;
      if (!best || lineCode > best.chars) best = { offset: lineStart, chars: lineCode };
    }
    lineStart = next;
    lineCode = 0;
  };
  // A small JavaScript lexer: enough to tell code from the insides of strings, templates
  // (`${…}` is code again, to its matching brace) and comments. Regular expressions are read as
  // code; a quote inside one can at worst make this undercount, and the file is then parsed.
  type Mode = "code" | "'" | '"' | "`" | "//" | "/*";
  let mode: Mode = "code";
  /** For each `${` open: the brace depth inside it. */
  const templates: number[] = [];
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    // a line ends at \n, \r\n or a lone \r (as editors count lines)
    if (c === 10 /* \n */ || (c === 13 /* \r */ && text.charCodeAt(i + 1) !== 10)) {
      if (mode === "//" || mode === "'" || mode === '"') mode = "code"; // a string cannot span a raw line break
      endLine(i + 1);
      continue;
    }
    switch (mode) {
      case "code": {
        lineCode++;
        if (c === 39 /* ' */) mode = "'";
        else if (c === 34 /* " */) mode = '"';
        else if (c === 96 /* ` */) mode = "`";
        else if (c === 47 /* / */ && text.charCodeAt(i + 1) === 47) mode = "//";
        else if (c === 47 && text.charCodeAt(i + 1) === 42 /* * */) mode = "/*";
        else if (c === 123 /* { */ && templates.length > 0) templates[templates.length - 1]!++;
        else if (c === 125 /* } */ && templates.length > 0) {
          if (templates[templates.length - 1] === 0) {
            templates.pop();
            mode = "`";
          } else templates[templates.length - 1]!--;
        }
        break;
      }
      case "'":
      case '"':
        if (c === 92 /* \ */) i++;
        else if (c === mode.charCodeAt(0)) {
          mode = "code";
          lineCode++;
        }
        break;
      case "`":
        if (c === 92) i++;
        else if (c === 96) {
          mode = "code";
          lineCode++;
        } else if (c === 36 /* $ */ && text.charCodeAt(i + 1) === 123) {
          templates.push(0);
          mode = "code";
          lineCode += 2;
          i++;
        }
        break;
      case "//":
        break;
      case "/*":
        if (c === 42 && text.charCodeAt(i + 1) === 47) {
          mode = "code";
          i++;
        }
        break;
    }
  }
  endLine(n);
  return onLong >= MIN_MINIFIED_CODE && 2 * onLong >= total ? best : null;
}

/** Whether any line (ended by \n or \r) is longer than `limit` characters. */
function hasLongLine(text: string, limit: number): boolean {
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) run = 0;
    else if (++run > limit) return true;
  }
  return false;
}

/** Whether a file is minified or generated code, which is not read for SQL (see `minifiedCode`). */
export function looksMinified(text: string): boolean {
  return minifiedCode(text) !== null;
}

/**
 * Test files hold expected SQL (`expect(q.sql).toBe('delete from "person"')`, fixtures) far
 * more often than SQL they run: plain literals there are not read as SQL (sinks still are).
 */
export function isTestFile(filePath: string): boolean {
  return /(?:^|[\\/])(?:__tests__|__mocks__)[\\/]|\.(?:test|spec)(?:-d)?\.[cm]?[jt]sx?$/i.test(filePath);
}

// --- the walk -----------------------------------------------------------------------------------

/** Names bound in one lexical scope: a `const`'s initialiser, or null for any other binding. */
type Scope = Map<string, Node | null>;

/** Looks a name up from a place in the file (innermost scope first). */
type Resolver = (name: string) => Node | null;

interface Candidate {
  /** A string Literal, TemplateLiteral, or the top of a `+` chain. */
  node: Node;
  /** Resolves names (consts) as seen from where the string is used. */
  resolve: Resolver;
  origin: Origin;
  sink: string;
  inTransaction: boolean;
  anchors: number[];
  /** For function sinks: a lone word is not SQL (pg-promise's `.one('end', …)`). */
  wordy: boolean;
}

interface PendingConst {
  name: string;
  resolve: Resolver;
  call: TSESTree.CallExpression;
  sink: string;
  inTransaction: boolean;
  wordy: boolean;
}

const SIMPLE_STATEMENTS = new Set([
  "ExpressionStatement",
  "VariableDeclaration",
  "ReturnStatement",
  "ThrowStatement",
  "PropertyDefinition",
  "ExportDefaultDeclaration",
]);

/** Calls whose string arguments are messages, translations or test titles, not SQL. */
const MESSAGE_CALLEES = new Set([
  "log",
  "info",
  "warn",
  "warning",
  "error",
  "debug",
  "trace",
  "fatal",
  "verbose",
  "notice",
  "t",
  "$t",
  "tc",
  "i18n",
  "translate",
  "gettext",
  "ngettext",
  "__",
  "formatMessage",
  "describe",
  "it",
  "test",
  "suite",
  "bench",
  "xit",
  "fit",
  "xdescribe",
  "fdescribe",
  "alert",
  "confirm",
  "prompt",
  // assertions (node:assert, ava's t.*, uvu, chai): expected text, not SQL that runs
  "is",
  "equal",
  "equals",
  "deepEqual",
  "strictEqual",
  "deepStrictEqual",
  "notEqual",
  "like",
  "snapshot",
  "fixture",
  "same",
  "eql",
]);
const MESSAGE_OBJECTS = new Set(["console", "expect", "assert", "logger", "log", "i18n", "i18next"]);

/** Wrappers a value passes through unchanged on its way up to a call or a template. */
const TRANSPARENT = new Set([
  "ConditionalExpression",
  "LogicalExpression",
  "TSAsExpression",
  "TSSatisfiesExpression",
  "TSNonNullExpression",
  "TSTypeAssertion",
  "ArrayExpression",
  "SpreadElement",
  "AwaitExpression",
]);

type VisitorKeys = Record<string, readonly string[] | undefined>;
let visitorKeys: VisitorKeys | null = null;

class Walker {
  readonly candidates: Candidate[] = [];
  readonly nested: Candidate[] = [];
  private readonly pending: PendingConst[] = [];
  /** The lexical scopes around the node being visited (Program first). */
  private readonly scopes: Scope[] = [];
  /** const initialiser → start of its declaration (for directives above it). */
  private readonly constDeclarations = new Map<Node, number>();
  /** Names used as a piece of a bigger string (`${name}`, `… + name`), with where they are used. */
  private readonly pieceRefs: { name: string; resolve: Resolver }[] = [];
  /** Nodes taken as a sink's string (and the parts of them): not read again as literals. */
  readonly owned = new Set<Node>();
  private readonly parents: Node[] = [];
  private inTx = 0;

  constructor(
    private readonly settings: EmbeddedSettings,
    private readonly keys: VisitorKeys,
  ) {}

  /**
   * Visits the tree depth first. Iterative: the tree ESLint hands over may come from a parser
   * that nests deeper than this thread's stack would allow for recursion (5,000 nested brackets).
   */
  walk(root: Node): void {
    interface Frame {
      node: Node;
      opens: boolean;
      children: Node[];
      /** Children that are the callbacks of a transaction wrapper. */
      wrapped: Set<Node> | null;
      next: number;
      /** This node is such a callback: leaving it leaves the transaction. */
      inTx: boolean;
    }
    const stack: Frame[] = [];
    const push = (node: Node, inTx: boolean) => {
      if (inTx) this.inTx++;
      const opens = SCOPE_NODES.has(node.type);
      if (opens) this.scopes.push(new Map());
      this.enter(node);
      this.parents.push(node);
      const children: Node[] = [];
      let wrapped: Set<Node> | null = null;
      if (node.type === "CallExpression" && findPattern(this.settings.transactions, pathOf(node.callee))) {
        children.push(node.callee);
        wrapped = new Set();
        for (const a of node.arguments) {
          if (a.type === "ArrowFunctionExpression" || a.type === "FunctionExpression" || a.type === "ArrayExpression") wrapped.add(a);
          children.push(a);
        }
      } else {
        for (const key of this.keys[node.type] ?? []) {
          const child = (node as unknown as Record<string, unknown>)[key];
          if (Array.isArray(child)) {
            for (const c of child) if (c && typeof c === "object" && "type" in c) children.push(c as Node);
          } else if (child && typeof child === "object" && "type" in child) children.push(child as Node);
        }
      }
      stack.push({ node, opens, children, wrapped, next: 0, inTx });
    };
    push(root, false);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.next < top.children.length) {
        const child = top.children[top.next++]!;
        push(child, top.wrapped?.has(child) ?? false);
        continue;
      }
      stack.pop();
      this.parents.pop();
      if (top.opens) this.scopes.pop();
      if (top.inTx) this.inTx--;
    }
  }

  /**
   * A resolver for names as seen from here. The scopes are shared, not copied, so a const
   * declared later in an enclosing scope (a module-level const below the function) is found.
   */
  private resolver(): Resolver {
    const chain = [...this.scopes];
    return (name) => {
      for (let k = chain.length - 1; k >= 0; k--) {
        const scope = chain[k]!;
        if (scope.has(name)) return scope.get(name) ?? null;
      }
      return null;
    };
  }

  private parent(k = 0): Node | undefined {
    return this.parents[this.parents.length - 1 - k];
  }

  private anchorsFor(...nodes: Node[]): number[] {
    const out = nodes.map((n) => n.range[0]);
    for (let k = this.parents.length - 1; k >= 0; k--) {
      const p = this.parents[k]!;
      if (SIMPLE_STATEMENTS.has(p.type)) {
        out.push(p.range[0]);
        break;
      }
      if (p.type.includes("Function") || p.type === "BlockStatement" || p.type === "Program") break;
    }
    return [...new Set(out)];
  }

  /** Whether the node (a sink expression) is itself a piece of bigger SQL: `${…}` or `+`. */
  private inFragmentPosition(node: Node): boolean {
    let child = node;
    for (let k = this.parents.length - 1; k >= 0; k--) {
      const p = this.parents[k]!;
      if (p.type === "TemplateLiteral") return (p.expressions as Node[]).includes(child);
      if (p.type === "BinaryExpression") return p.operator === "+";
      if (p.type === "ConditionalExpression" && p.test === child) return false;
      if (!TRANSPARENT.has(p.type)) return false;
      child = p;
    }
    return false;
  }

  private enter(node: Node): void {
    switch (node.type) {
      case "VariableDeclarator": {
        const decl = this.parent();
        const init = node.init ? unwrap(node.init) : null;
        if (decl?.type === "VariableDeclaration" && decl.kind === "const" && node.id.type === "Identifier" && init) {
          this.bind(node.id.name, init);
          this.constDeclarations.set(init, decl.range[0]);
        } else {
          for (const name of patternNames(node.id)) this.bind(name, null);
        }
        return;
      }
      case "Identifier": {
        const parent = this.parent();
        if (!parent) return;
        if ((parent.type === "TemplateLiteral" && (parent.expressions as Node[]).includes(node)) || (parent.type === "BinaryExpression" && parent.operator === "+")) {
          this.pieceRefs.push({ name: node.name, resolve: this.resolver() });
        }
        return;
      }
      case "FunctionDeclaration":
      case "FunctionExpression":
      case "ArrowFunctionExpression":
      case "TSDeclareFunction":
        // a declaration's name belongs to the enclosing scope, its parameters to its own
        if (node.type === "FunctionDeclaration" && node.id) this.bind(node.id.name, null, 1);
        for (const p of node.params) for (const name of patternNames(p)) this.bind(name, null);
        return;
      case "ClassDeclaration":
        if (node.id) this.bind(node.id.name, null);
        return;
      case "ImportSpecifier":
      case "ImportDefaultSpecifier":
      case "ImportNamespaceSpecifier":
        this.bind(node.local.name, null);
        return;
      case "CatchClause":
        if (node.param) for (const name of patternNames(node.param)) this.bind(name, null);
        return;
      case "TaggedTemplateExpression": {
        const pattern = findPattern(this.settings.tags, pathOf(node.tag));
        this.owned.add(node.quasi); // an unknown tag (gql`…`, css`…`) decides what its text is
        if (!pattern) return;
        const c: Candidate = {
          node: node.quasi,
          resolve: this.resolver(),
          origin: "tag",
          sink: pattern.text,
          inTransaction: this.inTx > 0,
          anchors: this.anchorsFor(node.quasi, node),
          wordy: false,
        };
        (this.inFragmentPosition(node) ? this.nested : this.candidates).push(c);
        return;
      }
      case "CallExpression": {
        const pattern = findPattern(this.settings.functions, pathOf(node.callee));
        const first = node.arguments[0];
        if (!pattern || !first) return;
        const segments = pattern.segments;
        const wordy = WORDY_FUNCTIONS.has(segments[segments.length - 1]!);
        let arg: Node = unwrap(first);
        if (arg.type === "ObjectExpression") {
          // node-postgres and mysql2 take { text: '…' } / { sql: '…' }
          const prop = arg.properties.find(
            (p): p is TSESTree.Property =>
              p.type === "Property" && !p.computed && ((p.key.type === "Identifier" && (p.key.name === "text" || p.key.name === "sql")) || (p.key.type === "Literal" && (p.key.value === "text" || p.key.value === "sql"))),
          );
          if (!prop) return;
          arg = unwrap(prop.value as Node);
        }
        const inTransaction = this.inTx > 0;
        if (arg.type === "Identifier") {
          this.pending.push({ name: arg.name, resolve: this.resolver(), call: node, sink: pattern.text, inTransaction, wordy });
          return;
        }
        if (!isStringish(arg)) return;
        this.own(arg);
        const c: Candidate = { node: arg, resolve: this.resolver(), origin: "function", sink: pattern.text, inTransaction, anchors: this.anchorsFor(arg, node), wordy };
        (this.inFragmentPosition(node) ? this.nested : this.candidates).push(c);
        return;
      }
      case "Literal":
      case "TemplateLiteral":
      case "BinaryExpression":
        this.maybeLiteral(node);
        return;
      default:
        return;
    }
  }

  /** Binds a name in the current scope (`up`: that many scopes further out). */
  private bind(name: string, init: Node | null, up = 0): void {
    const scope = this.scopes[this.scopes.length - 1 - up] ?? this.scopes[0];
    // a name bound twice in one scope (var, or a redeclaration) is not a known const
    if (scope) scope.set(name, scope.has(name) ? null : init);
  }

  /** Marks a sink's string and its parts as taken. */
  private own(node: Node): void {
    this.owned.add(node);
    if (node.type === "BinaryExpression" && node.operator === "+") {
      for (const leaf of concatLeaves(node)) this.owned.add(leaf);
    }
  }

  /** Another string literal: SQL only if it starts with a keyword and parses (decided later). */
  private maybeLiteral(node: Node): void {
    if (!this.settings.literals || this.owned.has(node)) return;
    if (node.type === "Literal" && typeof node.value !== "string") return;
    const parent = this.parent();
    if (!parent) return;
    // part of a bigger concatenation: the top of the chain is the candidate (checked first, so
    // that only the top looks at the whole chain: `a + b + … + z` stays linear)
    if (parent.type === "BinaryExpression" && parent.operator === "+") return;
    if (node.type === "BinaryExpression") {
      if (node.operator !== "+" || !isStringish(node)) return;
    }
    if (parent.type === "TaggedTemplateExpression") return;
    if (node.type === "Literal" && !literalUsedAsValue(node, parent)) return;
    if (node.type === "TemplateLiteral" && parent.type === "TSLiteralType") return;
    if (this.inFragmentPosition(node) || this.inMessagePosition(node)) return;
    this.candidates.push({ node, resolve: this.resolver(), origin: "literal", sink: "", inTransaction: this.inTx > 0, anchors: this.anchorsFor(node), wordy: false });
  }

  /** An argument (maybe inside an object or array) of console.log, t(), expect(), new Error()…, or JSX. */
  private inMessagePosition(node: Node): boolean {
    let child = node;
    for (let k = this.parents.length - 1; k >= 0; k--) {
      const p = this.parents[k]!;
      if (p.type === "JSXAttribute" || p.type === "JSXExpressionContainer") return true;
      if (p.type === "ThrowStatement") return true;
      if ((p.type === "CallExpression" || p.type === "NewExpression") && p.callee !== child) {
        const path = pathOf(p.callee);
        const last = path[path.length - 1]!.replace(/\(\)$/, "");
        if (p.type === "NewExpression" && /Error$|Exception$/.test(last)) return true;
        if (MESSAGE_CALLEES.has(last) || /^to[A-Z]/.test(last)) return true;
        if (path.some((s) => MESSAGE_OBJECTS.has(s.replace(/\(\)$/, "")))) return true;
        return false;
      }
      if (p.type === "Property" || p.type === "ObjectExpression" || TRANSPARENT.has(p.type)) {
        child = p;
        continue;
      }
      return false;
    }
    return false;
  }

  /** After the walk: `pool.query(q)` with `const q = '…'` in scope where the call is. */
  resolveConsts(): void {
    const byNode = new Map<Node, Candidate>();
    for (const p of this.pending) {
      const init = p.resolve(p.name);
      if (!init || !isStringish(init)) continue;
      const existing = byNode.get(init);
      if (existing) {
        existing.inTransaction &&= p.inTransaction;
        continue;
      }
      const decl = this.constDeclarations.get(init);
      byNode.set(init, {
        node: init,
        resolve: p.resolve,
        origin: "function",
        sink: p.sink,
        inTransaction: p.inTransaction,
        anchors: decl === undefined ? [init.range[0]] : [init.range[0], decl],
        wordy: p.wordy,
      });
      this.own(init);
    }
    // a const first met as a plain literal turns out to be a sink's string: the sink wins
    for (let k = this.candidates.length - 1; k >= 0; k--) {
      const c = this.candidates[k]!;
      if (c.origin === "literal" && this.owned.has(c.node)) this.candidates.splice(k, 1);
    }
    for (const c of byNode.values()) this.candidates.push(c);
    this.candidates.sort((a, b) => a.node.range[0] - b.node.range[0]);
  }

  /** Consts used inside a `${…}` or a `+` somewhere: pieces, not SQL of their own. */
  dropPieceConsts(): void {
    const pieces = new Set<Node>();
    for (const ref of this.pieceRefs) {
      const init = ref.resolve(ref.name);
      if (init) pieces.add(init);
    }
    if (pieces.size === 0) return;
    for (let k = this.candidates.length - 1; k >= 0; k--) {
      const c = this.candidates[k]!;
      if (c.origin === "literal" && pieces.has(c.node)) this.candidates.splice(k, 1);
    }
  }
}

/** Nodes that open a lexical scope. */
const SCOPE_NODES = new Set([
  "Program",
  "FunctionDeclaration",
  "FunctionExpression",
  "ArrowFunctionExpression",
  "BlockStatement",
  "StaticBlock",
  "ForStatement",
  "ForInStatement",
  "ForOfStatement",
  "SwitchStatement",
  "CatchClause",
  "TSModuleBlock",
]);

function unwrap(node: Node): Node {
  let n = node;
  while (n.type === "TSAsExpression" || n.type === "TSSatisfiesExpression" || n.type === "TSNonNullExpression" || n.type === "TSTypeAssertion") n = n.expression;
  return n;
}

/** A string literal, an untagged template, or a `+` chain with a string in it. */
function isStringish(node: Node): boolean {
  if (node.type === "Literal") return typeof node.value === "string";
  if (node.type === "TemplateLiteral") return true;
  if (node.type === "BinaryExpression" && node.operator === "+") return concatLeaves(node).some((l) => isStringish(l));
  return false;
}

/** An expression that computes a number: a numeric literal, arithmetic, `i++`. */
function isNumeric(node: Node, depth = 0): boolean {
  if (depth > 32) return false; // ((a as any) + (b as any)) + …: deeper is not worth a stack
  const e = unwrap(node);
  if (e.type === "Literal") return typeof e.value === "number" || typeof e.value === "bigint";
  if (e.type === "UpdateExpression") return true;
  if (e.type === "UnaryExpression") return e.operator === "-" || e.operator === "+" || e.operator === "~";
  if (e.type === "BinaryExpression") {
    if (["-", "*", "/", "%", "**", "|", "&", "^", "<<", ">>", ">>>"].includes(e.operator)) return true;
    return e.operator === "+" && (isNumeric(e.left as Node, depth + 1) || isNumeric(e.right as Node, depth + 1));
  }
  return false;
}

/** The operands of a `+` chain, left to right. */
function concatLeaves(node: Node): Node[] {
  const out: Node[] = [];
  const stack: Node[] = [node];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === "BinaryExpression" && n.operator === "+") {
      stack.push(n.right as Node, n.left as Node);
    } else out.push(n);
  }
  return out;
}

/** A string literal standing as a value (not a key, an import source, a type or a directive). */
function literalUsedAsValue(node: TSESTree.Literal, parent: Node): boolean {
  switch (parent.type) {
    case "Property":
    case "PropertyDefinition":
    case "MethodDefinition":
    case "TSPropertySignature":
    case "TSMethodSignature":
    case "AccessorProperty":
      return parent.key !== node || parent.computed;
    case "ImportDeclaration":
    case "ExportAllDeclaration":
    case "ExportNamedDeclaration":
    case "ImportExpression":
    case "TSExternalModuleReference":
    case "TSImportType":
    case "TSLiteralType":
    case "TSEnumMember":
    case "TSModuleDeclaration":
    case "ImportAttribute":
    case "JSXAttribute":
      return false;
    case "ExpressionStatement":
      return parent.directive === undefined;
    default:
      return true;
  }
}

function patternNames(pattern: Node | null | undefined, out: string[] = []): string[] {
  // destructuring inside destructuring…: a stack, not recursion
  const stack: (Node | null | undefined)[] = [pattern];
  while (stack.length > 0) {
    const p = stack.pop();
    if (!p) continue;
    switch (p.type) {
      case "Identifier":
        out.push(p.name);
        break;
      case "ObjectPattern":
        for (let i = p.properties.length - 1; i >= 0; i--) {
          const prop = p.properties[i]!;
          stack.push(prop.type === "RestElement" ? prop.argument : (prop.value as Node));
        }
        break;
      case "ArrayPattern":
        for (let i = p.elements.length - 1; i >= 0; i--) stack.push(p.elements[i] as Node | null);
        break;
      case "RestElement":
        stack.push(p.argument);
        break;
      case "AssignmentPattern":
        stack.push(p.left);
        break;
      case "TSParameterProperty":
        stack.push(p.parameter);
        break;
      default:
        break;
    }
  }
  return out;
}

// --- building the SQL text ----------------------------------------------------------------------

type Piece =
  | { kind: "string" | "template"; start: number; end: number }
  /** An interpolation: host range of `${…}` (or of a `+` operand) and of the expression inside. */
  | { kind: "expr"; start: number; end: number; exprStart: number; exprEnd: number; numeric: boolean };

/** How interpolated expressions read: SQL-tagged templates inline into tagged hosts, strings into plain ones. */
interface PieceContext {
  /** The host is a tagged SQL template (interpolated strings are values, tagged templates are SQL). */
  tagged: boolean;
  isSqlTag(tag: Node): boolean;
  /** The initialiser of a `const` declared once in the file. */
  resolve(name: string): Node | null;
}

function piecesOf(node: Node, ctx: PieceContext, out: Piece[] = [], depth = 0): Piece[] {
  if (node.type === "Literal") {
    out.push({ kind: "string", start: node.range[0] + 1, end: node.range[1] - 1 });
  } else if (node.type === "TemplateLiteral") {
    // typescript-estree's template parts include their delimiters (`, ${, }); espree's do not
    const withDelimiters = node.quasis[0]!.range[0] === node.range[0];
    const content = (q: TSESTree.TemplateElement): [number, number] =>
      withDelimiters ? [q.range[0] + 1, q.range[1] - (q.tail ? 1 : 2)] : [q.range[0], q.range[1]];
    node.quasis.forEach((q, i) => {
      const [start, end] = content(q);
      out.push({ kind: "template", start, end });
      const e = node.expressions[i];
      if (e && !q.tail) {
        const next = content(node.quasis[i + 1]!);
        const inline = depth < 8 ? inlineable(e, ctx) : null;
        if (inline) for (const part of inline) piecesOf(part, ctx, out, depth + 1);
        else out.push({ kind: "expr", start: end, end: next[0], exprStart: e.range[0], exprEnd: e.range[1], numeric: isNumeric(e) });
      }
    });
  } else if (node.type === "TaggedTemplateExpression") {
    piecesOf(node.quasi, ctx, out, depth);
  } else if (node.type === "BinaryExpression" && node.operator === "+") {
    for (const leaf of concatLeaves(node)) {
      if ((leaf.type === "Literal" && typeof leaf.value === "string") || leaf.type === "TemplateLiteral") {
        piecesOf(leaf, ctx, out, depth);
        continue;
      }
      const inline = depth < 8 ? inlineable(leaf, ctx) : null;
      if (inline) for (const part of inline) piecesOf(part, ctx, out, depth + 1);
      else out.push({ kind: "expr", start: leaf.range[0], end: leaf.range[1], exprStart: leaf.range[0], exprEnd: leaf.range[1], numeric: isNumeric(leaf) });
    }
  }
  return out;
}

/**
 * SQL written inside an interpolation, read in place: `${sql`AND x = ${y}`}` in a tagged
 * template, `${cond ? sql`AND a` : Prisma.empty}` (the branch with more SQL: one path the
 * code really runs), a `const` of the file holding such SQL, and in a plain template
 * `${where ? `WHERE ${where}` : ''}`. Anything else stays a placeholder. Returns the nodes to
 * read (empty: the interpolation adds nothing).
 */
function inlineable(expr: Node, ctx: PieceContext, depth = 0): Node[] | null {
  if (depth > 4) return null;
  let e = unwrap(expr);
  if (e.type === "Identifier") {
    const init = ctx.resolve(e.name);
    if (!init) return null;
    e = init;
  }
  const direct = sqlText(e, ctx);
  if (direct) return direct;
  if (e.type !== "ConditionalExpression") return null;
  const a = inlineable(e.consequent, ctx, depth + 1);
  const b = inlineable(e.alternate, ctx, depth + 1);
  if (!a || !b) return null;
  const size = (nodes: Node[]) => nodes.reduce((n, x) => n + (x.range[1] - x.range[0]), 0);
  return size(b) > size(a) ? b : a;
}

/** The SQL a value stands for in this host, or null when it is not literally SQL here. */
function sqlText(e: Node, ctx: PieceContext): Node[] | null {
  if (ctx.tagged) {
    if (e.type === "TaggedTemplateExpression" && ctx.isSqlTag(e.tag)) return e.quasi.quasis.length === 1 && e.quasi.quasis[0]!.value.raw.trim() === "" ? [] : [e];
    // Prisma.empty, sql.empty, sql.empty()
    const m = e.type === "CallExpression" && e.arguments.length === 0 ? e.callee : e;
    if (m.type === "MemberExpression" && !m.computed && m.property.type === "Identifier" && m.property.name === "empty") return [];
    return null;
  }
  if (e.type === "Literal" && typeof e.value === "string") return e.value === "" ? [] : [e];
  if (e.type === "TemplateLiteral") return e.quasis.length === 1 && e.quasis[0]!.value.raw === "" ? [] : [e];
  return null;
}

type Mode = "value" | "identifier" | "list" | "query";

const NEXT_MODE: Record<Mode, Mode | null> = { value: "identifier", identifier: "list", list: "query", query: null };

interface Slot {
  /** Range of the stand-in in the SQL text. */
  start: number;
  end: number;
  mode: Mode;
  /** The expression computes a number (`${n + 1}`): it cannot carry a clause. */
  numeric: boolean;
  /** For identifiers: the name the parser sees (without quotes). */
  name: string;
}

interface Built {
  text: string;
  toHost: (offset: number, end?: boolean) => number;
  slots: Slot[];
}

function build(host: string, pieces: Piece[], modes: Mode[], names: string[]): Built {
  const out = new CookedText();
  const slots: Slot[] = [];
  let n = 0;
  let previousExpr = false;
  for (const p of pieces) {
    if (p.kind !== "expr") {
      cookInto(out, host, p.start, p.end, p.kind);
      previousExpr = previousExpr && p.end === p.start;
      continue;
    }
    const mode = modes[n]!;
    const name = names[n]!;
    n++;
    // two interpolations side by side must not melt into one token
    if (previousExpr) out.pushFor(" ", p.start, p.start);
    const stand =
      mode === "value" ? `$${n}` : mode === "list" ? `($${n})` : mode === "query" ? `SELECT $${n}` : `"${name.replace(/"/g, '""')}"`;
    const at = out.length;
    out.pushFor(stand, p.start, p.end);
    slots.push({ start: at, end: at + stand.length, mode, name, numeric: p.numeric });
    previousExpr = true;
  }
  const last = pieces[pieces.length - 1];
  if (last) out.setEnd(last.end);
  return { ...out.finish(), slots };
}

/** `${expression}` as an identifier the parser accepts (at most 63 bytes, PostgreSQL's limit). */
function standInName(host: string, p: Extract<Piece, { kind: "expr" }>): string {
  let inner = host.slice(p.exprStart, p.exprEnd).replace(/\s+/g, " ").trim();
  const wrap = (s: string) => "${" + s + "}";
  while (inner.length > 0 && (inner.length > 40 || Buffer.byteLength(wrap(inner).replace(/"/g, '""')) > 60)) {
    inner = inner.slice(0, Math.min(inner.length - 1, 39)) + "…";
    if (inner === "…") break;
  }
  return wrap(inner);
}

type Decision =
  | { kind: "sql"; text: string; toHost: (offset: number, end?: boolean) => number; stmts: RawStmt[] }
  | { kind: "fragment" | "empty" };

/**
 * Finds the reading of the interpolations under which the text parses: all values first; at
 * the first error, the interpolation just before it becomes an identifier, then a list, then a
 * query. A
 * placeholder that ends up an implicit alias (`DELETE FROM t ${where}` → `t "${where}"`) shows
 * that the interpolation was a clause: the string is a fragment.
 */
function decide(host: string, pieces: Piece[]): Decision {
  const exprs = pieces.filter((p): p is Extract<Piece, { kind: "expr" }> => p.kind === "expr");
  const modes: Mode[] = exprs.map(() => "value");
  const names = exprs.map((p) => standInName(host, p));
  for (let round = 0; round <= 3 * exprs.length; round++) {
    const built = build(host, pieces, modes, names);
    const outcome = parseSql(built.text);
    // Too deeply nested to read (or for PostgreSQL to parse), whatever the interpolations are:
    // SQL all the same, reported as such (syntax-error), never skipped as a fragment.
    if (!outcome.ok && (outcome.tooDeep || outcome.parserLimit)) return { kind: "sql", text: built.text, toHost: built.toHost, stmts: [] };
    if (outcome.ok) {
      if (outcome.stmts.length === 0) return { kind: "empty" };
      if (clauseInterpolation(outcome.stmts, built) || gluedAtEnd(built)) return { kind: "fragment" };
      return { kind: "sql", text: built.text, toHost: built.toHost, stmts: outcome.stmts };
    }
    let pick = -1;
    built.slots.forEach((s, k) => {
      if (s.start <= outcome.offset && NEXT_MODE[s.mode]) pick = k;
    });
    if (pick < 0) return { kind: "fragment" };
    modes[pick] = NEXT_MODE[modes[pick]!]!;
  }
  return { kind: "fragment" };
}

/**
 * `'DELETE FROM t' + rest` reads as the table `t$1`, but `rest` may as well be ` WHERE …`: an
 * interpolation that ends the text glued to a name is not known to be part of the name.
 */
function gluedAtEnd(built: Built): boolean {
  const last = built.slots[built.slots.length - 1];
  if (!last || last.mode !== "value" || last.numeric) return false;
  return built.text.slice(last.end).trim() === "" && /[\p{L}\p{N}_$]/u.test(built.text[last.start - 1] ?? "");
}

function clauseInterpolation(stmts: RawStmt[], built: Built): boolean {
  const suspects = new Set(
    built.slots.filter((s) => s.mode === "identifier" && !/\bas\s*$/i.test(built.text.slice(Math.max(0, s.start - 8), s.start))).map((s) => s.name),
  );
  if (suspects.size === 0) return false;
  let found = false;
  const aliases = (value: unknown) =>
    forEachObject(value, (o) => {
      if (found) return false;
      if (typeof o.aliasname === "string" && suspects.has(o.aliasname)) found = true;
    });
  // Only where a clause could hide the rows a write touches: the target of an UPDATE/DELETE and
  // its FROM/USING items. `SELECT * FROM (${q}) ${alias}` is an alias and reads fine.
  for (const s of stmts) {
    forEachObject(s.stmt, (o) => {
      if (found) return false;
      for (const key of ["UpdateStmt", "DeleteStmt"]) {
        const body = o[key] as PgNode | undefined;
        if (body) aliases([body.relation, body.fromClause, body.usingClause]);
      }
    });
  }
  return found;
}

/** First word of the SQL text (after spaces and comments). */
function firstWord(sql: string): string {
  let i = 0;
  for (;;) {
    while (i < sql.length && /\s/.test(sql[i]!)) i++;
    if (sql.startsWith("--", i)) {
      const nl = sql.indexOf("\n", i);
      if (nl < 0) return "";
      i = nl + 1;
    } else if (sql.startsWith("/*", i)) {
      const e = sql.indexOf("*/", i + 2);
      if (e < 0) return "";
      i = e + 2;
    } else break;
  }
  return /^[A-Za-z]+/.exec(sql.slice(i, i + 20))?.[0] ?? "";
}

/** A literal that is not in a sink is SQL only if it looks like it: a keyword, in one case, and more than one word. */
function looksLikeSql(sql: string): boolean {
  const word = firstWord(sql);
  const lower = word.toLowerCase();
  const oneCase = word === word.toUpperCase() || word === lower;
  if (!oneCase) return false;
  if (!STRONG.has(lower) && !(WEAK.has(lower) && word === word.toUpperCase())) return false;
  return /\S\s+\S/.test(sql.trim());
}

// --- putting it together ------------------------------------------------------------------------

/** Extracts the SQL strings of a parsed file (`program` from typescript-estree or ESLint). */
export function extractFromProgram(program: TSESTree.Program, text: string, options: EmbeddedOptions = {}): CodeSql {
  const settings = options.settings ?? defaultEmbeddedSettings;
  visitorKeys ??= (createRequire(import.meta.url)("@typescript-eslint/visitor-keys") as { visitorKeys: VisitorKeys }).visitorKeys;
  const walker = new Walker(options.testFile ? { ...settings, literals: false } : settings, visitorKeys);
  walker.walk(program);
  walker.resolveConsts();
  walker.dropPieceConsts();

  const result: CodeSql = { parsed: true, error: null, parts: [], skipped: [], comments: [] };
  // the file directives of SQL scripts work in code comments too, for every string of the file
  let fileAssumes = options.assumeInTransaction ?? false;
  for (const c of program.comments ?? []) {
    const text = directiveText(c.value, c.type === "Block");
    if (!isDirective(text)) continue;
    const block = c.type === "Block";
    result.comments.push({ start: c.range[0], end: c.range[1], block, ...(block && c.value.startsWith("*") ? { jsdoc: true } : {}), text });
    const file = fileTransactionDirective(text);
    if (file) fileAssumes = file === "assume-in-transaction";
  }
  for (const c of walker.nested) {
    result.skipped.push({ start: c.node.range[0], end: c.node.range[1], origin: c.origin, reason: "nested" });
  }
  const seen = new Set<Node>();
  for (const c of walker.candidates) {
    if (seen.has(c.node)) continue;
    seen.add(c.node);
    const pieces = piecesOf(c.node, {
      tagged: c.origin === "tag",
      isSqlTag: (tag) => findPattern(settings.tags, pathOf(tag)) !== null,
      resolve: c.resolve,
    });
    if (pieces.length === 0) continue;
    if (c.origin === "literal") {
      // cheap look at the raw text before any parse
      const values = pieces.filter((p) => p.kind === "expr").map((): Mode => "value");
      const head = build(text, pieces, values, values.map(() => "")).text;
      if (!looksLikeSql(head)) continue;
    }
    const d = decide(text, pieces);
    if (d.kind !== "sql") {
      const reason = c.origin === "literal" ? "not-sql" : d.kind;
      result.skipped.push({ start: c.node.range[0], end: c.node.range[1], origin: c.origin, reason });
      continue;
    }
    if (c.wordy && !/\S\s+\S/.test(d.text.trim())) {
      result.skipped.push({ start: c.node.range[0], end: c.node.range[1], origin: c.origin, reason: "fragment" });
      continue;
    }
    const inTransaction = c.inTransaction;
    const doc = new SqlDocument(d.text, { kind: "embedded", psql: false, assumeInTransaction: fileAssumes || inTransaction, parsed: d.stmts });
    result.parts.push({
      doc,
      toHost: d.toHost,
      start: c.node.range[0],
      end: c.node.range[1],
      origin: c.origin,
      sink: c.sink,
      inTransaction,
      anchors: c.anchors,
    });
  }
  return result;
}

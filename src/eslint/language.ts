/**
 * `sqlguard/sql`: an ESLint language for `.sql` files. The file goes through sqlguard's own
 * front-end (the lexer splits it, libpg-query parses each statement once) and the rules of the
 * plugin read the same `SqlDocument` the CLI builds. ESLint sees a small tree: a `Script` whose
 * `body` holds `Statement`, `MetaCommand` and `CopyData` nodes (statements inside a function or
 * DO body are the `body` of theirs), with the comments beside it.
 *
 * Statements that do not parse are not a fatal parse error: they are reported by the
 * `sqlguard/syntax-error` rule like the CLI does, and the other statements are still linted.
 *
 * Inline config works as in JavaScript, in SQL comments: `-- eslint-disable-next-line
 * sqlguard/require-where -- reason`, `/* eslint-disable *\/`, `-- eslint sqlguard/require-semicolon: off`.
 * The parser (WASM) must be loaded before `parse` runs: the plugin's entry module awaits it.
 *
 * A guest in configs written for JavaScript: rules a project configures without `files`
 * (`@eslint/js` and typescript-eslint's configs, a global `strict`…) reach `.sql` files too. To
 * them a SQL file looks like an empty program: `languageOptions.parserOptions` exists, the scope
 * is an empty global scope, and the parser services are typescript-eslint's "no type information"
 * ones, so they start, find nothing and report nothing (a `Script` root never fires `Program`).
 * Rules that need type information cannot run on SQL at all: they ask for a TypeScript program
 * when they start, which only `disableTypeChecked` for the SQL files turns off (docs/editors.md).
 */
import type { File, FileProblem, Language, OkParseResult, ParseResult, RulesConfig, SourceLocation, TraversalStep } from "@eslint/core";
import { ConfigCommentParser, Directive, TextSourceCodeBase, VisitNodeStep } from "@eslint/plugin-kit";
import { commentBody, Statement, type TxState } from "../sql/document.js";
import { extract, type Extraction } from "../extract/index.js";
import { LineIndex } from "../sql/text.js";
import type { StatementKind } from "../sql/classify.js";
import type { ToolId } from "../run-model/types.js";

interface BaseNode {
  type: string;
  /** Offsets in the file: [start, end). */
  range: [number, number];
  loc: SourceLocation;
}

export interface ScriptNode extends BaseNode {
  type: "Script";
  body: (StatementNode | MetaCommandNode | CopyDataNode)[];
  comments: CommentNode[];
}

export interface StatementNode extends BaseNode {
  type: "Statement";
  /** The parser's node type (`UpdateStmt`, `CreateStmt`…), "" when it does not parse. */
  nodeType: string;
  kind: StatementKind | null;
  /** The transaction it runs in. */
  tx: TxState;
  /** Why it does not parse (reported by `sqlguard/syntax-error`). */
  error: string | null;
  /** Statements inside its function or DO body. */
  body: StatementNode[];
}

export interface MetaCommandNode extends BaseNode {
  type: "MetaCommand";
  /** psql meta-command without the backslash (`set`, `connect`…). */
  command: string;
  args: string;
}

export interface CopyDataNode extends BaseNode {
  type: "CopyData";
}

export interface CommentNode extends BaseNode {
  type: "Comment";
  block: boolean;
  /** The text inside the delimiters. */
  value: string;
}

export type SqlNode = ScriptNode | StatementNode | MetaCommandNode | CopyDataNode | CommentNode;

export const visitorKeys: Record<string, string[]> = {
  Script: ["body"],
  Statement: ["body"],
  MetaCommand: [],
  CopyData: [],
  Comment: [],
};

/** SQL line breaks: LF, CRLF and a lone CR (the positions the CLI prints). */
const LINE_BREAK = /\r\n|[\r\n]/u;

/** What `parse` hands to `createSourceCode`: the tree, and the documents it was built from. */
export interface SqlParseResult extends OkParseResult<ScriptNode> {
  /** The file's documents, as the CLI extracts them (one per unit its migration tool runs), each with its events read once. */
  extraction: Extraction;
}

/**
 * Lexes and parses a SQL script, as the CLI does (its run model decides the units: goose's Up and
 * Down sections, named queries…), into its documents, their events and ESLint's tree.
 */
export function parseScript(text: string, filePath = "script.sql", options: { assumeInTransaction?: boolean; migrationTool?: ToolId | "none" } = {}): SqlParseResult {
  const lines = new LineIndex(text);
  const extraction = extract(filePath, text, {
    kind: "sql",
    assumeInTransaction: options.assumeInTransaction ?? false,
    ...(options.migrationTool !== undefined ? { migrationTool: options.migrationTool } : {}),
    lineOf: (o) => lines.lineOf(o) + 1,
  });
  extraction.sql = extraction.sql.map((p) => ({ ...p, events: [...p.doc.events()] }));
  const events = extraction.sql.flatMap((p) => p.events!);
  const loc = (start: number, end: number): SourceLocation => {
    const a = lines.position(start);
    const b = lines.position(end);
    return { start: { line: a.line, column: a.column - 1 }, end: { line: b.line, column: b.column - 1 } };
  };
  const ast: ScriptNode = { type: "Script", range: [0, text.length], loc: loc(0, text.length), body: [], comments: [] };
  const statementNode = (e: Statement): StatementNode => ({
    type: "Statement",
    range: [e.start, e.end],
    loc: loc(e.start, e.end),
    nodeType: e.nodeType,
    kind: e.kind,
    tx: e.tx,
    error: e.error?.message ?? null,
    body: e.body.map(statementNode),
  });
  for (const e of events) {
    if (e instanceof Statement) ast.body.push(statementNode(e));
    else if (e.type === "meta") {
      ast.body.push({ type: "MetaCommand", range: [e.start, e.end], loc: loc(e.start, e.end), command: e.command, args: e.args });
    } else {
      ast.body.push({ type: "CopyData", range: [e.start, e.end], loc: loc(e.start, e.end) });
    }
  }
  for (const c of extraction.sql.flatMap((p) => p.doc.comments)) {
    ast.comments.push({ type: "Comment", range: [c.start, c.end], loc: loc(c.start, c.end), block: c.block, value: commentBody(text, c) });
  }
  return { ok: true, ast, extraction };
}

/** ESLint's directive comments: `eslint-disable…`, `eslint-enable`, and `eslint` (rule settings). */
const INLINE_CONFIG = /^\s*(?:eslint-disable-next-line|eslint-disable-line|eslint-disable|eslint-enable|eslint)(?:\s|$)/u;

/**
 * The directive text of a comment. `/** eslint-disable-next-line … *\/` counts too: it is what the
 * ESLint language server's "Disable … for this line" quick fix writes in a file whose language
 * it does not know (`/**` … `*\/`, with the block comment style that SQL can hold).
 */
function directiveText(c: CommentNode): string {
  return c.block && c.value.startsWith("*") ? c.value.slice(1) : c.value;
}

const commentParser = new ConfigCommentParser();

/** A scope with nothing declared and nothing referenced: what a JavaScript rule finds in SQL. */
interface EmptyScope {
  type: "global";
  block: ScriptNode;
  upper: null;
  variableScope: EmptyScope;
  childScopes: [];
  variables: [];
  references: [];
  through: [];
  set: Map<string, never>;
  isStrict: false;
  functionExpressionScope: false;
  implicit: { variables: []; set: Map<string, never>; left: [] };
}

function emptyScope(block: ScriptNode): EmptyScope {
  const scope = {
    type: "global",
    block,
    upper: null,
    childScopes: [],
    variables: [],
    references: [],
    through: [],
    set: new Map(),
    isStrict: false,
    functionExpressionScope: false,
    implicit: { variables: [], set: new Map(), left: [] },
  } as Omit<EmptyScope, "variableScope"> as EmptyScope;
  scope.variableScope = scope;
  return scope;
}

export class SqlSourceCode extends TextSourceCodeBase<{
  LangOptions: Record<string, unknown>;
  RootNode: ScriptNode;
  SyntaxElementWithLoc: SqlNode;
  ConfigNode: CommentNode;
}> {
  /** The file's documents and their events, parsed once: every rule reads these. */
  readonly extraction: Extraction;
  readonly comments: CommentNode[];
  readonly visitorKeys = visitorKeys;
  readonly #parents = new Map<SqlNode, SqlNode>();
  #inlineConfig: CommentNode[] | null = null;
  readonly #scope: EmptyScope;
  /**
   * The scope manager JavaScript rules ask for (typescript-eslint's naming-convention): one empty
   * global scope. Never `null`: ESLint reads `null` as "a JavaScript tree, analyse its scopes".
   */
  readonly scopeManager: {
    scopes: EmptyScope[];
    globalScope: EmptyScope;
    acquire(): null;
    getDeclaredVariables(): [];
    isES6(): boolean;
    isModule(): boolean;
    isGlobalReturn(): boolean;
    isImpliedStrict(): boolean;
    isStrictModeSupported(): boolean;
  };
  /**
   * What typescript-eslint's parser returns for a file without type information: rules that work
   * without types start (and find nothing); rules that need types stop with typescript-eslint's own
   * message, which names the file.
   */
  readonly parserServices = {
    program: null,
    esTreeNodeToTSNodeMap: new WeakMap<object, unknown>(),
    tsNodeToESTreeNodeMap: new WeakMap<object, unknown>(),
  };

  constructor(text: string, result: SqlParseResult) {
    super({ text, ast: result.ast, lineEndingPattern: LINE_BREAK });
    this.extraction = result.extraction;
    this.comments = result.ast.comments;
    const scope = (this.#scope = emptyScope(result.ast));
    this.scopeManager = {
      scopes: [scope],
      globalScope: scope,
      acquire: () => null,
      getDeclaredVariables: () => [],
      isES6: () => true,
      isModule: () => false,
      isGlobalReturn: () => false,
      isImpliedStrict: () => false,
      isStrictModeSupported: () => true,
    };
    const visit = (node: ScriptNode | StatementNode) => {
      for (const child of node.body) {
        this.#parents.set(child, node);
        if (child.type === "Statement") visit(child);
      }
    };
    visit(result.ast);
  }

  /** The scope of any node: the empty global one (ESLint's logical-assignment-operators, typescript-eslint's prefer-find… ask for it). */
  getScope(): EmptyScope {
    return this.#scope;
  }

  /** Nothing is declared in SQL, as JavaScript rules understand declarations. */
  getDeclaredVariables(): [] {
    return [];
  }

  override getParent(node: SqlNode): SqlNode | undefined {
    return this.#parents.get(node);
  }

  /** Every comment of the file. */
  getAllComments(): CommentNode[] {
    return this.comments;
  }

  override traverse(): Iterable<TraversalStep> {
    const steps: TraversalStep[] = [];
    const visit = (node: SqlNode, parent: SqlNode | undefined) => {
      steps.push(new VisitNodeStep({ target: node, phase: 1, args: [node, parent] }));
      if (node.type === "Script" || node.type === "Statement") for (const child of node.body) visit(child, node);
      steps.push(new VisitNodeStep({ target: node, phase: 2, args: [node, parent] }));
    };
    visit(this.ast, undefined);
    return steps;
  }

  /** Comments holding ESLint directives or rule settings. */
  getInlineConfigNodes(): CommentNode[] {
    return (this.#inlineConfig ??= this.comments.filter((c) => INLINE_CONFIG.test(directiveText(c))));
  }

  getDisableDirectives(): { directives: Directive[]; problems: FileProblem[] } {
    const directives: Directive[] = [];
    const problems: FileProblem[] = [];
    for (const comment of this.getInlineConfigNodes()) {
      const parsed = commentParser.parseDirective(directiveText(comment));
      if (!parsed || parsed.label === "eslint") continue;
      const type = parsed.label.slice("eslint-".length) as Directive["type"];
      // as in JavaScript: only `eslint-disable-line` must fit on one line; a block
      // `eslint-disable-next-line` may span lines and covers the line after its end
      if (type === "disable-line" && comment.loc.start.line !== comment.loc.end.line) {
        problems.push({ ruleId: null, message: `${parsed.label} comment should not span multiple lines.`, loc: comment.loc });
        continue;
      }
      directives.push(new Directive({ type, node: comment, value: parsed.value, justification: parsed.justification }));
    }
    return { directives, problems };
  }

  /** `-- eslint sqlguard/require-semicolon: off`: rule settings for this file. */
  applyInlineConfig(): { configs: { config: { rules: RulesConfig }; loc: SourceLocation }[]; problems: FileProblem[] } {
    const configs: { config: { rules: RulesConfig }; loc: SourceLocation }[] = [];
    const problems: FileProblem[] = [];
    for (const comment of this.getInlineConfigNodes()) {
      const parsed = commentParser.parseDirective(directiveText(comment));
      if (!parsed || parsed.label !== "eslint") continue;
      const result = commentParser.parseJSONLikeConfig(parsed.value);
      if (result.ok) configs.push({ config: { rules: result.config as RulesConfig }, loc: comment.loc });
      else problems.push({ ruleId: null, message: result.error.message, loc: comment.loc });
    }
    return { configs, problems };
  }
}

export const sqlLanguage: Language<{ LangOptions: Record<string, unknown>; Code: SqlSourceCode; RootNode: ScriptNode; Node: SqlNode }> = {
  fileType: "text",
  lineStart: 1,
  columnStart: 0,
  nodeTypeKey: "type",
  visitorKeys,
  // rules written for JavaScript read `languageOptions.parserOptions` when they start (core `strict`
  // reads its `ecmaFeatures`, typescript-eslint's no-deprecated its `jsDocParsingMode`); a project's own
  // languageOptions merge over this
  defaultLanguageOptions: { parserOptions: {} },
  validateLanguageOptions() {
    // no options of its own; other keys are ignored, as ESLint asks of languages
  },
  parse(file: File): ParseResult<ScriptNode> {
    const text = typeof file.body === "string" ? file.body : new TextDecoder().decode(file.body);
    return parseScript(text, file.path);
  },
  createSourceCode(file: File, result: OkParseResult<ScriptNode>): SqlSourceCode {
    const text = typeof file.body === "string" ? file.body : new TextDecoder().decode(file.body);
    return new SqlSourceCode(text, result as SqlParseResult);
  },
};

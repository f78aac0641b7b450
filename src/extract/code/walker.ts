/**
 * The walk over a code file's tree that finds the candidate SQL strings: templates with a SQL
 * tag, the first argument of a sink call (or the `const` it names), and plain literals that may
 * be SQL; with, for each, how names resolve where it is used and whether it runs inside a
 * transaction wrapper's callback.
 */
import type { TSESTree } from "@typescript-eslint/typescript-estree";
import { concatLeaves, isStringish, literalUsedAsValue, patternNames, SCOPE_NODES, unwrap } from "./ast.js";
import { packageOf } from "./libraries.js";
import { findPattern, pathOf, WORDY_FUNCTIONS, type EmbeddedSettings } from "./settings.js";
import type { Origin } from "./types.js";
import { visitorKeys as visitorKeysOf, type VisitorKeys } from "../../util/lazy-deps.js";

type Node = TSESTree.Node;

/** Names bound in one lexical scope: a `const`'s initialiser, or null for any other binding. */
type Scope = Map<string, Node | null>;

/** Looks a name up from a place in the file (innermost scope first). */
export type Resolver = (name: string) => Node | null;

export interface Candidate {
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
  /** For function sinks: the call, and its callee's dotted path (see `pathOf`). */
  call?: TSESTree.CallExpression;
  path?: string[];
}

interface PendingConst {
  name: string;
  resolve: Resolver;
  call: TSESTree.CallExpression;
  path: string[];
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

export type { VisitorKeys };
let visitorKeys: VisitorKeys | null = null;

/** The child keys of every ESTree node type (loaded on first use, like the parser). */
export function loadVisitorKeys(): VisitorKeys {
  return (visitorKeys ??= visitorKeysOf());
}

export class Walker {
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
  /** npm packages the file imports or requires (`knex`, `@mikro-orm/core`). */
  readonly imports = new Set<string>();

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
      case "ImportDeclaration":
      case "ImportExpression":
        this.imported(node.source);
        return;
      case "CallExpression": {
        if (node.callee.type === "Identifier" && node.callee.name === "require" && node.arguments[0]) this.imported(node.arguments[0]);
        const path = pathOf(node.callee);
        const pattern = findPattern(this.settings.functions, path);
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
          this.pending.push({ name: arg.name, resolve: this.resolver(), call: node, path, sink: pattern.text, inTransaction, wordy });
          return;
        }
        if (!isStringish(arg)) return;
        this.own(arg);
        const c: Candidate = { node: arg, resolve: this.resolver(), origin: "function", sink: pattern.text, inTransaction, anchors: this.anchorsFor(arg, node), wordy, call: node, path };
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

  /** Notes the package an import, `import()` or `require()` names. */
  private imported(source: Node): void {
    if (source.type !== "Literal" || typeof source.value !== "string") return;
    const name = packageOf(source.value);
    if (name) this.imports.add(name);
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
        call: p.call,
        path: p.path,
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


/**
 * Runs rules over a file's documents: the one place listeners are called. For each SQL document it
 * works out from the listeners of the rules that read it what the front-end must build (the trees
 * of which statement types, which DO and function bodies), then hands every rule what it subscribed
 * to, in document order. A rule that throws is reported once and sits out the rest of the file.
 */
import { nodeBody, nodeKeys, nodeType } from "../sql/classify.js";
import { hasBody, Statement } from "../sql/document.js";
import type { PgNode } from "../sql/parser.js";
import { executedNodes, runsNow, statementWords } from "../sql/statements.js";
import type { FileDocuments, SqlPart } from "./documents.js";
import type { TextDocument } from "../secrets/text-document.js";
import type { FileSecrets } from "./masking.js";
import type { NodeContext, ReportDescriptor, Rule, RuleContext, RuleListeners, SharedSettings } from "./rule.js";

/** A rule to run over a file's documents: its options and its configured severity. */
export interface RuleRun {
  rule: Rule;
  options: unknown;
  severity: 1 | 2;
}

/** What a rule reported, in document offsets, with how to place it in the file. */
export interface Pending {
  rule: Rule;
  severity: 1 | 2;
  descriptor: ReportDescriptor;
  /** Document offset → host offset (`end`: for the exclusive end of a range). */
  toHost: (o: number, end?: boolean) => number;
  /** SQL inside a code string: a fix is kept only when its text needs no escaping there. */
  embedded: boolean;
  /** A text quoting the document as the code reads (see `SqlDocument.display`). */
  display?: ((text: string) => string) | null;
}

const EVENTS = new Set(["statement", "bodyStatement", "transaction", "item", "end", "text"]);

/** The statement types a set of listeners subscribes to. */
export function subscribedTypes(listeners: RuleListeners): string[] {
  return Object.keys(listeners).filter((k) => !EVENTS.has(k) && typeof (listeners as Record<string, unknown>)[k] === "function");
}

/**
 * Runs rules over a file's documents. Each SQL document gets the file's credentials first
 * (`secrets`), so that rules quote masked text (see masking.ts).
 */
export function runRules(
  runs: Iterable<RuleRun>,
  documents: FileDocuments,
  settings: SharedSettings,
  secrets?: FileSecrets,
): { pending: Pending[]; internal: string[] } {
  const pending: Pending[] = [];
  const internal: string[] = [];
  const list = [...runs];
  for (const part of documents.sql) {
    secrets?.attach(part);
    runSqlRules(settings, part, list, pending, internal);
  }
  if (documents.text) runTextRules(settings, documents.text, list, pending, internal);
  return { pending, internal };
}

interface Live {
  rule: Rule;
  listeners: RuleListeners;
  dead: boolean;
}

type NodeListener = (node: unknown, at: NodeContext) => void;

function runSqlRules(settings: SharedSettings, part: SqlPart, runs: RuleRun[], pending: Pending[], internal: string[]): void {
  const doc = part.doc;
  const live: Live[] = [];
  for (const run of runs) {
    const rule = run.rule;
    if (rule.verify || !rule.appliesTo.includes(doc.kind)) continue; // verify rules are measured, not run
    // undoing the up migration is what a down migration is for (see `skipDown`)
    if (rule.skipDown && doc.run.role === "down") continue;
    const context: RuleContext<unknown> = {
      options: run.options,
      settings,
      doc,
      report(descriptor) {
        pending.push({ rule, severity: run.severity, descriptor, toHost: part.toHost, embedded: doc.kind === "embedded", display: doc.display });
      },
    };
    const listeners = guard(rule, internal, () => rule.create(context));
    if (listeners) live.push({ rule, listeners, dead: false });
  }
  if (live.length === 0) return;

  // A listener function several rules share (the migration state's `feed`) is called once per
  // statement; should it throw, every rule sharing it sits out.
  const onStatement: { x: Live; fn: (s: Statement) => void; sharers: Live[] }[] = [];
  for (const x of live) {
    const fn = x.listeners.statement;
    if (!fn) continue;
    const same = onStatement.find((o) => o.fn === fn);
    if (same) same.sharers.push(x);
    else onStatement.push({ x, fn, sharers: [x] });
  }
  const onBodyStatement = live.filter((x) => x.listeners.bodyStatement);
  const onTransaction = live.filter((x) => x.listeners.transaction);
  const onItem = live.filter((x) => x.listeners.item);
  // statement type → the rules listening for it; a migration rule only hears what the migration
  // runs, not a function body (it runs when the function is called) or a prepared statement
  const byType = new Map<string, { x: Live; fn: NodeListener; now: boolean }[]>();
  for (const x of live) {
    for (const type of subscribedTypes(x.listeners)) {
      const fn = (x.listeners as Record<string, NodeListener>)[type]!;
      let list = byType.get(type);
      if (!list) byType.set(type, (list = []));
      list.push({ x, fn, now: x.rule.migration === true && x.rule.functionBodies !== true });
    }
  }
  // A DO block or function body is read only when it may hold a statement some rule listens for;
  // a function body (it runs when called) only for the rules that read those (not migration rules).
  const bodyWords = byType.size > 0 ? statementWords(byType.keys()) : undefined;
  const laterTypes = [...byType].filter(([, list]) => list.some((l) => !l.now)).map(([type]) => type);
  const functionWords = laterTypes.length > 0 ? statementWords(laterTypes) : undefined;
  const trees = new Set(byType.keys());
  const subscribed = byType.size > 0 ? nodeKeys(trees) : null;

  // A listener called with its rule's listeners as `this`, without a closure per rule and
  // statement (the hot path); a throw reports the rule once and sits it out for the file.
  const callWith = <A, B>(x: Live, fn: (a: A, b: B) => void, a: A, b: B) => {
    if (x.dead) return;
    try {
      fn.call(x.listeners, a, b);
    } catch (err) {
      x.dead = true;
      internal.push(internalMessage(x.rule, err));
    }
  };
  // The loops below run for every statement: indexed, so that no iterator is made for each one
  // while the function is not optimised yet.
  const hear = (type: string, nodeFields: PgNode, at: NodeContext) => {
    const listeners = byType.get(type);
    if (!listeners) return;
    const runs = runsNow(at);
    for (let i = 0; i < listeners.length; i++) {
      const l = listeners[i]!;
      if (runs || !l.now) callWith(l.x, l.fn, nodeFields, at);
    }
  };
  const dispatch = (stmt: Statement, body: Statement | null) => {
    // a statement that runs no other statement: its own type decides whether its tree is needed,
    // and it is the one node to hear (no list of executed nodes is built for it); one that may
    // run others: the nodes of those are keys of its JSON (see `mayHold`)
    const alone = stmt.runsOnlyItself;
    if (!byType.has(stmt.nodeType) && (alone || !stmt.mayHold(subscribed!))) return;
    const node = stmt.node;
    if (!node) return;
    if (alone) return hear(nodeType(node), nodeBody(node), { stmt, via: "statement", body });
    for (const n of executedNodes(node)) if (byType.has(n.type)) hear(n.type, n.body, { stmt, via: n.via, body });
  };

  // The hot loop: every event to the rules that listen for it.
  for (const e of part.events ?? doc.events(trees)) {
    if (!(e instanceof Statement)) {
      for (let i = 0; i < onItem.length; i++) callWith(onItem[i]!, onItem[i]!.listeners.item!, e, undefined);
      continue;
    }
    for (let i = 0; i < onStatement.length; i++) {
      const o = onStatement[i]!;
      if (o.sharers.length === 1) callWith(o.x, o.fn, e, undefined);
      else {
        // a rule that died of another listener of its own leaves the shared one to the others
        if (o.x.dead) {
          const next = o.sharers.find((x) => !x.dead);
          if (!next) continue;
          o.x = next;
        }
        try {
          o.fn.call(o.x.listeners, e);
        } catch (err) {
          for (const x of o.sharers) {
            if (x.dead) continue;
            x.dead = true;
            internal.push(internalMessage(x.rule, err));
          }
        }
      }
    }
    if (e.txControl) for (let i = 0; i < onTransaction.length; i++) callWith(onTransaction[i]!, onTransaction[i]!.listeners.transaction!, e, undefined);
    if (byType.size > 0) {
      dispatch(e, null);
      // only a DO block or a function has a body; the body is a piece of the statement's text: a
      // word in it is one in the text too, and a statement without one need not have its tree
      // read to find its body
      const type = e.nodeType;
      const words = !hasBody(type) ? undefined : type === "DoStmt" ? bodyWords : functionWords;
      if (words !== undefined && (words === null || words.test(e.parseText))) {
        const source = e.bodySource;
        if (source && (words === null || words.test(source.literal.content))) for (const inner of e.body) dispatch(inner, e);
      }
    }
    // the body, if a rule above had it read
    if (onBodyStatement.length > 0 && e.bodyRead) for (const inner of e.body) for (const x of onBodyStatement) callWith(x, x.listeners.bodyStatement!, inner, undefined);
    // statements handed over already made (`part.events`: the ESLint plugin runs each rule on its
    // own over them) are read again by the next rule: their JSON stays for it
    e.releaseTree(part.events !== undefined);
  }
  for (const x of live) if (x.listeners.end) callWith(x, x.listeners.end, undefined, undefined);
}

function runTextRules(settings: SharedSettings, doc: TextDocument, runs: RuleRun[], pending: Pending[], internal: string[]): void {
  for (const run of runs) {
    const rule = run.rule;
    if (rule.verify || !rule.appliesTo.includes("text")) continue;
    const context: RuleContext<unknown> = {
      options: run.options,
      settings,
      doc,
      report(descriptor) {
        pending.push({ rule, severity: run.severity, descriptor, toHost: (o) => o, embedded: false });
      },
    };
    const listeners = guard(rule, internal, () => rule.create(context));
    if (listeners?.text) guard(rule, internal, () => (listeners.text!(doc), true));
  }
}

/** Runs rule code; a throw becomes an internal-error message instead of a crash. */
function guard<T>(rule: Rule, internal: string[], fn: () => T): T | null {
  try {
    return fn();
  } catch (e) {
    internal.push(internalMessage(rule, e));
    return null;
  }
}

function internalMessage(rule: Rule, e: unknown): string {
  const err = e as Error;
  return `internal error in rule ${rule.id}: ${err?.message ?? String(e)} — please report this at https://github.com/sqlguard/sqlguard/issues`;
}

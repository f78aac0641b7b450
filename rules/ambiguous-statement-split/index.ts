import { defineRule, options, type Fix } from "../../src/engine/rule.js";
import { Statement, type SqlDocument } from "../../src/sql/document.js";
import { parseSql } from "../../src/sql/parser.js";
import { Utf8Offsets } from "../../src/sql/text.js";
import { astKey, cteNames, DANGER, describe, failsOnItsOwn, writeKey, written, type Effect } from "./chunks.js";

export interface Options {
  reportIncomplete: boolean;
}

/** A run of consecutive blank lines: one place where a blank-line-splitting client cuts. */
export interface Gap {
  /** Start of the first blank line. */
  start: number;
  /** End of the last blank line's text (before its line break). */
  end: number;
  /** Start of the line after the run. */
  next: number;
}

type MessageId = "write" | "sameEffect" | "read" | "other";

interface Complete {
  kind: "complete";
  messageId: MessageId;
  danger: number;
  effect: string;
  /** The piece as written, on one line. */
  quote: string;
  /** What makes two findings the same hazard. */
  keys: string[];
}

/** A piece a client could send on its own, and what would happen. */
type Piece =
  | { kind: "incomplete" }
  /** The same statement as the whole (only comments were cut off). */
  | { kind: "same" }
  | Complete;

/**
 * Characters of glued pieces (prefixes and suffixes) parsed per statement, on top of the single
 * pieces, which together are the statement once. A huge statement with hundreds of blank lines
 * would otherwise be parsed hundreds of times over.
 */
const GLUED_BUDGET = 1_000_000;
const QUOTE_MAX = 80;
const RELATED = "the statement starts here";

export default defineRule({
  id: "ambiguous-statement-split",
  description: "A blank line inside a statement: clients that split on blank lines (DBeaver's default) run only part of it",
  defaultSeverity: "error",
  appliesTo: ["script"],
  fixable: true,
  messages: {
    sameEffect: "a client that splits on blank lines would run `{{chunk}}` — {{effect}}, as the whole statement does, but without the rest of it",
    write: "a client that splits on blank lines would run `{{chunk}}` — {{effect}}",
    read: "a client that splits on blank lines would run `{{chunk}}` on its own — a read-only query, but not the one written here",
    other: "a client that splits on blank lines would run `{{chunk}}` on its own — not the statement written here",
    incomplete: "a client that splits on blank lines would cut this statement here; each part fails on its own, so nothing runs",
    help: "remove the blank line, or run the file as a script",
  },
  schema: options<Options>({
    type: "object",
    additionalProperties: false,
    properties: {
      reportIncomplete: {
        type: "boolean",
        default: false,
        description:
          "Also report blank lines where every part fails on its own (Prisma's blank line before `CONSTRAINT … PRIMARY KEY`), as warnings: harmless, but the client shows a syntax error.",
      },
    },
  }),
  create(context) {
    const { reportIncomplete } = context.options;
    const doc = context.doc as SqlDocument;

    return {
      statement(stmt) {
        if (stmt.error || !stmt.parsed) return;
        if (stmt.blankLines.length > 0 && stmt.node) check(stmt, gapsOf(doc.sql, stmt.blankLines));
      },
    };

    function check(stmt: Statement, gaps: Gap[]): void {
      const base = stmt.offsetOfIndex(0); // parse-text index = document offset − base
      const whole = stmt.node!;
      const wholeKey = astKey(whole);
      const wholeCtes = cteNames(whole);
      let wholeEffect: Effect | null = null;
      let wholeWrite: string | undefined;
      const k = gaps.length; // pieces 0..k, gap i between pieces i and i + 1
      const from = (i: number) => (i === 0 ? stmt.start : gaps[i - 1]!.next);
      const to = (i: number) => (i === k ? stmt.end : gaps[i]!.start);
      const cache = new Map<string, Piece>();
      let budget = GLUED_BUDGET;

      /** Pieces a to b (inclusive) sent as one text: parsed alone and judged. */
      const piece = (a: number, b: number): Piece | null => {
        const id = `${a}:${b}`;
        const hit = cache.get(id);
        if (hit) return hit;
        const start = from(a);
        const end = to(b);
        if (a !== b) {
          if (budget < end - start) return null;
          budget -= end - start;
        }
        const p = evaluate(start, end);
        cache.set(id, p);
        return p;
      };

      const evaluate = (start: number, end: number): Piece => {
        const text = stmt.parseText.slice(start - base, end - base);
        const outcome = parseSql(text);
        if (!outcome.ok || outcome.stmts.length === 0) return { kind: "incomplete" };
        if (outcome.stmts.length === 1 && astKey(outcome.stmts[0]!.stmt) === wholeKey) return { kind: "same" };
        const chunk = new Statement(doc, start, end, text, start);
        const isVariable = (location: number) => doc.sql.charCodeAt(chunk.offsetOf(location)) === 58; // `:name`
        const utf8 = new Utf8Offsets(text);
        let best: Complete | null = null;
        // More than one statement: a `;` inside a BEGIN ATOMIC body. The client runs each.
        for (const raw of outcome.stmts) {
          if (failsOnItsOwn(raw.stmt, isVariable, wholeCtes)) continue;
          const e = describe(raw.stmt, chunk, whole);
          let messageId: MessageId = e.messageId;
          let danger: number = e.danger;
          if (e.destroys) {
            // Every row, or a table emptied or dropped, as the whole statement does anyway:
            // require-where or a reviewer sees the statement; the cut adds no damage.
            wholeEffect ??= describe(whole, stmt, whole);
            if (wholeEffect.destroys === e.destroys) {
              messageId = "sameEffect";
              danger = DANGER.sameEffect;
            }
          } else if (messageId === "write" && writeKey(raw.stmt) === (wholeWrite ??= writeKey(whole))) {
            // The same write as the whole statement: only what it returns was cut off.
            messageId = "sameEffect";
            danger = DANGER.sameEffect;
          }
          if (best && danger <= best.danger) continue;
          const [from, to] = utf8.statementRange(raw);
          const a = skipTrivia(doc, start + from, end);
          const b = start + to;
          const keys = [astKey(raw.stmt)];
          if (messageId === "write") keys.push(`effect:${e.effect}`);
          best = { kind: "complete", messageId, danger, effect: e.effect, quote: written(doc, a, Math.max(a, b), QUOTE_MAX), keys };
        }
        return best ?? { kind: "incomplete" };
      };

      const reported = new Set<string>();
      let fix: Fix | null | undefined;
      for (let i = 0; i < k; i++) {
        const gap = gaps[i]!;
        // What a client could send because of this gap: the text from the statement start up to
        // it, the piece after it, and everything after it (a client that glues what follows).
        // On a tie, the piece a client cutting at every blank line (DBeaver's default) runs wins.
        const before = piece(0, i);
        const after = piece(i + 1, i + 1);
        const rest = i + 1 < k ? piece(i + 1, k) : null;
        const candidates = i === 0 ? [before, after, rest] : [after, before, rest];
        let best: Complete | null = null;
        let allIncomplete = true;
        for (const c of candidates) {
          if (!c) continue;
          if (c.kind !== "incomplete") allIncomplete = false;
          if (c.kind !== "complete" || c.keys.some((key) => reported.has(key))) continue;
          if (!best || c.danger > best.danger) best = c;
        }
        if (!best && !(reportIncomplete && allIncomplete)) continue;
        if (fix === undefined) fix = blankLineFix(stmt, gaps, wholeKey);
        const common = {
          start: gap.start,
          end: gap.end,
          helpId: "help" as const,
          related: [{ message: RELATED, start: stmt.start, end: firstTokenEnd(doc.sql, stmt) }],
          ...(fix ? { fix } : {}),
        };
        if (best) {
          for (const key of best.keys) reported.add(key);
          context.report({
            ...common,
            messageId: best.messageId,
            data: { chunk: best.quote, effect: best.effect },
            ...(best.messageId === "write" ? {} : { atMostWarning: true }),
          });
        } else {
          context.report({ ...common, messageId: "incomplete", atMostWarning: true });
        }
      }
    }
  },
});

/**
 * One edit that removes every blank line of the statement, or null when the statement without
 * them would not parse to the same AST (positions aside): a fix must never change what runs.
 */
export function blankLineFix(stmt: Statement, gaps: Gap[], wholeKey?: string): Fix | null {
  if (gaps.length === 0 || !stmt.node) return null;
  const sql = stmt.doc.sql;
  const base = stmt.offsetOfIndex(0);
  let parseText = "";
  let kept = "";
  let at = stmt.start;
  for (const g of gaps) {
    parseText += stmt.parseText.slice(at - base, g.start - base);
    if (at > stmt.start) kept += sql.slice(at, g.start);
    at = g.next;
  }
  parseText += stmt.parseText.slice(at - base, stmt.end - base);
  const outcome = parseSql(parseText);
  if (!outcome.ok || outcome.stmts.length !== 1 || astKey(outcome.stmts[0]!.stmt) !== (wholeKey ?? astKey(stmt.node))) return null;
  return { start: gaps[0]!.start, end: gaps[gaps.length - 1]!.next, text: kept };
}

/** Groups blank lines that follow each other into one gap each. */
export function gapsOf(sql: string, lines: readonly number[]): Gap[] {
  const gaps: Gap[] = [];
  for (const start of lines) {
    let end = start;
    while (end < sql.length) {
      const c = sql.charCodeAt(end);
      if (c === 10 || c === 13) break;
      end++;
    }
    const next = end + (sql.charCodeAt(end) === 13 && sql.charCodeAt(end + 1) === 10 ? 2 : end < sql.length ? 1 : 0);
    const prev = gaps[gaps.length - 1];
    if (prev && prev.next === start) {
      prev.end = end;
      prev.next = next;
    } else gaps.push({ start, end, next });
  }
  return gaps;
}

/** Skips whitespace and the document's comments from `at`; returns a document offset. */
function skipTrivia(doc: SqlDocument, at: number, end: number): number {
  const comments = doc.comments;
  for (;;) {
    while (at < end && /\s/.test(doc.sql[at]!)) at++;
    let lo = 0;
    let hi = comments.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (comments[mid]!.start < at) lo = mid + 1;
      else hi = mid;
    }
    const c = comments[lo];
    if (!c || c.start !== at || at >= end) return at;
    at = Math.min(c.end, end);
  }
}

function firstTokenEnd(sql: string, stmt: Statement): number {
  const m = /^(?:"(?:[^"]|"")*"|[\p{L}\p{N}_$]+|\S)/u.exec(sql.slice(stmt.start, Math.min(stmt.end, stmt.start + 100)));
  return stmt.start + (m ? m[0].length : 0);
}

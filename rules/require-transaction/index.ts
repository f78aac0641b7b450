import { defineRule, options, type Related, type Suggestion } from "../../src/engine/rule.js";
import type { Statement } from "../../src/sql/document.js";
import { blockRefusal, lineBreak, postgresTransactions } from "../../src/sql/transaction.js";
import { TOOLS } from "../../src/run-model/tools.js";

export interface Options {
  minWrites: number;
  dataFixes: boolean;
}

interface Write {
  start: number;
  end: number;
  /** Where the statement's `;` ends (or its end without one). */
  after: number;
  verb: string;
  /** A statement that ends without `;` (the suggested COMMIT needs one before it). */
  noSemicolon: boolean;
  /** Kept for the first write only: a lone data fix is judged by its statement. */
  stmt: Statement | null;
  /** In code: the implicit transaction (one per run of statements between transaction commands). */
  group: number;
}

/** A lone write of these kinds in a data-fix script is worth a BEGIN: check the row count, then COMMIT. */
const DATA_FIX = new Set(["UpdateStmt", "DeleteStmt", "MergeStmt"]);
const MAX_RELATED = 20;
/**
 * A suggestion replaces the text from the first write to the last (one edit inserts BEGIN
 * before and COMMIT after): past this size it would copy a whole generated script into every
 * output and into memory, so it is left out.
 */
const SUGGEST_MAX = 256 * 1024;

export default defineRule({
  id: "require-transaction",
  description: "Writes (DML and DDL) that run outside a transaction, where a failure leaves the script half-applied",
  defaultSeverity: "warn",
  appliesTo: ["script", "embedded"],
  hasSuggestions: true,
  messages: {
    several:
      "{{count}} writes run outside a transaction block: a failure part-way leaves up to {{applied}} of them applied, with no way to roll them back",
    severalCode:
      "{{count}} writes in this string commit in {{groups}} separate transactions: a failure in the last one leaves {{applied}} of them applied",
    severalUnit:
      "{{count}} writes in this {{unit}} commit in {{groups}} separate transactions ({{tool}} sends it as one query, and the transaction commands in it cut that in parts): a failure in the last part leaves {{applied}} of them applied",
    lone: "{{verb}} runs outside a transaction block: with BEGIN first you could check how many rows it touched and ROLLBACK if that is wrong",
    help: "wrap the writes in BEGIN; … COMMIT; — or, if a migration tool sqlguard did not recognise runs this file in a transaction, name it with migrationTool in the config, or list the file in assumeInTransaction (or add -- sqlguard-assume-in-transaction)",
    toolHelp: "{{tool}} runs this file statement by statement: wrap the writes in BEGIN; … COMMIT;",
    loneHelp: "run it as BEGIN; … (check the row count) … COMMIT; or ROLLBACK;",
  },
  schema: options<Options>({
    type: "object",
    additionalProperties: false,
    properties: {
      minWrites: {
        type: "integer",
        minimum: 1,
        default: 2,
        description:
          "Report a script when at least this many writes (INSERT, UPDATE, DELETE, MERGE, TRUNCATE, COPY FROM, and DDL) run outside a transaction block. Statements PostgreSQL refuses inside a block (`CREATE INDEX CONCURRENTLY`, `VACUUM`…) are not counted.",
      },
      dataFixes: {
        type: "boolean",
        default: false,
        description:
          "Also report a script whose only write is one `UPDATE`, `DELETE` or `MERGE` outside a transaction block (a data fix), where `BEGIN` lets you check the row count before committing. Scripts only: SQL in code is sent statement by statement, in autocommit, as is normal.",
      },
    },
  }),
  create(context) {
    const doc = context.doc;
    // a file for another database (its folder says so): PostgreSQL's blocks are not its own
    if (!postgresTransactions(doc)) return {};
    const run = doc.run;
    // The tool wraps the unit, or it runs outside a transaction on purpose (the tool's own
    // opt-out, or -- sqlguard-no-transaction).
    if (run.mode === "wrapped" || run.optOut?.present || doc.transactionDirective === "no-transaction") return {};
    const { minWrites, dataFixes } = context.options;
    const script = doc.kind === "script";
    // Sent as one query string: one implicit transaction, unless transaction commands cut it.
    const implicit = run.mode === "implicit";
    // Only what the report needs is kept, whatever the number of writes: the first ones (the
    // report and its related locations), the last one, and counts.
    const head: Write[] = [];
    let last: Write | null = null;
    // past the head, only the last write is ever read: a statement there gets its Write at the
    // end, if the report needs it (most writes of a long script make none)
    let lastStmt: Statement | null = null;
    let lastGroup = 0;
    let count = 0;
    const perGroup = new Map<number, number>();
    const counted = (g: number) => {
      count++;
      perGroup.set(g, (perGroup.get(g) ?? 0) + 1);
    };
    const push = (w: Write) => {
      if (head.length <= MAX_RELATED) head.push(w);
      last = w;
      lastStmt = null;
      counted(w.group);
    };
    let writesInside = 0;
    let items = false;
    let group = 0;
    let state: "none" | "explicit" | "assumed" = "none";
    const writeOf = (stmt: Statement, holdsWrite: boolean, g: number): Write => ({
      start: stmt.start,
      end: stmt.end,
      after: stmt.semicolon >= 0 ? stmt.semicolon + 1 : stmt.end,
      verb: (/^[A-Za-z]+/.exec(stmt.text)?.[0] ?? "statement").toUpperCase(),
      noSemicolon: stmt.terminator === "eof",
      // Only the first write's statement is ever read; holding every statement (and its
      // syntax tree) would make memory grow with the file. A DO block is judged as a whole.
      stmt: !holdsWrite && count === 0 ? stmt : null,
      group: g,
    });
    const add = (stmt: Statement, holdsWrite: boolean) => {
      if (stmt.tx !== "none") {
        writesInside++;
        return;
      }
      if (head.length <= MAX_RELATED) return push(writeOf(stmt, holdsWrite, group));
      last = null;
      lastStmt = stmt;
      lastGroup = group;
      counted(group);
    };
    const writes = (s: Statement) => s.kind === "write" || s.kind === "ddl";

    return {
      statement(stmt) {
        if (!stmt.parsed) return;
        state = stmt.txAfter;
        if (stmt.txControl) group++;
        if (writes(stmt)) {
          if (!blockRefusal(stmt, { postgresVersion: 99 })) add(stmt, false); // else it cannot be in a block anyway
        } else if (stmt.nodeType === "DoStmt" && stmt.body.some(writes)) {
          // a DO block runs its statements here: one that writes makes the block a write
          add(stmt, true);
        }
      },
      item(item) {
        items = true;
        // psql's \copy … from loads rows: a write like COPY FROM.
        if (item.type === "meta" && item.command.toLowerCase() === "copy" && /\bfrom\b/i.test(item.args) && state === "none") {
          push({ start: item.start, end: item.end, after: item.end, verb: "\\copy", noSemicolon: false, stmt: null, group });
        }
      },
      end() {
        const first = head[0];
        const pending = lastStmt as Statement | null;
        const final = (last as Write | null) ?? (pending ? writeOf(pending, false, lastGroup) : null);
        if (!first || !final) return;
        if (implicit) {
          // One string of several statements runs as one implicit transaction; only
          // transaction commands inside it split it into several.
          if (count < minWrites || perGroup.size < 2) return;
          const applied = count - (perGroup.get(final.group) ?? 0);
          const unit = run.tool && TOOLS[run.tool].kind === "queries" ? "query" : "migration";
          context.report({
            ...(script
              ? { messageId: "severalUnit" as const, data: { count, groups: perGroup.size, applied, unit, tool: run.toolName ?? "the tool" } }
              : { messageId: "severalCode" as const, data: { count, groups: perGroup.size, applied } }),
            start: first.start,
            end: first.end,
            related: related(head, count),
          });
          return;
        }
        if (count >= minWrites) {
          const suggest: Suggestion[] = [];
          if (group === 0 && !items && writesInside === 0 && final.after - first.start <= SUGGEST_MAX) {
            const nl = lineBreak(doc.sql);
            const body = doc.sql.slice(first.start, final.after);
            const semi = final.noSemicolon ? ";" : "";
            suggest.push({
              desc: "Wrap the writes in BEGIN; … COMMIT;",
              fix: { start: first.start, end: final.after, text: `BEGIN;${nl}${body}${semi}${nl}COMMIT;` },
            });
          }
          context.report({
            messageId: "several",
            data: { count, applied: count - 1, tool: run.toolName ?? "" },
            start: first.start,
            end: first.end,
            helpId: run.toolName ? "toolHelp" : "help",
            related: related(head, count),
            ...(suggest.length ? { suggest } : {}),
          });
          return;
        }
        const lone = first.stmt;
        if (dataFixes && count === 1 && writesInside === 0 && lone && DATA_FIX.has(lone.nodeType)) {
          context.report({ messageId: "lone", data: { verb: first.verb }, start: first.start, end: first.end, helpId: "loneHelp" });
        }
      },
    };
  },
});

function related(head: Write[], count: number): Related[] {
  const out: Related[] = head.slice(1, MAX_RELATED + 1).map((w, i) => ({
    message: `write ${i + 2} of ${count} (${w.verb}), also outside a transaction`,
    start: w.start,
    end: w.end,
  }));
  return out;
}

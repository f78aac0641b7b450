import { defineRule, type Suggestion } from "../../src/engine/rule.js";
import type { Statement } from "../../src/sql/document.js";
import { assumedBy, byStatement, lineBreak, openedHere, postgresTransactions } from "../../src/sql/transaction.js";

export default defineRule({
  id: "unbalanced-transaction",
  description: "BEGIN without COMMIT, COMMIT or ROLLBACK without BEGIN, BEGIN inside an open transaction",
  defaultSeverity: "error",
  appliesTo: ["script", "embedded"],
  hasSuggestions: true,
  messages: {
    unclosed:
      "{{keyword}} opens a transaction that is never closed: its changes are rolled back when the session ends, and until then it holds its locks",
    unclosedImplicit:
      "with AUTOCOMMIT off, psql opened a transaction before this statement that is never committed: when the script ends, the session closes and everything from here on is rolled back",
    unclosedHelp: "end the block with COMMIT; (or ROLLBACK; for a dry run)",
    nested:
      "{{keyword}} inside the transaction block opened{{where}}: PostgreSQL ignores it with a warning, so the next COMMIT or ROLLBACK ends the outer block as well",
    nestedAssumed:
      "{{keyword}} inside {{by}}: PostgreSQL ignores it with a warning, and the COMMIT meant for it ends the outer transaction early",
    endsAssumed: "{{keyword}} commits {{by}} part-way: the statements before it are committed on their own{{rest}}",
    rollbackAssumed: "{{keyword}} rolls back {{by}}: every statement before it is undone{{rest}}",
    assumedHelp:
      "leave transaction control to the runner, or mark the file -- sqlguard-no-transaction if it must manage its own transactions",
    toolHelp: "leave transaction control to {{tool}}{{optOut}}",
    stray:
      "{{keyword}} with no transaction block open{{after}}: PostgreSQL only warns, and nothing is committed here — each statement before it already committed on its own",
    strayRollback:
      "{{keyword}} with no transaction block open{{after}}: nothing is undone — each statement before it already committed on its own (is a BEGIN missing?)",
    strayRefused: "{{keyword}} with no transaction block open: PostgreSQL refuses it ({{keyword}} can only be used in transaction blocks)",
  },
  create(context) {
    const doc = context.doc;
    // a file for another database (its folder says so): PostgreSQL's blocks are not its own
    if (!postgresTransactions(doc)) return {};
    // In code, a block may span several strings (`query("BEGIN")` … `query("COMMIT")`): only what is
    // wrong within one string is reported there.
    const script = doc.kind === "script";
    const by = assumedBy(doc);
    const run = doc.run;
    // With a known tool: its own opt-out is the way to manage transactions in the file.
    const help = run.tool
      ? {
          helpId: "toolHelp" as const,
          tool: run.toolName ?? run.tool,
          optOut: run.optOut ? `, or run the file without its transaction (${run.optOut.marker}) if it must manage its own` : "",
        }
      : { helpId: "assumedHelp" as const, tool: "", optOut: "" };
    let last: Statement | null = null;
    let openedBy: Statement | null = null;
    let lastClose: Statement | null = null;

    return {
      statement(stmt) {
        last = stmt;
        const c = stmt.txControl;
        if (c) {
          const range = { start: stmt.start, end: stmt.end };
          const keyword = c.keyword;
          const rollback = c.action === "rollback" || (c.action === "chain" && /^(ROLLBACK|ABORT)/.test(keyword));
          switch (c.effect) {
            case "nested":
              if (stmt.tx === "explicit") {
                const opener = stmt.block;
                context.report({
                  messageId: "nested",
                  data: { keyword, where: byStatement(opener) },
                  ...range,
                  ...openedHere(opener),
                });
              } else {
                context.report({ messageId: "nestedAssumed", data: { keyword, by, tool: help.tool, optOut: help.optOut }, ...range, helpId: help.helpId });
              }
              break;
            case "ends-assumed":
            case "chains":
              if (stmt.tx !== "assumed") break;
              context.report({
                messageId: rollback ? "rollbackAssumed" : "endsAssumed",
                data: { keyword, by, rest: c.effect === "chains" ? "" : ", and the rest runs without a transaction", tool: help.tool, optOut: help.optOut },
                ...range,
                helpId: help.helpId,
              });
              break;
            case "stray":
              if (!script) break;
              if (c.action === "chain" || c.action === "savepoint") {
                context.report({ messageId: "strayRefused", data: { keyword }, ...range });
              } else {
                const after = lastClose ? ` (the last one closed${byStatement(lastClose).replace(/^ by /, " with ")})` : "";
                context.report({ messageId: rollback ? "strayRollback" : "stray", data: { keyword, after }, ...range });
              }
              break;
            case "closes":
              lastClose = stmt;
              break;
            default:
              break;
          }
        }
        if (stmt.txAfter === "explicit") {
          if ((c && (c.effect === "opens" || c.effect === "chains")) || stmt.implicitBegin) openedBy = stmt;
        } else openedBy = null;
      },
      end() {
        // A file the migration tool wraps is committed by the tool, even after a COMMIT … BEGIN.
        if (!script || !openedBy || !last || doc.assumeInTransaction) return;
        const sql = doc.sql;
        const nl = lineBreak(sql);
        const suggest = (word: string, desc: string): Suggestion => {
          // unterminated at the end of the file (one sent by psql's \g is terminated)
          if (last!.terminator === "eof") return { desc, fix: { start: last!.end, end: last!.end, text: `;${nl}${word};` } };
          const endsWithBreak = /[\r\n]$/.test(sql);
          return { desc, fix: { start: sql.length, end: sql.length, text: `${endsWithBreak ? "" : nl}${word};${nl}` } };
        };
        context.report({
          messageId: openedBy.implicitBegin ? "unclosedImplicit" : "unclosed",
          data: { keyword: openedBy.txControl?.keyword ?? "BEGIN" },
          start: openedBy.start,
          end: openedBy.end,
          helpId: "unclosedHelp",
          related: [{ message: "the script ends here with the transaction still open", start: sql.length, end: sql.length }],
          suggest: [suggest("COMMIT", "Add COMMIT; at the end of the script"), suggest("ROLLBACK", "Add ROLLBACK; at the end of the script (a dry run)")],
        });
      },
    };
  },
});

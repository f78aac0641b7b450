import { defineRule } from "../../src/engine/rule.js";

export default defineRule({
  id: "syntax-error",
  description: "SQL that PostgreSQL cannot parse",
  defaultSeverity: "error",
  appliesTo: ["script"],
  messages: {
    error: "{{message}}",
  },
  create(context) {
    const doc = context.doc;
    if (doc.kind !== "script") return {};
    return {
      statement(stmt) {
        const error = stmt.error;
        if (!error || stmt.parent) return;
        const start = Math.max(stmt.start, Math.min(error.offset, doc.sql.length));
        const end = start < stmt.end ? Math.min(tokenEnd(doc.sql, start), stmt.end) : start;
        // A statement too deep to analyse may be valid: say so, but do not fail the run for it.
        context.report({ messageId: "error", data: { message: error.message }, start, end, ...(error.tooDeep ? { atMostWarning: true } : {}) });
      },
    };
  },
});

/** End of the token at `i`, so the underline covers the word the parser stopped at. */
function tokenEnd(sql: string, i: number): number {
  const m = /^(?:[\p{L}\p{N}_$]+|\S)/u.exec(sql.slice(i, i + 100));
  return i + (m ? m[0].length : 1);
}

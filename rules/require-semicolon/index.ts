import { defineRule } from "../../src/engine/rule.js";
import type { Statement } from "../../src/sql/document.js";

export default defineRule({
  id: "require-semicolon",
  description: "The last statement of a script must end with `;`",
  defaultSeverity: "warn",
  appliesTo: ["script"],
  fixable: true,
  messages: {
    missing:
      "missing `;` after the last statement: clients that run \"up to the next `;`\" (and scripts joined end to end) would run it together with whatever follows",
    help: "end the statement with `;`",
  },
  create(context) {
    let last: Statement | null = null;
    return {
      statement(stmt) {
        last = stmt;
      },
      end() {
        // A statement sent by `\g`, `\gexec`… is terminated; one that did not lex or parse is
        // syntax-error's business (an unterminated quote would swallow the `;`).
        if (!last || last.terminator !== "eof" || last.error) return;
        context.report({
          messageId: "missing",
          start: last.end,
          end: last.end,
          helpId: "help",
          fix: { start: last.end, end: last.end, text: ";" },
        });
      },
    };
  },
});

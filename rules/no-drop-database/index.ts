import { defineMigrationRule } from "../../src/engine/rule.js";
import { quoteIdent } from "../../src/sql/clause.js";

export default defineMigrationRule({
  id: "no-drop-database",
  description: "DROP DATABASE in a migration",
  defaultSeverity: "error",
  messages: {
    drop: "DROP DATABASE {{name}} removes the whole database, every table and every row in it, with no way back: it has no place in a migration",
    help: "drop databases by hand, with a backup taken, never from a migration that runs on every environment",
  },
  create(context) {
    return {
      DropdbStmt(node, at) {
        context.report({ messageId: "drop", data: { name: quoteIdent(String(node.dbname ?? "")) }, start: at.stmt.start, end: at.stmt.end, helpId: "help" });
      },
    };
  },
});

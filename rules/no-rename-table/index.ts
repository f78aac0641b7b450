import { defineMigrationRule } from "../../src/engine/rule.js";
import { quoteIdent, relationText } from "../../src/sql/clause.js";
import { migrationState } from "../../src/sql/migration-state.js";
import { NewNames } from "../../src/sql/new-names.js";
import type { PgNode } from "../../src/sql/parser.js";

export default defineMigrationRule({
  id: "no-rename-table",
  description: "ALTER TABLE … RENAME TO, which breaks code still using the old name",
  defaultSeverity: "warn",
  skipDown: true,
  messages: {
    rename: "RENAME {{table}} TO {{to}}: code still deployed uses {{table}} and fails from the moment this commits until code using {{to}} is out everywhere",
    help: "in the same transaction, rename and CREATE VIEW {{table}} AS SELECT * FROM {{target}} (a simple view can be read and written like the table); drop the view once no deployed code uses the old name",
  },
  create(context) {
    const state = migrationState(context.doc);
    const names = new NewNames();
    return {
      statement: state.feed,
      RenameStmt(node, at) {
        if (node.renameType !== "OBJECT_TABLE") return;
        const relation = node.relation as PgNode | undefined;
        // renamed earlier in this migration: that rename is where running code breaks
        const renamed = names.renamedTable(relation);
        names.note("RenameStmt", node);
        if (renamed) return;
        const fresh = state.newTable(relation, at.stmt);
        if (fresh && !fresh.fact.ifNotExists) return;
        context.report({
          messageId: "rename",
          data: {
            table: relationText(relation),
            to: quoteIdent(String(node.newname ?? "")),
            target: relationText({ schemaname: relation?.schemaname, relname: String(node.newname ?? "") }),
          },
          start: at.stmt.start,
          end: at.stmt.end,
          helpId: "help",
        });
      },
    };
  },
});

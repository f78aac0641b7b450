import { defineMigrationRule } from "../../src/engine/rule.js";
import { quoteIdent, relationText } from "../../src/sql/clause.js";
import { migrationState } from "../../src/sql/migration-state.js";
import { NewNames } from "../../src/sql/new-names.js";
import type { PgNode } from "../../src/sql/parser.js";

export default defineMigrationRule({
  id: "no-rename-column",
  description: "ALTER TABLE … RENAME COLUMN, which breaks code still using the old name",
  defaultSeverity: "warn",
  skipDown: true,
  messages: {
    rename:
      "RENAME COLUMN {{from}} TO {{to}} on {{table}}: code still deployed uses {{from}} and fails from the moment this commits until code using {{to}} is out everywhere",
    help: "add {{to}} as a new column, write both (a trigger or the application), backfill, move the readers to {{to}}, then drop {{from}} in a later migration; or keep the column's name and rename it only in the application's mapping",
  },
  create(context) {
    const state = migrationState(context.doc);
    const names = new NewNames();
    return {
      statement: state.feed,
      RenameStmt(node, at) {
        const relation = node.relation as PgNode | undefined;
        const known = names.newColumn(relation, String(node.subname ?? ""));
        names.note("RenameStmt", node);
        if (node.renameType !== "OBJECT_COLUMN" || node.relationType !== "OBJECT_TABLE") return;
        const fresh = state.newTable(relation, at.stmt);
        if (fresh && !fresh.fact.ifNotExists) return;
        // added (or named) earlier in this migration, or its table renamed here: no deployed code uses the name
        if (known) return;
        context.report({
          messageId: "rename",
          data: { from: quoteIdent(String(node.subname ?? "")), to: quoteIdent(String(node.newname ?? "")), table: relationText(relation) },
          start: at.stmt.start,
          end: at.stmt.end,
          helpId: "help",
        });
      },
      AlterTableStmt(node) {
        names.note("AlterTableStmt", node);
      },
    };
  },
});

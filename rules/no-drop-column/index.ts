import { defineRule } from "../../src/engine/rule.js";
import { quoteIdent, relationText } from "../../src/sql/clause.js";
import type { SqlDocument } from "../../src/sql/document.js";
import { migrationState, tableAlter } from "../../src/sql/migration-state.js";
import { NewNames } from "../../src/sql/new-names.js";
import type { PgNode } from "../../src/sql/parser.js";

export default defineRule({
  id: "no-drop-column",
  description: "ALTER TABLE … DROP COLUMN while running code may still use the column",
  defaultSeverity: "warn",
  appliesTo: ["script", "embedded"],
  migration: true,
  skipDown: true,
  messages: {
    drop: "DROP COLUMN {{column}} of {{table}}: code still deployed that selects or writes {{column}} fails as soon as this commits (an ORM that lists every column fails even where it never uses it)",
    help: "first deploy code that no longer uses {{column}} (Rails: ignored_columns; Django: remove the field with SeparateDatabaseAndState), then drop it in a later migration; then say so: -- sqlguard-disable-next-line no-drop-column -- <why it is safe now>",
  },
  create(context) {
    if (context.doc.kind === "text") return {};
    const state = migrationState(context.doc as SqlDocument);
    const names = new NewNames();
    return {
      statement: state.feed,
      AlterTableStmt(node, at) {
        const alter = tableAlter(state, node as PgNode, at.stmt);
        // a table created in this migration (unless IF NOT EXISTS found an old one): no deployed code knows it
        if (!alter || (alter.fresh && !alter.fresh.fact.ifNotExists)) return;
        const relation = alter.relation;
        alter.cmds.forEach((cmd, k) => {
          if (cmd.subtype !== "AT_DropColumn") return;
          const column = String(cmd.name ?? "");
          // added (or named) earlier in this migration, or its table renamed here: no deployed code uses the name
          if (names.newColumn(relation, column)) return;
          context.report({ messageId: "drop", data: { column: quoteIdent(column), table: relationText(relation) }, ...alter.range(k), helpId: "help" });
        });
        names.note("AlterTableStmt", node);
      },
      RenameStmt(node) {
        names.note("RenameStmt", node);
      },
    };
  },
});

import { defineRule } from "../../src/engine/rule.js";
import { quoteIdent, relationText } from "../../src/sql/clause.js";
import type { SqlDocument } from "../../src/sql/document.js";
import { migrationState, tableAlter } from "../../src/sql/migration-state.js";
import { NewNames } from "../../src/sql/new-names.js";
import type { PgNode } from "../../src/sql/parser.js";

export default defineRule({
  id: "no-drop-not-null",
  description: "ALTER COLUMN … DROP NOT NULL while readers may count on the column never being NULL",
  defaultSeverity: "warn",
  appliesTo: ["script", "embedded"],
  migration: true,
  skipDown: true,
  messages: {
    drop: "DROP NOT NULL on {{table}}.{{column}}: from now on NULLs may be written, and code, reports and other services that read {{column}} as never NULL break on the first one",
    help: "first make every reader of {{column}} handle NULL and deploy that, then drop the constraint, then deploy the code that writes NULLs; then say so: -- sqlguard-disable-next-line no-drop-not-null -- <why it is safe now>",
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
          if (cmd.subtype !== "AT_DropNotNull") return;
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

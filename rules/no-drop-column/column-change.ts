/**
 * The rules for a column change that breaks code already deployed (`no-drop-column`,
 * `no-drop-not-null`): the same reading of ALTER TABLE, for one action each. A table created in
 * the migration, and a column added or named earlier in it (or whose table was renamed there),
 * are new: no deployed code uses them.
 */
import { defineMigrationRule } from "../../src/engine/rule.js";
import { quoteIdent, relationText } from "../../src/sql/clause.js";
import { migrationState, tableAlter } from "../../src/sql/migration-state.js";
import { NewNames } from "../../src/sql/new-names.js";
import type { PgNode } from "../../src/sql/parser.js";

export interface ColumnChange {
  id: string;
  description: string;
  /** The ALTER TABLE action reported (`AT_DropColumn`, `AT_DropNotNull`). */
  subtype: string;
  /** `drop` names the change ({{column}}, {{table}}); `help` the safe order of deploys. */
  messages: { drop: string; help: string };
}

export function columnChangeRule(spec: ColumnChange) {
  return defineMigrationRule({
    id: spec.id,
    description: spec.description,
    defaultSeverity: "warn",
    skipDown: true,
    messages: spec.messages,
    create(context) {
      const state = migrationState(context.doc);
      const names = new NewNames();
      return {
        statement: state.feed,
        AlterTableStmt(node, at) {
          const alter = tableAlter(state, node as PgNode, at.stmt);
          // a table created in this migration (unless IF NOT EXISTS found an old one): no deployed code knows it
          if (!alter || (alter.fresh && !alter.fresh.fact.ifNotExists)) return;
          const relation = alter.relation;
          alter.cmds.forEach((cmd, k) => {
            if (cmd.subtype !== spec.subtype) return;
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
}

import { defineMigrationRule } from "../../src/engine/rule.js";
import { nodeBody } from "../../src/sql/classify.js";
import { columnConstraints } from "../../src/sql/ddl.js";
import { migrationState, tableAlter } from "../../src/sql/migration-state.js";
import type { PgNode } from "../../src/sql/parser.js";

export default defineMigrationRule({
  id: "require-unique-using-index",
  description: "UNIQUE (or EXCLUDE) constraint added to an existing table without USING INDEX: the index is built while reads and writes wait",
  defaultSeverity: "error",
  messages: {
    constraint:
      "ADD CONSTRAINT … UNIQUE builds its index while holding an ACCESS EXCLUSIVE lock on {{table}}: reads and writes wait until the whole table is indexed",
    column:
      "ADD COLUMN {{column}} … UNIQUE builds an index while holding an ACCESS EXCLUSIVE lock on {{table}}: reads and writes wait until the whole table is indexed",
    exclusion:
      "ADD CONSTRAINT … EXCLUDE builds its index while holding an ACCESS EXCLUSIVE lock on {{table}}: reads and writes wait until the whole table is indexed, and there is no online way to add one",
    help: "CREATE UNIQUE INDEX CONCURRENTLY first (outside a transaction), then ADD CONSTRAINT … UNIQUE USING INDEX (a brief lock)",
    columnHelp: "add the column plain, CREATE UNIQUE INDEX CONCURRENTLY on it, then ADD CONSTRAINT … UNIQUE USING INDEX",
    exclusionHelp: "add it in a maintenance window, or enforce the rule another way (a unique index on a derived column, a trigger)",
  },
  create(context) {
    const state = migrationState(context.doc);
    return {
      statement: state.feed,
      AlterTableStmt(node, at) {
        const alter = tableAlter(state, node as PgNode, at.stmt);
        if (!alter || alter.fresh) return;
        const { table, range } = alter;
        alter.cmds.forEach((cmd, k) => {
          if (cmd.subtype === "AT_AddConstraint") {
            const con = nodeBody(cmd.def as PgNode);
            if (con.contype === "CONSTR_UNIQUE" && !con.indexname) context.report({ messageId: "constraint", helpId: "help", data: { table }, ...range(k) });
            else if (con.contype === "CONSTR_EXCLUSION") context.report({ messageId: "exclusion", helpId: "exclusionHelp", data: { table }, ...range(k) });
          } else if (cmd.subtype === "AT_AddColumn") {
            const col = nodeBody(cmd.def as PgNode);
            if (columnConstraints(col).some((c) => c.contype === "CONSTR_UNIQUE")) {
              context.report({ messageId: "column", helpId: "columnHelp", data: { table, column: String(col.colname ?? "?") }, ...range(k) });
            }
          }
        });
      },
    };
  },
});

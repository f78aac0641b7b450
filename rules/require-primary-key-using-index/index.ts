import { defineMigrationRule } from "../../src/engine/rule.js";
import { nodeBody } from "../../src/sql/classify.js";
import { columnConstraints } from "../../src/sql/ddl.js";
import { migrationState, tableAlter } from "../../src/sql/migration-state.js";
import type { PgNode } from "../../src/sql/parser.js";

export default defineMigrationRule({
  id: "require-primary-key-using-index",
  description: "PRIMARY KEY added to an existing table without USING INDEX: the index is built while reads and writes wait",
  defaultSeverity: "error",
  messages: {
    constraint:
      "ADD PRIMARY KEY builds its unique index while holding an ACCESS EXCLUSIVE lock on {{table}}: reads and writes wait until the whole table is indexed (and its columns checked for NULLs)",
    column:
      "ADD COLUMN {{column}} … PRIMARY KEY builds a unique index while holding an ACCESS EXCLUSIVE lock on {{table}}: reads and writes wait until the whole table is indexed",
    help: "CREATE UNIQUE INDEX CONCURRENTLY first (outside a transaction), then ADD CONSTRAINT … PRIMARY KEY USING INDEX (a brief lock)",
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
            if (con.contype === "CONSTR_PRIMARY" && !con.indexname) context.report({ messageId: "constraint", helpId: "help", data: { table }, ...range(k) });
          } else if (cmd.subtype === "AT_AddColumn") {
            const col = nodeBody(cmd.def as PgNode);
            if (columnConstraints(col).some((c) => c.contype === "CONSTR_PRIMARY")) {
              context.report({ messageId: "column", helpId: "help", data: { table, column: String(col.colname ?? "?") }, ...range(k) });
            }
          }
        });
      },
    };
  },
});

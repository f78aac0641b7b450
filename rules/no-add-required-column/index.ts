import { defineMigrationRule } from "../../src/engine/rule.js";
import { nodeBody } from "../../src/sql/classify.js";
import { columnConstraints, columnDefault, isNullDefault } from "../../src/sql/ddl.js";
import { loadedWhere, migrationState, tableAlter } from "../../src/sql/migration-state.js";
import type { PgNode } from "../../src/sql/parser.js";
import { isSerial } from "../../src/sql/types.js";

export default defineMigrationRule({
  id: "no-add-required-column",
  description: "ADD COLUMN … NOT NULL without a DEFAULT on a table that has rows: it fails, and code that inserts without the column breaks",
  defaultSeverity: "error",
  messages: {
    existing:
      "ADD COLUMN {{column}} … NOT NULL without a DEFAULT: PostgreSQL refuses it as soon as {{table}} holds a row (the column would be NULL there), and every INSERT that does not name the column fails",
    loaded:
      "ADD COLUMN {{column}} … NOT NULL without a DEFAULT: {{table}} was created in this migration but already has rows{{where}}, so PostgreSQL refuses it (the column would be NULL there)",
    help: "add it nullable (or with a constant DEFAULT, free since PostgreSQL 11), fill it, then make it NOT NULL with a validated CHECK (see no-set-not-null-scan)",
  },
  create(context) {
    const doc = context.doc;
    const state = migrationState(doc);
    return {
      statement: state.feed,
      AlterTableStmt(node, at) {
        const alter = tableAlter(state, node as PgNode, at.stmt);
        if (!alter) return;
        const { fresh, table } = alter;
        if (fresh && !fresh.hasRows) return;
        // emptied earlier in this transaction (TRUNCATE, DELETE without WHERE): no row to refuse it
        if (state.emptiedInTransaction(alter.relation, at.stmt)) return;
        alter.cmds.forEach((cmd, k) => {
          if (cmd.subtype !== "AT_AddColumn") return;
          const col = nodeBody(cmd.def as PgNode);
          const cons = columnConstraints(col);
          if (!cons.some((c) => c.contype === "CONSTR_NOTNULL" || c.contype === "CONSTR_PRIMARY")) return;
          // a value for every row: a default, a generated or identity column, a serial's sequence
          if (cons.some((c) => c.contype === "CONSTR_GENERATED" || c.contype === "CONSTR_IDENTITY") || isSerial(col.typeName as PgNode)) return;
          if (!isNullDefault(columnDefault(col) ?? undefined)) return;
          const loaded = fresh ? loadedWhere(fresh.fact, doc) : null;
          const where = loaded ? ` (loaded ${loaded})` : " (created from a query)";
          context.report({
            messageId: fresh ? "loaded" : "existing",
            helpId: "help",
            data: { column: String(col.colname ?? "?"), table, where },
            ...alter.range(k),
          });
        });
      },
    };
  },
});

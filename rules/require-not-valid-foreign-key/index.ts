import { defineMigrationRule } from "../../src/engine/rule.js";
import { nodeBody, relationName } from "../../src/sql/classify.js";
import { columnConstraints, columnDefault, isNullDefault } from "../../src/sql/ddl.js";
import { loadedWhere, migrationState, sameTable, tableAlter, type TableName } from "../../src/sql/migration-state.js";
import type { PgNode } from "../../src/sql/parser.js";

export default defineMigrationRule({
  id: "require-not-valid-foreign-key",
  description: "FOREIGN KEY added to an existing table without NOT VALID: every row is checked while both tables are write-locked",
  defaultSeverity: "error",
  messages: {
    constraint:
      "FOREIGN KEY without NOT VALID: PostgreSQL checks every row of {{table}} against {{referenced}} while holding SHARE ROW EXCLUSIVE locks on both, so writes to both tables wait until the check is done",
    loaded:
      "FOREIGN KEY without NOT VALID on {{table}}, created in this migration but already filled{{where}}: checking its rows holds a SHARE ROW EXCLUSIVE lock on {{referenced}}, so writes to {{referenced}} wait until the check is done",
    column:
      "ADD COLUMN {{column}} … REFERENCES {{referenced}} with a DEFAULT: every row of {{table}} gets the default and is checked against {{referenced}} while writes to both tables wait",
    columnLock:
      "ADD COLUMN {{column}} … REFERENCES {{referenced}} holds an ACCESS EXCLUSIVE lock on {{table}} while it waits for a SHARE ROW EXCLUSIVE lock on {{referenced}}: behind one long write to {{referenced}}, every query on {{table}}, reads included, waits too (no row is checked: the new column is NULL everywhere)",
    help: "add it with NOT VALID (brief lock, no scan), commit, then VALIDATE CONSTRAINT in a later transaction (it lets writes go on)",
    columnHelp: "add the column without the DEFAULT and the foreign key NOT VALID; set the default, fill the rows, then VALIDATE CONSTRAINT in a later transaction",
    columnLockHelp:
      "add the column first; then, in a later transaction, ADD CONSTRAINT … FOREIGN KEY … REFERENCES {{referenced}} NOT VALID, which waits holding only a SHARE ROW EXCLUSIVE lock on {{table}} (reads go on), and VALIDATE CONSTRAINT after that",
  },
  create(context) {
    const doc = context.doc;
    const state = migrationState(doc);
    return {
      statement: state.feed,
      AlterTableStmt(node, at) {
        const alter = tableAlter(state, node as PgNode, at.stmt);
        if (!alter) return;
        const { fresh, table, range } = alter;
        // A new empty table has nothing to check; one already filled still locks the referenced table.
        if (fresh && !fresh.hasRows) return;
        /** Tables whose lock this statement already waits for (one wait each, however many columns). */
        const awaited: TableName[] = [];
        alter.cmds.forEach((cmd, k) => {
          if (cmd.subtype === "AT_AddConstraint") {
            const con = nodeBody(cmd.def as PgNode);
            if (con.contype !== "CONSTR_FOREIGN" || con.skip_validation) return;
            const referenced = relationName(con.pktable as PgNode | undefined);
            if (fresh) {
              const loaded = loadedWhere(fresh.fact, doc);
              const where = loaded ? ` (rows loaded ${loaded})` : " (created from a query)";
              context.report({ messageId: "loaded", helpId: "help", data: { table, referenced, where }, ...range(k) });
            } else context.report({ messageId: "constraint", helpId: "help", data: { table, referenced }, ...range(k) });
            return;
          }
          if (cmd.subtype !== "AT_AddColumn" || fresh) return;
          const col = nodeBody(cmd.def as PgNode);
          const fk = columnConstraints(col).find((c) => c.contype === "CONSTR_FOREIGN" && !c.skip_validation);
          if (!fk) return;
          const pktable = fk.pktable as PgNode | undefined;
          const data = { column: String(col.colname ?? "?"), table, referenced: relationName(pktable) };
          if (!isNullDefault(columnDefault(col) ?? undefined)) return context.report({ messageId: "column", helpId: "columnHelp", data, ...range(k) });
          // A new column with no default is all NULL: PostgreSQL skips the check (measured: no scan).
          // But the statement locks this table first and then waits for the referenced one: unless
          // that is this same table, or one created in this migration (no one else holds it).
          const own = state.resolve(alter.relation, at.stmt);
          const ref = state.resolve(pktable, at.stmt);
          if (!own || !ref || sameTable(own, ref) || state.newTable(pktable, at.stmt) || awaited.some((t) => sameTable(t, ref))) return;
          awaited.push(ref);
          context.report({ messageId: "columnLock", helpId: "columnLockHelp", data, ...range(k), atMostWarning: true });
        });
      },
    };
  },
});

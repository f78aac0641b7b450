import { defineMigrationRule } from "../../src/engine/rule.js";
import { nodeBody, relationName } from "../../src/sql/classify.js";
import { isPlaceOf, migrationState, tableAlter } from "../../src/sql/migration-state.js";
import type { PgNode } from "../../src/sql/parser.js";
import { assumedBy, byStatement } from "../../src/sql/transaction.js";

export default defineMigrationRule({
  id: "require-not-valid-constraint",
  description: "CHECK (or PostgreSQL 18 NOT NULL) constraint added to an existing table without NOT VALID, or validated in the transaction that added it",
  defaultSeverity: "error",
  messages: {
    check:
      "ADD CONSTRAINT … {{kind}} without NOT VALID: PostgreSQL reads every row of {{table}} to check it while holding an ACCESS EXCLUSIVE lock, so reads and writes wait until the scan is done",
    sameTransaction:
      "VALIDATE CONSTRAINT {{name}} in the same transaction that added it NOT VALID ({{where}}): the ADD's {{lock}} is held until COMMIT, so the validating scan {{blocks}}",
    help: "add it with NOT VALID (no scan, brief lock), commit, then VALIDATE CONSTRAINT in a later transaction: validation alone lets reads and writes go on",
    sameHelp: "commit between the two: with a migration tool that wraps each file in a transaction, put VALIDATE CONSTRAINT in the next migration",
  },
  create(context) {
    const doc = context.doc;
    const state = migrationState(doc);
    const version = context.settings.postgresVersion;
    return {
      statement: state.feed,
      AlterTableStmt(node, at) {
        const alter = tableAlter(state, node as PgNode, at.stmt);
        if (!alter || alter.fresh) return;
        const { table, relation: rv, range } = alter;
        alter.cmds.forEach((cmd, k) => {
          if (cmd.subtype === "AT_AddConstraint") {
            const con = nodeBody(cmd.def as PgNode);
            if (con.skip_validation) return;
            // NOT NULL as a table constraint, and NOT VALID for it, are PostgreSQL 18's
            if (con.contype === "CONSTR_CHECK" || (con.contype === "CONSTR_NOTNULL" && version >= 18)) {
              context.report({ messageId: "check", helpId: "help", data: { table, kind: con.contype === "CONSTR_CHECK" ? "CHECK" : "NOT NULL" }, ...range(k) });
            }
            return;
          }
          if (cmd.subtype !== "AT_ValidateConstraint") return;
          const name = String(cmd.name ?? "");
          const added = state.constraint(rv, name, at.stmt, at.stmt.end);
          if (!added || !added.notValid || added.contype === "") return;
          const tx = state.transactionOf(at.stmt);
          if (added.txId !== tx.id) return;
          const fk = added.contype === "CONSTR_FOREIGN";
          const referenced = relationName(added.node?.pktable as PgNode | undefined);
          const where =
            isPlaceOf(added.stmt, at.stmt)
              ? "one ALTER TABLE"
              : tx.kind === "block"
                ? `the block opened${byStatement(tx.opener)}`
                : tx.kind === "assumed"
                  ? assumedBy(doc)
                  : "one query string, one implicit transaction";
          context.report({
            messageId: "sameTransaction",
            helpId: "sameHelp",
            data: {
              name,
              where,
              lock: fk ? `SHARE ROW EXCLUSIVE lock on ${table} and ${referenced}` : `ACCESS EXCLUSIVE lock on ${table}`,
              blocks: fk ? `blocks writes to both tables` : "blocks reads and writes",
            },
            ...range(k),
            // (a constraint added by another SQL string of the migration is in another document)
            related: isPlaceOf(added.stmt, at.stmt) || added.stmt.doc !== doc ? [] : [{ message: "added NOT VALID here", start: added.stmt.start, end: added.stmt.end }],
          });
        });
      },
    };
  },
});

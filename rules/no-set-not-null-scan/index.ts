import { defineMigrationRule } from "../../src/engine/rule.js";
import { nodeBody, nodeType } from "../../src/sql/classify.js";
import type { Statement } from "../../src/sql/document.js";
import { migrationState, type ConstraintFact, type MigrationState, tableAlter } from "../../src/sql/migration-state.js";
import type { PgNode } from "../../src/sql/parser.js";

export default defineMigrationRule({
  id: "no-set-not-null-scan",
  description: "ALTER COLUMN … SET NOT NULL that scans the whole table under an ACCESS EXCLUSIVE lock",
  defaultSeverity: "error",
  messages: {
    scan: "SET NOT NULL on {{column}}: PostgreSQL reads every row of {{table}} to check for NULLs while holding an ACCESS EXCLUSIVE lock, so reads and writes wait until the scan is done",
    notValidated:
      "SET NOT NULL on {{column}}: the CHECK {{constraint}} that proves it is still NOT VALID here, so PostgreSQL reads every row of {{table}} under an ACCESS EXCLUSIVE lock (reads and writes wait)",
    beforeTwelve:
      "SET NOT NULL on {{column}} reads every row of {{table}} under an ACCESS EXCLUSIVE lock (reads and writes wait), and before PostgreSQL 12 nothing lets it skip the scan",
    help: "first ADD CONSTRAINT … CHECK ({{column}} IS NOT NULL) NOT VALID, commit, VALIDATE CONSTRAINT in a later transaction; SET NOT NULL then skips the scan (PostgreSQL 12+)",
    notValidatedHelp: "VALIDATE CONSTRAINT {{constraint}} in an earlier transaction than this SET NOT NULL",
    oldHelp: "keep the CHECK (… IS NOT NULL) constraint instead of NOT NULL until you run PostgreSQL 12 or later, or run this in a maintenance window",
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
        const { table, relation: rv } = alter;
        alter.cmds.forEach((cmd, k) => {
          if (cmd.subtype !== "AT_SetNotNull") return;
          const column = String(cmd.name ?? "?");
          const range = alter.range(k);
          if (version < 12) return context.report({ messageId: "beforeTwelve", helpId: "oldHelp", data: { column, table }, ...range });
          const proof = proving(state, rv, column, at.stmt);
          if (proof === true) return;
          if (proof) {
            return context.report({
              messageId: "notValidated",
              helpId: "notValidatedHelp",
              data: { column, table, constraint: proof.name },
              ...range,
              related: proof.stmt.doc === doc ? [{ message: "added NOT VALID here", start: proof.stmt.start, end: proof.stmt.end }] : [],
            });
          }
          context.report({ messageId: "scan", helpId: "help", data: { column, table }, ...range });
        });
      },
    };
  },
});

/**
 * Whether a valid constraint known before `at` proves the column holds no NULL (true), or the
 * CHECK that would, added NOT VALID and not validated yet, or null.
 */
function proving(state: MigrationState, rv: PgNode | undefined, column: string, at: Statement): true | ConstraintFact | null {
  let pending: ConstraintFact | null = null;
  for (const c of state.constraintsOn(rv, at)) {
    const valid = !c.notValid || (c.validatedAt !== undefined && c.validatedAt < state.pos(at));
    if (c.contype === "") {
      // validated here, added by an earlier migration: a name that speaks of the column or of NOT NULL
      const name = c.name.toLowerCase();
      if (name.includes(column.toLowerCase()) || /not_?null|_nn$/.test(name)) return true;
      continue;
    }
    const proves =
      (c.contype === "CONSTR_CHECK" && provesNotNull(c.node?.raw_expr as PgNode | undefined, column)) ||
      (c.contype === "CONSTR_NOTNULL" && ((c.node?.keys as PgNode[] | undefined) ?? []).some((k) => nodeBody(k).sval === column));
    if (!proves) continue;
    if (valid) return true;
    pending ??= c;
  }
  return pending;
}

/** `col IS NOT NULL`, alone or in an AND. */
function provesNotNull(expr: PgNode | undefined, column: string): boolean {
  if (!expr) return false;
  const t = nodeType(expr);
  const b = nodeBody(expr);
  if (t === "NullTest") {
    if (b.nulltesttype !== "IS_NOT_NULL" || nodeType(b.arg as PgNode) !== "ColumnRef") return false;
    const fields = (nodeBody(b.arg as PgNode).fields as PgNode[] | undefined) ?? [];
    return nodeBody(fields[fields.length - 1]).sval === column;
  }
  if (t === "BoolExpr" && b.boolop === "AND_EXPR") return ((b.args as PgNode[] | undefined) ?? []).some((a) => provesNotNull(a, column));
  return false;
}

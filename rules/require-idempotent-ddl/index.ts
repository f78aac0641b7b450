import { defineMigrationRule } from "../../src/engine/rule.js";
import { quotedName, quoteIdent, relationText } from "../../src/sql/clause.js";
import { nodeBody } from "../../src/sql/classify.js";
import type { Statement } from "../../src/sql/document.js";
import { actionRange, alterActionRanges, alterCmds, objectNameParts, type Range } from "../../src/sql/ddl.js";
import { migrationState, sameTable, type TableName } from "../../src/sql/migration-state.js";
import type { PgNode } from "../../src/sql/parser.js";

/** ALTER TABLE actions that give the same result when run twice: nothing to guard. */
const IDEMPOTENT = new Set([
  "AT_SetNotNull",
  "AT_DropNotNull",
  "AT_ColumnDefault",
  "AT_SetStatistics",
  "AT_SetOptions",
  "AT_ResetOptions",
  "AT_SetStorage",
  "AT_SetCompression",
  "AT_ChangeOwner",
  "AT_SetRelOptions",
  "AT_ResetRelOptions",
  "AT_ReplaceRelOptions",
  "AT_EnableRowSecurity",
  "AT_DisableRowSecurity",
  "AT_ForceRowSecurity",
  "AT_NoForceRowSecurity",
  "AT_EnableTrig",
  "AT_EnableAlwaysTrig",
  "AT_EnableReplicaTrig",
  "AT_DisableTrig",
  "AT_EnableTrigAll",
  "AT_DisableTrigAll",
  "AT_EnableTrigUser",
  "AT_DisableTrigUser",
  "AT_EnableRule",
  "AT_EnableAlwaysRule",
  "AT_EnableReplicaRule",
  "AT_DisableRule",
  "AT_SetLogged",
  "AT_SetUnLogged",
  "AT_ReplicaIdentity",
  "AT_ClusterOn",
  "AT_DropCluster",
  "AT_SetTableSpace",
  "AT_SetAccessMethod",
  "AT_AlterColumnType",
  "AT_ValidateConstraint",
  "AT_SetIdentity",
  "AT_SetExpression",
]);

const GUARDED: Record<string, { what: string; guard: string }> = {
  AT_AddColumn: { what: "ADD COLUMN", guard: "IF NOT EXISTS" },
  AT_DropColumn: { what: "DROP COLUMN", guard: "IF EXISTS" },
  AT_DropConstraint: { what: "DROP CONSTRAINT", guard: "IF EXISTS" },
  AT_DropIdentity: { what: "DROP IDENTITY", guard: "IF EXISTS" },
};

const DROPPED: Record<string, string> = {
  OBJECT_TABLE: "TABLE",
  OBJECT_INDEX: "INDEX",
  OBJECT_VIEW: "VIEW",
  OBJECT_MATVIEW: "MATERIALIZED VIEW",
  OBJECT_SEQUENCE: "SEQUENCE",
  OBJECT_TYPE: "TYPE",
  OBJECT_DOMAIN: "DOMAIN",
  OBJECT_SCHEMA: "SCHEMA",
  OBJECT_EXTENSION: "EXTENSION",
  OBJECT_FUNCTION: "FUNCTION",
  OBJECT_PROCEDURE: "PROCEDURE",
  OBJECT_TRIGGER: "TRIGGER",
  OBJECT_POLICY: "POLICY",
  OBJECT_FOREIGN_TABLE: "FOREIGN TABLE",
};

interface Finding extends Range {
  messageId: "guard" | "again" | "constraint" | "copy";
  data: Record<string, string>;
}

export default defineMigrationRule({
  id: "require-idempotent-ddl",
  description: "DDL outside a transaction that fails when a half-applied migration is run again (no IF [NOT] EXISTS)",
  defaultSeverity: "warn",
  messages: {
    guard:
      "{{what}} without {{guard}}, outside a transaction: if the migration stops after this statement, running it again fails here because {{object}} {{state}}",
    again: "{{what}} outside a transaction cannot run twice: if the migration stops after this statement, running it again fails here",
    constraint:
      "ADD CONSTRAINT {{name}} outside a transaction: if the migration stops after this statement, running it again fails here (the constraint exists); drop it IF EXISTS just before",
    copy: "ADD CONSTRAINT without a name, outside a transaction: if the migration stops after this statement, running it again adds a second copy of the constraint",
    help: "run the migration in a transaction (then it is all or nothing), or write {{guard}}",
    againHelp: "run the migration in a transaction, so a failure leaves nothing half done",
    constraintHelp: "ALTER TABLE … DROP CONSTRAINT IF EXISTS {{name}} just before, or run the migration in a transaction",
  },
  create(context) {
    const doc = context.doc;
    const state = migrationState(doc);
    const findings: Finding[] = [];
    /** Constraints dropped (IF EXISTS or not) earlier: the next ADD of that name reruns cleanly. */
    const dropped: { table: TableName; name: string }[] = [];

    const outside = (stmt: Statement, body: Statement | null) => body === null && state.transactionOf(stmt).kind === "none";
    const add = (f: Finding) => findings.push(f);

    return {
      statement: state.feed,
      CreateStmt(node, at) {
        const b = node as PgNode;
        if (!outside(at.stmt, at.body) || b.if_not_exists) return;
        const rv = b.relation as PgNode | undefined;
        if (rv?.relpersistence === "t" && b.oncommit === "ONCOMMIT_DROP") return;
        add({ messageId: "guard", data: { what: "CREATE TABLE", guard: "IF NOT EXISTS", object: relationText(rv), state: "exists" }, start: at.stmt.start, end: at.stmt.end });
      },
      IndexStmt(node, at) {
        const b = node as PgNode;
        // an unnamed index gets a new name each time: nothing fails (IF NOT EXISTS needs a name)
        if (!outside(at.stmt, at.body) || b.if_not_exists || !b.idxname) return;
        add({ messageId: "guard", data: { what: "CREATE INDEX", guard: "IF NOT EXISTS", object: quoteIdent(String(b.idxname)), state: "exists" }, start: at.stmt.start, end: at.stmt.end });
      },
      DropStmt(node, at) {
        const b = node as PgNode;
        const kind = DROPPED[String(b.removeType)];
        if (!kind || !outside(at.stmt, at.body) || b.missing_ok) return;
        const names = ((b.objects as PgNode[] | undefined) ?? []).map((o) => quotedName(objectNameParts(o))).filter(Boolean);
        add({ messageId: "guard", data: { what: `DROP ${kind}`, guard: "IF EXISTS", object: names.join(", ") || kind.toLowerCase(), state: "is gone" }, start: at.stmt.start, end: at.stmt.end });
      },
      AlterTableStmt(node, at) {
        const b = node as PgNode;
        const rv = b.relation as PgNode | undefined;
        const isOutside = outside(at.stmt, at.body);
        const cmds = alterCmds(b);
        // the table is needed only to pair a DROP CONSTRAINT with a later ADD
        let table: TableName | null | undefined;
        const tableOf = () => (table === undefined ? (table = state.resolve(rv, at.stmt)) : table);
        let ranges: ReturnType<typeof alterActionRanges> | undefined;
        const range = (k: number) => actionRange(at.stmt, b, k, (ranges ??= alterActionRanges(at.stmt, b)));
        cmds.forEach((cmd, k) => {
          const subtype = String(cmd.subtype);
          if (subtype === "AT_DropConstraint" && tableOf()) dropped.push({ table: tableOf()!, name: String(cmd.name ?? "") });
          if (!isOutside || IDEMPOTENT.has(subtype)) return;
          const guarded = GUARDED[subtype];
          if (guarded) {
            if (cmd.missing_ok) return;
            const object = subtype === "AT_AddColumn" ? String(nodeBody(cmd.def as PgNode).colname ?? "the column") : String(cmd.name ?? "it");
            add({ messageId: "guard", data: { ...guarded, object, state: subtype === "AT_AddColumn" ? "exists" : "is gone" }, ...range(k) });
            return;
          }
          if (subtype === "AT_AddConstraint") {
            const name = String(nodeBody(cmd.def as PgNode).conname ?? "");
            const t = name && dropped.length > 0 ? tableOf() : null;
            const i = t ? dropped.findIndex((d) => d.name === name && sameTable(d.table, t)) : -1;
            if (i >= 0) {
              dropped.splice(i, 1); // one DROP covers one ADD
              return;
            }
            return add(name ? { messageId: "constraint", data: { name }, ...range(k) } : { messageId: "copy", data: {}, ...range(k) });
          }
          add({ messageId: "again", data: { what: actionWords(subtype) }, ...range(k) });
        });
      },
      end() {
        // a file of one statement is atomic on its own
        if (state.parsedStatements(doc) < 2) return;
        for (const f of findings) {
          context.report({
            messageId: f.messageId,
            helpId: f.messageId === "guard" ? "help" : f.messageId === "constraint" ? "constraintHelp" : "againHelp",
            data: f.data,
            start: f.start,
            end: f.end,
          });
        }
      },
    };
  },
});

/** `AT_AttachPartition` → `ATTACH PARTITION`, for messages. */
function actionWords(subtype: string): string {
  const words = subtype
    .replace(/^AT_/, "")
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toUpperCase();
  return words;
}

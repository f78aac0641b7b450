import { defineMigrationRule } from "../../src/engine/rule.js";
import { defElems, nodeBody } from "../../src/sql/classify.js";
import { columnConstraints, columnDefault, isNullDefault, typeText, volatileCall } from "../../src/sql/ddl.js";
import { migrationState, tableAlter } from "../../src/sql/migration-state.js";
import type { PgNode } from "../../src/sql/parser.js";
import { isSerial } from "../../src/sql/types.js";

export default defineMigrationRule({
  id: "no-add-column-rewrite",
  description: "ADD COLUMN that rewrites the whole table under an ACCESS EXCLUSIVE lock (volatile default, stored generated, identity, serial)",
  defaultSeverity: "error",
  messages: {
    volatile:
      "ADD COLUMN {{column}} with a DEFAULT that calls {{call}}(), a volatile function: PostgreSQL computes it for every row and rewrites {{table}} and its indexes, holding an ACCESS EXCLUSIVE lock that blocks reads and writes until done",
    presumed:
      "ADD COLUMN {{column}} with a DEFAULT that calls {{call}}(), whose definition is not in this file: if it is VOLATILE (what CREATE FUNCTION makes without IMMUTABLE or STABLE), PostgreSQL rewrites {{table}} and its indexes under an ACCESS EXCLUSIVE lock that blocks reads and writes",
    beforeEleven:
      "ADD COLUMN {{column}} with a DEFAULT on PostgreSQL {{version}}: before 11 every non-NULL default rewrites {{table}} and its indexes under an ACCESS EXCLUSIVE lock that blocks reads and writes",
    stored:
      "ADD COLUMN {{column}} GENERATED … STORED: PostgreSQL computes it for every row and rewrites {{table}} and its indexes under an ACCESS EXCLUSIVE lock that blocks reads and writes until done",
    identity:
      "ADD COLUMN {{column}} GENERATED … AS IDENTITY: every row gets a value from the sequence, so PostgreSQL rewrites {{table}} and its indexes under an ACCESS EXCLUSIVE lock that blocks reads and writes until done",
    serial:
      "ADD COLUMN {{column}} {{type}}: a serial column's default is nextval(), one value per row, so PostgreSQL rewrites {{table}} and its indexes under an ACCESS EXCLUSIVE lock that blocks reads and writes until done",
    defaultHelp:
      "add the column without the default, then ALTER COLUMN … SET DEFAULT (only new rows get it), and fill the existing rows in batches",
    generatedHelp: "add a plain nullable column, fill it in batches (and keep it filled with a trigger), then make it what you need",
    oldDefaultHelp: "add the column without a default, SET DEFAULT separately, and fill the existing rows in batches",
    presumedHelp: "if {{call}} is STABLE or IMMUTABLE there is no rewrite (say so in a directive); otherwise add the column without the default, SET DEFAULT, and fill the rows in batches",
  },
  create(context) {
    const state = migrationState(context.doc);
    const version = context.settings.postgresVersion;
    /** Volatility of the functions this document creates (CREATE FUNCTION's default is VOLATILE). */
    const functions = new Map<string, "immutable" | "stable" | "volatile">();
    return {
      statement: state.feed,
      CreateFunctionStmt(node, at) {
        if (at.via !== "statement") return;
        const b = node as PgNode;
        const names = ((b.funcname as PgNode[] | undefined) ?? []).map((n) => String(nodeBody(n).sval ?? ""));
        const option = defElems(b.options).find((d) => d.defname === "volatility");
        const v = String(nodeBody(option?.arg as PgNode | undefined).sval ?? "volatile").toLowerCase();
        const volatility = v === "immutable" || v === "stable" ? v : "volatile";
        functions.set(names.join("."), volatility);
        functions.set(names[names.length - 1]!, volatility);
      },
      AlterTableStmt(node, at) {
        const alter = tableAlter(state, node as PgNode, at.stmt);
        if (!alter || alter.fresh) return;
        const { table } = alter;
        alter.cmds.forEach((cmd, k) => {
          if (cmd.subtype !== "AT_AddColumn") return;
          const col = nodeBody(cmd.def as PgNode);
          const column = String(col.colname ?? "?");
          const cons = columnConstraints(col);
          const report = (
            messageId: "volatile" | "presumed" | "beforeEleven" | "stored" | "identity" | "serial",
            helpId: "defaultHelp" | "generatedHelp" | "oldDefaultHelp" | "presumedHelp",
            data: Record<string, string | number> = {},
          ) => {
            // a function defined elsewhere may well be STABLE: say what would happen, as a warning
            const unsure = messageId === "presumed" ? { atMostWarning: true } : {};
            context.report({ messageId, helpId, data: { column, table, ...data }, ...alter.range(k), ...unsure });
          };
          if (isSerial(col.typeName as PgNode)) return report("serial", "generatedHelp", { type: typeText(col.typeName as PgNode) });
          if (cons.some((c) => c.contype === "CONSTR_IDENTITY")) return report("identity", "generatedHelp");
          // a virtual generated column (PostgreSQL 18) is computed when read: nothing is written
          if (cons.some((c) => c.contype === "CONSTR_GENERATED" && c.generated_kind !== "v")) return report("stored", "generatedHelp");
          const expr = columnDefault(col);
          if (!expr || isNullDefault(expr)) return;
          if (version < 11) return report("beforeEleven", "oldDefaultHelp", { version });
          const call = volatileCall(expr, (names) => functions.get(names.join(".")) ?? functions.get(names[names.length - 1]!));
          if (call) report(call.known ? "volatile" : "presumed", call.known ? "defaultHelp" : "presumedHelp", { call: call.name });
        });
      },
    };
  },
});

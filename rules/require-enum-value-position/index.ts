import { defineMigrationRule } from "../../src/engine/rule.js";
import { nodeBody } from "../../src/sql/classify.js";
import { quoteIdent } from "../../src/sql/clause.js";
import type { PgNode } from "../../src/sql/parser.js";

export default defineMigrationRule({
  id: "require-enum-value-position",
  description: "ALTER TYPE … ADD VALUE without BEFORE or AFTER: the new value sorts last",
  defaultSeverity: "warn",
  messages: {
    position:
      "ALTER TYPE {{type}} ADD VALUE '{{value}}' without BEFORE or AFTER puts '{{value}}' last: ORDER BY, <, > and min()/max() on {{type}} follow the order the values were declared in",
    help: "say where it belongs: ADD VALUE '{{value}}' BEFORE '…' or AFTER '…' (AFTER the current last value when last is meant)",
  },
  create(context) {
    return {
      AlterEnumStmt(node, at) {
        // RENAME VALUE has oldVal; ADD VALUE … BEFORE/AFTER has a neighbour
        if (typeof node.newVal !== "string" || node.oldVal || node.newValNeighbor) return;
        const type = ((node.typeName as PgNode[] | undefined) ?? []).map((n) => quoteIdent(String(nodeBody(n).sval ?? ""))).join(".");
        context.report({ messageId: "position", data: { type, value: node.newVal }, start: at.stmt.start, end: at.stmt.end, helpId: "help" });
      },
    };
  },
});

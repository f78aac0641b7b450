import { defineMigrationRule } from "../../src/engine/rule.js";
import { nodeBody } from "../../src/sql/classify.js";
import { relationText } from "../../src/sql/clause.js";
import type { PgNode } from "../../src/sql/parser.js";

export default defineMigrationRule({
  id: "no-truncate-cascade",
  description: "TRUNCATE … CASCADE, which also empties every table that references the ones named",
  defaultSeverity: "error",
  functionBodies: true,
  messages: {
    cascade:
      "TRUNCATE {{tables}} CASCADE also empties every table with a foreign key to {{them}}, and every table referencing those, none of them named here, each under an ACCESS EXCLUSIVE lock",
    help: "name every table to empty in the TRUNCATE, without CASCADE: PostgreSQL then refuses if another table still references one of them",
  },
  create(context) {
    return {
      TruncateStmt(node, at) {
        if (node.behavior !== "DROP_CASCADE") return;
        const names = ((node.relations as PgNode[] | undefined) ?? []).map((r) => relationText(nodeBody(r)));
        context.report({
          messageId: "cascade",
          data: { tables: names.join(", "), them: names.length === 1 ? names[0]! : "them" },
          start: at.stmt.start,
          end: at.stmt.end,
          helpId: "help",
        });
      },
    };
  },
});

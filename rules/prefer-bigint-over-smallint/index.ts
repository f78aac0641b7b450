import { defineRule, options, type NodeContext } from "../../src/engine/rule.js";
import type { PgNode } from "../../src/sql/parser.js";
import { narrowKeys } from "../../src/sql/types.js";

export interface Options {
  columns: "keys" | "all";
}

export default defineRule({
  id: "prefer-bigint-over-smallint",
  description: "16-bit integer keys (smallint, smallserial) that run out at 32,767",
  defaultSeverity: "warn",
  appliesTo: ["script", "embedded"],
  migration: true,
  skipDown: true,
  hasSuggestions: true,
  messages: {
    key: "column {{column}} {{type}} is {{why}}: a 16-bit integer runs out at 32,767, and making it bigint later rewrites the table and its indexes under an ACCESS EXCLUSIVE lock",
    column: "column {{column}} {{type}}: a 16-bit integer runs out at 32,767, and making it bigint later rewrites the table and its indexes under an ACCESS EXCLUSIVE lock",
    help: "use {{better}}: 6 more bytes a row, and no migration when the values pass 32,767",
  },
  schema: options<Options>({
    type: "object",
    additionalProperties: false,
    properties: {
      columns: {
        enum: ["keys", "all"],
        default: "keys",
        description:
          "`keys`: only columns that grow with the table: serial and identity columns, primary and foreign keys, `nextval()` defaults, and columns named `id`, `…_id`, `…_ids` (or `userId`). `all`: every `smallint` column.",
      },
    },
  }),
  create(context) {
    const all = context.options.columns === "all";
    const check = (type: "CreateStmt" | "AlterTableStmt", node: PgNode, at: NodeContext) => {
      for (const found of narrowKeys(type, node, at.stmt, "int2", all)) context.report({ ...found, helpId: "help" });
    };
    return {
      CreateStmt: (node, at) => check("CreateStmt", node as PgNode, at),
      AlterTableStmt: (node, at) => check("AlterTableStmt", node as PgNode, at),
    };
  },
});

import { defineRule, options, type NodeContext } from "../../src/engine/rule.js";
import type { PgNode } from "../../src/sql/parser.js";
import { narrowKeys } from "../../src/sql/types.js";

export interface Options {
  columns: "keys" | "all";
}

export default defineRule({
  id: "prefer-bigint-over-int",
  description: "32-bit integer keys (int, integer, serial) that run out at 2,147,483,647",
  defaultSeverity: "warn",
  appliesTo: ["script", "embedded"],
  migration: true,
  skipDown: true,
  hasSuggestions: true,
  messages: {
    key: "column {{column}} {{type}} is {{why}}: a 32-bit integer runs out at 2,147,483,647, and making it bigint later rewrites the table and its indexes under an ACCESS EXCLUSIVE lock",
    column: "column {{column}} {{type}}: a 32-bit integer runs out at 2,147,483,647, and making it bigint later rewrites the table and its indexes under an ACCESS EXCLUSIVE lock",
    help: "use {{better}}: 4 more bytes a row, and no migration when the values pass 2 billion",
  },
  schema: options<Options>({
    type: "object",
    additionalProperties: false,
    properties: {
      columns: {
        enum: ["keys", "all"],
        default: "keys",
        description:
          "`keys`: only columns that grow with the table: serial and identity columns, primary and foreign keys, `nextval()` defaults, and columns named `id`, `…_id`, `…_ids` (or `userId`). `all`: every `int` column.",
      },
    },
  }),
  create(context) {
    const all = context.options.columns === "all";
    const check = (type: "CreateStmt" | "AlterTableStmt", node: PgNode, at: NodeContext) => {
      for (const found of narrowKeys(type, node, at.stmt, "int4", all)) context.report({ ...found, helpId: "help" });
    };
    return {
      CreateStmt: (node, at) => check("CreateStmt", node as PgNode, at),
      AlterTableStmt: (node, at) => check("AlterTableStmt", node as PgNode, at),
    };
  },
});

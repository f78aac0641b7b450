import { defineRule, options, type NodeContext } from "../../src/engine/rule.js";
import type { PgNode } from "../../src/sql/parser.js";
import { quoteIdent } from "../../src/sql/clause.js";
import { columnSites, keyColumns, keyReason, writtenType } from "../../src/sql/types.js";

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
      let keys: Map<string, string> | null = null;
      for (const site of columnSites(type, node)) {
        const t = site.type;
        if (t.name !== "int2" && t.serialOf !== "int2") continue;
        keys ??= keyColumns(type, node);
        const why = keyReason(site, keys);
        if (!why && !all) continue;
        const written = writtenType(at.stmt, t.location);
        const better = t.serialOf ? "bigserial" : "bigint";
        context.report({
          messageId: why ? "key" : "column",
          data: { column: quoteIdent(site.column), type: written?.text ?? "smallint", why: why ?? "", better },
          start: written?.start ?? at.stmt.start,
          end: written?.end ?? at.stmt.end,
          helpId: "help",
          ...(written ? { suggest: [{ desc: `use ${better}`, fix: { start: written.start, end: written.baseEnd, text: better } }] } : {}),
        });
      }
    };
    return {
      CreateStmt: (node, at) => check("CreateStmt", node as PgNode, at),
      AlterTableStmt: (node, at) => check("AlterTableStmt", node as PgNode, at),
    };
  },
});

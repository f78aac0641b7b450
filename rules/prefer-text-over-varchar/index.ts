import { defineMigrationRule, type NodeContext } from "../../src/engine/rule.js";
import type { PgNode } from "../../src/sql/parser.js";
import { quoteIdent } from "../../src/sql/clause.js";
import { columnSites, writtenType } from "../../src/sql/types.js";

export default defineMigrationRule({
  id: "prefer-text-over-varchar",
  description: "varchar(n) columns, whose limit can only change with ALTER COLUMN … TYPE",
  defaultSeverity: "warn",
  skipDown: true,
  messages: {
    varchar:
      "column {{column}} {{type}}: the limit can only change with ALTER COLUMN … TYPE, which takes an ACCESS EXCLUSIVE lock (blocking reads and writes), and lowering it rewrites the whole table under that lock",
    help: "use text, with CHECK (char_length({{column}}) <= n) if the limit matters: a new limit is then a CHECK added NOT VALID and validated while reads and writes go on",
  },
  create(context) {
    const check = (type: "CreateStmt" | "AlterTableStmt", node: PgNode, at: NodeContext) => {
      for (const site of columnSites(type, node)) {
        if (site.type.name !== "varchar" || !site.type.typmods) continue;
        const written = writtenType(at.stmt, site.type.location);
        context.report({
          messageId: "varchar",
          data: { column: quoteIdent(site.column), type: written?.text ?? "varchar(n)" },
          start: written?.start ?? at.stmt.start,
          end: written?.end ?? at.stmt.end,
          helpId: "help",
        });
      }
    };
    return {
      CreateStmt: (node, at) => check("CreateStmt", node as PgNode, at),
      AlterTableStmt: (node, at) => check("AlterTableStmt", node as PgNode, at),
    };
  },
});

import { defineMigrationRule, type NodeContext } from "../../src/engine/rule.js";
import type { PgNode } from "../../src/sql/parser.js";
import { quoteIdent } from "../../src/sql/clause.js";
import { columnSites, typmodText, writtenType } from "../../src/sql/types.js";

export default defineMigrationRule({
  id: "prefer-timestamptz",
  description: "timestamp (without time zone) columns, which store a wall-clock time with no zone",
  defaultSeverity: "warn",
  skipDown: true,
  hasSuggestions: true,
  messages: {
    timestamp:
      "column {{column}} {{type}}: timestamp without time zone stores a wall-clock reading, not a moment; comparisons, now() and clients in other time zones then depend on each session's TimeZone",
    help: "use timestamptz: it stores an absolute moment and shows it in the session's time zone",
  },
  create(context) {
    const check = (type: "CreateStmt" | "AlterTableStmt", node: PgNode, at: NodeContext) => {
      for (const site of columnSites(type, node)) {
        if (site.type.name !== "timestamp") continue;
        const written = writtenType(at.stmt, site.type.location);
        const better = `timestamptz${typmodText(site.typeName)}`;
        context.report({
          messageId: "timestamp",
          data: { column: quoteIdent(site.column), type: written?.text ?? "timestamp", better },
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

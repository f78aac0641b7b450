import { defineMigrationRule, type NodeContext } from "../../src/engine/rule.js";
import type { PgNode } from "../../src/sql/parser.js";
import { quoteIdent } from "../../src/sql/clause.js";
import { columnSites, writtenType } from "../../src/sql/types.js";

export default defineMigrationRule({
  id: "no-char-type",
  description: "Columns of type char(n) / character(n): blank-padded, never faster than text",
  defaultSeverity: "warn",
  skipDown: true,
  messages: {
    char: "column {{column}} {{type}}: character(n) pads every value with spaces to its length, ignores trailing spaces when comparing, and is no faster than text in PostgreSQL",
    help: "use text (with CHECK (char_length({{column}}) <= n) if the length matters) or varchar(n)",
  },
  create(context) {
    const check = (type: "CreateStmt" | "AlterTableStmt", node: PgNode, at: NodeContext) => {
      for (const site of columnSites(type, node)) {
        // bpchar is what char, character, nchar and national character become; "char" (quoted) is the one-byte internal type
        if (site.type.name !== "bpchar") continue;
        const written = writtenType(at.stmt, site.type.location);
        const start = written?.start ?? at.stmt.start;
        context.report({
          messageId: "char",
          data: { column: quoteIdent(site.column), type: written?.text ?? "char" },
          start,
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

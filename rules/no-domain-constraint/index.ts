import { defineMigrationRule } from "../../src/engine/rule.js";
import { quotedName } from "../../src/sql/clause.js";
import { nodeBody } from "../../src/sql/classify.js";
import type { PgNode } from "../../src/sql/parser.js";

export default defineMigrationRule({
  id: "no-domain-constraint",
  description: "CREATE DOMAIN with a CHECK or NOT NULL: changing it later scans every table that uses the domain",
  defaultSeverity: "warn",
  messages: {
    constraint:
      "CREATE DOMAIN {{domain}} with {{what}}: adding a column of this type to a table rewrites the table, and changing the constraint later checks every column of the domain while writes to those tables wait",
    help: "create the domain without constraints and put the CHECK on the columns that use it (table constraints can be added NOT VALID and validated without blocking writes)",
  },
  create(context) {
    return {
      CreateDomainStmt(node, at) {
        const body = node as PgNode;
        const kinds = ((body.constraints as PgNode[] | undefined) ?? []).map((c) => String(nodeBody(c).contype));
        const what = [kinds.includes("CONSTR_CHECK") ? "a CHECK" : "", kinds.includes("CONSTR_NOTNULL") ? "NOT NULL" : ""].filter(Boolean).join(" and ");
        if (!what) return;
        const domain = quotedName(((body.domainname as PgNode[] | undefined) ?? []).map((n) => String(nodeBody(n).sval ?? "")));
        context.report({ messageId: "constraint", helpId: "help", data: { domain, what }, start: at.stmt.start, end: at.stmt.end });
      },
    };
  },
});

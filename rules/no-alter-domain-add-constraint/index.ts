import { defineMigrationRule } from "../../src/engine/rule.js";
import { quotedName } from "../../src/sql/clause.js";
import { nodeBody } from "../../src/sql/classify.js";
import type { PgNode } from "../../src/sql/parser.js";

export default defineMigrationRule({
  id: "no-alter-domain-add-constraint",
  description: "ALTER DOMAIN … ADD CONSTRAINT: every column of the domain, in every table, is checked while writes to those tables wait",
  defaultSeverity: "error",
  messages: {
    scan: "ALTER DOMAIN {{domain}} ADD CONSTRAINT checks every column of type {{domain}} in every table, holding a SHARE lock on each table: writes to all of them wait until the scan is done",
    notValid:
      "ALTER DOMAIN {{domain}} ADD CONSTRAINT … NOT VALID checks nothing now, but the VALIDATE CONSTRAINT it calls for scans every column of the domain while holding SHARE locks: writes to those tables wait",
    help: "put the check on the columns instead (ALTER TABLE … ADD CONSTRAINT … CHECK (…) NOT VALID, then VALIDATE CONSTRAINT in a later transaction, table by table)",
  },
  create(context) {
    /** Domains created earlier in this document: no column uses them yet unless this document added one. */
    const created = new Set<string>();
    return {
      CreateDomainStmt(node, at) {
        if (!at.body) created.add(domainName((node as PgNode).domainname));
      },
      AlterDomainStmt(node, at) {
        const body = node as PgNode;
        if (body.subtype !== "C") return;
        const domain = domainName(body.typeName);
        if (created.has(domain)) return;
        const con = nodeBody(body.def as PgNode);
        const notValid = Boolean(con.skip_validation);
        context.report({
          messageId: notValid ? "notValid" : "scan",
          helpId: "help",
          data: { domain },
          start: at.stmt.start,
          end: at.stmt.end,
          ...(notValid ? { atMostWarning: true } : {}),
        });
      },
    };
  },
});

function domainName(list: unknown): string {
  return quotedName(((list as PgNode[] | undefined) ?? []).map((n) => String(nodeBody(n).sval ?? "")));
}

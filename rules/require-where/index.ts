import { conditionText, dmlTarget, excerpt, verbRange } from "../../src/sql/effects.js";
import { defineRule, options, type NodeContext } from "../../src/engine/rule.js";
import type { PgNode } from "../../src/sql/parser.js";

export interface Options {
  alwaysTrue: boolean;
  joins: boolean;
  bodies: boolean;
  ignoreTables: string[];
}

export default defineRule({
  id: "require-where",
  description: "UPDATE and DELETE must say which rows they touch",
  defaultSeverity: "error",
  appliesTo: ["script", "embedded"],
  messages: {
    missing: "{{verb}} without WHERE {{effect}} every row of {{table}}",
    alwaysTrue: "WHERE {{condition}} is always true: {{verb}} {{effect}} every row of {{table}}",
    noJoin:
      "{{verb}} … {{clause}} {{from}}: the WHERE never links {{table}} to {{from}}, so it {{effect}} every row of {{table}}",
    help: "add a WHERE that names the rows; if every row is meant, say why: -- sqlguard-disable-next-line require-where -- <reason>",
  },
  schema: options<Options>({
    type: "object",
    additionalProperties: false,
    properties: {
      alwaysTrue: {
        type: "boolean",
        default: true,
        description: "Treat a WHERE that is always true (`true`, `1 = 1`, `x = x`, `… OR true`) as no WHERE.",
      },
      joins: {
        type: "boolean",
        default: true,
        description:
          "Report `UPDATE … FROM` / `DELETE … USING` whose WHERE never links the target to the other tables.",
      },
      bodies: {
        type: "boolean",
        default: true,
        description: "Also check statements inside function bodies, procedures and DO blocks.",
      },
      ignoreTables: {
        type: "array",
        items: { type: "string" },
        default: [],
        description: "Tables (as written, `schema.table` or `table`; `*` wildcards) that may be emptied or rewritten whole.",
      },
    },
  }),
  create(context) {
    const { alwaysTrue, joins, bodies, ignoreTables } = context.options;
    const ignored = ignoreTables.map(globToRegExp);
    const check = (type: "UpdateStmt" | "DeleteStmt", node: PgNode, at: NodeContext) => {
      if (at.body && !bodies) return;
      const target = dmlTarget(type, node, at.via);
      const scope = target.scope;
      if (scope.kind === "some") return;
      if (scope.kind === "always-true" && !alwaysTrue) return;
      if (scope.kind === "no-join" && !joins) return;
      if (ignored.some((re) => re.test(target.table) || re.test(target.table.split(".").pop()!))) return;
      const stmt = at.stmt;
      const { written, ...range } = verbRange(stmt, target);
      const data = {
        verb: target.verb,
        table: written,
        effect: target.verb === "DELETE" ? "removes" : "changes",
      };
      if (scope.kind === "all") {
        context.report({ messageId: "missing", data, ...range, helpId: "help" });
      } else if (scope.kind === "always-true") {
        const condition = excerpt(conditionText(stmt, scope.condition), 40) || "…";
        context.report({ messageId: "alwaysTrue", data: { ...data, condition }, ...range, helpId: "help" });
      } else {
        const clause = target.verb === "UPDATE" ? "FROM" : "USING";
        context.report({ messageId: "noJoin", data: { ...data, clause, from: scope.from }, ...range, helpId: "help" });
      }
    };
    // every UPDATE and DELETE that runs: at top level, in WITH queries, EXPLAIN ANALYZE, PREPARE,
    // BEGIN ATOMIC bodies, and inside DO blocks and function bodies
    return {
      UpdateStmt: (node, at) => check("UpdateStmt", node, at),
      DeleteStmt: (node, at) => check("DeleteStmt", node, at),
    };
  },
});

function globToRegExp(glob: string): RegExp {
  const re = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${re}$`, "i");
}

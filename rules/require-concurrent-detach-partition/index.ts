import { defineMigrationRule } from "../../src/engine/rule.js";
import { nodeBody, relationName } from "../../src/sql/classify.js";
import { actionRange, alterActionRanges, alterCmds } from "../../src/sql/ddl.js";
import { migrationState, tableText } from "../../src/sql/migration-state.js";
import type { PgNode } from "../../src/sql/parser.js";

export default defineMigrationRule({
  id: "require-concurrent-detach-partition",
  description: "DETACH PARTITION without CONCURRENTLY (PostgreSQL 14+): ACCESS EXCLUSIVE locks on the partitioned table and the partition",
  defaultSeverity: "error",
  messages: {
    detach:
      "DETACH PARTITION {{partition}} without CONCURRENTLY holds ACCESS EXCLUSIVE locks on {{table}} and {{partition}}: every query on the partitioned table waits, reads included",
    help: "DETACH PARTITION … CONCURRENTLY, outside a transaction block (if it is interrupted, finish it with DETACH PARTITION … FINALIZE)",
  },
  create(context) {
    const state = migrationState(context.doc);
    // CONCURRENTLY exists since PostgreSQL 14: before, there is nothing better to suggest
    if (context.settings.postgresVersion < 14) return {};
    return {
      statement: state.feed,
      AlterTableStmt(node, at) {
        const body = node as PgNode;
        const rv = body.relation as PgNode | undefined;
        if (state.newTable(rv, at.stmt)) return;
        let ranges: ReturnType<typeof alterActionRanges> | undefined;
        alterCmds(body).forEach((cmd, k) => {
          if (cmd.subtype !== "AT_DetachPartition") return;
          const part = nodeBody(cmd.def as PgNode);
          if (part.concurrent) return;
          const data = { table: tableText(state.resolve(rv, at.stmt) ?? { schema: null, name: "?" }), partition: relationName(part.name as PgNode | undefined) };
          context.report({ messageId: "detach", helpId: "help", data, ...actionRange(at.stmt, body, k, (ranges ??= alterActionRanges(at.stmt, body))) });
        });
      },
    };
  },
});

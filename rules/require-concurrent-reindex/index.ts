import { defineMigrationRule } from "../../src/engine/rule.js";
import { relationName } from "../../src/sql/classify.js";
import { migrationState } from "../../src/sql/migration-state.js";
import type { PgNode } from "../../src/sql/parser.js";
import { defBool, option } from "../../src/sql/block-rules.js";

const WHAT: Record<string, string> = {
  REINDEX_OBJECT_INDEX: "INDEX",
  REINDEX_OBJECT_TABLE: "TABLE",
  REINDEX_OBJECT_SCHEMA: "SCHEMA",
  REINDEX_OBJECT_DATABASE: "DATABASE",
};

export default defineMigrationRule({
  id: "require-concurrent-reindex",
  description: "REINDEX without CONCURRENTLY (PostgreSQL 12+): writes wait, and so do the queries that would use the index",
  defaultSeverity: "error",
  messages: {
    reindex:
      "REINDEX {{what}} {{name}} without CONCURRENTLY locks out writes to the table and takes an ACCESS EXCLUSIVE lock on each index it rebuilds: queries that would use an index wait until it is rebuilt",
    help: "REINDEX {{what}} CONCURRENTLY {{name}}, outside a transaction block",
  },
  create(context) {
    const state = migrationState(context.doc);
    // REINDEX CONCURRENTLY exists since PostgreSQL 12
    if (context.settings.postgresVersion < 12) return {};
    return {
      statement: state.feed,
      ReindexStmt(node, at) {
        const body = node as PgNode;
        const what = WHAT[String(body.kind)];
        // REINDEX SYSTEM cannot be concurrent
        if (!what || defBool(option(body.params, "concurrently"))) return;
        const rv = body.relation as PgNode | undefined;
        if (rv) {
          if (what === "TABLE" && state.newTable(rv, at.stmt)) return;
          if (what === "INDEX") {
            const built = state.index(rv.schemaname ?? null, String(rv.relname), at.stmt);
            if (built && state.newTable(built.table, at.stmt)) return;
          }
        }
        const name = rv ? relationName(rv) : String(body.name ?? "");
        context.report({ messageId: "reindex", helpId: "help", data: { what, name }, start: at.stmt.start, end: at.stmt.end });
      },
    };
  },
});

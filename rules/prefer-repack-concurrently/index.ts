import { defineMigrationRule } from "../../src/engine/rule.js";
import { nodeBody, relationName } from "../../src/sql/classify.js";
import { migrationState } from "../../src/sql/migration-state.js";
import type { PgNode } from "../../src/sql/parser.js";
import { defBool, option } from "../../src/sql/block-rules.js";

export default defineMigrationRule({
  id: "prefer-repack-concurrently",
  description: "VACUUM FULL and CLUSTER on PostgreSQL 19+: REPACK CONCURRENTLY rewrites the table without blocking it",
  defaultSeverity: "warn",
  messages: {
    vacuum:
      "VACUUM FULL{{target}} rewrites each table under an ACCESS EXCLUSIVE lock: every query on it waits, reads included, until the copy is done",
    cluster:
      "CLUSTER{{target}} rewrites the table in index order under an ACCESS EXCLUSIVE lock: every query on it waits, reads included, until the copy is done",
    help: "on PostgreSQL 19 and later, REPACK CONCURRENTLY{{target}} does the same rewrite while reads and writes go on",
  },
  create(context) {
    const state = migrationState(context.doc);
    // REPACK is PostgreSQL 19's: before, there is no built-in online alternative to name
    if (context.settings.postgresVersion < 19) return {};
    return {
      statement: state.feed,
      VacuumStmt(node, at) {
        const body = node as PgNode;
        if (!body.is_vacuumcmd || !defBool(option(body.options, "full"))) return;
        const rels = ((body.rels as PgNode[] | undefined) ?? []).map((r) => nodeBody(r).relation as PgNode | undefined).filter((r): r is PgNode => !!r);
        const existing = rels.filter((r) => !state.newTable(r, at.stmt));
        if (rels.length > 0 && existing.length === 0) return;
        const target = existing.length > 0 ? ` ${existing.map((r) => relationName(r)).join(", ")}` : "";
        context.report({ messageId: "vacuum", helpId: "help", data: { target }, start: at.stmt.start, end: at.stmt.end });
      },
      ClusterStmt(node, at) {
        const rv = (node as PgNode).relation as PgNode | undefined;
        if (rv && state.newTable(rv, at.stmt)) return;
        const target = rv ? ` ${relationName(rv)}` : "";
        context.report({ messageId: "cluster", helpId: "help", data: { target }, start: at.stmt.start, end: at.stmt.end });
      },
    };
  },
});

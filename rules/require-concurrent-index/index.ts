import { defineMigrationRule } from "../../src/engine/rule.js";
import { migrationState, tableText } from "../../src/sql/migration-state.js";
import type { PgNode } from "../../src/sql/parser.js";

export default defineMigrationRule({
  id: "require-concurrent-index",
  description: "CREATE INDEX without CONCURRENTLY on an existing table: writes wait for the whole build",
  defaultSeverity: "error",
  messages: {
    index:
      "CREATE {{unique}}INDEX without CONCURRENTLY holds a SHARE lock on {{table}} for the whole build: every INSERT, UPDATE and DELETE on it waits until the index is done",
    help: "CREATE {{unique}}INDEX CONCURRENTLY, on its own outside a transaction block (a migration of its own, run without the tool's transaction)",
  },
  create(context) {
    const state = migrationState(context.doc);
    return {
      statement: state.feed,
      IndexStmt(node, at) {
        const body = node as PgNode;
        if (body.concurrent) return;
        const rv = body.relation as PgNode | undefined;
        // a temporary table is seen by this session only; a new one by no one yet
        if (!rv || rv.relpersistence === "t" || rv.schemaname === "pg_temp" || state.newTable(rv, at.stmt)) return;
        // ON ONLY a partitioned table: the parent's index is made invalid, no partition is built (the
        // first step of the safe pattern); ONLY means nothing else for an index
        if (!rv.inh) return;
        const data = { table: tableText(state.resolve(rv, at.stmt)!), unique: body.unique ? "UNIQUE " : "" };
        context.report({ messageId: "index", helpId: "help", data, start: at.stmt.start, end: at.stmt.end });
      },
    };
  },
});

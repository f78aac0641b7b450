import { defineMigrationRule } from "../../src/engine/rule.js";
import { quotedName } from "../../src/sql/clause.js";
import { objectNameParts } from "../../src/sql/ddl.js";
import { migrationState } from "../../src/sql/migration-state.js";
import type { PgNode } from "../../src/sql/parser.js";

export default defineMigrationRule({
  id: "require-concurrent-drop-index",
  description: "DROP INDEX without CONCURRENTLY: an ACCESS EXCLUSIVE lock on the table, waited for behind every running query",
  defaultSeverity: "warn",
  messages: {
    drop: "DROP INDEX {{index}} without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on its table: it waits for every running query on the table, and every query after it waits too, reads included",
    help: "DROP INDEX CONCURRENTLY {{index}}, one index per statement, outside a transaction block",
  },
  create(context) {
    const state = migrationState(context.doc);
    return {
      statement: state.feed,
      DropStmt(node, at) {
        const body = node as PgNode;
        if (body.removeType !== "OBJECT_INDEX" || body.concurrent) return;
        const names: string[] = [];
        for (const o of (body.objects as PgNode[] | undefined) ?? []) {
          const parts = objectNameParts(o);
          const name = parts[parts.length - 1] ?? "";
          const schema = parts.length > 1 ? parts[parts.length - 2]! : null;
          // an index this migration built on a table it created: no one else uses either yet
          const built = state.index(schema, name, at.stmt);
          if (built && state.newTable(built.table, at.stmt)) continue;
          names.push(quotedName(parts));
        }
        if (names.length === 0) return;
        context.report({ messageId: "drop", helpId: "help", data: { index: names.join(", ") }, start: at.stmt.start, end: at.stmt.end });
      },
    };
  },
});

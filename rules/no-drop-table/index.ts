import { defineMigrationRule } from "../../src/engine/rule.js";
import { clauseRange, qualifiedSource, quoteIdent } from "../../src/sql/clause.js";
import { objectNameParts } from "../../src/sql/ddl.js";
import { migrationState, sameTable, type TableName } from "../../src/sql/migration-state.js";
import { NewNames } from "../../src/sql/new-names.js";
import type { PgNode } from "../../src/sql/parser.js";

interface Pending {
  table: TableName;
  /** `DROP TABLE IF EXISTS`: written to be run again. */
  ifExists: boolean;
  start: number;
  end: number;
}

export default defineMigrationRule({
  id: "no-drop-table",
  description: "DROP TABLE of a table that running code may still use",
  defaultSeverity: "warn",
  skipDown: true,
  messages: {
    drop: "DROP TABLE {{table}}: application code still deployed that reads or writes {{table}} fails as soon as this commits, and its rows cannot be brought back",
    help: "drop a table only after the code that used it is gone (deployed, not just merged), in a later migration; then say so: -- sqlguard-disable-next-line no-drop-table -- <why it is safe now>",
  },
  create(context) {
    const state = migrationState(context.doc);
    const pending: Pending[] = [];
    const names = new NewNames();
    /** Tables created in this document, with where: a DROP … IF EXISTS before one of them is the re-runnable way to create it. */
    const created: { table: TableName; at: number }[] = [];
    const noteCreate = (rv: PgNode | undefined, at: number) => {
      if (rv && typeof rv.relname === "string") created.push({ table: { schema: typeof rv.schemaname === "string" && rv.schemaname ? rv.schemaname : null, name: rv.relname }, at });
    };
    return {
      statement: state.feed,
      CreateStmt(node, at) {
        noteCreate(node.relation as PgNode | undefined, at.stmt.start);
      },
      CreateTableAsStmt(node, at) {
        noteCreate((node.into as PgNode | undefined)?.rel as PgNode | undefined, at.stmt.start);
      },
      RenameStmt(node) {
        names.note("RenameStmt", node);
      },
      DropStmt(node, at) {
        if (node.removeType !== "OBJECT_TABLE") return;
        const objects = (node.objects as PgNode[] | undefined) ?? [];
        for (const o of objects) {
          const parts = objectNameParts(o);
          if (parts.length === 0) continue;
          const table: TableName = { schema: parts.length > 1 ? parts[parts.length - 2]! : null, name: parts[parts.length - 1]! };
          // created earlier in this migration: no deployed code knows it yet
          const fresh = state.newTable(table, at.stmt);
          if (fresh && !fresh.fact.ifNotExists) continue;
          // a name this migration gave an old table (RENAME TO): the rename is where running code breaks
          if (names.renamedTable(table)) continue;
          const range = parts.length > 1 || objects.length > 1 ? clauseRange(at.stmt, qualifiedSource(table.name)) : { start: at.stmt.start, end: at.stmt.end };
          pending.push({ table, ifExists: Boolean(node.missing_ok), ...range });
        }
      },
      end() {
        for (const p of pending) {
          // DROP TABLE IF EXISTS t; … CREATE TABLE t: the re-runnable way to create t (graphile-migrate's idempotent migrations)
          if (p.ifExists && created.some((c) => c.at > p.start && sameTable(c.table, p.table))) continue;
          const written = p.table.schema ? `${quoteIdent(p.table.schema)}.${quoteIdent(p.table.name)}` : quoteIdent(p.table.name);
          context.report({ messageId: "drop", data: { table: written }, start: p.start, end: p.end, helpId: "help" });
        }
      },
    };
  },
});

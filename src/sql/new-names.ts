/**
 * Names a migration gave to tables and columns that existed before it: a table's new name after
 * `RENAME TO`, a column added with `ADD COLUMN` or renamed with `RENAME COLUMN … TO`. No deployed
 * code uses those names yet, so dropping or renaming them again later in the same migration breaks
 * nothing new — the rename that made the name is where running code breaks, and is reported there.
 *
 * Each rule keeps its own (`new NewNames()`), and for each statement first asks, then notes
 * (`note`), so a statement never finds its own names. Tables created by the migration are the
 * migration state's business (`migrationState(doc).newTable`).
 */
import { nodeBody } from "./classify.js";
import { sameTable, type TableName } from "./migration-state.js";
import type { PgNode } from "./parser.js";

export class NewNames {
  private readonly tables: TableName[] = [];
  private readonly columns: { table: TableName; column: string }[] = [];

  /** Takes in an ALTER TABLE or a RENAME: the names it gives. */
  note(type: "AlterTableStmt" | "RenameStmt", node: PgNode): void {
    const table = tableOf(node.relation as PgNode | undefined);
    if (!table) return;
    if (type === "RenameStmt") {
      if (node.renameType === "OBJECT_TABLE" && typeof node.newname === "string") {
        this.tables.push({ schema: table.schema, name: node.newname });
      } else if (node.renameType === "OBJECT_COLUMN" && typeof node.newname === "string") {
        this.columns.push({ table, column: node.newname });
      }
      return;
    }
    if (node.objtype !== "OBJECT_TABLE") return;
    for (const c of (node.cmds as PgNode[] | undefined) ?? []) {
      const cmd = nodeBody(c);
      if (cmd.subtype !== "AT_AddColumn") continue;
      const column = nodeBody(cmd.def as PgNode | undefined).colname;
      if (typeof column === "string") this.columns.push({ table, column });
    }
  }

  /** The table's name is one this migration gave it (by RENAME TO). */
  renamedTable(table: PgNode | TableName | undefined): boolean {
    const t = tableOf(table);
    return t !== null && this.tables.some((x) => sameTable(x, t));
  }

  /** The column was added, or got its name, earlier in this migration (or its table did). */
  newColumn(table: PgNode | undefined, column: string): boolean {
    const t = tableOf(table);
    if (!t) return false;
    return this.renamedTable(t) || this.columns.some((x) => x.column === column && sameTable(x.table, t));
  }
}

function tableOf(rv: PgNode | TableName | undefined): TableName | null {
  if (!rv) return null;
  if (typeof (rv as PgNode).relname === "string") {
    const r = rv as PgNode;
    return { schema: typeof r.schemaname === "string" && r.schemaname ? r.schemaname : null, name: r.relname as string };
  }
  return typeof (rv as TableName).name === "string" ? (rv as TableName) : null;
}

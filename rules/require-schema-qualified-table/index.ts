import { defineMigrationRule, type NodeContext } from "../../src/engine/rule.js";
import { clauseRange, identSource, quoteIdent } from "../../src/sql/clause.js";
import { nameRange, objectNameParts } from "../../src/sql/ddl.js";
import { migrationState } from "../../src/sql/migration-state.js";
import type { PgNode } from "../../src/sql/parser.js";

export default defineMigrationRule({
  id: "require-schema-qualified-table",
  description: "Tables created, altered or dropped without a schema name",
  defaultSeverity: "off",
  messages: {
    created: "CREATE TABLE {{table}} without a schema: it goes into whichever schema comes first in search_path when this runs",
    unqualified: "{{verb}} {{table}} without a schema: it is whichever {{table}} search_path finds first when this runs",
    help: "write the schema (public.{{table}}), or SET search_path earlier in the file",
  },
  create(context) {
    const state = migrationState(context.doc);
    const check = (rv: PgNode | undefined, verb: string, at: NodeContext) => {
      if (!rv || typeof rv.relname !== "string" || rv.schemaname || rv.relpersistence === "t") return;
      // the file chose the schema itself
      if (state.setting("search_path", at.stmt)) return;
      const range = nameRange(at.stmt, rv.location as number | undefined);
      context.report({ messageId: verb === "CREATE TABLE" ? "created" : "unqualified", data: { verb, table: quoteIdent(rv.relname) }, ...range, helpId: "help" });
    };
    return {
      statement: state.feed,
      CreateStmt(node, at) {
        check(node.relation as PgNode | undefined, "CREATE TABLE", at);
      },
      CreateTableAsStmt(node, at) {
        if (node.objtype === "OBJECT_TABLE") check((node.into as PgNode | undefined)?.rel as PgNode | undefined, "CREATE TABLE", at);
      },
      AlterTableStmt(node, at) {
        if (node.objtype === "OBJECT_TABLE") check(node.relation as PgNode | undefined, "ALTER TABLE", at);
      },
      RenameStmt(node, at) {
        if (node.renameType === "OBJECT_TABLE" || node.relationType === "OBJECT_TABLE") check(node.relation as PgNode | undefined, "ALTER TABLE", at);
      },
      DropStmt(node, at) {
        if (node.removeType !== "OBJECT_TABLE") return;
        for (const o of (node.objects as PgNode[] | undefined) ?? []) {
          const parts = objectNameParts(o);
          if (parts.length !== 1 || state.setting("search_path", at.stmt)) continue;
          const range = clauseRange(at.stmt, identSource(parts[0]!));
          context.report({ messageId: "unqualified", data: { verb: "DROP TABLE", table: quoteIdent(parts[0]!) }, ...range, helpId: "help" });
        }
      },
    };
  },
});

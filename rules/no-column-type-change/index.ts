import { defineMigrationRule } from "../../src/engine/rule.js";
import { nodeBody, nodeType } from "../../src/sql/classify.js";
import { typeNames, typeText } from "../../src/sql/ddl.js";
import { migrationState, tableAlter } from "../../src/sql/migration-state.js";
import type { PgNode } from "../../src/sql/parser.js";

/** Target types some other types convert to without a rewrite (binary-coercible, or a wider limit). */
const MAYBE_FREE = new Set(["text", "varchar", "bpchar", "numeric", "varbit", "citext", "bytea"]);

export default defineMigrationRule({
  id: "no-column-type-change",
  description: "ALTER COLUMN … TYPE on an existing table: usually a rewrite of the table and its indexes under an ACCESS EXCLUSIVE lock",
  defaultSeverity: "error",
  messages: {
    rewrite:
      "ALTER COLUMN {{column}} TYPE {{type}}: PostgreSQL rewrites {{table}} and rebuilds its indexes while holding an ACCESS EXCLUSIVE lock, so reads and writes wait until it is done",
    using:
      "ALTER COLUMN {{column}} TYPE {{type}} USING …: every value is converted, so PostgreSQL rewrites {{table}} and rebuilds its indexes under an ACCESS EXCLUSIVE lock (reads and writes wait)",
    maybe:
      "ALTER COLUMN {{column}} TYPE {{type}}: free only if the column's current type converts without change ({{free}}); otherwise PostgreSQL rewrites {{table}} and its indexes under an ACCESS EXCLUSIVE lock (reads and writes wait)",
    help: "add a column of the new type, keep it filled (trigger or application), backfill in batches, then switch reads and drop the old column",
    maybeHelp: "check the column's current type; if it does not convert for free, use a new column and a backfill instead",
  },
  create(context) {
    const state = migrationState(context.doc);
    const version = context.settings.postgresVersion;
    return {
      statement: state.feed,
      AlterTableStmt(node, at) {
        const alter = tableAlter(state, node as PgNode, at.stmt);
        if (!alter || alter.fresh) return;
        const { table } = alter;
        alter.cmds.forEach((cmd, k) => {
          if (cmd.subtype !== "AT_AlterColumnType") return;
          const def = nodeBody(cmd.def as PgNode);
          const typeName = def.typeName as PgNode | undefined;
          const names = typeNames(typeName);
          const last = names[names.length - 1] ?? "";
          const data = { column: String(cmd.name ?? "?"), type: typeText(typeName), table, free: "" };
          const range = alter.range(k);
          const column = String(cmd.name ?? "");
          if (def.raw_default && !plainUsing(def.raw_default as PgNode, column, names)) return context.report({ messageId: "using", helpId: "help", data, ...range });
          const builtin = names.length === 1 || names[0] === "pg_catalog";
          const arrays = ((typeName?.arrayBounds as unknown[] | undefined) ?? []).length > 0;
          if (builtin && !arrays && MAYBE_FREE.has(last)) {
            data.free = freeFrom(last);
          } else if (builtin && !arrays && (last === "timestamptz" || last === "timestamp") && version >= 12 && !typeName?.typmods) {
            // timestamp ↔ timestamptz is free both ways from PostgreSQL 12 with the session in UTC (measured
            // on PostgreSQL 18); not to a type with a precision: rounding to it rewrites, even in UTC
            // (measured: timestamp(3) → timestamptz(3)). A migration that sets UTC first means it.
            const zone = state.setting("timezone", at.stmt);
            if (zone && UTC.test(zone.value.trim())) return;
            data.free = `${last === "timestamptz" ? "timestamp" : "timestamptz"}, when the session's TimeZone is UTC, or a ${last} of smaller precision`;
          }
          if (data.free) return context.report({ messageId: "maybe", helpId: "maybeHelp", data, ...range, atMostWarning: true });
          context.report({ messageId: "rewrite", helpId: "help", data, ...range });
        });
      },
    };
  },
});

/** TimeZone values that are UTC. */
const UTC = /^(?:(?:etc\/)?(?:utc|uct|gmt|universal|zulu|greenwich)0?|z|[+-]?0{1,2}(?::?00)?)$/i;

/** `USING col` or `USING col::newtype`: the column as it is, converted as without USING. */
function plainUsing(expr: PgNode, column: string, target: string[]): boolean {
  let e = expr;
  if (nodeType(e) === "TypeCast") {
    const cast = typeNames(nodeBody(e).typeName as PgNode | undefined);
    if (cast[cast.length - 1] !== target[target.length - 1]) return false;
    e = nodeBody(e).arg as PgNode;
  }
  if (nodeType(e) !== "ColumnRef") return false;
  const fields = (nodeBody(e).fields as PgNode[] | undefined) ?? [];
  return nodeBody(fields[fields.length - 1]).sval === column;
}

function freeFrom(target: string): string {
  switch (target) {
    case "text":
      return "varchar, or text already";
    case "varchar":
      return "a shorter varchar, or text to an unlimited varchar";
    case "numeric":
      return "numeric with a smaller precision and the same scale";
    case "bpchar":
      return "a shorter char(n)";
    default:
      return "the same type with a smaller limit";
  }
}

/**
 * The two narrow-integer-key rules (`prefer-bigint-over-int`, `prefer-bigint-over-smallint`): the
 * same reading of column types and keys, for one integer width each.
 */
import { defineMigrationRule, options, type NodeContext } from "../../src/engine/rule.js";
import type { PgNode } from "../../src/sql/parser.js";
import { quoteIdent } from "../../src/sql/clause.js";
import { columnSites, keyColumns, keyReason, writtenType } from "../../src/sql/types.js";

export interface Options {
  columns: "keys" | "all";
}

export interface NarrowKey {
  id: string;
  description: string;
  /** The parser's name of the type (`int4`, `int2`), and of the serial that makes it. */
  pgType: "int4" | "int2";
  /** How the type is named in messages when the text does not say (`integer`). */
  shown: string;
  /** The type as the `columns: "all"` option's doc names it (`int`). */
  word: string;
  messages: { key: string; column: string; help: string };
}

export function narrowKeyRule(spec: NarrowKey) {
  return defineMigrationRule({
    id: spec.id,
    description: spec.description,
    defaultSeverity: "warn",
    skipDown: true,
    hasSuggestions: true,
    messages: spec.messages,
    schema: options<Options>({
      type: "object",
      additionalProperties: false,
      properties: {
        columns: {
          enum: ["keys", "all"],
          default: "keys",
          description: `\`keys\`: only columns that grow with the table: serial and identity columns, primary and foreign keys, \`nextval()\` defaults, and columns named \`id\`, \`…_id\`, \`…_ids\` (or \`userId\`). \`all\`: every \`${spec.word}\` column.`,
        },
      },
    }),
    create(context) {
      const all = context.options.columns === "all";
      const check = (type: "CreateStmt" | "AlterTableStmt", node: PgNode, at: NodeContext) => {
        let keys: Map<string, string> | null = null;
        for (const site of columnSites(type, node)) {
          const t = site.type;
          if (t.name !== spec.pgType && t.serialOf !== spec.pgType) continue;
          keys ??= keyColumns(type, node);
          const why = keyReason(site, keys);
          if (!why && !all) continue;
          const written = writtenType(at.stmt, t.location);
          const better = t.serialOf ? "bigserial" : "bigint";
          context.report({
            messageId: why ? "key" : "column",
            data: { column: quoteIdent(site.column), type: written?.text ?? spec.shown, why: why ?? "", better },
            start: written?.start ?? at.stmt.start,
            end: written?.end ?? at.stmt.end,
            helpId: "help",
            ...(written ? { suggest: [{ desc: `use ${better}`, fix: { start: written.start, end: written.baseEnd, text: better } }] } : {}),
          });
        }
      };
      return {
        CreateStmt: (node, at) => check("CreateStmt", node as PgNode, at),
        AlterTableStmt: (node, at) => check("AlterTableStmt", node as PgNode, at),
      };
    },
  });
}

import { defineRule, options } from "../../src/engine/rule.js";

export interface Options {
  indexes: boolean;
}

/**
 * A table whose storage a migration statement replaced (a new `relfilenode`: every row copied), or
 * an index of it rebuilt, as measured by `sqlguard verify`.
 */
export default defineRule({
  id: "verify-rewrite",
  description: "A migration statement rewrites a table that already exists (measured by `sqlguard verify`)",
  defaultSeverity: "warn",
  appliesTo: ["script"],
  verify: true,
  schema: options<Options>({
    type: "object",
    additionalProperties: false,
    properties: {
      indexes: { type: "boolean", default: true, description: "Also report indexes rebuilt without the table being rewritten (REINDEX, ALTER INDEX … SET TABLESPACE)." },
    },
  }),
  messages: {
    table: "{{command}} rewrites {{table}}, a table that existed before this migration: every row is copied to new storage while {{mode}} is held",
    index: "{{command}} rebuilds index {{index}} of {{table}}, a table that existed before this migration, while {{mode}} is held on the table",
    help: "{{advice}}",
  },
  create: () => ({}),
});

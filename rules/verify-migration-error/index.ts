import { defineRule } from "../../src/engine/rule.js";

/**
 * A migration statement PostgreSQL rejected when `sqlguard verify` applied the migrations to an
 * embedded PostgreSQL: the migration tool would stop here in production too.
 */
export default defineRule({
  id: "verify-migration-error",
  description: "A migration that fails on a real PostgreSQL (measured by `sqlguard verify`)",
  defaultSeverity: "error",
  appliesTo: ["script"],
  verify: true,
  messages: {
    failed: "{{tool}} would stop here: {{message}} (SQLSTATE {{code}}){{detail}}",
    refused: "{{tool}} would stop here: {{message}}",
    help: "{{help}}",
  },
  create: () => ({}),
});

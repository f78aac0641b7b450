import { defineRule } from "../../src/engine/rule.js";

/**
 * A statement in code or in a SQL script that PostgreSQL rejects against the schema the migrations
 * build: prepared (parsed and analysed, never executed) by `sqlguard verify`.
 */
export default defineRule({
  id: "verify-query",
  description: "A query that fails against the schema the migrations build (measured by `sqlguard verify`)",
  defaultSeverity: "error",
  appliesTo: ["script", "embedded"],
  verify: true,
  messages: {
    query: "{{message}} (SQLSTATE {{code}}, against the schema of {{schema}}){{detail}}",
    dryRun: "the dry run failed here: {{message}} (SQLSTATE {{code}}){{detail}}",
    help: "{{hint}}",
  },
  create: () => ({}),
});

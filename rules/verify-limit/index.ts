import { defineRule } from "../../src/engine/rule.js";

/**
 * What `sqlguard verify` could not check as written, because the embedded PostgreSQL (PGlite) lacks
 * something a server has: an extension, a file, a statement it cannot finish. A note, never a bug
 * in the SQL.
 */
export default defineRule({
  id: "verify-limit",
  description: "What `sqlguard verify` could not check as written in the embedded PostgreSQL",
  defaultSeverity: "warn",
  appliesTo: ["script", "embedded"],
  verify: true,
  messages: {
    limit: "not verified: {{what}}",
    help: "{{detail}}",
  },
  create: () => ({}),
});

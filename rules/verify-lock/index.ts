import { defineRule, options } from "../../src/engine/rule.js";

export const LOCK_THRESHOLDS = ["ShareUpdateExclusiveLock", "ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock"] as const;

export interface Options {
  minimum: (typeof LOCK_THRESHOLDS)[number];
}

/**
 * A lock a migration statement took on a table that existed before the migration, as PostgreSQL
 * reported it (`pg_locks`) while `sqlguard verify` applied the migration.
 */
export default defineRule({
  id: "verify-lock",
  description: "A migration statement locks a table that already exists (measured by `sqlguard verify`)",
  defaultSeverity: "warn",
  appliesTo: ["script"],
  verify: true,
  schema: options<Options>({
    type: "object",
    additionalProperties: false,
    properties: {
      minimum: {
        type: "string",
        enum: [...LOCK_THRESHOLDS],
        default: "ShareLock",
        description: "The weakest lock mode reported. ShareLock and stronger block writes to the table; AccessExclusiveLock blocks reads too.",
      },
    },
  }),
  messages: {
    lock: "{{command}} takes {{mode}} on {{table}}, a table that existed before this migration: it {{blocks}}{{scan}}{{held}}",
    help: "{{advice}}",
  },
  create: () => ({}),
});

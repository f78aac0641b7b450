/**
 * Turns what verify measured (events.ts) into the reports of its rules: the message data, the
 * advice, and the rule options applied (which lock modes `verify-lock` reports, whether
 * `verify-rewrite` reports index rebuilds). The engine then applies severities, directives and
 * masking, as for any rule.
 */
import type { Pending } from "../engine/linter.js";
import type { Config } from "../engine/config.js";
import type { Rule } from "../engine/rule.js";
import { lockBlocks, lockStrength, type VerifyEvent } from "./events.js";
import type { PgError } from "./protocol.js";
import { plural } from "../util/plural.js";

const identity = (o: number) => o;

function detailOf(e: PgError): string {
  return e.detail ? ` — ${e.detail}` : "";
}

/** What to do instead, from the statement and the lock it took. */
export function lockAdvice(command: string, mode: string, text: string, scanned: boolean): string {
  const t = text.toUpperCase();
  if (command.startsWith("CREATE") && command.includes("INDEX")) return "CREATE INDEX CONCURRENTLY builds the index without blocking writes (outside a transaction block)";
  if (/\bFOREIGN\s+KEY\b|\bREFERENCES\b/.test(t) && !/\bNOT\s+VALID\b/.test(t)) return "add the constraint NOT VALID, then VALIDATE CONSTRAINT in a later migration: validation takes a weaker lock";
  if (/\bSET\s+NOT\s+NULL\b/.test(t)) return "add CHECK (column IS NOT NULL) NOT VALID, validate it in a later migration, then SET NOT NULL: PostgreSQL 12+ then skips the scan";
  if (/\bADD\s+(?:CONSTRAINT\s+\S+\s+)?CHECK\b/.test(t) && !/\bNOT\s+VALID\b/.test(t)) return "add the CHECK NOT VALID, then VALIDATE CONSTRAINT in a later migration";
  if (/\bADD\s+(?:CONSTRAINT\s+\S+\s+)?(?:UNIQUE|PRIMARY\s+KEY)\b/.test(t) && !/\bUSING\s+INDEX\b/.test(t))
    return "build a unique index CONCURRENTLY first, then add the constraint USING INDEX";
  if (command === "DROP INDEX") return "DROP INDEX CONCURRENTLY does not block reads and writes (outside a transaction block)";
  if (command === "REFRESH MATERIALIZED VIEW") return "REFRESH MATERIALIZED VIEW CONCURRENTLY lets reads go on (it needs a unique index)";
  if (mode === "AccessExclusiveLock")
    return scanned
      ? "the lock waits for every running query and blocks every new one while it scans: set lock_timeout, and split the change so no step scans under this lock"
      : "the lock waits for every running query on the table and blocks every new one meanwhile: set a short lock_timeout (and retry) so the migration gives up instead of stalling the application";
  return "set lock_timeout so the migration gives up instead of waiting behind long transactions and stalling writes";
}

export function rewriteAdvice(command: string, text: string): string {
  const t = text.toUpperCase();
  if (/\bTYPE\b/.test(t) && command === "ALTER TABLE") return "add a new column of the new type, backfill it in batches, then swap the columns: no step copies the table under an exclusive lock";
  if (/\bDEFAULT\b/.test(t)) return "a volatile DEFAULT (random(), a sequence, clock_timestamp()) fills every row: add the column without it, set the default, and backfill in batches";
  if (/\bSTORED\b/.test(t)) return "a stored generated column fills every row: add a plain column and backfill it in batches, or use a virtual generated column (PostgreSQL 18)";
  if (command === "VACUUM" || command === "CLUSTER") return "pg_repack or pg_squeeze reorganise a table without holding an exclusive lock for the whole copy";
  if (command === "REINDEX") return "REINDEX CONCURRENTLY rebuilds without blocking writes (outside a transaction block)";
  return "on a large table this holds the lock for as long as the copy takes: split the change so no step rewrites the table";
}

export interface EventSource {
  /** The text of the file the event offsets refer to (for advice read from the statement). */
  text: string;
}

/** The reports of a file's events, for the rules enabled for it (severity is set by the engine). */
export function pendingOf(events: readonly VerifyEvent[], file: string, text: string, config: Config): Pending[] {
  const rules = config.rulesFor(file);
  const out: Pending[] = [];
  const push = (rule: Rule | undefined, messageId: string, data: Record<string, string | number>, start: number, end: number, helpId?: string) => {
    if (!rule) return;
    out.push({ rule, severity: 2, descriptor: { messageId, data, start, end, ...(helpId ? { helpId } : {}) }, toHost: identity, embedded: false });
  };
  const statementText = (start: number) => {
    const semi = text.indexOf(";", start);
    return text.slice(start, semi < 0 ? Math.min(text.length, start + 2000) : semi);
  };
  for (const e of events) {
    switch (e.kind) {
      case "error": {
        const r = rules.get("verify-migration-error");
        const help = [e.error.hint ?? "", e.rolledBack ? "the migration's transaction was rolled back: none of it is applied" : "", e.later > 0 ? `the ${plural(e.later, "migration")} after it ${e.later === 1 ? "was" : "were"} not applied` : ""]
          .filter(Boolean)
          .join("; ");
        // No SQLSTATE: the tool itself refused the migration before PostgreSQL saw it.
        const id = e.error.code === undefined ? "refused" : "failed";
        push(r?.rule, id, { tool: e.tool, message: e.error.message, code: e.error.code ?? "", detail: detailOf(e.error), help }, e.start, e.end, help ? "help" : undefined);
        break;
      }
      case "lock": {
        const r = rules.get("verify-lock");
        if (!r) break;
        const minimum = (r.options as { minimum?: string } | undefined)?.minimum ?? "ShareLock";
        if (lockStrength(e.mode) < lockStrength(minimum)) break;
        const held = e.heldFor > 0 ? `, until COMMIT: through the ${plural(e.heldFor, "statement")} after it` : "";
        const scan = e.scanned ? ", and reads the whole table while it holds it" : "";
        const advice = lockAdvice(e.command, e.mode, statementText(e.start), e.scanned);
        push(r.rule, "lock", { command: e.command, mode: e.mode, table: e.table, blocks: lockBlocks(e.mode), scan, held, advice }, e.start, e.end, "help");
        break;
      }
      case "rewrite": {
        const r = rules.get("verify-rewrite");
        if (!r) break;
        if (e.index !== null && (r.options as { indexes?: boolean } | undefined)?.indexes === false) break;
        const advice = rewriteAdvice(e.command, statementText(e.start));
        push(r.rule, e.index === null ? "table" : "index", { command: e.command, table: e.table, index: e.index ?? "", mode: e.mode, advice }, e.start, e.end, "help");
        break;
      }
      case "limit": {
        const r = rules.get("verify-limit");
        push(r?.rule, "limit", { what: e.what, detail: e.detail }, e.start, e.end, e.detail ? "help" : undefined);
        break;
      }
      case "query": {
        const r = rules.get("verify-query");
        const data = { message: e.error.message, code: e.error.code ?? "?????", detail: detailOf(e.error), schema: e.schema, hint: e.error.hint ?? "" };
        push(r?.rule, e.dryRun ? "dryRun" : "query", data, e.start, e.end, e.error.hint ? "help" : undefined);
        break;
      }
    }
  }
  return out;
}

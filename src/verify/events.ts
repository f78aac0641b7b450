/**
 * What verify found, before it becomes a diagnostic: plain data in file offsets (UTF-16), so a
 * migration's findings can be cached with its migrated database and reported again by a run that
 * does not apply it. Rule options (which lock modes to report…) are applied when reporting, never
 * here, so changing them never invalidates the cache.
 */
import type { PgError } from "./protocol.js";

export type LockMode =
  | "AccessShareLock"
  | "RowShareLock"
  | "RowExclusiveLock"
  | "ShareUpdateExclusiveLock"
  | "ShareLock"
  | "ShareRowExclusiveLock"
  | "ExclusiveLock"
  | "AccessExclusiveLock";

export const LOCK_MODES: readonly LockMode[] = [
  "AccessShareLock",
  "RowShareLock",
  "RowExclusiveLock",
  "ShareUpdateExclusiveLock",
  "ShareLock",
  "ShareRowExclusiveLock",
  "ExclusiveLock",
  "AccessExclusiveLock",
];

export function lockStrength(mode: string): number {
  return LOCK_MODES.indexOf(mode as LockMode);
}

/** What each mode keeps other sessions from doing (from PostgreSQL's "Explicit Locking" table). */
export function lockBlocks(mode: string): string {
  switch (mode) {
    case "AccessExclusiveLock":
      return "blocks every read and write of it";
    case "ExclusiveLock":
      return "blocks every write of it";
    case "ShareRowExclusiveLock":
    case "ShareLock":
      return "blocks every write of it (INSERT, UPDATE, DELETE)";
    case "ShareUpdateExclusiveLock":
      return "blocks other schema changes and VACUUM on it";
    default:
      return "blocks little";
  }
}

interface At {
  /** File offsets. */
  start: number;
  end: number;
  /** The command, for messages (`ALTER TABLE`). */
  command: string;
}

export type VerifyEvent =
  /** A migration statement PostgreSQL rejected: the tool would stop here. */
  | (At & { kind: "error"; error: PgError; tool: string; rolledBack: boolean; later: number })
  /** A lock on a table that existed before the migration, first taken by this statement. */
  | (At & { kind: "lock"; table: string; mode: LockMode; scanned: boolean; heldFor: number })
  /** A table (or an index of it) whose storage was rewritten. */
  | (At & { kind: "rewrite"; table: string; index: string | null; mode: string })
  /** Something PGlite could not do, so this part was not verified as written. */
  | (At & { kind: "limit"; what: string; detail: string })
  /** A statement of code or a script PostgreSQL rejects against the migrated schema. */
  | (At & { kind: "query"; error: PgError; schema: string; dryRun?: boolean });

export type EventKind = VerifyEvent["kind"];

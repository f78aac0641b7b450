/**
 * A file result's counts (ESLint's errorCount, warningCount, fixableErrorCount,
 * fixableWarningCount) come from its messages and nothing else: worked out here, once, and again
 * wherever messages are added or dropped, never patched by hand.
 */
import type { Diagnostic, FileResult } from "./types.js";

export type Counts = Pick<FileResult, "errorCount" | "warningCount" | "fixableErrorCount" | "fixableWarningCount">;

/** The counts of a list of messages: errors and warnings, and those of each with a fix. */
export function countMessages(messages: readonly Diagnostic[]): Counts {
  let errorCount = 0;
  let warningCount = 0;
  let fixableErrorCount = 0;
  let fixableWarningCount = 0;
  for (const m of messages) {
    if (m.severity === 2) {
      errorCount++;
      if (m.fix) fixableErrorCount++;
    } else {
      warningCount++;
      if (m.fix) fixableWarningCount++;
    }
  }
  return { errorCount, warningCount, fixableErrorCount, fixableWarningCount };
}

/** Sets a result's counts from its messages (after messages were added, dropped or lost their fix). */
export function recount<R extends FileResult>(result: R): R {
  return Object.assign(result, countMessages(result.messages));
}

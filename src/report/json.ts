/**
 * `--format json`: the shape ESLint's JSON formatter prints, so tools that read ESLint output
 * read ours. Only these fields are printed: never file contents, but for `output`, the fixed file
 * `--fix-dry-run` works out (and never for a file that holds a credential).
 */
import type { Diagnostic, FileResult } from "../engine/types.js";
import type { ReportContext } from "./types.js";

export function json(results: FileResult[], _context: ReportContext): string {
  return JSON.stringify(
    results.map((r) => ({
      filePath: r.filePath,
      messages: r.messages.map(message),
      suppressedMessages: [],
      errorCount: r.errorCount,
      fatalErrorCount: r.messages.filter((m) => m.fatal).length,
      warningCount: r.warningCount,
      fixableErrorCount: r.fixableErrorCount,
      fixableWarningCount: r.fixableWarningCount,
      // the fixed file (--fix-dry-run), never one that holds a credential (see lintText)
      ...(r.output !== undefined ? { output: r.output } : {}),
      usedDeprecatedRules: [],
    })),
  );
}

function message(m: Diagnostic): Record<string, unknown> {
  const out: Record<string, unknown> = {
    ruleId: m.ruleId,
    severity: m.severity,
    message: m.message,
    line: m.line,
    column: m.column,
    endLine: m.endLine,
    endColumn: m.endColumn,
  };
  if (m.fatal) out.fatal = true;
  if (m.help) out.help = m.help;
  if (m.fix) out.fix = m.fix;
  if (m.suggestions) out.suggestions = m.suggestions;
  if (m.related) out.related = m.related;
  return out;
}

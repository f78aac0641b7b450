/** `--format compact`: one line per problem, as ESLint's compact formatter prints it. */
import type { FileResult } from "../engine/types.js";
import type { ReportContext } from "./types.js";
import { displayPath } from "./paths.js";

export function compact(results: FileResult[], context: ReportContext): string {
  const lines: string[] = [];
  let total = 0;
  for (const r of results) {
    const file = displayPath(r.filePath, context.cwd);
    for (const m of r.messages) {
      total++;
      const kind = m.severity === 2 ? "Error" : "Warning";
      lines.push(`${file}: line ${m.line}, col ${m.column}, ${kind} - ${m.message}${m.ruleId ? ` (${m.ruleId})` : ""}`);
    }
  }
  if (total > 0) lines.push("", `${total} problem${total === 1 ? "" : "s"}`);
  return lines.length ? lines.join("\n") + "\n" : "";
}

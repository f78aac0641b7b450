/**
 * `--format stylish` (the default): problems grouped by file, each with a code frame, a caret
 * under the range, the help line and the rule's docs link; a summary at the end. Colour only
 * when asked for.
 */
import { docsUrl } from "../engine/rule.js";
import type { Diagnostic, FileResult } from "../engine/types.js";
import { originalLength, shiftColumn } from "./frame.js";
import type { ReportContext } from "./types.js";
import { displayPath } from "./paths.js";

const MAX_FRAME = 120;

interface Paint {
  red(s: string): string;
  yellow(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
  cyan(s: string): string;
}

function paint(color: boolean): Paint {
  const wrap = (open: number, close: number) => (s: string) => (color ? `\u001b[${open}m${s}\u001b[${close}m` : s);
  return { red: wrap(31, 39), yellow: wrap(33, 39), dim: wrap(2, 22), bold: wrap(1, 22), cyan: wrap(36, 39) };
}

export function stylish(results: FileResult[], context: ReportContext): string {
  const p = paint(context.color);
  const out: string[] = [];
  let errors = 0;
  let warnings = 0;
  let fixableErrors = 0;
  let fixableWarnings = 0;
  for (const r of results) {
    if (r.messages.length === 0) continue;
    errors += r.errorCount;
    warnings += r.warningCount;
    fixableErrors += r.fixableErrorCount;
    fixableWarnings += r.fixableWarningCount;
    out.push(p.bold(displayPath(r.filePath, context.cwd)));
    for (const m of r.messages) out.push(...problem(m, r, p));
    out.push("");
  }
  const total = errors + warnings;
  if (total === 0) return "";
  const summary = `✖ ${total} problem${total === 1 ? "" : "s"} (${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"})`;
  out.push(errors > 0 ? p.red(p.bold(summary)) : p.yellow(p.bold(summary)));
  if (fixableErrors + fixableWarnings > 0) {
    out.push(
      p.dim(
        `  ${fixableErrors} error${fixableErrors === 1 ? "" : "s"} and ${fixableWarnings} warning${fixableWarnings === 1 ? "" : "s"} potentially fixable with the \`--fix\` option.`,
      ),
    );
  }
  return out.join("\n") + "\n";
}

function problem(m: Diagnostic, r: FileResult, p: Paint): string[] {
  const sev = m.severity === 2 ? p.red("error") : p.yellow("warning");
  const lines = [`  ${p.dim(`${m.line}:${m.column}`)}  ${sev}  ${m.message}  ${p.dim(m.ruleId ?? "")}`.trimEnd()];
  const text = r.lines[m.line];
  if (text !== undefined) {
    const endColumn = m.endLine === m.line ? m.endColumn : Math.max(m.column + 1, originalLength(text, r.redacted?.[m.line]) + 1);
    const gutter = String(m.line + 1).length;
    const before = r.lines[m.line - 1];
    const after = r.lines[m.line + 1];
    if (before !== undefined) lines.push(context(before, m.line - 1, gutter, p));
    lines.push(...frame(text, m.line, m.column, endColumn, r.redacted?.[m.line] ?? [], p, m.severity, gutter));
    if (after !== undefined) lines.push(context(after, m.line + 1, gutter, p));
  }
  for (const rel of m.related ?? []) lines.push(`     ${p.dim(`${rel.line}:${rel.column}`)}  ${p.cyan("note")}: ${rel.message}`);
  if (m.help) lines.push(`     ${p.cyan("help")}: ${m.help}`);
  // the rule's page, under every finding (as squawk prints it): what it catches, why, how to fix
  if (m.ruleId) lines.push(`     ${p.dim(`docs: ${docsUrl(m.ruleId)}`)}`);
  return lines;
}

/** Control characters (but tab and line feed) are shown as spaces: a frame never moves the terminal. */
const printable = (s: string) => s.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, " ");

/** A line shown around the marked one, clipped and dimmed. */
function context(text: string, line: number, width: number, p: Paint): string {
  const shown = printable(text.length > MAX_FRAME ? text.slice(0, MAX_FRAME) + "…" : text);
  return `    ${p.dim(`${String(line).padStart(width)} |`)} ${p.dim(shown)}`.trimEnd();
}

function frame(text: string, line: number, column: number, endColumn: number, spans: [number, number][], p: Paint, severity: 1 | 2, gutterWidth: number): string[] {
  let col = shiftColumn(column, spans);
  let endCol = Math.max(col + 1, shiftColumn(endColumn, spans));
  let shown = text;
  // A window around the column for very long lines.
  let offset = 0;
  if (shown.length > MAX_FRAME) {
    offset = Math.max(0, Math.min(col - 1 - 20, shown.length - MAX_FRAME));
    shown = (offset > 0 ? "…" : "") + shown.slice(offset, offset + MAX_FRAME) + (offset + MAX_FRAME < text.length ? "…" : "");
    const shift = offset > 0 ? offset - 1 : 0;
    col -= shift;
    endCol = Math.min(endCol - shift, shown.length + 1);
  }
  shown = printable(shown);
  const gutter = String(line).padStart(gutterWidth);
  const pad = " ".repeat(gutter.length);
  const prefix = shown.slice(0, Math.max(0, col - 1)).replace(/[^\t]/g, " ");
  const width = Math.max(1, Math.min(endCol, shown.length + 1) - col);
  const carets = "^".repeat(width);
  const mark = severity === 2 ? p.red(carets) : p.yellow(carets);
  return [`    ${p.dim(`${gutter} |`)} ${shown}`.trimEnd(), `    ${p.dim(`${pad} |`)} ${prefix}${mark}`];
}

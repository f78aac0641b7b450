/**
 * Runs one rule over a SqlDocument built by hand — for documents the extractors do not make
 * yet (embedded SQL from code) — the way the engine does: statements and items in order, then
 * `end`. Returns `line:column-endLine:endColumn message` strings (positions in the document).
 */
import "./helpers.js"; // loads the parser
import { formatMessage, type ReportDescriptor } from "../src/engine/rule.js";
import { rules } from "../src/engine/registry.js";
import { withDefaults } from "../src/engine/schema.js";
import { SqlDocument, Statement, type DocumentOptions } from "../src/sql/document.js";
import { LineIndex } from "../src/sql/text.js";

export function runRule(ruleId: string, sql: string, docOptions: DocumentOptions, options?: unknown): string[] {
  const rule = rules.find((r) => r.id === ruleId);
  if (!rule) throw new Error(`no rule ${ruleId}`);
  const doc = new SqlDocument(sql, docOptions);
  if (!rule.appliesTo.includes(doc.kind)) return [];
  const reports: ReportDescriptor[] = [];
  const v = rule.create({
    options: withDefaults(rule.schema, options),
    settings: { prodHosts: [], localHosts: [] },
    filePath: "code.ts",
    doc,
    report: (d) => reports.push(d),
  });
  for (const e of doc.events()) {
    if (e instanceof Statement) v.statement?.(e);
    else v.item?.(e);
  }
  v.end?.();
  const lines = new LineIndex(sql);
  return reports.map((d) => {
    const a = lines.position(d.start);
    const b = lines.position(d.end);
    return `${a.line}:${a.column}-${b.line}:${b.column} ${formatMessage(rule.messages[d.messageId] ?? d.messageId, d.data)}`;
  });
}

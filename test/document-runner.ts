/**
 * Runs one rule over a SqlDocument built by hand, with the options a test chooses (a document
 * kind, a run model, assumeInTransaction) instead of those an extractor would work out from a
 * host file, through the engine's own rule runner (no directives, severities or masking).
 * Returns `line:column-endLine:endColumn message` strings (positions in the document).
 */
import "./helpers.js"; // loads the parser
import { formatMessage } from "../src/engine/rule.js";
import { runRules } from "../src/engine/run-rules.js";
import { builtinRules as rules } from "../rules/index.js";
import { withDefaults } from "../src/engine/schema.js";
import { DEFAULT_POSTGRES_VERSION } from "../src/engine/config.js";
import { SqlDocument, type DocumentOptions } from "../src/sql/document.js";
import { LineIndex } from "../src/sql/text.js";

export function runRule(ruleId: string, sql: string, docOptions: DocumentOptions, options?: unknown): string[] {
  const rule = rules.find((r) => r.id === ruleId);
  if (!rule) throw new Error(`no rule ${ruleId}`);
  const doc = new SqlDocument(sql, docOptions);
  const { pending, internal } = runRules(
    [{ rule, options: withDefaults(rule.schema, options), severity: 2 }],
    { sql: [{ doc, toHost: (o) => o }], text: null },
    { prodHosts: [], localHosts: [], postgresVersion: DEFAULT_POSTGRES_VERSION },
  );
  if (internal.length > 0) throw new Error(internal.join("\n"));
  const lines = new LineIndex(sql);
  return pending.map(({ descriptor: d }) => {
    const a = lines.position(d.start);
    const b = lines.position(d.end);
    return `${a.line}:${a.column}-${b.line}:${b.column} ${formatMessage(rule.messages[d.messageId] ?? d.messageId, d.data)}`;
  });
}

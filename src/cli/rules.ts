/**
 * `sqlguard rules`: every rule, with its default severity, whether `--fix` fixes it (or an editor
 * suggests a change), whether it is a migration-safety rule, what it catches and its docs page.
 * `--format json` gives the same as data, for scripts.
 */
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { builtinRules as rules } from "../../rules/index.js";
import { docsUrl, type Rule } from "../engine/rule.js";
import { UsageError } from "../sources/files.js";
import type { CliIO } from "./types.js";

const HELP = `Usage: sqlguard rules [--format text|json]

Lists every rule: id, default severity, whether --fix fixes it, where it is on by default
(every file, or files detected as migrations), what it catches, and its docs page.
`;

export interface RuleInfo {
  id: string;
  description: string;
  defaultSeverity: Rule["defaultSeverity"];
  /** `--fix` fixes what it finds (ESLint's `meta.fixable`). */
  fixable: boolean;
  /** It offers suggestions (editors show them; `--fix` does not apply them). */
  hasSuggestions: boolean;
  /** A migration-safety rule: on by default in files detected as migrations only. */
  migration: boolean;
  /** The documents it reads: `script` (.sql files), `embedded` (SQL in code), `text` (any text file). */
  documents: string[];
  docs: string;
}

export function ruleInfo(rule: Rule): RuleInfo {
  return {
    id: rule.id,
    description: rule.description,
    defaultSeverity: rule.defaultSeverity,
    fixable: rule.fixable === true,
    hasSuggestions: rule.hasSuggestions === true,
    migration: rule.migration === true,
    documents: [...rule.appliesTo],
    docs: docsUrl(rule.id),
  };
}

export async function rulesCommand(argv: string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, strict: true, allowPositionals: false, options: { format: { type: "string", short: "f" }, help: { type: "boolean", short: "h" } } });
  } catch (e) {
    throw new UsageError(`rules: ${(e as Error).message.replace(/\. To specify a positional argument.*$/s, ".")}`);
  }
  if (parsed.values.help) {
    io.stdout(HELP);
    return 0;
  }
  const format = parsed.values.format ?? "text";
  if (format !== "text" && format !== "json") throw new UsageError(`rules: unknown format "${format}" (choose one of: text, json)`);
  // `sqlguard rules` lists the rules: one who meant the folder named rules is told how to lint it
  const folder = path.join(io.cwd, "rules");
  if (existsSync(folder) && statSync(folder).isDirectory()) io.stderr(`sqlguard: listing the rules; to lint the folder rules/, run: sqlguard rules/\n`);
  const infos = rules.map(ruleInfo);
  if (format === "json") {
    io.stdout(JSON.stringify(infos, null, 2) + "\n");
    return 0;
  }
  io.stdout(textTable(infos));
  return 0;
}

function textTable(infos: RuleInfo[]): string {
  const width = Math.max(...infos.map((r) => r.id.length));
  const row = (r: RuleInfo) => {
    const fix = r.fixable ? "fix" : r.hasSuggestions ? "suggestion" : "-";
    return [`${r.id.padEnd(width)}  ${r.defaultSeverity.padEnd(7)}  ${fix.padEnd(10)}  ${r.description}`, `${" ".repeat(width + 2)}${r.docs}`];
  };
  const out = [
    `${"rule".padEnd(width)}  ${"default".padEnd(7)}  ${"fixable".padEnd(10)}  what it catches`,
    "",
    "On in every file (at these severities):",
    ...infos.filter((r) => !r.migration && r.defaultSeverity !== "off").flatMap(row),
    "",
    "Migration safety: on in files detected as migrations, off elsewhere unless configured:",
    ...infos.filter((r) => r.migration && r.defaultSeverity !== "off").flatMap(row),
  ];
  const off = infos.filter((r) => r.defaultSeverity === "off");
  if (off.length > 0) out.push("", "Off unless configured:", ...off.flatMap(row));
  out.push(
    "",
    `${infos.length} rules. "fix": --fix fixes it (and --fix-dry-run shows how); "suggestion": editors offer a change.`,
    'Change a severity in sqlguard.config.json ("rules": { "<id>": "warn" }) or with --rule <id>:off.',
  );
  return out.join("\n") + "\n";
}

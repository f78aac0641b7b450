/**
 * Docs that come from rule metadata: docs/rules.md, and the generated block of each rule's
 * README (default severity, documents, fixable, options). `npm run docs` writes them;
 * the docs test runs `check` and fails when they drift from the code.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { rules } from "../engine/registry.js";
import type { Rule } from "../engine/rule.js";
import type { JsonSchema } from "../engine/schema.js";

const START = "<!-- generated:start (npm run docs) -->";
const END = "<!-- generated:end -->";

export function rulesTable(): string {
  const rows = rules.map(
    (r) => `| [\`${r.id}\`](../rules/${r.id}/README.md) | ${r.description} | ${r.defaultSeverity} | ${r.appliesTo.join(", ")} | ${r.fixable ? "yes" : r.hasSuggestions ? "suggestion" : ""} |`,
  );
  return [
    "# Rules",
    "",
    "Every rule sqlguard ships. Severities can be changed in the config (`\"rules\": { \"id\": \"warn\" }`),",
    "on the command line (`--rule id:off`), or for one statement with a directive",
    "(`-- sqlguard-disable-next-line id -- reason`).",
    "",
    "| rule | what it catches | default | documents | fix |",
    "| --- | --- | --- | --- | --- |",
    ...rows,
    "",
    "Documents: `script` = a `.sql` file; `embedded` = SQL in a string in TypeScript/JavaScript; `text` = any text file.",
    "",
    "This file is generated from the rules' metadata by `npm run docs`.",
    "",
  ].join("\n");
}

function optionType(s: JsonSchema): string {
  if (s.enum) return s.enum.map((e) => JSON.stringify(e)).join(" \\| ");
  if (s.type === "array") return `${s.items ? optionType(s.items) : "any"}[]`;
  return s.type ?? "any";
}

export function ruleBlock(rule: Rule): string {
  const lines = [
    START,
    `- Default severity: **${rule.defaultSeverity}**`,
    `- Checks: ${rule.appliesTo.map((k) => `${k} documents`).join(", ")}`,
  ];
  if (rule.fixable) lines.push("- Fixable with `--fix`");
  if (rule.hasSuggestions) lines.push("- Offers suggestions (editor quick fixes), never applied automatically");
  const props = Object.entries(rule.schema?.properties ?? {});
  lines.push("", "### Options", "");
  if (props.length === 0) {
    lines.push("None.");
  } else {
    lines.push("| option | type | default | description |", "| --- | --- | --- | --- |");
    for (const [name, p] of props) {
      lines.push(`| \`${name}\` | ${optionType(p)} | \`${JSON.stringify(p.default)}\` | ${p.description ?? ""} |`);
    }
    const example = Object.fromEntries(props.map(([k, p]) => [k, p.default]));
    lines.push("", "```json", JSON.stringify({ rules: { [rule.id]: [rule.defaultSeverity === "off" ? "warn" : rule.defaultSeverity, example] } }, null, 2), "```");
  }
  lines.push(END);
  return lines.join("\n");
}

export interface DocFile {
  file: string;
  expected: string;
  actual: string | null;
}

export function docFiles(root: string): DocFile[] {
  const out: DocFile[] = [];
  const read = (f: string) => {
    try {
      return readFileSync(f, "utf8");
    } catch {
      return null;
    }
  };
  const rulesMd = path.join(root, "docs/rules.md");
  out.push({ file: rulesMd, expected: rulesTable(), actual: read(rulesMd) });
  for (const rule of rules) {
    const file = path.join(root, "rules", rule.id, "README.md");
    const actual = read(file);
    const block = ruleBlock(rule);
    let expected: string;
    if (actual === null) expected = `# ${rule.id}\n\n${block}\n`;
    else {
      const a = actual.indexOf(START);
      const b = actual.indexOf(END);
      expected = a >= 0 && b > a ? actual.slice(0, a) + block + actual.slice(b + END.length) : `${actual.trimEnd()}\n\n## Settings\n\n${block}\n`;
    }
    out.push({ file, expected, actual });
  }
  return out;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  let changed = 0;
  for (const d of docFiles(root)) {
    if (d.actual !== d.expected) {
      writeFileSync(d.file, d.expected);
      changed++;
      console.log(`wrote ${path.relative(root, d.file)}`);
    }
  }
  if (changed === 0) console.log("docs are up to date");
}

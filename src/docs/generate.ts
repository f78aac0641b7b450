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
import { settingsSchema } from "../eslint/settings.js";

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
    `- ESLint: \`sqlguard/${rule.id}\`${rule.defaultSeverity === "off" || rule.migration ? "" : `, on in \`sqlguard.configs.recommended\``} ([editors](../../docs/editors.md))`,
  ];
  if (rule.migration) {
    lines.push("- Migration rule: at this severity in files detected as migrations; elsewhere only when the config turns it on");
  }
  if (rule.fixable) lines.push("- Fixable with `--fix`");
  if (rule.hasSuggestions) lines.push("- Offers suggestions (editor quick fixes), never applied automatically");
  const props = Object.entries(rule.schema?.properties ?? {});
  lines.push("", "### Options", "");
  if (props.length === 0) {
    lines.push("None.");
  } else {
    lines.push("| option | type | default | description |", "| --- | --- | --- | --- |");
    for (const [name, p] of props) {
      lines.push(`| \`${name}\` | ${optionType(p)} | ${p.default === undefined ? "see description" : `\`${JSON.stringify(p.default)}\``} | ${p.description ?? ""} |`);
    }
    const example = Object.fromEntries(props.filter(([, p]) => p.default !== undefined).map(([k, p]) => [k, p.default]));
    lines.push("", "```json", JSON.stringify({ rules: { [rule.id]: [rule.defaultSeverity === "off" ? "warn" : rule.defaultSeverity, example] } }, null, 2), "```");
  }
  lines.push(END);
  return lines.join("\n");
}

/** The `settings.sqlguard` table of docs/editors.md, from the plugin's settings schema. */
export function settingsBlock(): string {
  const lines = [START, "| setting | type | description |", "| --- | --- | --- |"];
  for (const [name, p] of Object.entries(settingsSchema.properties ?? {})) {
    const type = p.oneOf ? p.oneOf.map(optionType).join(" \\| ") : p.properties ? `{ ${Object.keys(p.properties).join(", ")} }` : optionType(p);
    lines.push(`| \`${name}\` | ${type} | ${p.description ?? ""} |`);
    for (const [sub, q] of Object.entries(p.properties ?? {})) lines.push(`| \`${name}.${sub}\` | ${optionType(q)} | ${q.description ?? ""} |`);
  }
  lines.push(END);
  return lines.join("\n");
}

/** Replaces the generated block of a hand-written file (null when the file has none). */
function withBlock(actual: string | null, block: string): string | null {
  if (actual === null) return null;
  const a = actual.indexOf(START);
  const b = actual.indexOf(END);
  return a >= 0 && b > a ? actual.slice(0, a) + block + actual.slice(b + END.length) : actual;
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
  const editors = path.join(root, "docs/editors.md");
  const editorsText = read(editors);
  out.push({ file: editors, expected: withBlock(editorsText, settingsBlock()) ?? "", actual: editorsText });
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

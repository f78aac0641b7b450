/**
 * `sqlguard/eslint`: the ESLint plugin.
 *
 *   // eslint.config.js
 *   import sqlguard from "sqlguard/eslint";
 *   export default [
 *     // the project's own configs (its parser for TypeScript files: typescript-eslint's, …)
 *     ...sqlguard.configs.recommended,
 *   ];
 *
 * (`configs.recommended` is a list of config objects: spread it, concatenate it, or hand it to
 * `defineConfig`. ESLint refuses it nested as is in the exported array: "Unexpected array".)
 *
 * - rules `sqlguard/<id>`, one for every sqlguard rule, over SQL strings in TypeScript and
 *   JavaScript and over `.sql` files (same implementations, same positions as the CLI);
 * - the language `sqlguard/sql`, so ESLint (and editors running it) lint `.sql`, `.psql` and
 *   `.pgsql` files through sqlguard's front-end;
 * - `configs.recommended`: both, with each rule at its default severity.
 *
 * A guest in the project's config: `configs.recommended` sets no parser and no language options
 * for code files, so whatever the order of the configs, the project's parser (and its TypeScript)
 * stays in charge of them; the rules read whichever tree that parser built. A project that lints
 * TypeScript has a TypeScript parser configured already (without one, ESLint cannot read `.ts`).
 *
 * Project settings (production hosts, files a migration tool wraps in a transaction, which
 * strings hold SQL) go in `settings.sqlguard`; see docs/editors.md.
 *
 * This module is ESM and loads the SQL parser (WASM) before it resolves: ESLint calls a
 * language's `parse` synchronously. `require()` of it gets a message saying so (eslint.cjs).
 */
import type { ESLint, Linter, Rule as ESLintRule } from "eslint";
import { builtinRules } from "../../rules/index.js";
import type { Rule } from "../engine/rule.js";
import { CODE_EXTENSIONS, SQL_EXTENSIONS } from "../extract/extensions.js";
import { loadParser } from "../sql/parser.js";
import { VERSION } from "../version.js";
import { sqlLanguage } from "./language.js";
import { eslintRule, severityProcessor } from "./rules.js";

await loadParser();

/** The rules ESLint can run: those `sqlguard verify` measures need a database and are not offered. */
const rules = builtinRules.filter((r) => !r.verify);

const glob = (extensions: readonly string[]) => extensions.map((e) => `**/*${e}`);

/** `sqlguard/<id>` → default severity, for the rules that read what `applies` accepts. */
function severities(applies: (r: Rule) => boolean): Linter.RulesRecord {
  const out: Linter.RulesRecord = {};
  for (const r of rules) if (applies(r) && r.defaultSeverity !== "off") out[`sqlguard/${r.id}`] = r.defaultSeverity;
  return out;
}

export interface SqlguardPlugin extends ESLint.Plugin {
  meta: { name: string; version: string; namespace: string };
  rules: Record<string, ESLintRule.RuleModule>;
  configs: {
    /** Flat config objects: spread them, concatenate them, or pass the list to `defineConfig` (which flattens it). */
    recommended: Linter.Config[];
  };
}

const plugin: SqlguardPlugin = {
  meta: { name: "sqlguard", version: VERSION, namespace: "sqlguard" },
  rules: Object.fromEntries(rules.map((r) => [r.id, eslintRule(r)])),
  languages: { sql: sqlLanguage as unknown as NonNullable<ESLint.Plugin["languages"]>[string] },
  processors: { severity: severityProcessor },
  configs: { recommended: [] },
};

plugin.configs.recommended.push(
  { name: "sqlguard/recommended/plugin", plugins: { sqlguard: plugin } },
  {
    name: "sqlguard/recommended/code",
    files: glob(CODE_EXTENSIONS),
    // lowers the findings sqlguard is not sure of to warnings, as the CLI does (text passes unchanged)
    processor: "sqlguard/severity",
    rules: severities((r) => r.appliesTo.includes("embedded") || r.appliesTo.includes("text")),
  },
  {
    name: "sqlguard/recommended/sql",
    files: glob(SQL_EXTENSIONS),
    language: "sqlguard/sql",
    processor: "sqlguard/severity",
    rules: severities((r) => r.appliesTo.includes("script") || r.appliesTo.includes("text")),
  },
);

export default plugin;
export { plugin };

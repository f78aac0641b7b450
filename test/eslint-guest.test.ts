/**
 * sqlguard as a guest in a project's ESLint config (issue 17): rules the project configures
 * without `files` reach `.sql` files too. Every ESLint core rule and every typescript-eslint rule,
 * one at a time and without `files`, next to sqlguard's configs, on a SQL file: none may stop
 * ESLint, and none may report anything there. The rules that need type information stop unless
 * typescript-eslint's `disableTypeChecked` covers the SQL files: that one line (README, docs/editors.md)
 * is what this test proves. Real installs from the registry, with typescript-eslint's typed configs
 * and several ESLint and TypeScript versions: test/e2e/eslint-matrix.ts (`npm run e2e:eslint`).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import tsPlugin from "@typescript-eslint/eslint-plugin";
import tsParser from "@typescript-eslint/parser";
import { Linter } from "eslint";
import { builtinRules } from "eslint/use-at-your-own-risk";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import plugin from "../src/eslint/index.js";
import { root } from "./helpers.js";
import { configText, DOCUMENTED } from "./e2e/project.js";

const test = suite("eslint: sqlguard as a guest");

const linter = new Linter({ configType: "flat", cwd: root });
const SQL_FILES = ["**/*.sql", "**/*.psql", "**/*.pgsql"];
/** The line the docs give to typed configs. */
const typedLine: Linter.Config = { files: SQL_FILES, ...(tsPlugin.configs["flat/disable-type-checked"] as Linter.Config) };
/** A typed config without `files`, as typescript-eslint's docs write it. */
const typedOptions: Linter.Config = { languageOptions: { parser: tsParser as Linter.Parser, parserOptions: { projectService: true, tsconfigRootDir: root } } };

const SQL = ["BEGIN;", "UPDATE orders SET status = 'open'", "", "WHERE id = 1;", "DELETE FROM orders;", "COMMIT;", ""].join("\n");
const SQL_FILE = path.join(root, "db/migrations/001_orders.sql");
const SQLGUARD_FINDINGS = ["3:1 sqlguard/ambiguous-statement-split", "5:1 sqlguard/require-where"];

interface Outcome {
  crash: string | null;
  findings: string[];
}

function run(configs: Linter.Config[]): Outcome {
  try {
    const messages = linter.verify(SQL, configs, SQL_FILE);
    return { crash: null, findings: messages.map((m) => `${m.line}:${m.column} ${m.ruleId ?? m.message}`) };
  } catch (e) {
    return { crash: String((e as Error).message).split("\n")[0]!, findings: [] };
  }
}

const tsRules = Object.entries(tsPlugin.rules as unknown as Record<string, { meta: { deprecated?: unknown; docs?: { requiresTypeChecking?: boolean } } }>)
  .filter(([, r]) => !r.meta.deprecated)
  .map(([id]) => `@typescript-eslint/${id}`);
const coreRules = [...builtinRules].filter(([, r]) => !r.meta?.deprecated).map(([id]) => id);
const typeChecked = new Set(Object.keys(typedLine.rules!));

function ruleConfig(ids: string[]): Linter.Config {
  return { plugins: { "@typescript-eslint": tsPlugin as never }, rules: Object.fromEntries(ids.map((id) => [id, "error"])) };
}

test("every core and typescript-eslint rule without `files`: none stops ESLint on a .sql file, none reports there", () => {
  assert.ok(coreRules.length > 150 && tsRules.length > 100, `${coreRules.length} core, ${tsRules.length} typescript-eslint rules`);
  // all at once (a rule that stops ESLint is named in the message)
  const untyped = [...coreRules, ...tsRules].filter((id) => !typeChecked.has(id));
  assert.equal(run([...plugin.configs.recommended, ruleConfig(untyped)]), { crash: null, findings: SQLGUARD_FINDINGS });
  // the rules that need type information, one at a time: most cannot start without a program
  // (typescript-eslint's own message), the others start and find nothing
  let crashes = 0;
  for (const id of typeChecked) {
    const o = run([...plugin.configs.recommended, ruleConfig([id])]);
    if (o.crash) {
      crashes++;
      assert.match(o.crash, /requires type information/, id);
    } else assert.equal(o.findings, SQLGUARD_FINDINGS, id);
  }
  assert.ok(crashes > 40, `${crashes} type-aware rules crash without the line`);
});

test("with a typed config without `files` and the documented line: every rule starts and finds nothing on SQL", () => {
  const all = ruleConfig([...coreRules, ...tsRules]);
  assert.equal(run([typedOptions, ...plugin.configs.recommended, all, typedLine]), { crash: null, findings: SQLGUARD_FINDINGS });
  // the line anywhere after the typed config: before sqlguard's configs too
  assert.equal(run([typedOptions, all, typedLine, ...plugin.configs.recommended]), { crash: null, findings: SQLGUARD_FINDINGS });
  // and it is needed
  assert.match(run([typedOptions, ...plugin.configs.recommended, all]).crash ?? "", /requires type information/);
});

test("typescript-eslint's shared configs (recommended, strict, stylistic, typed) on a .sql file, sqlguard's configs first or last", () => {
  const flat = tsPlugin.configs as unknown as Record<string, Linter.Config | Linter.Config[]>;
  const list = (name: string) => ([] as Linter.Config[]).concat(flat[name]!);
  const untyped = ["flat/recommended", "flat/strict", "flat/stylistic"];
  for (const name of untyped) {
    assert.equal(run([...list(name), ...plugin.configs.recommended]), { crash: null, findings: SQLGUARD_FINDINGS }, name);
    assert.equal(run([...plugin.configs.recommended, ...list(name)]), { crash: null, findings: SQLGUARD_FINDINGS }, `${name}, sqlguard first`);
  }
  for (const name of ["flat/recommended-type-checked", "flat/strict-type-checked", "flat/stylistic-type-checked"]) {
    // without the line, typescript-eslint's own message names the rule and the file
    const bare = run([...list(name), typedOptions, ...plugin.configs.recommended]);
    assert.match(bare.crash ?? "", /requires type information/, name);
    assert.equal(run([...list(name), typedOptions, ...plugin.configs.recommended, typedLine]), { crash: null, findings: SQLGUARD_FINDINGS }, name);
    assert.equal(run([...plugin.configs.recommended, ...list(name), typedOptions, typedLine]), { crash: null, findings: SQLGUARD_FINDINGS }, `${name}, sqlguard first`);
  }
});

test("the SQL language to JavaScript rules: parserOptions, an empty scope, parser services without types", () => {
  let seen: Record<string, unknown> = {};
  const probe = {
    meta: { type: "problem" as const, schema: [] },
    create(context: { languageOptions: Record<string, unknown>; sourceCode: Record<string, unknown> & { getScope(n: unknown): { type: string; variables: unknown[] }; ast: unknown } }) {
      const scope = context.sourceCode.getScope(context.sourceCode.ast);
      seen = {
        parserOptions: context.languageOptions.parserOptions,
        scope: [scope.type, scope.variables.length],
        scopeManager: (context.sourceCode.scopeManager as { scopes: unknown[] }).scopes.length,
        program: (context.sourceCode.parserServices as { program: unknown }).program,
      };
      return {};
    },
  };
  const configs: Linter.Config[] = [...plugin.configs.recommended, { plugins: { probe: { rules: { probe: probe as never } } }, rules: { "probe/probe": "error" } }];
  run(configs);
  assert.equal(seen, { parserOptions: {}, scope: ["global", 0], scopeManager: 1, program: null });
  // a project's parserOptions still arrive, merged over the language's default
  run([...configs, { languageOptions: { parserOptions: { ecmaFeatures: { jsx: true } } } }]);
  assert.equal(seen.parserOptions, { ecmaFeatures: { jsx: true } });
});

test("README and docs/editors.md show the config the end-to-end matrix installs and runs", () => {
  const config = configText(DOCUMENTED);
  for (const doc of ["README.md", "docs/editors.md"]) assert.ok(readFileSync(path.join(root, doc), "utf8").includes(config), `${doc} must show, as is:\n${config}`);
});

test.run();

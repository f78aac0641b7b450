/**
 * `defineMigrationRule`: the header the migration-safety rules share, and a `create` that is
 * handed SQL documents only. The compile-time checks (`@ts-expect-error`) fail the build if
 * `defineMigrationRule` ever stops typing message ids and options as `defineRule` does.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { defineMigrationRule, options } from "../src/engine/rule.js";
import { parseDocument } from "../src/sql/document.js";
import { textDocument } from "../src/secrets/text-document.js";
import { builtinRules } from "../rules/index.js";

const test = suite("defineMigrationRule");

test("fills in appliesTo and migration, keeps every other field as written, in defineRule's order", () => {
  const rule = defineMigrationRule({ id: "x", description: "d", defaultSeverity: "warn", skipDown: true, messages: { found: "f" }, create: () => ({}) });
  const { create, ...fields } = rule;
  assert.type(create, "function");
  assert.equal(fields, { id: "x", description: "d", defaultSeverity: "warn", appliesTo: ["script", "embedded"], migration: true, skipDown: true, messages: { found: "f" } });
  assert.equal(Object.keys(rule), ["id", "description", "defaultSeverity", "appliesTo", "migration", "skipDown", "messages", "create"]);
});

test("every built-in migration rule reads scripts and embedded SQL", () => {
  const migration = builtinRules.filter((r) => r.migration);
  assert.ok(migration.length >= 30, String(migration.length));
  for (const r of migration) assert.equal(r.appliesTo, ["script", "embedded"], r.id);
});

test("types message ids and options as defineRule does", () => {
  const rule = defineMigrationRule({
    id: "x",
    description: "d",
    defaultSeverity: "error",
    messages: { found: "f" },
    schema: options<{ all: boolean }>({ type: "object", properties: { all: { type: "boolean", default: false } } }),
    create(context) {
      const all: boolean = context.options.all;
      void all;
      context.report({ messageId: "found", start: 0, end: 0 });
      // @ts-expect-error -- a message id that is not in `messages` does not compile
      context.report({ messageId: "missing", start: 0, end: 0 });
      // @ts-expect-error -- an option the schema does not declare does not compile
      void context.options.none;
      return {};
    },
  });
  assert.is(rule.id, "x");
  defineMigrationRule({
    id: "y",
    description: "d",
    defaultSeverity: "warn",
    // @ts-expect-error -- defineMigrationRule fills it in
    appliesTo: ["script"],
    messages: {},
    create: () => ({}),
  });
});

test("create is handed SQL documents; a text document gets no listeners without calling it", () => {
  const seen: string[] = [];
  const rule = defineMigrationRule({
    id: "x",
    description: "d",
    defaultSeverity: "warn",
    messages: {},
    create(context) {
      seen.push(context.doc.sql); // typed as a SQL document: no narrowing needed
      return { statement: () => undefined };
    },
  });
  const report = () => undefined;
  const { doc } = parseDocument("SELECT 1;");
  assert.equal(Object.keys(rule.create({ doc, options: {}, settings: {}, report } as never)), ["statement"]);
  assert.equal(rule.create({ doc: textDocument("SELECT 1;", "a.txt"), options: {}, settings: {}, report } as never), {});
  assert.equal(seen, ["SELECT 1;"]);
});

test.run();

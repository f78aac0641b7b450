import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { docFiles } from "../src/docs/generate.js";
import { builtinRules as rules } from "../rules/index.js";
import { docsUrl } from "../src/engine/rule.js";
import { root } from "./helpers.js";

const test = suite("docs and registry");

test("every rules/ folder is registered and every rule has a folder with README, cases and fixtures", () => {
  const folders = readdirSync(path.join(root, "rules"), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  assert.equal(folders, rules.map((r) => r.id).sort());
  for (const id of folders) {
    for (const f of ["index.ts", "README.md", "cases.test.ts", "fixtures"]) assert.ok(existsSync(path.join(root, "rules", id, f)), `rules/${id}/${f}`);
  }
});

test("rule READMEs have the sections users look for", () => {
  for (const rule of rules) {
    const text = docFiles(root).find((d) => d.file.endsWith(`rules/${rule.id}/README.md`))!.actual ?? "";
    for (const h of ["## What it catches", "## Why is this bad?", "## Example", "## Use instead", "## Settings"]) {
      assert.ok(text.includes(h), `rules/${rule.id}/README.md needs "${h}"`);
    }
  }
});

test("generated docs match the rules' metadata (run `npm run docs`)", () => {
  for (const d of docFiles(root)) assert.is(d.actual, d.expected, `${path.relative(root, d.file)} is stale: run npm run docs`);
});

test("every message id used as help exists; docs URLs point at the rule README", () => {
  for (const rule of rules) {
    assert.match(docsUrl(rule.id), new RegExp(`/rules/${rule.id}/README\\.md$`));
    assert.ok(Object.keys(rule.messages).length > 0);
  }
});

test.run();

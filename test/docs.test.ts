import { existsSync, readdirSync, readFileSync } from "node:fs";
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

// Message and help ids are checked by the compiler (defineRule types them from `messages`), and
// test/rule-tester.ts checks at run time that every report fills its message's placeholders and
// that every message of a rule is reported by one of its cases.
test("each rule's docs URL is its README in the package's repository, and that README exists", () => {
  const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { repository: { url: string } };
  const repository = pkg.repository.url.replace(/^git\+/, "").replace(/\.git$/, "");
  for (const rule of rules) {
    assert.is(docsUrl(rule.id), `${repository}/blob/main/rules/${rule.id}/README.md`);
    assert.ok(existsSync(path.join(root, "rules", rule.id, "README.md")), `rules/${rule.id}/README.md`);
  }
});

test.run();

import { readFileSync } from "node:fs";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { camel, files, register } from "../src/dev/new-rule.js";
import { root } from "./helpers.js";

const test = suite("new-rule scaffold");

test("registers the rule after the last rule import and at the end of the list", () => {
  const index = readFileSync(path.join(root, "rules/index.ts"), "utf8");
  const out = register(index, "no-truncate");
  assert.ok(out.includes('import noTruncate from "./no-truncate/index.js";\n\nexport const builtinRules'));
  assert.match(out, /\n {2}noTruncate,\n\];/);
  assert.is(out.split("\n").length, index.split("\n").length + 2);
  assert.is(camel("require-concurrent-index-2"), "requireConcurrentIndex2");
});

test("the files it writes: a rule with no listener yet, the README headings the docs test asks for, a snapshot", () => {
  const f = files("no-truncate");
  assert.equal(Object.keys(f).sort(), ["README.md", "cases.test.ts", "fixtures/example.sql", "fixtures/example.sql.snap", "index.ts"]);
  for (const h of ["## What it catches", "## Why is this bad?", "## Example", "## Use instead"]) assert.ok(f["README.md"]!.includes(h), h);
  assert.ok(f["index.ts"]!.includes('id: "no-truncate"'));
  assert.is(f["fixtures/example.sql.snap"], "\n", "a rule that reports nothing on its example");
});

test("the listener example compiles as it is once uncommented: an unread node parameter is named _node", () => {
  const example = files("no-truncate")["index.ts"]!.split("\n").filter((l) => /^\s*\/\/ {1,3}\S/.test(l) && /TruncateStmt\(|context\.report|^\s*\/\/ },/.test(l));
  const code = example.map((l) => l.replace(/^(\s*)\/\/ /, "$1")).join("\n");
  assert.match(code, /TruncateStmt\(_node, at\) \{/);
  // strict mode's noUnusedParameters: every parameter the example does not read starts with _
  assert.ok(!/\bnode\b/.test(code.replace(/_node/g, "")), code);
});

test.run();

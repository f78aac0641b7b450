import { suite } from "uvu";
import * as assert from "uvu/assert";
import { lint } from "./helpers.js";

const test = suite("bounded output");

test("a script of many writes: one finding, 20 related locations, no suggestion copying the file", () => {
  const sql = Array.from({ length: 20000 }, (_, i) => `UPDATE t SET a = ${i} WHERE id = ${i};`).join("\n") + "\n";
  const r = lint(sql);
  const found = r.messages.filter((m) => m.ruleId === "require-transaction");
  assert.is(found.length, 1);
  assert.match(found[0]!.message, /^20000 writes run outside a transaction block/);
  assert.is(found[0]!.related?.length, 20);
  assert.is(found[0]!.suggestions, undefined, "the suggestion would hold the whole file");
  assert.ok(JSON.stringify(r.messages).length < 10_000);
  // a small script still gets its suggestion
  const small = lint("UPDATE t SET a = 1 WHERE id = 1;\nUPDATE t SET a = 2 WHERE id = 2;\n");
  assert.ok(small.messages.find((m) => m.ruleId === "require-transaction")?.suggestions?.length);
});

test.run();

import { suite } from "uvu";
import * as assert from "uvu/assert";
import { brief, lint } from "./helpers.js";

const test = suite("directives");

/** These tests are about directives: keep other rules' findings on the same lines out of them. */
const only = { rules: { "require-transaction": "off" as const } };

test("disable-next-line with a reason", () => {
  const r = lint("-- sqlguard-disable-next-line require-where -- backfill, all rows on purpose\nUPDATE t SET a = 1;\nDELETE FROM u;", { config: only });
  assert.equal(brief(r.messages), ["3:1-3:14 require-where DELETE without WHERE removes every row of u"]);
});

test("disable-line, block comments, several rules, no rule = all", () => {
  assert.equal(lint("DELETE FROM t; -- sqlguard-disable-line require-where").messages, []);
  assert.equal(lint("/* sqlguard-disable-next-line syntax-error, require-where */\nDELETE FROM t;").messages.map((m) => m.message), [
    "unused sqlguard-disable-next-line directive (no syntax-error problem to suppress here)",
  ]);
  assert.equal(lint("-- sqlguard-disable-next-line\nDELETE FROM t;").messages, []);
  assert.equal(lint("-- sqlguard-disable-next-line sqlguard/require-where\nDELETE FROM t;").messages, [], "ESLint-style ids work too");
});

test("the same directive words in every document kind: a JSDoc-style block works in SQL as in code", () => {
  assert.equal(lint("/** sqlguard-disable-next-line require-where -- what editors write */\nDELETE FROM t;").messages, []);
  const code = "/** sqlguard-disable-next-line require-where */\nawait sql`DELETE FROM t`;";
  assert.equal(lint(code, { filePath: "repo.ts" }).messages, []);
  assert.equal(lint("/** sqlguard-assume-in-transaction */\nCREATE TABLE a (name text);\nCREATE TABLE b (name text);").messages, [], "file directives too");
});

test("disable … enable ranges", () => {
  const sql = ["-- sqlguard-disable require-where", "DELETE FROM a;", "DELETE FROM b;", "-- sqlguard-enable require-where", "DELETE FROM c;"].join("\n");
  assert.equal(brief(lint(sql, { config: only }).messages), ["5:1-5:14 require-where DELETE without WHERE removes every row of c"]);
  const open = "/* sqlguard-disable */\nDELETE FROM a;\nSELECT FROM WHERE;";
  assert.equal(lint(open).messages, []);
});

test("unused directives and unknown rules are warnings (configurable)", () => {
  const r = lint("-- sqlguard-disable-next-line require-where\nSELECT 1;\n-- sqlguard-disable-next-line require-whre\nDELETE FROM t;");
  assert.equal(brief(r.messages), [
    "1:1-1:44 - unused sqlguard-disable-next-line directive (no require-where problem to suppress here)",
    '3:1-3:43 - unknown rule "require-whre" in sqlguard-disable-next-line directive (did you mean "require-where"?)',
    "4:1-4:14 require-where DELETE without WHERE removes every row of t",
  ]);
  assert.ok(r.messages.slice(0, 2).every((m) => m.severity === 1));
  const off = lint("-- sqlguard-disable-next-line require-where\nSELECT 1;", { config: { reportUnusedDirectives: "off" } });
  assert.equal(off.messages, []);
});

test("a directive inside a string is not a directive", () => {
  const r = lint("SELECT '-- sqlguard-disable-next-line require-where';\nDELETE FROM t;");
  assert.equal(r.messages.map((m) => m.ruleId), ["require-where"]);
});

test.run();

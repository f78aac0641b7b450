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

// --- ESLint's directives, read as ESLint reads them -----------------------------------------------

test("ESLint's directives naming sqlguard rules: next line, same line, ranges, in SQL and in code", () => {
  const sql = (t: string) => brief(lint(t, { config: only }).messages);
  assert.equal(sql("-- eslint-disable-next-line sqlguard/require-where -- backfill\nDELETE FROM t;"), []);
  assert.equal(sql("DELETE FROM t; -- eslint-disable-line sqlguard/require-where"), []);
  assert.equal(sql("/* eslint-disable sqlguard/require-where */\nDELETE FROM a;\n/* eslint-enable sqlguard/require-where */\nDELETE FROM b;"), [
    "4:1-4:14 require-where DELETE without WHERE removes every row of b",
  ]);
  // what the ESLint language server writes in a .sql file, and what ESLint's .sql language reads
  assert.equal(sql("/** eslint-disable-next-line sqlguard/require-where */\nDELETE FROM t;"), []);
  const code = (t: string) => brief(lint(t, { filePath: "q.ts", config: only }).messages);
  assert.equal(code("// eslint-disable-next-line sqlguard/require-where\nawait sql`DELETE FROM a`;"), []);
  assert.equal(code("await sql`DELETE FROM a`; // eslint-disable-line sqlguard/require-where"), []);
  assert.equal(code("// eslint-disable-next-line no-console, sqlguard/require-where\nawait sql`DELETE FROM a`;"), [], "names split at commas");
});

test("ESLint's directives mean what they mean to ESLint, no more", () => {
  const code = (t: string) => brief(lint(t, { filePath: "q.ts", config: only }).messages);
  // next line only: the template's second line is not covered (a sqlguard- directive covers all of it)
  assert.equal(code("// eslint-disable-next-line sqlguard/require-where\nawait sql`SELECT 1;\n  DELETE FROM b`;"), [
    "1:1-1:51 - unused eslint-disable-next-line directive (no sqlguard/require-where problem to suppress here)",
    "3:3-3:16 require-where DELETE without WHERE removes every row of b",
  ]);
  // ESLint ignores `// eslint-disable` (a line comment) and `/** eslint-… */` in code
  assert.equal(code("// eslint-disable\nawait sql`DELETE FROM a`;"), ["2:11-2:24 require-where DELETE without WHERE removes every row of a"]);
  assert.equal(code("/** eslint-disable-next-line sqlguard/require-where */\nawait sql`DELETE FROM a`;"), [
    "1:1-1:55 - eslint-disable-next-line in a /** */ comment is not read by ESLint in code (it reads /* */ and // comments), so sqlguard ignores it too",
    "2:11-2:24 require-where DELETE without WHERE removes every row of a",
  ]);
  // other plugins' rules are not sqlguard's business; names without commas are one (unknown) name
  assert.equal(code("// eslint-disable-next-line no-console\nawait sql`DELETE FROM a`;"), ["2:11-2:24 require-where DELETE without WHERE removes every row of a"]);
  assert.equal(code("// eslint-disable-next-line sqlguard/require-where sqlguard/syntax-error\nawait sql`DELETE FROM a`;"), [
    '1:1-1:73 - unknown rule "sqlguard/require-where sqlguard/syntax-error" in eslint-disable-next-line directive',
    "2:11-2:24 require-where DELETE without WHERE removes every row of a",
  ]);
  // inside a SQL string ESLint sees no comment: neither does sqlguard, and it says what to write
  assert.equal(code("await sql`-- eslint-disable-next-line sqlguard/require-where\nDELETE FROM a`;"), [
    "1:11-1:61 - eslint-disable-next-line inside a SQL string is not read by ESLint, so sqlguard ignores it too: write sqlguard-disable-next-line require-where there, or put the ESLint comment in the code",
    "2:1-2:14 require-where DELETE without WHERE removes every row of a",
  ]);
  // a disable-next-line in SQL must be one line, as ESLint's .sql language has it
  assert.equal(brief(lint("/* eslint-disable-next-line\n sqlguard/require-where */\nDELETE FROM t;", { config: only }).messages), [
    "1:1-2:27 - eslint-disable-next-line comment should not span multiple lines (ESLint ignores it, and so does sqlguard)",
    "3:1-3:14 require-where DELETE without WHERE removes every row of t",
  ]);
});

test("ESLint's directive naming no rule covers sqlguard's too, and is never called unused", () => {
  assert.equal(lint("/* eslint-disable */\nawait sql`DELETE FROM a`;", { filePath: "gen.ts" }).messages, []);
  assert.equal(lint("/* eslint-disable */\nconst url = 'postgres://app:pw1234@orders.acme.com/app';\n", { filePath: "gen.ts" }).messages, [], "text rules too, in a file with no SQL");
  assert.equal(lint("-- eslint-disable-next-line\nDELETE FROM t;\n", { config: only }).messages, []);
  assert.equal(lint("/* eslint-disable */\nconst a = 1;\n", { filePath: "gen.ts" }).messages, []);
  assert.equal(lint("-- eslint-disable\nSELECT 1;\n", { config: only }).messages, []);
});

test("ESLint's directives: unused and misspelled ones follow reportUnusedDirectives; unknown sqlguard names are said", () => {
  const unused = lint("-- eslint-disable-next-line sqlguard/require-where\nSELECT 1;", { config: { ...only, reportUnusedDirectives: "error" } });
  assert.equal(brief(unused.messages), ["1:1-1:51 - unused eslint-disable-next-line directive (no sqlguard/require-where problem to suppress here)"]);
  assert.is(unused.messages[0]!.severity, 2);
  assert.equal(lint("-- eslint-disable-next-line sqlguard/require-where\nSELECT 1;", { config: { ...only, reportUnusedDirectives: "off" } }).messages, []);
  assert.equal(brief(lint("-- eslint-disable-next-line sqlguard/require-wher\nDELETE FROM t;", { config: only }).messages), [
    '1:1-1:50 - unknown rule "sqlguard/require-wher" in eslint-disable-next-line directive (did you mean "sqlguard/require-where"?)',
    "2:1-2:14 require-where DELETE without WHERE removes every row of t",
  ]);
  // a problem both kinds cover: sqlguard's applies first (the plugin's, in ESLint), ESLint's is left unused
  assert.equal(brief(lint("-- eslint-disable-next-line sqlguard/require-where\nDELETE FROM t; -- sqlguard-disable-line require-where", { config: only }).messages), [
    "1:1-1:51 - unused eslint-disable-next-line directive (no sqlguard/require-where problem to suppress here)",
  ]);
});

test.run();

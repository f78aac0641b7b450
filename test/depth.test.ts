/**
 * Deep input: nesting that exhausts a call stack (1,500 nested `BEGIN … END` blocks in a function
 * body, 2,000 nested `IF`s in a DO block, statements too deep to analyse inside bodies and in code),
 * long lines in code, and what happens when linting one file fails anyway. Every input is
 * generated here and linted whole, by the real parser and the real CLI.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { failedFile } from "../src/cli/lint-files.js";
import { walk } from "../src/sql/classify.js";
import { parseDocument } from "../src/sql/document.js";
import { deeperThan, jsonStatements, MAX_TREE_DEPTH, parseJson } from "../src/sql/parser.js";
import { looksMinified } from "../src/extract/embedded.js";
import { brief, lint, tempDir } from "./helpers.js";
import { cli } from "./in-process.js";

const test = suite("deep input");

/** A PL/pgSQL function whose UPDATE sits inside `n` nested blocks (1,500 blocks: 16 KB). */
function nestedBlocks(n: number): string {
  return `CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$\n${"BEGIN\n".repeat(n)}UPDATE t SET x = 1;\n${"END;\n".repeat(n - 1)}END\n$$;\n`;
}

/** A DO block whose DELETE sits inside `n` nested `open … close` statements. */
function nestedDo(n: number, open: string, close: string): string {
  return `DO $$\nBEGIN\n${open.repeat(n)}DELETE FROM t;\n${close.repeat(n)}END $$;\n`;
}

test("1,500 nested blocks in a function body: read to the bottom, the UPDATE found", () => {
  const sql = nestedBlocks(1500);
  assert.ok(sql.length > 16_000);
  assert.equal(brief(lint(sql).messages), ["1502:1-1502:9 require-where UPDATE without WHERE changes every row of t"]);
});

test("2,000 nested IFs and LOOPs in DO blocks: read to the bottom", () => {
  for (const [open, close] of [
    ["IF true THEN\n", "END IF;\n"],
    ["LOOP\n", "END LOOP;\n"],
    ["BEGIN\n", "END;\n"],
  ] as const) {
    const messages = lint(nestedDo(2000, open, close)).messages.filter((m) => m.ruleId === "require-where");
    assert.equal(brief(messages), ["2003:1-2003:14 require-where DELETE without WHERE removes every row of t"], open);
  }
});

test("a body too deep for PostgreSQL's PL/pgSQL parser is reported where it starts, like top-level SQL", () => {
  // PL/pgSQL's grammar gives up near 3,300 levels ("memory exhausted"); PostgreSQL refuses it too
  const sql = `SELECT 1;\n${nestedDo(4000, "BEGIN\n", "END;\n")}DELETE FROM after_deep;\n`;
  assert.equal(brief(lint(sql).messages), [
    `3:1-3:6 syntax-error nested too deeply for PostgreSQL's PL/pgSQL parser (memory exhausted at or near "BEGIN")`,
    "8006:1-8006:23 require-where DELETE without WHERE removes every row of after_deep",
  ]);
});

test("a statement inside a body too deep to analyse: a located warning, as at top level", () => {
  const not = "NOT ".repeat(3000);
  const sum = Array(100_000).fill("1").join(" + ");
  const sql = [
    "DO $$",
    "BEGIN",
    `  DELETE FROM t WHERE ${not}true;`,
    `  UPDATE t SET a = ${sum};`,
    "  DELETE FROM inside;",
    "END $$;",
    "CREATE FUNCTION f() RETURNS void LANGUAGE sql AS $$",
    `  DELETE FROM t WHERE ${not}true;`,
    "$$;",
    "CREATE FUNCTION g() RETURNS void LANGUAGE sql AS $$",
    `  DELETE FROM t WHERE ${"(".repeat(100_000)}true${")".repeat(100_000)};`,
    "$$;",
    `DELETE FROM t WHERE ${not}true;`,
    "",
  ].join("\n");
  const messages = lint(sql, { config: { rules: { "require-transaction": "off" } } }).messages;
  const tooDeep = "nested too deeply to analyse (a syntax tree over 3,000 levels deep): the statement was not linted";
  assert.equal(
    messages.map((m) => `${m.line}:${m.column} ${m.severity} ${m.ruleId} ${m.message}`),
    [
      `3:3 1 syntax-error ${tooDeep}`,
      `4:3 1 syntax-error ${tooDeep}`,
      "5:3 2 require-where DELETE without WHERE removes every row of inside",
      `8:3 1 syntax-error ${tooDeep}`,
      // as PostgreSQL would, when the function is created
      `11:10015 2 syntax-error nested too deeply for PostgreSQL's parser (memory exhausted at or near "(")`,
      `13:1 1 syntax-error ${tooDeep}`,
    ],
  );
  // other mistakes in a body are still the server's to report, not this linter's
  assert.equal(brief(lint("DO $$\nBEGIN\n  DELETE FROM t WHERE;\nEND $$;\n").messages), []);
});

test("SQL in code too deep to analyse is reported, not skipped as a fragment", () => {
  const code = `export const q = sql\`DELETE FROM t WHERE ${"NOT ".repeat(3000)}true\`;\nexport const r = sql\`AND x = \${y}\`;\n`;
  assert.equal(
    lint(code, { filePath: "src/db.ts" }).messages.map((m) => `${m.line}:${m.column} ${m.severity} ${m.ruleId} ${m.message}`),
    ["1:22 1 syntax-error nested too deeply to analyse (a syntax tree over 3,000 levels deep): the statement was not linted"],
  );
});

test("the tree walk is iterative: a tree 200,000 levels deep, in field order", () => {
  let tree: unknown = { A_Const: { ival: 1 } };
  for (let i = 0; i < 200_000; i++) tree = { BoolExpr: { args: [tree], location: i } };
  let count = 0;
  walk(tree, () => void count++);
  assert.is(count, 200_001);
  const order: string[] = [];
  walk({ SelectStmt: { targetList: [{ ResTarget: { val: { ColumnRef: {} } } }], whereClause: { A_Const: {} } } }, (t) => void order.push(t));
  assert.equal(order, ["SelectStmt", "ResTarget", "ColumnRef", "A_Const"]);
  // statements inside a 3,000-level PL/pgSQL tree are found in order
  const body = `DO $$\nBEGIN\n${"BEGIN\n".repeat(1000)}DELETE FROM a;\nUPDATE b SET x = 1;\n${"END;\n".repeat(1000)}END $$;\n`;
  assert.equal(
    parseDocument(body).nested.map((s) => s.nodeType),
    ["DeleteStmt", "UpdateStmt"],
  );
});

test("a parse's JSON looked over without reading it: the same statement count and depth verdict as reading it", () => {
  const read = (json: string) => {
    const stmts = (JSON.parse(json) as { stmts?: unknown[] }).stmts ?? [];
    return deeperThan(stmts, MAX_TREE_DEPTH) ? -1 : stmts.length;
  };
  const texts = [
    "SELECT 1",
    "SELECT 1; SELECT 2; UPDATE t SET a = 1",
    // strings holding the JSON's own brackets, quotes, backslashes and `;`
    `SELECT '{[}]"', E'\\\\"{\\'', 'a;b', $$}}]]"\\$$, U&'\\005C'`,
    `CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $x$ SELECT '{"a": [1, {"b": "}"}]}'::jsonb; SELECT 2 $x$`,
    "-- only a comment",
  ];
  // around the depth where reading the tree starts to refuse it
  let limit = 0;
  for (let n = 1400; n < 1600; n++) {
    const text = `SELECT ${"NOT ".repeat(n)}true`;
    const raw = parseJson(text);
    assert.ok(raw.ok);
    if (!limit && read(raw.json) < 0) limit = n;
    texts.push(text);
  }
  assert.ok(limit > 0, "the NOT chain reaches the depth limit");
  for (const text of texts) {
    const raw = parseJson(text);
    assert.ok(raw.ok, text);
    assert.is(jsonStatements(raw.json), read(raw.json), text.slice(0, 60));
  }
  // the lint says the same of a statement just past the limit, with a `;` in a string or without
  for (const text of [`SELECT ${"NOT ".repeat(limit)}true;\n`, `SELECT ';', ${"NOT ".repeat(limit)}true;\n`]) {
    assert.equal(brief(lint(text).messages).map((m) => m.replace(/^\S+ /, "")), [`syntax-error nested too deeply to analyse (a syntax tree over ${MAX_TREE_DEPTH.toLocaleString("en")} levels deep): the statement was not linted`]);
  }
});

test("100,000 nested psql \\if: followed to the end (each level once, not once per level)", () => {
  const sql = `${"\\if true\n".repeat(100_000)}DELETE FROM inside;\n${"\\endif\n".repeat(100_000)}\\if false\nDELETE FROM never;\n\\endif\nDELETE FROM after_if;\n`;
  assert.equal(brief(lint(sql, { config: { rules: { "require-transaction": "off" } } }).messages), [
    "100001:1-100001:19 require-where DELETE without WHERE removes every row of inside",
    "200005:1-200005:21 require-where DELETE without WHERE removes every row of after_if",
  ]);
});

test("the whole run: deep files get located messages, the other files keep their findings, exit 1", async () => {
  const dir = tempDir({
    "a-blocks.sql": nestedBlocks(1500),
    "b-if.sql": nestedDo(2000, "IF true THEN\n", "END IF;\n"),
    "c-loop.sql": nestedDo(2000, "LOOP\n", "END LOOP;\n"),
    "d-too-deep.sql": nestedDo(4000, "BEGIN\n", "END;\n"),
    "e-good.sql": "DELETE FROM good;\n",
    "f-code.ts": `export const logo = "${"QUJD".repeat(3000)}";\nexport const q = sql\`DELETE FROM from_code\`;\n`,
  });
  const r = await cli(["-f", "compact", "--rule", "require-transaction:off", "."], { cwd: dir });
  assert.is(r.stderr, "");
  assert.is(r.code, 1, r.stdout);
  assert.not.match(r.stdout, /internal error/);
  assert.equal(r.stdout.trim().split("\n").slice(0, -2), [
    "a-blocks.sql: line 1502, col 1, Error - UPDATE without WHERE changes every row of t (require-where)",
    "b-if.sql: line 2003, col 1, Error - DELETE without WHERE removes every row of t (require-where)",
    "c-loop.sql: line 2003, col 1, Error - DELETE without WHERE removes every row of t (require-where)",
    `d-too-deep.sql: line 2, col 1, Error - nested too deeply for PostgreSQL's PL/pgSQL parser (memory exhausted at or near "BEGIN") (syntax-error)`,
    "e-good.sql: line 1, col 1, Error - DELETE without WHERE removes every row of good (require-where)",
    "f-code.ts: line 2, col 22, Error - DELETE without WHERE removes every row of from_code (require-where)",
  ]);
});

test("one file's unexpected failure is that file's message: running out of stack is an input limit, anything else a bug", () => {
  const file = { path: "/repo/x.sql", explicit: false };
  const deep = failedFile(file, new RangeError("Maximum call stack size exceeded"));
  assert.equal(deep.messages.map((m) => [m.line, m.column, m.severity, m.fatal, m.internal, m.message]), [
    [1, 1, 2, true, undefined, "nested too deeply to analyse (sqlguard ran out of stack); the file was not linted"],
  ]);
  assert.is(deep.errorCount, 1);
  const bug = failedFile(file, new TypeError("Cannot read properties of undefined (reading 'x')"));
  assert.is(bug.messages[0]!.internal, true);
  assert.match(bug.messages[0]!.message, /^internal error while linting this file: Cannot read properties of undefined \(reading 'x'\); the file was not linted — please report/);
});

test("a long line in code (a base64 constant) is linted; minified code is said to be skipped", () => {
  const base64 = "iVBORw0KGgoAAAANSUhEUgAA".repeat(400); // 9,600 characters on one line
  for (const [name, code] of [
    ["string", `export const logo = "${base64}";\nexport const q = sql\`DELETE FROM t\`;\n`],
    ["template", `export const logo = \`\n${base64}\n\`;\nexport const q = sql\`DELETE FROM t\`;\n`],
    ["comment", `// ${base64}\nexport const q = sql\`DELETE FROM t\`;\n`],
    ["CR line ends", `export const a = 1;\r${"export const b = 2;\r".repeat(400)}export const q = sql\`DELETE FROM t\`;\r`],
  ]) {
    assert.not.ok(looksMinified(code!), name);
    assert.equal(lint(code!, { filePath: "src/logo.ts" }).messages.map((m) => m.ruleId), ["require-where"], name);
  }
  // a bundle: thousands of characters of code per line
  const bundle = `${"var a=function(b){return b+1};".repeat(400)}\npool.query('DELETE FROM t');\n`;
  assert.ok(looksMinified(bundle));
  assert.equal(brief(lint(bundle, { filePath: "dist/app.min.js" }).messages), [
    "1:1-1:1 - minified or generated code (12,000 characters of code on this line): its strings were not read for SQL; list the file in the config's ignores to skip it",
  ]);
  assert.is(lint(bundle, { filePath: "dist/app.min.js" }).warningCount, 1);
  // one long line of code in a file of ordinary code is read: most of its code is on short lines
  const mixed = `export const table = [${Array.from({ length: 600 }, (_, i) => i).join(",")}];\n${"export const x = 1;\n".repeat(300)}export const q = sql\`DELETE FROM t\`;\n`;
  assert.not.ok(looksMinified(mixed));
  assert.equal(lint(mixed, { filePath: "src/t.ts" }).messages.map((m) => m.ruleId), ["require-where"]);
});

test.run();

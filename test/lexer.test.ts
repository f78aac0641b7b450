import { suite } from "uvu";
import * as assert from "uvu/assert";
import { lex, type StatementItem } from "../src/sql/lexer.js";

const test = suite("lexer");

/** Statement texts (and meta/copy items) of a script. */
function pieces(sql: string, options = {}): string[] {
  return lex(sql, options).items.map((it) => `${it.type === "statement" ? "" : it.type + ":"}${sql.slice(it.start, it.end)}`);
}
function stmts(sql: string): StatementItem[] {
  return lex(sql).statements;
}

test("splits on semicolons outside strings, identifiers, comments and dollar quotes (a statement ends at its last token)", () => {
  const sql = [
    "select 'a;b', E'it\\'s;', U&'d\\0061t;a', \"we;ird\"\"name\" from t; -- c;",
    "select $$;$$, $tag$ $$ ; $tag$, $1 /* a /* nested; */ ; */;",
    "select 3",
  ].join("\n");
  assert.equal(pieces(sql), [
    "select 'a;b', E'it\\'s;', U&'d\\0061t;a', \"we;ird\"\"name\" from t",
    "select $$;$$, $tag$ $$ ; $tag$, $1",
    "select 3",
  ]);
});

test("semicolons inside parentheses do not split (CREATE RULE … DO (…; …))", () => {
  assert.equal(pieces("create rule r as on insert to t do also (insert into a values (1); insert into b values (2)); select 1;"), [
    "create rule r as on insert to t do also (insert into a values (1); insert into b values (2))",
    "select 1",
  ]);
});

test("BEGIN ATOMIC … END bodies stay whole, CASE … END inside them too", () => {
  const sql = "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 1 END; END;\nBEGIN; COMMIT;";
  assert.equal(pieces(sql), [
    "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 1 END; END",
    "BEGIN",
    "COMMIT",
  ]);
});

test("psql meta-commands are items of their own; \\g-family commands end the statement", () => {
  const sql = "\\set ON_ERROR_STOP 1\nselect 1 \\gset\nselect 2 \\bind 7 \\g\n\\echo a \\\\ select 9;\n\\connect db user";
  assert.equal(pieces(sql), [
    "meta:\\set ON_ERROR_STOP 1",
    "select 1",
    "meta:\\gset",
    "select 2",
    "meta:\\bind 7",
    "meta:\\g",
    "meta:\\echo a",
    "select 9",
    "meta:\\connect db user",
  ]);
  const meta = lex(sql).items.find((i) => i.type === "meta" && i.command === "connect");
  assert.equal(meta && meta.type === "meta" ? meta.args : null, "db user");
});

test("a meta-command typed inside a statement is masked for the parser", () => {
  const sql = "select 1,\n\\echo hi\n2;";
  const [s] = stmts(sql);
  assert.is(sql.slice(s!.start, s!.end), "select 1,\n\\echo hi\n2");
  assert.equal(s!.masks?.map((m) => [m.start, m.end, m.text]), [[10, 18, "        "]]);
});

test("\\; separates statements psql sends together", () => {
  assert.equal(pieces("select 1 \\; select 2;"), ["select 1", "select 2"]);
});

test("COPY … FROM stdin data runs to \\. and is not SQL", () => {
  const sql = "COPY t (a, b) FROM stdin;\n1\t'x;\n2\t$$\n\\.\nselect 1;\n\\copy t from stdin with csv\nx,y\n\\.\nselect 2;";
  assert.equal(pieces(sql), [
    "COPY t (a, b) FROM stdin",
    "copy-data:1\t'x;\n2\t$$\n\\.",
    "select 1",
    "meta:\\copy t from stdin with csv",
    "copy-data:x,y\n\\.",
    "select 2",
  ]);
  assert.ok(stmts(sql)[0]!.copyFromStdin);
});

test("COPY data without \\. runs to the end of the file; COPY TO stdout has none", () => {
  assert.equal(pieces("COPY t FROM STDIN;\r\na\r\nb"), ["COPY t FROM STDIN", "copy-data:a\r\nb"]);
  assert.equal(pieces("COPY t TO stdout;\nselect 1;"), ["COPY t TO stdout", "select 1"]);
});

test("psql variables are masked with same-length text", () => {
  const sql = "select :x, :'y', :\"z\", a::int, f(a := 1), arr[1:2], :{?v};";
  const [s] = stmts(sql);
  const masked = s!.masks!.map((m) => `${sql.slice(m.start, m.end)}→${m.text}`);
  assert.equal(masked, [":→_", ":→ ", ":→ ", ":{?v}→true "]);
  assert.ok(s!.hasVariables);
});

test("no psql handling for SQL in code", () => {
  assert.equal(pieces("select :id, E'\\\\' \\g", { psql: false }), ["select :id, E'\\\\' \\g"]);
});

test("blank lines inside a statement: empty, whitespace-only, CRLF and lone CR lines", () => {
  const sql = "UPDATE orders\nSET is_deleted = true\n\nWHERE id IN (1, 2, 3);";
  assert.equal(stmts(sql)[0]!.blankLines, [36]);
  const crlf = "UPDATE orders\r\nSET x = 1\r\n \t \r\nWHERE id = 1;";
  assert.equal(stmts(crlf)[0]!.blankLines, [26]);
  const cr = "UPDATE t\rSET x = 1\r\rWHERE id = 1;";
  assert.equal(stmts(cr)[0]!.blankLines, [19]);
  const loneCr = "UPDATE t\nSET x = 1\n\r\nWHERE id = 1;";
  assert.equal(stmts(loneCr)[0]!.blankLines, [19]);
});

test("blank lines inside strings, dollar quotes and block comments are not blank lines", () => {
  const sql = "select '\n\n', $$\n\n$$, /*\n\n*/ 1;";
  assert.equal(stmts(sql)[0]!.blankLines, []);
});

test("a line holding only a -- comment is not blank; a blank line before the ; counts", () => {
  assert.equal(stmts("update t\n-- note\nset a = 1;")[0]!.blankLines, []);
  assert.equal(stmts("update t\n-- note\n\nset a = 1;")[0]!.blankLines, [17]);
  assert.equal(stmts("update t set a = 1\n\n;")[0]!.blankLines, [19]);
});

test("blank lines between statements belong to none", () => {
  assert.equal(stmts("select 1;\n\n\nselect 2;\n\n").map((s) => s.blankLines), [[], []]);
});

test("leading comments are not part of the statement", () => {
  const sql = "-- a\n/* b */\n  DELETE FROM t;";
  const [s] = stmts(sql);
  assert.is(sql.slice(s!.start, s!.end), "DELETE FROM t");
  assert.equal(lex(sql).comments.map((c) => sql.slice(c.start, c.end)), ["-- a", "/* b */"]);
});

test("unterminated string, quoted identifier, dollar quote, block comment: located, and lexing recovers", () => {
  for (const [sql, message, offset] of [
    ["select 'oops\nselect 2;", "unterminated quoted string", 7],
    ['select "oops\nselect 2;', "unterminated quoted identifier", 7],
    ["select $f$ body\nselect 2;", "unterminated dollar-quoted string ($f$ without closing $f$)", 7],
    ["select 1 /* never closed\nselect 2;", "unterminated block comment (/* without */)", 9],
  ] as const) {
    const s = stmts(sql);
    assert.is(s[0]!.lexError?.message, message);
    assert.is(s[0]!.lexError?.offset, offset);
    assert.is(sql.slice(s[1]!.start, s[1]!.end), "select 2", `recovers after ${message}`);
  }
});

test("NUL bytes are found", () => {
  const [s] = stmts("select 1\u0000; select 2;");
  assert.is(s!.nul, 8);
});

test("a BOM is not part of the first statement", () => {
  assert.equal(pieces("\ufeffselect 1;"), ["select 1"]);
});

test("standard_conforming_strings = off: backslash-quote inside plain strings", () => {
  const sql = "set standard_conforming_strings = off;\nselect 'a\\'b;c';\nset standard_conforming_strings to on;\nselect 'd\\';";
  assert.equal(pieces(sql), ["set standard_conforming_strings = off", "select 'a\\'b;c'", "set standard_conforming_strings to on", "select 'd\\'"]);
});

test("empty, whitespace-only and comment-only scripts give no statements", () => {
  assert.equal(pieces(""), []);
  assert.equal(pieces("  \n\t\r\n"), []);
  assert.equal(pieces("-- only\n/* comments */"), []);
  assert.equal(pieces(";;;"), []);
});

test("identifiers with $ and E/B/X/N/U& prefixes", () => {
  assert.equal(pieces("select a$b$ from t; select e'\\''; select B'01', X'ff', n'x';"), [
    "select a$b$ from t",
    "select e'\\''",
    "select B'01', X'ff', n'x'",
  ]);
});

test.run();

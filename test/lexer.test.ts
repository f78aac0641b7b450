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

test("COPY data: FROM stdout reads the script too, \\COPY in capitals, several COPYs joined with \\;", () => {
  // PostgreSQL's regression tests: insert.sql, pg-contrib test_decoding/stream.sql, copyselect.sql
  assert.equal(pieces("copy t from stdout;\n1\tbaz\n\\.\nselect 1;"), ["copy t from stdout", "copy-data:1\tbaz\n\\.", "select 1"]);
  assert.equal(pieces("\\COPY t FROM STDIN\ntoasted-1\n\\.\nselect 1;"), ["meta:\\COPY t FROM STDIN", "copy-data:toasted-1\n\\.", "select 1"]);
  assert.equal(pieces("select 0\\; copy a from stdin\\; copy b from stdin\\; select 1;\n1\n\\.\n2\n\\.\nselect 3;"), [
    "select 0",
    "copy a from stdin",
    "copy b from stdin",
    "select 1",
    "copy-data:1\n\\.",
    "copy-data:2\n\\.",
    "select 3",
  ]);
});

test("\\r empties the query buffer: what was typed before it is never sent", () => {
  assert.equal(pieces("select 1;\n** Remember the rule:\n** it deletes\n\\p\n\\r\ndelete from t where b = 12;"), [
    "select 1",
    "meta:\\p",
    "meta:\\r",
    "delete from t where b = 12",
  ]);
});

test("\\if … \\elif … \\else … \\endif: a branch psql surely skips is not SQL; one that may run is", () => {
  const sql = [
    "\\if false",
    "  not okay;",
    "\\elif :flag",
    "  select 'maybe';",
    "\\else",
    "  select 'maybe too';",
    "\\endif",
    "\\if 1",
    "  select 'yes';",
    "\\else",
    "  \\if true",
    "    skipped;",
    "  \\endif",
    "  \\set x 1",
    "  also skipped",
    "\\endif",
    "select 'after';",
  ].join("\n");
  assert.equal(pieces(sql), [
    "meta:\\if false",
    "meta:\\elif :flag",
    "select 'maybe'",
    "meta:\\else",
    "select 'maybe too'",
    "meta:\\endif",
    "meta:\\if 1",
    "select 'yes'",
    "meta:\\else",
    "meta:\\endif",
    "select 'after'",
  ]);
});

test("\\if inside a statement: the branch that does not run is hidden from the parser, its parentheses too", () => {
  const sql = "select\n  \\if true\n    42\n  \\else\n    (bogus\n  \\endif\n  forty_two;\nselect \\if false \\\\ (bogus \\else \\\\ 42 \\endif \\\\ forty_two;";
  const found = stmts(sql);
  assert.is(found.length, 2);
  const parsed = found.map((s) => {
    let out = "";
    let at = s.start;
    for (const m of s.masks ?? []) {
      out += sql.slice(at, m.start) + m.text;
      at = m.end;
    }
    return (out + sql.slice(at, s.end)).replace(/\s+/g, " ");
  });
  assert.equal(parsed, ["select 42 forty_two", "select 42 forty_two"]);
});

test("CREATE SCHEMA … CREATE PROCEDURE … BEGIN ATOMIC: the body's semicolons do not split, a view named begin does not open a body", () => {
  const sql = [
    "CREATE SCHEMA s",
    "  CREATE PROCEDURE p(int) BEGIN ATOMIC SELECT 1; SELECT 2; END",
    "  CREATE VIEW begin AS SELECT 1 AS one",
    "  CREATE TABLE t (a int);",
    "SELECT 3;",
  ].join("\n");
  assert.equal(pieces(sql), [sql.slice(0, sql.indexOf(";\nSELECT 3")), "SELECT 3"]);
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

test("recovery after an unterminated quote keeps one mistake one finding", () => {
  // a mistyped closing tag: the statement goes on to its ;
  const mistyped = "CREATE FUNCTION f() RETURNS int AS $BODY$\nBEGIN\n  RETURN 1;\nEND;\n$body$ LANGUAGE plpgsql;\nDELETE FROM t;";
  const a = stmts(mistyped);
  assert.equal(a.map((x) => mistyped.slice(x.start, x.end)), [mistyped.slice(0, mistyped.indexOf(";\nDELETE")), "DELETE FROM t"]);
  assert.is(a[0]!.lexError?.message, "unterminated dollar-quoted string ($BODY$ without closing $BODY$); the $body$ that ends the body does not close it");
  // no closing delimiter at all: lexing resumes at the next line that starts a statement, not at the body's BEGIN/END
  const missing = "CREATE FUNCTION f() RETURNS trigger AS $$\nBEGIN\n  UPDATE x SET a = 1;\n  RETURN NEW;\nEND;\n\nCREATE TRIGGER t AFTER INSERT ON x EXECUTE FUNCTION f();";
  const b = stmts(missing);
  assert.equal(b.map((x) => missing.slice(x.start, x.end)), [missing.slice(0, missing.indexOf("\n\nCREATE TRIGGER")), "CREATE TRIGGER t AFTER INSERT ON x EXECUTE FUNCTION f()"]);
  assert.is(b[0]!.lexError?.offset, missing.indexOf("$$"));
  // PostgreSQL nests block comments; the */ the author meant ends the comment
  const nested = "/* see /* the old version */\nDELETE FROM t;\nSELECT /* a /* b */ 1;\nSELECT 2;";
  const c = lex(nested);
  assert.equal(c.statements.map((x) => nested.slice(x.start, x.end)), ["/* see /* the old version */", "DELETE FROM t", "SELECT /* a /* b */ 1", "SELECT 2"]);
  assert.match(c.statements[0]!.lexError!.message, /^unterminated block comment: PostgreSQL nests \/\* \*\/ comments/);
  assert.is(c.statements[2]!.lexError?.offset, nested.indexOf("/* a"));
  assert.is(c.statements[1]!.lexError, null);
});

test("an apostrophe that unbalances the quotes is found where it is, and what follows is lexed right", () => {
  const sql = "SELECT 1;\nUPDATE people SET name = 'O'Brien' WHERE id = 7;\nUPDATE t SET a = 'x' WHERE id = 1;\n-- note\nDELETE FROM t;\nSELECT 'ok';\n";
  const { statements, comments } = lex(sql);
  assert.equal(statements.map((x) => sql.slice(x.start, x.end)), [
    "SELECT 1",
    "UPDATE people SET name = 'O'Brien' WHERE id = 7",
    "UPDATE t SET a = 'x' WHERE id = 1",
    "DELETE FROM t",
    "SELECT 'ok'",
  ]);
  assert.is(statements[1]!.lexError?.offset, sql.indexOf("' WHERE id = 7"));
  assert.match(statements[1]!.lexError!.message, /^unterminated quoted string: the string that opens here runs on past the ; that ends its line/);
  assert.equal(comments.map((c) => sql.slice(c.start, c.end)), ["-- note"], "each comment once");
  assert.is(statements.filter((x) => x.lexError).length, 1);
});

test("hostile input: thousands of unterminated comments and dollar quotes are lexed to the end", () => {
  // (no timing here: a quadratic lexer would show as a suite far over its time budget)
  const lines = [(_: number) => "/* /* */\n", (i: number) => `SELECT $a${i}$ x;\n`, (_: number) => "select 'x\n"];
  for (const line of lines) {
    const many = Array.from({ length: 20_000 }, (_, i) => line(i)).join("");
    const r = lex(many);
    const last = r.items[r.items.length - 1];
    assert.ok(last === undefined || last.end <= many.length, JSON.stringify(line(0)));
  }
});

test("NUL bytes are found, also inside strings, comments and dollar quotes", () => {
  const [s] = stmts("select 1\u0000; select 2;");
  assert.is(s!.nul, 8);
  for (const sql of ["select 'a\u0000b';", "select 1 -- a\u0000b\n, 2;", "select 1 /* a\u0000b */, 2;", "select $$a\u0000b$$;", 'select "a\u0000b";']) {
    assert.is(stmts(sql)[0]!.nul, sql.indexOf("\u0000"), JSON.stringify(sql));
  }
});

test("CR, CRLF and LF files split alike, also after an unterminated dollar quote", () => {
  const lines = ["DO $x$ BEGIN", "PERFORM 1;", "CREATE TABLE a (id int);", "-- note", "DROP TABLE b;", "SELECT 1;"];
  const shape = (nl: string) => {
    const sql = lines.join(nl);
    const r = lex(sql);
    return [...r.statements.map((it) => sql.slice(it.start, it.end).split(nl).join("\n")), ...r.comments.map((c) => sql.slice(c.start, c.end))];
  };
  const lf = shape("\n");
  assert.equal(lf, ["DO $x$ BEGIN\nPERFORM 1;", "CREATE TABLE a (id int)", "DROP TABLE b", "SELECT 1", "-- note"]);
  assert.equal(shape("\r"), lf);
  assert.equal(shape("\r\n"), lf);
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

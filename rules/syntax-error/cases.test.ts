import { ruleTester } from "../../test/rule-tester.js";

ruleTester("syntax-error", {
  valid: [
    "SELECT 1;",
    "SELECT 1",
    "",
    "-- only a comment",
    "\\set x 1\nSELECT :x, :'x', :\"x\";",
    "COPY t FROM stdin;\nnot sql at all (\n\\.\n",
    "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;",
    "SELECT $body$ ; ' $body$;",
    {
      name: "a statement that stops at a psql variable depends on its value: not reported (update.sql, tuplesort.sql)",
      code: "\\set show_data 'select * from t'\n:show_data;\nEXPLAIN (COSTS OFF) :qry;\nCOMMENT ON LARGE OBJECT :newloid IS 'x';\nSELECT * FROM :\"tab\" :'x';",
    },
    { name: "SQL inside code is never reported by this rule", code: "const q = sql`AND x = ${y}`;", filename: "a.ts" },
  ],
  invalid: [
    { code: "SELECT FROM WHERE;", errors: [{ message: 'syntax error at or near "WHERE"', line: 1, column: 13, endColumn: 18 }] },
    { code: "SELECT 1;\nSELECT (", errors: [{ message: "syntax error at end of input", line: 2, column: 9, endColumn: 9 }] },
    {
      name: "position counts UTF-16 code units after astral characters",
      code: "SELECT '😀😀', x y z;",
      errors: [{ message: 'syntax error at or near "z"', line: 1, column: 20, endColumn: 21 }],
    },
    {
      name: "each broken statement is reported; the others are fine",
      code: "SELEC 1;\nSELECT 2;\nINSERT INTO;",
      errors: [
        { message: 'syntax error at or near "SELEC"', line: 1, column: 1 },
        { message: "syntax error at end of input", line: 3, column: 12 },
      ],
    },
    {
      name: "a syntax error elsewhere in a statement with psql variables is reported",
      code: "SELECT :x FROM FROM;",
      errors: [{ message: 'syntax error at or near "FROM"', line: 1, column: 16 }],
    },
    {
      name: "a template marker says the file is a template (supabase-auth's Go templates)",
      code: 'ALTER TABLE {{ index .Options "Namespace" }}.users ADD COLUMN x int;\nCREATE INDEX i ON "{{ index .Options "Namespace" }}".identities (user_id);',
      errors: [
        {
          message:
            'syntax error at or near "{": the statement holds a template marker ({{ index .Options "Namespace" }}), so this file is a template that is rendered into SQL before it runs',
          line: 1,
          column: 13,
          help: /^lint the rendered SQL instead, or list the template files in the config's ignores/,
        },
        { message: /^syntax error at or near "Namespace": the statement holds a template marker/, line: 2, column: 39 },
      ],
    },
    {
      name: "other template markers say so where the parser stops in them: ${x}, %x%, <%= %>, #{x}, [% %]",
      code: "SELECT * FROM ${tableName};\nSELECT * FROM t ORDER BY %order%;\nSELECT * FROM t WHERE id = <%= id %>;\nSELECT * FROM t WHERE id = #{id};\nSELECT * FROM [% schema %].t;",
      errors: [
        { message: 'syntax error at or near "$": the statement holds a template marker (${tableName}), so this file is a template that is rendered into SQL before it runs', line: 1, column: 15 },
        { message: /^syntax error at or near "%": the statement holds a template marker \(%order%\)/, line: 2, column: 26 },
        { message: /^syntax error at end of input: the statement holds a template marker \(<%= id %>\)/, line: 3, column: 37 },
        { message: /^syntax error at or near "\{": the statement holds a template marker \(#\{id\}\)/, line: 4, column: 29 },
        { message: /^syntax error at or near "\[": the statement holds a template marker \(\[% schema %\]\)/, line: 5, column: 15 },
      ],
    },
    {
      name: "a marker the parser did not stop at says nothing (a LIKE pattern, a marker in a string)",
      code: "SELECT * FROM t WHERE a LIKE '%x%' AND;\nSELECT '${x}' FROM FROM;",
      errors: [
        { message: "syntax error at end of input", line: 1, column: 39 },
        { message: 'syntax error at or near "FROM"', line: 2, column: 20 },
      ],
    },
    {
      name: "SQL for another database says so (drizzle's SQLite and MySQL migrations, ClickHouse schemas)",
      code: "PRAGMA foreign_keys=OFF;\nCREATE TABLE `users` (id int);\nCREATE TABLE t (a int) ENGINE = MergeTree() ORDER BY a;",
      errors: [
        { message: 'syntax error at or near "PRAGMA" (PRAGMA is SQLite)', line: 1, column: 1, help: "if this file is written for another database, list it in the config's ignores" },
        { message: 'syntax error at or near "`" (backquotes quote names in MySQL and SQLite; PostgreSQL uses double quotes)', line: 2, column: 14 },
        { message: 'syntax error at or near "ENGINE" (ENGINE = … is MySQL or ClickHouse)', line: 3, column: 24 },
      ],
    },
    {
      name: "a reserved word written bare where a name goes says it must be quoted (sqlx's SQLite tests name a table user)",
      code: 'CREATE TABLE user (id int);\nINSERT INTO t (id, Desc) VALUES (1, 2);\nSELECT a FROM t WHERE ORDER BY a;\nCREATE TABLE "user" (id int);\nSELECT * FROM app.order;\nSELECT rank() OVER (PARTITION BY a, ORDER BY b) FROM t;',
      errors: [
        { message: 'syntax error at or near "user" (user is a reserved word in PostgreSQL: as a name it must be written in double quotes, "user")', line: 1, column: 14 },
        { message: 'syntax error at or near "Desc" (desc is a reserved word in PostgreSQL: as a name it must be written in double quotes, "desc")', line: 2, column: 20 },
        // a keyword where an expression was due: quoted, it parses no better, so no hint
        { message: 'syntax error at or near "ORDER"', line: 3, column: 23 },
        { message: 'syntax error at or near "ORDER"', line: 6, column: 37 },
      ],
    },
    {
      name: "unterminated quote is located where it opens",
      code: "SELECT 1;\nSELECT 'abc\nSELECT 2;",
      errors: [{ message: "unterminated quoted string", line: 2, column: 8 }],
    },
    {
      name: "100,000 nested parentheses: PostgreSQL's parser gives up, and says so plainly",
      code: `SELECT ${"(".repeat(100_000)}1${")".repeat(100_000)};\nSELECT 2 3;`,
      errors: [
        { message: `nested too deeply for PostgreSQL's parser (memory exhausted at or near "(")`, line: 1, column: 10_004, severity: 2 },
        { message: 'syntax error at or near "3"', line: 2, column: 10 },
      ],
    },
    {
      name: "a tree too deep to analyse (valid SQL, maybe) is a warning, and the next statement is still linted",
      code: `DELETE FROM t WHERE ${"NOT ".repeat(2000)}true;\nUPDATE t SET a = ${Array(100_000).fill("1").join(" + ")};\nSELECT 2 3;`,
      errors: [
        { message: "nested too deeply to analyse (a syntax tree over 3,000 levels deep): the statement was not linted", line: 1, column: 1, severity: 1 },
        { message: /^nested too deeply to analyse/, line: 2, column: 1, severity: 1 },
        { message: 'syntax error at or near "3"', line: 3, column: 10 },
      ],
    },
    {
      name: "unterminated dollar quote",
      code: "DO $$ BEGIN NULL; END;",
      errors: [{ message: "unterminated dollar-quoted string ($$ without closing $$)", line: 1, column: 4 }],
    },
  ],
});

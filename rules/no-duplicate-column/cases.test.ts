import { ruleTester } from "../../test/rule-tester.js";

const assigned = (name: string, where: string) => `${name} is assigned twice in this ${where}: PostgreSQL refuses the statement (multiple assignments to same column "${name}")`;
const listed = (name: string, where: string) => `${name} is named twice in this ${where}: PostgreSQL refuses the statement (column "${name}" specified more than once)`;
const output = (name: string, where: string) => `two columns of this ${where} are named ${name}: PostgreSQL refuses the statement (column "${name}" specified more than once)`;

ruleTester("no-duplicate-column", {
  valid: [
    "UPDATE t SET a = 1, b = 2 WHERE id = 1;",
    { name: "partial assignments to fields or elements of one column", code: "UPDATE t SET a.x = 1, a.y = 2, b[1] = 1, b[2] = 2 WHERE id = 1;" },
    { name: 'a quoted "A" is another column than a', code: 'UPDATE t SET "A" = 1, a = 2 WHERE id = 1;\nINSERT INTO t ("A", a) VALUES (1, 2);' },
    "INSERT INTO t (a, b) SELECT a, b FROM s;",
    { name: "a plain SELECT may repeat a name", code: "SELECT 1 AS a, 2 AS a;" },
    { name: "the view's column list renames the first columns", code: "CREATE VIEW v (x) AS SELECT 1 AS a, 2 AS b;\nCREATE VIEW w (x, y) AS SELECT 1 AS a, 2 AS a;" },
    { name: "a set operation takes the names of its first query", code: "CREATE VIEW v AS SELECT 1 AS a, 2 AS b UNION SELECT 2 AS a, 3 AS a;" },
    { name: "columns a * brings are not known here", code: "CREATE VIEW v AS SELECT *, id FROM t;" },
    { name: "VALUES columns are column1, column2…", code: "CREATE VIEW v AS VALUES (1, 2);" },
    { name: "EXPLAIN without ANALYZE does not run its statement", code: "EXPLAIN UPDATE t SET a = 1, b = 2;" },
    { name: "repeated words in VALUES rows and a COPY query are no column list", code: "INSERT INTO t VALUES ('a', 'a');\nINSERT INTO t (a, b) VALUES ('x', 'x'), ('y', 'y');\nCOPY (SELECT a, a FROM t) TO stdout;\nCOPY t FROM stdin WITH (FORMAT csv, FORMAT csv);" },
    { name: "a repeated word elsewhere in CREATE TABLE", code: "CREATE TABLE t (a int CHECK (a > 0), b int, CONSTRAINT c CHECK (b > 0), CONSTRAINT d CHECK (b < 9));" },
  ],
  invalid: [
    {
      code: "UPDATE t SET a = 1, b = 2, a = 3 WHERE id = 1;",
      errors: [{ message: assigned("a", "UPDATE"), help: "name each column once: keep the assignment you mean and remove the others", line: 1, column: 28, endColumn: 29 }],
    },
    { name: "a multiple-column assignment", code: "UPDATE t SET (a, b) = (1, 2), a = 3 WHERE id = 1;", errors: [{ message: assigned("a", "UPDATE"), line: 1, column: 31 }] },
    { name: "the whole column and one of its fields", code: "UPDATE t SET a = ROW(1, 2), a.x = 1 WHERE id = 1;", errors: [{ message: assigned("a", "UPDATE"), line: 1, column: 29 }] },
    { name: "names fold to lower case", code: 'UPDATE t SET A = 1, "a" = 2 WHERE id = 1;', errors: [{ message: assigned("a", "UPDATE"), line: 1, column: 21, endColumn: 24 }] },
    {
      name: "names are cut to 63 bytes",
      code: `UPDATE k SET ${"a".repeat(63)}x = 1, ${"a".repeat(63)}y = 2 WHERE id = 1;`,
      errors: [{ message: assigned("a".repeat(63), "UPDATE"), line: 1, column: 84 }],
    },
    {
      // PostgreSQL reads every character from U+0080 up as part of a name: t€x and €€ are names
      name: "names with characters that are not letters (€), in an INSERT's table and columns and in CREATE TABLE",
      code: "INSERT INTO t€x (a, a) VALUES (1, 2);\nINSERT INTO tx (€€, €€) VALUES (1, 2);\nCREATE TABLE q (€€ int, €€ int);",
      errors: [
        { message: listed("a", "INSERT column list"), line: 1, column: 21, endColumn: 22 },
        { message: listed("€€", "INSERT column list"), line: 2, column: 21, endColumn: 23 },
        { message: listed("€€", "CREATE TABLE"), line: 3, column: 25, endColumn: 27 },
      ],
    },
    { name: "INSERT column list", code: "INSERT INTO t (a, b, a) VALUES (1, 2, 3);", errors: [{ message: listed("a", "INSERT column list"), help: "name each column once", line: 1, column: 22, endColumn: 23 }] },
    { name: "INSERT: the column and one of its fields", code: "INSERT INTO t (a, a.x) VALUES (ROW(1, 2), 2);", errors: [{ message: listed("a", "INSERT column list"), line: 1, column: 19 }] },
    { name: "ON CONFLICT DO UPDATE", code: "INSERT INTO t (a) VALUES (1) ON CONFLICT (a) DO UPDATE SET b = 1, b = 2;", errors: [{ message: assigned("b", "ON CONFLICT DO UPDATE"), line: 1, column: 67 }] },
    {
      name: "MERGE",
      code: "MERGE INTO t USING s ON t.id = s.id\nWHEN MATCHED THEN UPDATE SET a = 1, a = 2\nWHEN NOT MATCHED THEN INSERT (a, a) VALUES (1, 2);",
      errors: [
        { message: assigned("a", "MERGE … UPDATE"), line: 2, column: 37 },
        { message: listed("a", "MERGE … INSERT column list"), line: 3, column: 34 },
      ],
    },
    { name: "COPY column list", code: "COPY t (a, a) FROM stdin;", errors: [{ message: listed("a", "COPY column list"), line: 1, column: 1, endColumn: 25 }] },
    {
      // the text is looked at before the tree is read: each way of writing the list must still be seen
      name: "column lists after qualified, quoted and aliased names, and after a comment",
      code: 'INSERT INTO s.t AS x (a, b, a) VALUES (1, 2, 3);\nINSERT INTO "T t" ("a", "a") VALUES (1, 2);\nINSERT INTO t /* why */ (a, a) VALUES (1, 2);\nWITH w AS (INSERT INTO t(a,a) VALUES (1,2) RETURNING a) SELECT a FROM w;\nCOPY s."T"(a, b, a) TO stdout;',
      errors: [
        { message: listed("a", "INSERT column list"), line: 1, column: 29 },
        { message: listed("a", "INSERT column list"), line: 2, column: 25 },
        { message: listed("a", "INSERT column list"), line: 3, column: 29 },
        { message: listed("a", "INSERT column list"), line: 4, column: 28 },
        { message: listed("a", "COPY column list"), line: 5, column: 1 },
      ],
    },
    { name: "CREATE TABLE", code: "CREATE TABLE t (a int, b text DEFAULT 'a, a', \"a\" int);", errors: [{ message: listed("a", "CREATE TABLE"), line: 1, column: 47, endColumn: 50 }] },
    { name: "CREATE FOREIGN TABLE", code: "CREATE FOREIGN TABLE f (a int, a int) SERVER s;", errors: [{ message: listed("a", "CREATE FOREIGN TABLE"), line: 1, column: 32 }] },
    { name: "a view's column list", code: "CREATE VIEW v (a, a) AS SELECT 1, 2;", errors: [{ message: output("a", "view"), line: 1, column: 1, endColumn: 36 }] },
    {
      name: "a view's select list: aliases, unnamed expressions, function and column names",
      code: "CREATE VIEW v1 AS SELECT 1 AS a, 2 AS a;\nCREATE VIEW v2 AS SELECT 1, 2;\nCREATE VIEW v3 AS SELECT count(*), count(x) FROM t;\nCREATE VIEW v4 AS SELECT t.id, u.id FROM t JOIN u USING (k);",
      errors: [
        { message: output("a", "view"), help: "name each column once: give one of them an alias (AS a_2)", line: 1, column: 34 },
        { message: output("?column?", "view"), line: 2, column: 29 },
        { message: output("count", "view"), line: 3, column: 36 },
        { message: output("id", "view"), line: 4, column: 32 },
      ],
    },
    {
      name: "CREATE TABLE … AS, materialized views, SELECT … INTO",
      code: "CREATE TABLE z AS SELECT 1 a, 2 a;\nCREATE TABLE y (x, x) AS SELECT 1, 2;\nCREATE MATERIALIZED VIEW m AS SELECT a.id, b.id FROM a, b;\nSELECT 1 a, 2 a INTO w;",
      errors: [
        { message: output("a", "CREATE TABLE … AS"), line: 1, column: 31 },
        { message: output("x", "CREATE TABLE … AS"), line: 2, column: 1 },
        { message: output("id", "materialized view"), line: 3, column: 44 },
        { message: output("a", "SELECT … INTO"), line: 4, column: 13 },
      ],
    },
    {
      name: "WITH queries, EXPLAIN ANALYZE, PREPARE, DO blocks, function bodies",
      code: [
        "WITH x AS (INSERT INTO t (a, a) VALUES (1, 2) RETURNING 1) SELECT * FROM x;",
        "EXPLAIN ANALYZE INSERT INTO t (a, a) VALUES (1, 2);",
        "PREPARE p AS UPDATE t SET a = 1, a = 2;",
        "DO $$ BEGIN UPDATE t SET a = 1, a = 2; END $$;",
        "CREATE FUNCTION f() RETURNS void LANGUAGE sql AS $$ INSERT INTO t (a, a) VALUES (1, 2) $$;",
      ].join("\n"),
      errors: [
        { line: 1, column: 30 },
        { line: 2, column: 35 },
        { line: 3, column: 34 },
        { line: 4, column: 33 },
        { line: 5, column: 71 },
      ],
    },
    { name: "SQL in TypeScript", filename: "case.ts", code: "await sql`UPDATE t SET a = ${x}, a = ${y} WHERE id = 1`;", errors: [{ message: assigned("a", "UPDATE"), line: 1, column: 34 }] },
  ],
});

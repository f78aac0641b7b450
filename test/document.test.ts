import { suite } from "uvu";
import * as assert from "uvu/assert";
import { isDirectiveComment, isPlain, parseDocument, plainShape, SqlDocument } from "../src/sql/document.js";
import { readFileSync } from "node:fs";
import { BLOCK_TYPES } from "../src/sql/block-rules.js";
import { parseSql } from "../src/sql/parser.js";
import { classify, nodeKeys, walk } from "../src/sql/classify.js";
import { brief, lint } from "./helpers.js";

const test = suite("document");

test("statements carry kind, node type and transaction state", () => {
  const { statements } = parseDocument(
    "SET search_path = app;\nBEGIN;\nCREATE TABLE t (id int);\nINSERT INTO t VALUES (1);\nSAVEPOINT a;\nSELECT * FROM t;\nROLLBACK TO a;\nCOMMIT;\nVACUUM t;\nWITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d;",
  );
  assert.equal(
    statements.map((s) => `${s.nodeType}:${s.kind}:${s.tx}`),
    [
      "VariableSetStmt:utility:none",
      "TransactionStmt:transaction:none",
      "CreateStmt:ddl:explicit",
      "InsertStmt:write:explicit",
      "TransactionStmt:transaction:explicit",
      "SelectStmt:read:explicit",
      "TransactionStmt:transaction:explicit",
      "TransactionStmt:transaction:explicit",
      "VacuumStmt:utility:none",
      "SelectStmt:write:none",
    ],
  );
});

test("ROLLBACK, END, ABORT and PREPARE TRANSACTION end the block; assumed transactions", () => {
  for (const end of ["ROLLBACK", "END", "ABORT", "PREPARE TRANSACTION 'x'", "COMMIT"]) {
    const { statements } = parseDocument(`BEGIN; UPDATE t SET a = 1 WHERE b; ${end}; UPDATE t SET a = 2 WHERE b;`);
    assert.is(statements[3]!.tx, "none", end);
  }
  const assumed = parseDocument("UPDATE t SET a = 1 WHERE b;", { assumeInTransaction: true }).statements;
  assert.is(assumed[0]!.tx, "assumed");
  const directive = parseDocument("-- sqlguard-assume-in-transaction\nUPDATE t SET a = 1 WHERE b;").statements;
  assert.is(directive[0]!.tx, "assumed");
  const no = parseDocument("-- sqlguard-no-transaction\nCREATE INDEX CONCURRENTLY i ON t (a);", { assumeInTransaction: true }).statements;
  assert.is(no[0]!.tx, "none");
});

test("AST locations map to exact offsets through multi-byte text", () => {
  const sql = "SELECT '😀é';\nUPDATE \"ü\" SET a = 1 WHERE b = 'ß';";
  const { statements } = parseDocument(sql);
  const upd = statements[1]!;
  const relLoc = (upd.node!.UpdateStmt as { relation: { location: number } }).relation.location;
  assert.is(sql.slice(upd.offsetOf(relLoc), upd.offsetOf(relLoc) + 3), '"ü"');
});

test("syntax errors are located with the parser's message; other statements still linted; ( keeps ; inside like psql", () => {
  const sql = "SELECT 'naïve 😀', FROM t;\nDELETE FROM t;\nSELECT (1;\n";
  assert.equal(brief(lint(sql).messages), [
    '1:20-1:24 syntax-error syntax error at or near "FROM"',
    "2:1-2:14 require-where DELETE without WHERE removes every row of t",
    '3:10-3:11 syntax-error syntax error at or near ";"',
  ]);
});

test("syntax errors in CRLF and CR-only files", () => {
  assert.equal(brief(lint("SELECT 1;\r\nSELECT FROM WHERE;\r\n").messages), ['2:13-2:18 syntax-error syntax error at or near "WHERE"']);
  assert.equal(brief(lint("SELECT 1;\rSELECT FROM WHERE;\r").messages), ['2:13-2:18 syntax-error syntax error at or near "WHERE"']);
});

test("NUL byte: reported where it is, the statement is not linted as if whole", () => {
  const r = lint("DELETE FROM t\u0000 WHERE id = 1;\nDELETE FROM u;");
  assert.equal(brief(r.messages), [
    "1:14-1:15 syntax-error NUL byte inside the statement: PostgreSQL stops reading at it, so the statement was not linted",
    "2:1-2:14 require-where DELETE without WHERE removes every row of u",
  ]);
});

test("psql scripts: meta-commands, variables, COPY data are not syntax errors", () => {
  const sql = [
    "\\set ON_ERROR_STOP on",
    "\\connect shop",
    "SELECT count(*) AS n FROM orders \\gset",
    "\\if :n",
    "  UPDATE orders SET flag = :'flag' WHERE id = :id;",
    "\\endif",
    "COPY orders (id, note) FROM stdin;",
    "1\tnot; SQL at all ' $$",
    "\\.",
    "SELECT arr[1:2] FROM t;",
  ].join("\n");
  assert.equal(lint(sql, { config: { rules: { "require-transaction": "off" } } }).messages, []);
});

test("a BOM is not an error", () => {
  assert.equal(lint("\ufeffSELECT 1;").messages, []);
});

test("graphile-worker style :SCHEMA variables inside function bodies", () => {
  const sql = "create function :GRAPHILE_WORKER_SCHEMA.f() returns void as $$\nbegin\n  delete from :GRAPHILE_WORKER_SCHEMA.jobs;\nend;\n$$ language plpgsql;";
  assert.equal(brief(lint(sql).messages), ["3:3-3:43 require-where DELETE without WHERE removes every row of :GRAPHILE_WORKER_SCHEMA.jobs"]);
});

test("terminator: a semicolon, a sending psql command (\\g…) or the end of the file", () => {
  const { statements } = parseDocument("SELECT 1\n\\g\nSELECT 2;\nSELECT 3\n\\gx\nSELECT 4");
  assert.equal(
    statements.map((s) => `${s.text}:${s.terminator}`),
    ["SELECT 1:meta", "SELECT 2:semicolon", "SELECT 3:meta", "SELECT 4:eof"],
  );
});

test("statements the parser splits out of one lexer item keep only their own blank lines", () => {
  // `begin` as a function name keeps the lexer looking for an END, so the parser splits.
  const { statements } = parseDocument("CREATE FUNCTION begin() RETURNS int LANGUAGE sql AS 'select 1';\n\nSELECT 2\n\nFROM t;\nSELECT 3");
  assert.equal(
    statements.map((s) => [s.text, s.terminator, s.blankLines]),
    [
      ["CREATE FUNCTION begin() RETURNS int LANGUAGE sql AS 'select 1'", "semicolon", []],
      ["SELECT 2\n\nFROM t", "semicolon", [74]],
      ["SELECT 3", "eof", []],
    ],
  );
});

test("plain statements: checked without a tree, typed as a full parse types them, tree built on demand", () => {
  const sqls = [
    "SELECT a, 'x y, z' AS b FROM t WHERE c = E'it\\'s' AND d = $$q;$$ LIMIT 5",
    "select $1::int + 2",
    "INSERT INTO t (a, b) VALUES (1, 'two'), (-3, NULL)",
    "CREATE TEMP TABLE t (id int GENERATED BY DEFAULT AS IDENTITY)",
    "CREATE UNLOGGED TABLE t (id int, CHECK (id > 0))",
    "EXPLAIN (COSTS OFF) SELECT * FROM t WHERE a = 1",
    "SELECT U&'d\\0061t' FROM t",
  ];
  for (const sql of sqls) {
    const { statements } = parseDocument(sql);
    assert.is(statements.length, 1, sql);
    const s = statements[0]!;
    const full = parseSql(s.parseText);
    assert.ok(full.ok, sql);
    const tree = full.ok ? full.stmts[0]!.stmt : null;
    const type = Object.keys(tree!)[0];
    if (plainShape(sql)) assert.ok(isPlain(s), `plain: ${sql}`);
    assert.is(s.nodeType, type, sql);
    assert.ok(s.parsed, sql);
    assert.equal(s.node, tree, sql);
  }
  // words that change what a statement does keep it out of the plain path
  for (const sql of [
    "SELECT 1 INTO t2",
    "INSERT INTO t WITH d AS (DELETE FROM u RETURNING *) SELECT * FROM d",
    "INSERT INTO t VALUES (1) ON CONFLICT (id) DO UPDATE SET a = 2",
    "CREATE TABLE t AS SELECT 1",
    "EXPLAIN ANALYZE DELETE FROM t",
    'EXPLAIN (U&"analyz\\0065") DELETE FROM t',
    "SELECT 1; SELECT 2",
  ]) {
    assert.is(plainShape(sql), null, sql);
  }
});

test("plain path: errors the parser raises from its grammar actions are still syntax errors", () => {
  // libpg-query's normalize returns these as if they were its result
  const sql = "select percentile_cont(0.5 order by p) within group (order by x) from t;\nALTER INDEX i ALTER COLUMN 0 SET STATISTICS 1000;\nSELECT FROM WHERE;";
  const { statements } = parseDocument(sql);
  assert.equal(
    statements.map((s) => s.error?.message ?? null),
    ["cannot use multiple ORDER BY clauses with WITHIN GROUP", "column number must be in range from 1 to 32767", 'syntax error at or near "WHERE"'],
  );
  assert.ok(statements.every((s) => !isPlain(s) && !s.parsed));
});

test("a tree is read only when asked for; kind, type and transaction control without it", () => {
  const { statements } = parseDocument(
    "GRANT SELECT ON t TO u; BEGIN; COPY t FROM stdin; COPY t TO stdout; SELECT 1 INTO x; WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d; UPDATE t SET a = 1 WHERE b; COMMIT;",
  );
  const expected = [
    "GrantStmt:ddl:none:true",
    "TransactionStmt:transaction:none:true", // its tree was read for its transaction control
    "CopyStmt:write:explicit:true",
    "CopyStmt:read:explicit:true",
    "SelectStmt:ddl:explicit:true", // SELECT … INTO is one statement
    "SelectStmt:write:explicit:false", // a data-modifying WITH runs the DELETE too
    "UpdateStmt:write:explicit:true",
    "TransactionStmt:transaction:explicit:true",
  ];
  assert.equal(
    statements.map((s) => `${s.nodeType}:${s.kind}:${s.tx}:${s.runsOnlyItself}`),
    expected,
  );
  assert.ok(statements.every((s) => s.parsed && s.node !== null));
  // the answer comes from the tree's JSON text, which is kept: reading the tree does not change it
  assert.equal(
    statements.map((s) => `${s.nodeType}:${s.kind}:${s.tx}:${s.runsOnlyItself}`),
    expected,
    "the same once the trees are read",
  );
  const handSet = parseDocument("UPDATE t SET a = 1 WHERE b;").statements[0]!;
  const tree = handSet.node;
  handSet.node = tree; // a tree set by hand has no JSON text to tell from
  assert.equal(handSet.runsOnlyItself, false);
});

test("BLOCK_TYPES lists every type refusalOf and needOf look at", () => {
  const source = readFileSync(new URL("../../src/sql/block-rules.ts", import.meta.url), "utf8");
  const cases = [...source.matchAll(/case "(\w+)":/g)].map((m) => m[1]);
  assert.equal([...BLOCK_TYPES].sort(), [...new Set(cases)].sort());
});

test("bodies: the statements of DO blocks and function bodies are their statement's body, in order", () => {
  const sql = [
    "CREATE FUNCTION a() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;",
    "CREATE FUNCTION b() RETURNS void LANGUAGE plpgsql AS $$ BEGIN DELETE FROM t; END $$;",
    "DO $$ BEGIN INSERT INTO t VALUES (1); END $$;",
  ].join("\n");
  const { nested } = parseDocument(sql);
  assert.equal(
    nested.map((s) => `${s.parent!.index}:${s.nodeType}`),
    ["0:SelectStmt", "1:DeleteStmt", "2:InsertStmt"],
  );
});

test("a long script's comments are not all kept: directives and the current statement's still work", () => {
  const filler = Array.from({ length: 2000 }, (_, i) => `-- note ${i}\nSELECT ${i};`).join("\n");
  const sql = [
    "-- sqlguard-disable require-where -- whole file is a reviewed backfill",
    filler,
    "UPDATE orders /* which */ SET is_deleted = true -- all of them?",
    "",
    "WHERE id IN (1, 2, 3);",
    "DELETE FROM t;",
  ].join("\n");
  const messages = lint(sql).messages.filter((m) => m.ruleId !== "require-transaction");
  assert.equal(
    messages.map((m) => `${m.ruleId}: ${m.message}`),
    ["ambiguous-statement-split: a client that splits on blank lines would run `UPDATE orders SET is_deleted = true` — every row of orders"],
  );
  // the document the CLI reads holds the directive and recent comments only
  const doc = new SqlDocument(sql, { comments: "directives" });
  for (const _ of doc.events());
  assert.ok(doc.comments.length < 600, String(doc.comments.length));
  assert.ok(doc.comments.some((c) => isDirectiveComment(sql, c)));
  const all = new SqlDocument(sql);
  for (const _ of all.events());
  assert.is(all.comments.length, 2003);
});

test("comments of a statement that holds a psql meta-command survive the trimming", () => {
  const notes = Array.from({ length: 300 }, (_, i) => `-- c${i}`).join("\n");
  const sql = `EXPLAIN\n\nDELETE\n${notes}\nFROM t\n\\echo hi\n;\n`;
  const messages = lint(sql).messages.filter((m) => m.ruleId === "ambiguous-statement-split");
  assert.equal(
    messages.map((m) => m.message),
    ["a client that splits on blank lines would run `DELETE FROM t` — every row of t"],
  );
});

test("what a statement may hold and its kind are told from its JSON as its tree tells them", () => {
  const sql = [
    "WITH a AS (SELECT 1) SELECT * FROM a",
    "WITH a AS (SELECT 1), b AS (SELECT 2) SELECT '\"InsertStmt\":', 'x\"UpdateStmt\": 1' FROM a, b",
    "WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d",
    "WITH a AS (WITH i AS (INSERT INTO t VALUES (1) RETURNING *) SELECT * FROM i) SELECT * FROM a",
    "WITH a AS (SELECT 1) SELECT * INTO n FROM a",
    "WITH u AS (UPDATE t SET x = 1 RETURNING *) DELETE FROM s WHERE id IN (SELECT id FROM u)",
    'SELECT 1 AS "MergeStmt"',
  ];
  const writes = nodeKeys(["InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt"]);
  for (const text of sql) {
    // the JSON's answers, before the tree is read
    const [first] = parseDocument(`${text};\n`).statements;
    const [second] = parseDocument(`${text};\n`).statements;
    const kind = first!.kind;
    const mayHold = second!.mayHold(writes);
    // the tree's
    const node = parseSql(text);
    assert.ok(node.ok);
    const tree = node.stmts[0]!.stmt;
    let holds = false;
    walk(tree, (type) => void (holds ||= ["InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt"].includes(type)));
    assert.is(kind, classify(tree), text);
    if (holds) assert.ok(mayHold, text);
    // strings and names that spell a node type are not nodes
    if (/"(?:Insert|Update|Merge)Stmt/.test(text)) assert.not.ok(mayHold, text);
  }
});

test("a tree let go after the rules saw its statement is read again, the same, when asked for later", () => {
  const doc = new SqlDocument("CREATE TABLE t (id int PRIMARY KEY, name text);\nDELETE FROM t WHERE id = 1;\nWITH gone AS (DELETE FROM t RETURNING id) SELECT count(*) FROM gone;");
  const statements = [...doc.events()].filter((e): e is import("../src/sql/document.js").Statement => "nodeType" in e);
  assert.equal(
    statements.map((s) => s.runsOnlyItself),
    [true, true, false],
  );
  for (const s of statements) {
    const first = JSON.stringify(s.node);
    const alone = s.runsOnlyItself;
    s.releaseTree();
    assert.ok(s.parsed, "still known to parse");
    // told without the JSON it was told from, and again once the tree is read back
    assert.is(s.runsOnlyItself, alone);
    assert.is(JSON.stringify(s.node), first);
    assert.is(s.runsOnlyItself, alone);
    // let go of a second time: read back a second time
    s.releaseTree();
    assert.is(JSON.stringify(s.node), first);
    // kept for another pass: the tree goes, the statement reads the same one back
    s.releaseTree(true);
    assert.is(JSON.stringify(s.node), first);
    assert.is(s.runsOnlyItself, alone);
    // a tree set by hand has no JSON to come back from: it stays
    const own = s.node!;
    s.node = own;
    s.releaseTree();
    assert.is(s.node, own);
  }
});

test("a tree let go for another pass over the same statements keeps its JSON: the next pass parses nothing again", () => {
  const doc = new SqlDocument("CREATE TABLE t (id int PRIMARY KEY);\n");
  const s = [...doc.events()].find((e): e is import("../src/sql/document.js").Statement => "nodeType" in e)!;
  const first = JSON.stringify(s.node);
  const json = (x: object) => (x as { json: string | null }).json;
  s.releaseTree(true);
  assert.ok(json(s) !== null, "the JSON stays");
  assert.is(JSON.stringify(s.node), first);
  s.releaseTree();
  assert.is(json(s), null, "let go of for good: the text is parsed again if asked");
  assert.is(JSON.stringify(s.node), first);
});

test("statements read ahead in batches keep their comments until they are handed out, in order", () => {
  // 2,000 statements with comments inside and between them: the document drops comments it no
  // longer needs as it reads on, and reads ahead of what it hands out (see SqlDocument.events)
  const parts: string[] = [];
  for (let i = 0; i < 2000; i++) parts.push(`-- before ${i}\nSELECT /* inside ${i} */ ${i} -- after ${i}\n;`);
  const sql = parts.join("\n") + "\n";
  const doc = new SqlDocument(sql, { comments: "directives" });
  let seen = 0;
  for (const e of doc.events()) {
    if (!("nodeType" in e)) continue;
    assert.is(e.index, seen, "handed out in order");
    const inside = doc.comments.filter((c) => c.start >= e.start && c.start < e.semicolon).map((c) => sql.slice(c.start, c.end));
    assert.equal(inside, [`/* inside ${seen} */`, `-- after ${seen}`], `statement ${seen}: its comments are there`);
    seen++;
  }
  assert.is(seen, 2000);
  // and the document did not keep every comment of the file
  assert.ok(doc.comments.length < 6000, `comments kept: ${doc.comments.length}`);
});

test("statements parsed in groups are placed, and fail, as each would alone", () => {
  // eight short statements go to the parser in one call; one that does not parse sends its group
  // back to one call each, so its error is PostgreSQL's for that statement alone
  const sql = ["SELECT 1;", "DELETE FROM t;", "SELECT 2;", "SELCT 3;", "UPDATE   t SET a = 1;", "SELECT 4;", "DELETE FROM u WHERE true;", "SELECT 5;", "UPDATE v SET b = 2;"].join("\n");
  assert.equal(
    brief(lint(sql).messages.filter((m) => m.ruleId !== "require-transaction")).map((m) => m.replace(/ every row of .*/, "")),
    ["2:1-2:14 require-where DELETE without WHERE removes", '4:1-4:6 syntax-error syntax error at or near "SELCT"', "5:1-5:11 require-where UPDATE without WHERE changes", "7:1-7:14 require-where WHERE true is always true: DELETE removes", "9:1-9:9 require-where UPDATE without WHERE changes"],
  );
});

test.run();

/**
 * What is told from a parse's JSON text without reading it into a tree: the type of its one
 * statement, read in place from the head libpg-query writes; and statements parsed several in one
 * call (`parseGroup`), each with the tree it has alone, its locations after its place in the group.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { parseGroup, parseJson, parseSql, soleStatementTree, soleStatementType, type PgNode } from "../src/sql/parser.js";
import "./helpers.js";

const test = suite("parse JSON");

const json = (sql: string): string => {
  const r = parseJson(sql);
  if (!r.ok) throw new Error(r.message);
  return r.json;
};

test("the type of the one statement, from real parses", () => {
  assert.is(soleStatementType(json("ALTER TABLE t ADD COLUMN c int")), "AlterTableStmt");
  assert.is(soleStatementType(json("select 1")), "SelectStmt");
  assert.is(soleStatementType(json("CREATE TABLE t (a int)")), "CreateStmt");
  // two statements of a type name the same
  assert.is(soleStatementType(json("SET lock_timeout = '1s'")), soleStatementType(json("SET search_path = x")));
});

test("a head it does not expect: no type (the JSON is then read in full)", () => {
  assert.is(soleStatementType('{"version":180004,"stmts":[]}'), null, "no statement");
  assert.is(soleStatementType('{"version":,"stmts":[{"stmt":{"SelectStmt":{}}}]}'), null, "no version number");
  assert.is(soleStatementType('{"stmts":[{"stmt":{"SelectStmt":{}}}]}'), null, "no version");
  assert.is(soleStatementType('{"version":1,"stmts":[{"stmt":{"Select-Stmt":{}}}]}'), null, "not a type name");
  assert.is(soleStatementType('{"version":1,"stmts":[{"stmt":{"":{}}}]}'), null, "an empty key");
  assert.is(soleStatementType('{"version":1,"stmts":[{"stmt":{"SelectStmt"}]}'), null, "a key without its value");
  assert.is(soleStatementType('{"version":1,"stmts":[{"stmt":{"Odd_Stmt":{}}}]}'), "Odd_Stmt");
});

/** A tree with every location moved back by `by` bytes (a location of 0 is left out, as libpg-query does). */
function moved(node: PgNode | null, by: number): string {
  return JSON.stringify(node, (k, v: unknown) => (k === "location" && typeof v === "number" && v >= 0 ? v - by || undefined : v));
}

test("a group: one part per text, its type, where it begins, and the tree it has alone", () => {
  const texts = ["SELECT 1", "UPDATE t SET a = 2 WHERE b = 3", "CREATE TABLE x (id int)"];
  const parts = parseGroup(texts)!;
  assert.ok(parts);
  assert.equal(
    parts.map((p) => [p.type, p.byteBase]),
    [
      ["SelectStmt", 0],
      ["UpdateStmt", 9], // after "SELECT 1;"
      ["CreateStmt", 40],
    ],
  );
  texts.forEach((text, k) => {
    const alone = parseSql(text);
    assert.ok(alone.ok);
    if (!alone.ok) return;
    assert.is(moved(soleStatementTree(parts[k]!.json), parts[k]!.byteBase), moved(alone.stmts[0]!.stmt, 0), text);
  });
});

test("a group that does not parse, or that the parser does not cut where the texts meet: none", () => {
  assert.is(parseGroup(["SELECT 1", "SELEC 2", "SELECT 3"]), null, "a syntax error in one text");
  // the rule's parenthesised actions take a `;`: the two texts are one statement together
  const rule = ["CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO x VALUES (1)", "SELECT 2)"];
  assert.ok(parseSql(rule.join(";")).ok);
  assert.is(parseGroup(rule), null);
  // a comment left open runs over the texts after it
  assert.is(parseGroup(["SELECT 1 /* open", "SELECT 2 */"]), null);
});

test.run();

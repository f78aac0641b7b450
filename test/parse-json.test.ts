/**
 * What is told from a parse's JSON text without reading it into a tree: the type of its one
 * statement, read in place from the head libpg-query writes.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { parseJson, soleStatementType } from "../src/sql/parser.js";
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

test.run();

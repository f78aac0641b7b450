import { suite } from "uvu";
import * as assert from "uvu/assert";
import { parseDocument, type DocumentOptions } from "../src/sql/document.js";
import "./helpers.js";

const test = suite("transaction model");

/** `keyword/text: tx → txAfter [effect] (block opener line)` per top-level statement. */
function model(sql: string, options: DocumentOptions = {}): string[] {
  const { statements } = parseDocument(sql, options);
  return statements.map((s) => {
    const c = s.txControl;
    const what = c ? `${c.keyword} ${c.effect}` : s.text.split(/\s+/)[0]!;
    const block = s.block ? ` @${s.block.index}` : "";
    return `${what}: ${s.tx}→${s.txAfter}${block}`;
  });
}

test("BEGIN/START TRANSACTION open; COMMIT, END, ROLLBACK, ABORT, PREPARE TRANSACTION close", () => {
  assert.equal(model("BEGIN; INSERT INTO t VALUES (1); COMMIT; START TRANSACTION; SELECT 1; ABORT; BEGIN WORK; END; BEGIN; PREPARE TRANSACTION 'x'; ROLLBACK;"), [
    "BEGIN opens: none→explicit",
    "INSERT: explicit→explicit @0",
    "COMMIT closes: explicit→none @0",
    "START TRANSACTION opens: none→explicit",
    "SELECT: explicit→explicit @3",
    "ABORT closes: explicit→none @3",
    "BEGIN opens: none→explicit",
    "END closes: explicit→none @6",
    "BEGIN opens: none→explicit",
    "PREPARE TRANSACTION closes: explicit→none @8",
    "ROLLBACK stray: none→none",
  ]);
});

test("nesting is ignored like PostgreSQL does; COMMIT AND CHAIN keeps a block open; savepoints change nothing", () => {
  assert.equal(model("BEGIN; BEGIN; SAVEPOINT a; ROLLBACK TO SAVEPOINT a; RELEASE SAVEPOINT a; COMMIT AND CHAIN; SELECT 1; ROLLBACK AND CHAIN; COMMIT; SAVEPOINT b; COMMIT AND CHAIN;"), [
    "BEGIN opens: none→explicit",
    "BEGIN nested: explicit→explicit @0",
    "SAVEPOINT savepoint: explicit→explicit @0",
    "ROLLBACK TO SAVEPOINT savepoint: explicit→explicit @0",
    "RELEASE SAVEPOINT savepoint: explicit→explicit @0",
    "COMMIT AND CHAIN chains: explicit→explicit @0",
    "SELECT: explicit→explicit @5",
    "ROLLBACK AND CHAIN chains: explicit→explicit @5",
    "COMMIT closes: explicit→none @7",
    "SAVEPOINT stray: none→none",
    "COMMIT AND CHAIN stray: none→none",
  ]);
});

test("a wrapped file: BEGIN is nested, COMMIT ends the tool's transaction, a later BEGIN opens a new block", () => {
  assert.equal(model("SELECT 1; BEGIN; SELECT 2; COMMIT; CREATE INDEX CONCURRENTLY i ON t (a); BEGIN; SELECT 3;", { assumeInTransaction: true }), [
    "SELECT: assumed→assumed",
    "BEGIN nested: assumed→assumed",
    "SELECT: assumed→assumed",
    "COMMIT ends-assumed: assumed→none",
    "CREATE: none→none",
    "BEGIN opens: none→explicit",
    "SELECT: explicit→explicit @5",
  ]);
  assert.equal(model("-- sqlguard-assume-in-transaction\nROLLBACK; SELECT 1;"), ["ROLLBACK ends-assumed: assumed→none", "SELECT: none→none"]);
  assert.equal(model("-- sqlguard-no-transaction\nCOMMIT;", { assumeInTransaction: true }), ["COMMIT stray: none→none"]);
  assert.equal(model("COMMIT PREPARED 'x';"), ["COMMIT PREPARED none: none→none"]);
});

test("statements inside DO blocks and function bodies share their parent's transaction and are not followed", () => {
  const { statements, nested } = parseDocument("BEGIN;\nDO $$ BEGIN UPDATE t SET a = 1 WHERE b; END $$;\nCOMMIT;");
  assert.is(nested.length, 1);
  assert.is(nested[0]!.tx, "explicit");
  assert.is(nested[0]!.block, statements[0]!);
  assert.is(nested[0]!.txControl, null);
  assert.equal(statements.map((s) => s.txAfter), ["explicit", "explicit", "none"]);
});

test.run();

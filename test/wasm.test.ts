/**
 * src/sql/wasm.ts, sqlguard's binding to libpg-query's WebAssembly, against the package's own
 * JavaScript wrapper: the same trees, errors, positions and tokens for the same
 * input (ASCII, multi-byte, lone surrogates, syntax errors, bad PL/pgSQL), from a module compiled
 * once and instantiated twice as a worker thread would.
 */
import { createRequire } from "node:module";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { compileParser, instantiateParser } from "../src/sql/wasm.js";

const test = suite("wasm binding");
const pkg = createRequire(import.meta.url)("libpg-query") as typeof import("libpg-query");
await pkg.loadModule();

const SQL = [
  "SELECT 1",
  "UPDATE t SET a = 'é€😀' WHERE b = 1; DELETE FROM \"ü\";",
  "SELECT 'x\uD800y'", // a lone surrogate
  "SELECT \uDC00 FROM t",
  "SELEC 1",
  "SELECT 'é' FROM WHERE",
  "SELECT $1, $2::int, 'a', 1.5, E'\\n'",
  "CREATE TABLE t (id bigint primary key, v text); INSERT INTO t VALUES (1, 'x')",
  "(".repeat(20_000),
  "-- only a comment",
  "SELECT 1\u0000; DROP TABLE t",
];
const PLPGSQL = [
  "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN UPDATE t SET x = 1; END $$",
  "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN UPDATE t SET x = ; END $$",
];

/** What the package's wrapper gives, as a value (its errors thrown as SqlError / Error). */
function theirs<T>(f: () => T): { ok: T } | { error: string; cursor?: number } {
  try {
    return { ok: f() };
  } catch (e) {
    const err = e as { message: string; sqlDetails?: { cursorPosition: number } };
    return err.sqlDetails ? { error: err.message, cursor: err.sqlDetails.cursorPosition } : { error: err.message };
  }
}

test("same results as libpg-query's own wrapper, from one module instantiated twice", async () => {
  const module = await compileParser();
  for (const pg of [await instantiateParser(module), await instantiateParser(module)]) {
    for (const sql of SQL) {
      const r = pg.parse(sql);
      const mine = "json" in r ? { ok: JSON.parse(r.json) } : { error: r.message, cursor: r.cursor };
      assert.equal(mine, theirs(() => pkg.parseSync(sql)), sql.slice(0, 40));
      const s = pg.scan(sql);
      const theirScan = theirs(() => pkg.scanSync(sql));
      assert.equal(s === null ? "error" : { ok: JSON.parse(s) }, "ok" in theirScan ? theirScan : "error", sql.slice(0, 40));
    }
    for (const sql of PLPGSQL) {
      const out = pg.parsePlpgsql(sql);
      assert.equal(out.startsWith("{") ? { ok: JSON.parse(out) } : { error: out }, theirs(() => pkg.parsePlPgSQLSync(sql)));
    }
  }
});

test("memory that grows under a large statement is read through its new buffer", async () => {
  const pg = await instantiateParser(await compileParser());
  const big = `INSERT INTO t VALUES ${Array.from({ length: 20_000 }, (_, i) => `(${i}, 'row ${i}')`).join(", ")}`;
  const r = pg.parse(big);
  assert.ok("json" in r);
  assert.equal((JSON.parse((r as { json: string }).json) as { stmts: unknown[] }).stmts.length, 1);
  const after = pg.parse("SELECT 'é'");
  assert.equal("json" in after && JSON.parse(after.json), pkg.parseSync("SELECT 'é'"));
});

test.run();

import { suite } from "uvu";
import * as assert from "uvu/assert";
import { brief } from "../../test/helpers.js";
import { at, reportEvents } from "../../test/verify-helpers.js";
import type { VerifyEvent } from "../../src/verify/events.js";

const test = suite("verify-rewrite");

const sql = 'ALTER TABLE "orders" ALTER COLUMN "total" SET DATA TYPE BIGINT;\nREINDEX INDEX "orders_pkey";\n';
const table: VerifyEvent = { kind: "rewrite", ...at(sql, 'ALTER TABLE "orders" ALTER COLUMN "total" SET DATA TYPE BIGINT'), command: "ALTER TABLE", table: "orders", index: null, mode: "AccessExclusiveLock" };
const index: VerifyEvent = { kind: "rewrite", ...at(sql, 'REINDEX INDEX "orders_pkey"'), command: "REINDEX", table: "orders", index: "orders_pkey", mode: "ShareLock" };

test("a table rewrite and an index rebuild, with what to do instead", () => {
  const r = reportEvents(sql, [table, index]);
  assert.equal(brief(r.messages), [
    "1:1-1:63 verify-rewrite ALTER TABLE rewrites orders, a table that existed before this migration: every row is copied to new storage while AccessExclusiveLock is held",
    "2:1-2:28 verify-rewrite REINDEX rebuilds index orders_pkey of orders, a table that existed before this migration, while ShareLock is held on the table",
  ]);
  assert.match(r.messages[0]!.help ?? "", /add a new column of the new type/);
  assert.match(r.messages[1]!.help ?? "", /REINDEX CONCURRENTLY/);
});

test("option indexes: false reports table rewrites only", () => {
  const r = reportEvents(sql, [table, index], { config: { rules: { "verify-rewrite": ["warn", { indexes: false }] } } });
  assert.equal(r.messages.map((m) => m.line), [1]);
});

test.run();

import { suite } from "uvu";
import * as assert from "uvu/assert";
import { brief } from "../../test/helpers.js";
import { at, reportEvents } from "../../test/verify-helpers.js";
import type { VerifyEvent } from "../../src/verify/events.js";

const test = suite("verify-lock");

const sql = 'ALTER TABLE "orders" ADD COLUMN "note" TEXT;\nCREATE INDEX "orders_status_idx" ON "orders" ("status");\n';
const lock = (needle: string, mode: Extract<VerifyEvent, { kind: "lock" }>["mode"], extra: Partial<Extract<VerifyEvent, { kind: "lock" }>> = {}): VerifyEvent => ({
  kind: "lock",
  ...at(sql, needle),
  command: needle.startsWith("ALTER") ? "ALTER TABLE" : "CREATE INDEX",
  table: "orders",
  mode,
  scanned: false,
  heldFor: 0,
  ...extra,
});

test("a measured lock is a warning with what it blocks and what to do instead", () => {
  const r = reportEvents(sql, [lock('CREATE INDEX "orders_status_idx" ON "orders" ("status")', "ShareLock")]);
  assert.equal(brief(r.messages), [
    '2:1-2:56 verify-lock CREATE INDEX takes ShareLock on orders, a table that existed before this migration: it blocks every write of it (INSERT, UPDATE, DELETE)',
  ]);
  assert.is(r.messages[0]!.severity, 1);
  assert.match(r.messages[0]!.help ?? "", /CREATE INDEX CONCURRENTLY/);
});

test("a scan under the lock, and the statements it is held through, are said", () => {
  const r = reportEvents(sql, [lock('ALTER TABLE "orders" ADD COLUMN "note" TEXT', "AccessExclusiveLock", { scanned: true, heldFor: 1 })]);
  assert.match(r.messages[0]!.message, /blocks every read and write of it, and reads the whole table while it holds it, until COMMIT: through the 1 statement after it$/);
});

test("modes below the `minimum` option are not reported (default ShareLock)", () => {
  const weak = lock('ALTER TABLE "orders" ADD COLUMN "note" TEXT', "ShareUpdateExclusiveLock");
  assert.is(reportEvents(sql, [weak]).messages.length, 0);
  const config = { rules: { "verify-lock": ["warn", { minimum: "ShareUpdateExclusiveLock" }] as ["warn", unknown] } };
  assert.is(reportEvents(sql, [weak], { config }).messages.length, 1);
  const strict = { rules: { "verify-lock": ["error", { minimum: "AccessExclusiveLock" }] as ["error", unknown] } };
  const r = reportEvents(sql, [lock('CREATE INDEX "orders_status_idx" ON "orders" ("status")', "ShareLock"), lock('ALTER TABLE "orders" ADD COLUMN "note" TEXT', "AccessExclusiveLock")], { config: strict });
  assert.equal(r.messages.map((m) => [m.line, m.severity]), [[1, 2]]);
});

test("a directive on the statement suppresses it; off turns it off", () => {
  const text = `-- sqlguard-disable-next-line verify-lock -- lookup table, 40 rows\n${sql}`;
  const e: VerifyEvent = { ...lock('ALTER TABLE "orders" ADD COLUMN "note" TEXT', "AccessExclusiveLock"), ...at(text, 'ALTER TABLE "orders" ADD COLUMN "note" TEXT') };
  assert.is(reportEvents(text, [e]).messages.length, 0);
  assert.is(reportEvents(sql, [lock('ALTER TABLE "orders" ADD COLUMN "note" TEXT', "AccessExclusiveLock")], { config: { rules: { "verify-lock": "off" } } }).messages.length, 0);
});

test("a bad option is a config error", () => {
  assert.throws(() => reportEvents(sql, [], { config: { rules: { "verify-lock": ["warn", { minimum: "RowShareLock" }] as ["warn", unknown] } } }), /minimum: must be one of/);
});

test.run();

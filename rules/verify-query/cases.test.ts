import { suite } from "uvu";
import * as assert from "uvu/assert";
import { brief } from "../../test/helpers.js";
import { at, reportEvents } from "../../test/verify-helpers.js";
import type { VerifyEvent } from "../../src/verify/events.js";

const test = suite("verify-query");

const code = 'const { rows } = await pool.query("SELECT id, legacy_code FROM customers WHERE id = $1", [id]);\n';
const rejected: VerifyEvent = {
  kind: "query",
  ...at(code, "legacy_code"),
  command: "SELECT",
  error: { message: 'column "legacy_code" does not exist', code: "42703" },
  schema: "prisma/migrations",
};

test("a query the schema rejects, in code, at the column", () => {
  const r = reportEvents(code, [rejected], { filePath: "src/customers.ts" });
  assert.equal(brief(r.messages), ['1:47-1:58 verify-query column "legacy_code" does not exist (SQLSTATE 42703, against the schema of prisma/migrations)']);
});

test("a // directive above the call suppresses it", () => {
  const text = `// sqlguard-disable-next-line verify-query -- column added by the next release\n${code}`;
  const r = reportEvents(text, [{ ...rejected, ...at(text, "legacy_code") }], { filePath: "src/customers.ts" });
  assert.equal(r.messages, []);
});

test("a dry run's failure says so", () => {
  const sql = "UPDATE orders SET totl = 0 WHERE id = 1;\n";
  const r = reportEvents(sql, [{ ...rejected, ...at(sql, "totl"), error: { message: 'column "totl" of relation "orders" does not exist', code: "42703" }, dryRun: true }], { filePath: "fix.sql" });
  assert.equal(brief(r.messages), ['1:19-1:23 verify-query the dry run failed here: column "totl" of relation "orders" does not exist (SQLSTATE 42703)']);
});

test.run();

import { suite } from "uvu";
import * as assert from "uvu/assert";
import { brief } from "../../test/helpers.js";
import { at, reportEvents } from "../../test/verify-helpers.js";
import type { VerifyEvent } from "../../src/verify/events.js";

const test = suite("verify-migration-error");

const sql = 'CREATE UNIQUE INDEX "customers_email_key" ON "customers"("emial");\n';
const failed: VerifyEvent = {
  kind: "error",
  ...at(sql, '"emial"'),
  command: "CREATE UNIQUE INDEX",
  error: { message: 'column "emial" does not exist', code: "42703", hint: 'Perhaps you meant to reference the column "customers.email".' },
  tool: "Prisma Migrate",
  rolledBack: true,
  later: 2,
};

test("PostgreSQL's error where it points, with SQLSTATE, hint and what the tool does next", () => {
  const r = reportEvents(sql, [failed], { filePath: "prisma/migrations/1_x/migration.sql" });
  assert.equal(brief(r.messages), ['1:58-1:65 verify-migration-error Prisma Migrate would stop here: column "emial" does not exist (SQLSTATE 42703)']);
  assert.is(r.messages[0]!.severity, 2);
  assert.is(
    r.messages[0]!.help,
    'Perhaps you meant to reference the column "customers.email".; the migration\'s transaction was rolled back: none of it is applied; the 2 migrations after it were not applied',
  );
});

test("the detail is part of the message", () => {
  const e: VerifyEvent = { ...failed, error: { message: 'could not create unique index "customers_email_key"', code: "23505", detail: "Key (email)=(a@example.com) is duplicated." }, later: 0, rolledBack: false };
  const r = reportEvents(sql, [e]);
  assert.match(r.messages[0]!.message, /\(SQLSTATE 23505\) — Key \(email\)=\(a@example.com\) is duplicated\.$/);
  assert.is(r.messages[0]!.help, undefined);
});

test("a password in PostgreSQL's message is masked like any other", () => {
  const text = "CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'db.prod.acme.com', password 'hunter2secret');\n";
  const e: VerifyEvent = { ...failed, ...at(text, "CREATE SERVER"), error: { message: 'invalid option "password" (value hunter2secret)', code: "HV00D" } };
  const r = reportEvents(text, [e], { config: { prodHosts: ["*.prod.acme.com"] } });
  assert.not.match(JSON.stringify(r), /hunter2secret/);
});

test.run();

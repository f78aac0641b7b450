import { suite } from "uvu";
import * as assert from "uvu/assert";
import { brief } from "../../test/helpers.js";
import { at, reportEvents } from "../../test/verify-helpers.js";
import type { VerifyEvent } from "../../src/verify/events.js";

const test = suite("verify-limit");

const sql = "CREATE EXTENSION IF NOT EXISTS postgis;\n";
const limit: VerifyEvent = { kind: "limit", ...at(sql, "CREATE EXTENSION IF NOT EXISTS postgis"), command: "CREATE EXTENSION", what: "PGlite has no extension postgis", detail: 'extension "postgis" is not available' };

test("what PGlite could not run is a warning, with PostgreSQL's words as help", () => {
  const r = reportEvents(sql, [limit]);
  assert.equal(brief(r.messages), ["1:1-1:39 verify-limit not verified: PGlite has no extension postgis"]);
  assert.is(r.messages[0]!.severity, 1);
  assert.is(r.messages[0]!.help, 'extension "postgis" is not available');
});

test("it can be turned off", () => {
  assert.equal(reportEvents(sql, [limit], { config: { rules: { "verify-limit": "off" } } }).messages, []);
});

test.run();

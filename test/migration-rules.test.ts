/**
 * What the migration rules read. Not function bodies: a CREATE FUNCTION only stores them, they run
 * when the function is called. Down migrations: the units a migration tool runs to roll a migration back (goose's
 * `-- +goose Down`, dbmate's `-- migrate:down`, a `*.down.sql` file). Undoing the up migration is
 * what they are for, so the rules whose finding is exactly that (`skipDown`: drops, renames, the
 * old column types a down migration restores) stay silent there; the lock and rewrite rules still
 * read them, since a rollback runs on the live database too. Each case lints real text with the
 * default settings, the way the CLI does.
 */
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { Config } from "../src/engine/config.js";
import { lintText } from "../src/lint/lint-text.js";
import { builtin, builtinRules } from "../rules/index.js";
import { root } from "./helpers.js";

const test = suite("what migration rules read");

/** `line rule` for every finding of the default configuration on a file of that name. */
function lint(file: string, code: string): string[] {
  const config = new Config({}, root, "test", builtin);
  return lintText(code, config, { filePath: path.join(root, "scratch", file) }).messages.map((m) => `${m.line} ${m.ruleId}`);
}

const skipping = new Set(builtinRules.filter((r) => r.skipDown).map((r) => r.id));
/** The findings of the rules that skip down migrations. */
const undoFindings = (file: string, code: string) => lint(file, code).filter((f) => skipping.has(f.split(" ")[1]!));

const UNDO = [
  "DROP TABLE invoices;",
  "ALTER TABLE orders DROP COLUMN note;",
  "ALTER TABLE orders RENAME COLUMN total_cents TO total;",
  "ALTER TABLE receipts RENAME TO bills;",
  "ALTER TABLE orders ALTER COLUMN paid_at DROP NOT NULL;",
  "CREATE TABLE legacy (id serial PRIMARY KEY, code char(3), kind_id smallint, ref_id int, name varchar(40), at timestamp);",
].join("\n");

test("a function body runs when the function is called: no migration rule reports in it, a DO block's statements they do", () => {
  const body = [
    "CREATE INDEX orders_customer_idx ON orders (customer_id);",
    "ALTER TABLE orders ADD COLUMN note text NOT NULL, ALTER COLUMN paid_at SET NOT NULL, ALTER COLUMN id TYPE bigint;",
    "ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);",
    "ALTER TABLE orders DROP COLUMN legacy;",
    "DROP TABLE old_orders;",
    "REINDEX TABLE orders;",
  ].join(" ");
  const migrationIds = new Set(builtinRules.filter((r) => r.migration).map((r) => r.id));
  const inMigration = (code: string) => lint("db/migrations/00009_helpers.sql", `-- +goose Up\n${code}\n`).filter((f) => migrationIds.has(f.split(" ")[1]!));
  assert.equal(inMigration(`CREATE FUNCTION reshape() RETURNS void LANGUAGE plpgsql AS $$ BEGIN ${body} END $$;`), []);
  assert.equal(inMigration(`CREATE PROCEDURE reshape() LANGUAGE plpgsql AS $$ BEGIN ${body} END $$;`), []);
  const now = new Set(inMigration(`DO $$ BEGIN ${body} END $$;`).map((f) => f.split(" ")[1]));
  for (const id of ["require-concurrent-index", "no-add-required-column", "no-set-not-null-scan", "no-column-type-change", "require-not-valid-foreign-key", "no-drop-column", "no-drop-table", "require-concurrent-reindex"]) {
    assert.ok(now.has(id), `${id} reports in a DO block`);
  }
});

test("TRUNCATE … CASCADE empties tables whenever it runs: in a function body too", () => {
  const found = lint("db/migrations/00010_reset.sql", "-- +goose Up\nCREATE FUNCTION reset() RETURNS void LANGUAGE sql AS $$ TRUNCATE users CASCADE $$;\n");
  assert.ok(found.includes("2 no-truncate-cascade"), found.join("\n"));
  assert.equal(builtinRules.filter((r) => r.functionBodies).map((r) => r.id), ["no-truncate-cascade"]);
});

test("the rules marked skipDown are the drop, rename and type rules", () => {
  const ids = builtinRules.filter((r) => r.skipDown).map((r) => r.id).sort();
  assert.equal(ids, [
    "no-char-type",
    "no-drop-column",
    "no-drop-not-null",
    "no-drop-table",
    "no-rename-column",
    "no-rename-table",
    "prefer-bigint-over-int",
    "prefer-bigint-over-smallint",
    "prefer-identity-column",
    "prefer-text-over-varchar",
    "prefer-timestamptz",
  ]);
  for (const r of builtinRules) if (r.skipDown) assert.ok(r.migration, `${r.id} is a migration rule`);
});

test("goose: the Down section undoes the Up one, and is not reported; the same statements in Up are", () => {
  const down = undoFindings("db/migrations/00007_undo.sql", `-- +goose Up\nSELECT 1;\n\n-- +goose Down\n${UNDO}\n`);
  assert.equal(down, []);
  const up = lint("db/migrations/00007_undo.sql", `-- +goose Up\n${UNDO}\n\n-- +goose Down\nSELECT 1;\n`);
  const rules = new Set(up.map((f) => f.split(" ")[1]));
  for (const r of builtinRules.filter((r) => r.skipDown && r.defaultSeverity !== "off")) assert.ok(rules.has(r.id), `${r.id} reports in the Up section`);
});

test("dbmate's migrate:down section and a golang-migrate .down.sql file are down migrations too", () => {
  assert.equal(undoFindings("db/migrations/20240101000000_undo.sql", `-- migrate:up\nSELECT 1;\n\n-- migrate:down\n${UNDO}\n`), []);
  assert.equal(undoFindings("migrations/000042_undo.down.sql", UNDO), []);
  assert.ok(lint("migrations/000042_undo.up.sql", UNDO).some((f) => f.endsWith("no-drop-table")));
});

test("a rollback runs on the live database too: lock rules still read down sections", () => {
  const found = lint("db/migrations/00008_orders_index.sql", `-- +goose Up\nDROP INDEX orders_customer_idx;\n\n-- +goose Down\nCREATE INDEX orders_customer_idx ON orders (customer_id);\n`);
  assert.ok(found.includes("5 require-concurrent-index"), found.join("\n"));
});

test.run();

/**
 * sqlx (Rust: SQL files run by its migrator, and its test fixtures) and Kysely (TypeScript
 * migrations run by its Migrator): temporary projects on disk, with the Cargo.toml, Cargo.lock,
 * go.mod or package.json that tell the tool, linted with no sqlguard configuration.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { Config } from "../src/engine/config.js";
import { lintText } from "../src/lint/lint-text.js";
import { codeRunModelOf, diskView, projectOf, runModelOf } from "../src/run-model/index.js";
import { cargoEntry, cargoWorkspaceMembers } from "../src/run-model/project.js";
import { sqlxAtLeast } from "../src/run-model/sql-file.js";
import { findMigrationSets, projectRunModel } from "../src/verify/migrations.js";
import { builtin } from "../rules/index.js";
import { root, tempDir } from "./helpers.js";

const test = suite("migration tools in temporary projects");
const config = new Config({}, root, "test", builtin);

/** A project in a fresh folder; `.git` ends the search for project files there. */
function project(files: Record<string, string>): string {
  return tempDir({ ".git": "", ...files });
}

/** The run model of one file, read from disk through a fresh project index. */
function model(dir: string, rel: string) {
  const file = path.join(dir, rel);
  return runModelOf(file, readFileSync(file, "utf8"), { project: projectOf(diskView()) });
}

/** `rule: message` of each finding of a file, linted as the CLI lints it. */
function findings(dir: string, rel: string): string[] {
  const file = path.join(dir, rel);
  return lintText(readFileSync(file, "utf8"), config, { filePath: file, project: projectOf(diskView()) }).messages.map((m) => `${m.ruleId}: ${m.message}`);
}

const rules = (found: string[]) => found.map((f) => f.slice(0, f.indexOf(":")));

const SQLX_TOML = `[package]
name = "inventory"
version = "0.3.0"
edition = "2021"

[dependencies]
tokio = { version = "1", features = ["full"] }
sqlx = { version = "0.8", features = [
    "runtime-tokio", # the async runtime
    "postgres",
    "migrate",
] }
`;
const lock = (version: string) => `version = 3\n\n[[package]]\nname = "sqlx"\nversion = "${version}"\n\n[[package]]\nname = "sqlx-core"\nversion = "${version}"\n`;
/** A crate depending on sqlx with the postgres feature, 0.8.6 locked, and these files. */
const sqlxProject = (files: Record<string, string>) => project({ "Cargo.toml": SQLX_TOML, "Cargo.lock": lock("0.8.6"), ...files });

test("Cargo.toml: a dependency's requirement and features, in every form a manifest writes them", () => {
  assert.equal(cargoEntry(SQLX_TOML, "sqlx"), { spec: "0.8", features: ["runtime-tokio", "postgres", "migrate"], inherited: false });
  assert.equal(cargoEntry('[dependencies]\nsqlx = "0.7.4"\n', "sqlx"), { spec: "0.7.4", features: [], inherited: false });
  assert.equal(cargoEntry('[dependencies.sqlx]\nversion = "=0.8.2" # pinned\nfeatures = ["sqlite"]\n\n[dependencies.serde]\nversion = "1"\n', "sqlx"), {
    spec: "=0.8.2",
    features: ["sqlite"],
    inherited: false,
  });
  assert.equal(cargoEntry('[dependencies]\nsqlx.workspace = true\nsqlx.features = ["postgres"]\n', "sqlx"), { spec: null, features: ["postgres"], inherited: true });
  assert.equal(cargoEntry("[dev-dependencies]\nsqlx = { workspace = true, features = ['macros'] }\n", "sqlx"), { spec: null, features: ["macros"], inherited: true });
  // not a dependency: a feature of the crate named after it, a package name, a crate with a longer name
  assert.is(cargoEntry('[package]\nname = "sqlx"\n\n[features]\nsqlx = []\n\n[dependencies]\nsqlx-core = "0.8"\n', "sqlx"), null);
  assert.equal(cargoWorkspaceMembers('[workspace]\nmembers = [\n  "api",\n  # "old",\n  "crates/*",\n]\nresolver = "2"\n\n[workspace.dependencies]\n'), ["api", "crates/*"]);
});

test("sqlx's version: the locked one, else what the written requirement allows", () => {
  assert.ok(sqlxAtLeast("0.8.6", null, "0.8.0"));
  assert.not.ok(sqlxAtLeast("0.7.4", "0.8", "0.8.0"));
  assert.not.ok(sqlxAtLeast(null, "0.7", "0.8.0"));
  assert.not.ok(sqlxAtLeast(null, "~0.7.4", "0.8.0"));
  assert.ok(sqlxAtLeast(null, "0.8", "0.8.3"));
  assert.not.ok(sqlxAtLeast(null, "=0.8.1", "0.8.3"));
  assert.ok(sqlxAtLeast(null, ">=0.6", "0.8.0"));
  assert.ok(sqlxAtLeast(null, null, "0.8.3"));
});

test("sqlx, simple migrations: each in a transaction, so several statements need no warning; the migration rules apply", () => {
  const dir = sqlxProject({
    "migrations/20240105093000_create_items.sql": "CREATE TABLE items (id bigint PRIMARY KEY, sku text NOT NULL);\nCREATE TABLE stock (item_id bigint REFERENCES items, qty int NOT NULL);\nINSERT INTO items VALUES (1, 'a');\n",
    "migrations/20240210120000_items_sku.sql": "CREATE INDEX CONCURRENTLY items_sku ON items (sku);\n",
    "migrations/20240301080000_stock_not_null.sql": "ALTER TABLE stock ALTER COLUMN item_id SET NOT NULL;\n",
  });
  const m = model(dir, "migrations/20240105093000_create_items.sql");
  assert.equal([m.tool, m.version, m.units.map((u) => `${u.role} ${u.transaction}`)], ["sqlx", "0.8.6", ["up wrapped"]]);
  assert.ok(m.evidence.some((e) => e.fact === "Cargo.toml depends on sqlx 0.8.6 (Cargo.lock) with the postgres feature" && e.source === path.join(dir, "Cargo.toml")));
  assert.not.ok(rules(findings(dir, "migrations/20240105093000_create_items.sql")).includes("require-transaction"));
  const concurrently = findings(dir, "migrations/20240210120000_items_sku.sql").filter((f) => f.startsWith("transaction-incompatible-statement"));
  assert.equal(concurrently, ["transaction-incompatible-statement: CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and here it runs inside the transaction sqlx opens around each migration"]);
  const file = path.join(dir, "migrations/20240210120000_items_sku.sql");
  const help = lintText(readFileSync(file, "utf8"), config, { filePath: file }).messages.find((x) => x.ruleId === "transaction-incompatible-statement")?.help ?? "";
  assert.match(help, /-- no-transaction/);
  // a migration-safety rule, on because sqlx runs the file as a migration
  assert.ok(rules(findings(dir, "migrations/20240301080000_stock_not_null.sql")).includes("no-set-not-null-scan"));
});

test("sqlx: a numbered SQL file outside a migrations folder of the crate is no migration of sqlx's", () => {
  const dir = sqlxProject({
    "docker/initdb/01_init.sql": "CREATE DATABASE inventory;\nCREATE INDEX CONCURRENTLY items_sku ON items (sku);\n",
    "db/migrations_pg/20240105093000_items.sql": "CREATE INDEX items_sku ON items (sku);\n",
  });
  // a script the database image runs, statement by statement: nothing wraps it
  assert.equal(model(dir, "docker/initdb/01_init.sql").tool, null);
  assert.equal(rules(findings(dir, "docker/initdb/01_init.sql")), []);
  // a folder named for migrations, a variant of migrations/ among them
  assert.equal(model(dir, "db/migrations_pg/20240105093000_items.sql").tool, "sqlx");
});

test("sqlx, reversible migrations: .up.sql and .down.sql, each wrapped; not golang-migrate's", () => {
  const dir = project({
    "Cargo.toml": '[package]\nname = "ledger"\n\n[dependencies]\nsqlx = { version = "0.8.3", default-features = false, features = ["postgres", "macros"] }\n',
    "db/migrations/3_accounts.up.sql": "CREATE TABLE accounts (id bigint PRIMARY KEY);\nCREATE TABLE entries (account bigint REFERENCES accounts);\n",
    "db/migrations/3_accounts.down.sql": "DROP TABLE entries;\nDROP TABLE accounts;\n",
  });
  const up = model(dir, "db/migrations/3_accounts.up.sql");
  const down = model(dir, "db/migrations/3_accounts.down.sql");
  assert.equal([up.tool, up.version, up.units[0]!.role, up.units[0]!.transaction], ["sqlx", null, "up", "wrapped"]);
  assert.equal([down.tool, down.units[0]!.role, down.units[0]!.transaction], ["sqlx", "down", "wrapped"]);
  assert.ok(up.evidence.some((e) => e.fact === 'Cargo.toml depends on sqlx "0.8.3" with the postgres feature'));
  assert.not.ok(rules(findings(dir, "db/migrations/3_accounts.up.sql")).includes("require-transaction"));
});

test("sqlx's -- no-transaction: the file's very first characters; the file is still one query", () => {
  const dir = sqlxProject({
    "migrations/5_alone.sql": "-- no-transaction\nCREATE INDEX CONCURRENTLY items_name ON items (name);\n",
    "migrations/6_together.sql": "-- no-transaction\nCREATE INDEX CONCURRENTLY items_kind ON items (kind);\nANALYZE items;\n",
    "migrations/7_late.sql": "\n-- no-transaction\nCREATE INDEX CONCURRENTLY items_late ON items (late);\n",
    "migrations/8_bom.sql": "\ufeff-- no-transaction\nCREATE INDEX CONCURRENTLY items_bom ON items (bom);\n",
  });
  const alone = model(dir, "migrations/5_alone.sql");
  assert.equal([alone.units[0]!.transaction, alone.units[0]!.optOut], ["implicit", { marker: "-- no-transaction (the file's first line)", present: true, effect: "implicit", honoured: true }]);
  assert.equal(findings(dir, "migrations/5_alone.sql").filter((f) => f.startsWith("transaction-incompatible")), []);
  // beside another statement it fails: one query string is one implicit transaction
  assert.match(findings(dir, "migrations/6_together.sql").find((f) => f.startsWith("transaction-incompatible")) ?? "", /even with -- no-transaction.*sqlx 0\.8\.6 sends this migration as one query/);
  // a blank line first, or a byte-order mark: sqlx compares the file's first bytes, so the marker is a comment
  for (const rel of ["migrations/7_late.sql", "migrations/8_bom.sql"]) {
    const m = model(dir, rel);
    assert.equal([m.units[0]!.transaction, m.units[0]!.optOut?.present], ["wrapped", false], rel);
    assert.match(m.notes.join("\n"), /only as the file's very first characters/, rel);
  }
});

test("sqlx before 0.8 has no -- no-transaction, and before 0.8.3 it is ignored in down migrations", () => {
  const old = project({
    "Cargo.toml": '[dependencies]\nsqlx = { version = "0.7", features = ["postgres"] }\n',
    "migrations/2_idx.sql": "-- no-transaction\nCREATE INDEX CONCURRENTLY t_a ON t (a);\n",
  });
  const m = model(old, "migrations/2_idx.sql");
  assert.equal([m.units[0]!.transaction, m.units[0]!.optOut?.honoured], ["wrapped", false]);
  assert.match(m.notes.join("\n"), /sqlx "0\.7" predates -- no-transaction \(0\.8\.0\)/);
  const mid = project({
    "Cargo.toml": SQLX_TOML,
    "Cargo.lock": lock("0.8.2"),
    "migrations/4_idx.up.sql": "-- no-transaction\nCREATE INDEX CONCURRENTLY t_b ON t (b);\n",
    "migrations/4_idx.down.sql": "-- no-transaction\nDROP INDEX CONCURRENTLY t_b;\n",
  });
  assert.is(model(mid, "migrations/4_idx.up.sql").units[0]!.transaction, "implicit");
  const down = model(mid, "migrations/4_idx.down.sql");
  assert.is(down.units[0]!.transaction, "wrapped");
  assert.match(down.notes.join("\n"), /sqlx 0\.8\.2 ignores -- no-transaction in down migrations/);
});

test("the same .up.sql naming in a Go project is golang-migrate's; a Cargo project without sqlx is left alone", () => {
  const go = project({
    "go.mod": "module example.com/svc\n\ngo 1.22\n\nrequire github.com/golang-migrate/migrate/v4 v4.18.1\n",
    "migrations/000001_init.up.sql": "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n",
  });
  const g = model(go, "migrations/000001_init.up.sql");
  assert.equal([g.tool, g.version, g.units[0]!.transaction], ["golang-migrate", "4.18.1", "implicit"]);
  // a Go module and a crate in one repository: the go.mod that requires golang-migrate decides
  const both = project({
    "go.mod": "module example.com/svc\n\nrequire github.com/golang-migrate/migrate/v4 v4.18.1\n",
    "Cargo.toml": SQLX_TOML,
    "migrations/000002_more.up.sql": "CREATE TABLE c (id int);\n",
  });
  assert.is(model(both, "migrations/000002_more.up.sql").tool, "golang-migrate");
  const rust = project({
    "Cargo.toml": '[package]\nname = "tool"\n\n[dependencies]\ntokio-postgres = "0.7"\n',
    "migrations/1_init.sql": "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n",
  });
  const r = model(rust, "migrations/1_init.sql");
  assert.equal([r.tool, r.source, r.units[0]!.transaction], [null, "default", "none"]);
  assert.ok(rules(findings(rust, "migrations/1_init.sql")).includes("require-transaction"));
  // a feature named sqlx is no dependency on it
  const feature = project({
    "Cargo.toml": '[package]\nname = "tool"\n\n[features]\nsqlx = ["dep:tokio-postgres"]\n\n[dependencies]\ntokio-postgres = { version = "0.7", optional = true }\n',
    "migrations/1_init.sql": "CREATE TABLE a (id int);\n",
  });
  assert.is(model(feature, "migrations/1_init.sql").tool, null);
});

test("sqlx in a workspace: the migrations at its root, the crate that runs them a member; features add up", () => {
  const dir = project({
    "Cargo.toml": '[workspace]\nmembers = ["crates/*"]\nresolver = "2"\n',
    "Cargo.lock": lock("0.8.1"),
    "crates/api/Cargo.toml": '[package]\nname = "api"\n\n[dependencies]\nsqlx = { version = "0.8.1", features = ["postgres"] }\n',
    "crates/cli/Cargo.toml": '[package]\nname = "cli"\n\n[dependencies]\nclap = "4"\n',
    "migrations/1_init.sql": "CREATE TABLE a (id int);\n",
  });
  const m = model(dir, "migrations/1_init.sql");
  assert.equal([m.tool, m.version], ["sqlx", "0.8.1"]);
  assert.ok(m.evidence.some((e) => e.fact === "api/Cargo.toml (a member of the workspace) depends on sqlx 0.8.1 (Cargo.lock) with the postgres feature"), JSON.stringify(m.evidence));
  // the root declares it for the members ([workspace.dependencies]); a member turns on sqlite
  const shared = project({
    "Cargo.toml": '[workspace]\nmembers = ["app"]\n\n[workspace.dependencies]\nsqlx = { version = "0.8", features = ["runtime-tokio"] }\n',
    "app/Cargo.toml": '[package]\nname = "app"\n\n[dependencies]\nsqlx = { workspace = true, features = ["sqlite"] }\n',
    "migrations/1_init.sql": "CREATE TABLE a (id int);\n",
  });
  assert.equal([model(shared, "migrations/1_init.sql").tool, model(shared, "migrations/1_init.sql").database], ["sqlx", "SQLite"]);
});

test("sqlx with only the sqlite feature: its migrations are SQLite's, so the migration-safety rules stay off", () => {
  const dir = project({
    "Cargo.toml": '[dependencies]\nsqlx = { version = "0.8", features = ["runtime-tokio", "sqlite"] }\n',
    "migrations/1_notes.sql": "CREATE TABLE notes (id integer primary key, body text);\nALTER TABLE notes ALTER COLUMN body SET NOT NULL;\n",
  });
  const m = model(dir, "migrations/1_notes.sql");
  assert.equal([m.tool, m.database], ["sqlx", "SQLite"]);
  assert.not.ok(rules(findings(dir, "migrations/1_notes.sql")).includes("no-set-not-null-scan"));
});

test("sqlx's test fixtures: one query on a test database, no migration", () => {
  const dir = project({
    "Cargo.toml": SQLX_TOML,
    "tests/fixtures/users.sql": "INSERT INTO users (id, name) VALUES (1, 'ada');\nINSERT INTO users (id, name) VALUES (2, 'grace');\nALTER TABLE users ALTER COLUMN name SET NOT NULL;\n",
    "tests/fixtures/2024_01_seed.sql": "INSERT INTO users (id, name) VALUES (3, 'edsger');\n",
  });
  const m = model(dir, "tests/fixtures/users.sql");
  assert.equal([m.tool, m.units.map((u) => `${u.role} ${u.transaction}`)], ["sqlx", ["fixture implicit"]]);
  // named like a migration, it is still a fixture
  assert.is(model(dir, "tests/fixtures/2024_01_seed.sql").units[0]!.role, "fixture");
  const found = rules(findings(dir, "tests/fixtures/users.sql"));
  assert.not.ok(found.includes("require-transaction"), found.join());
  assert.not.ok(found.includes("no-set-not-null-scan"), found.join());
});

test("verify: a folder of sqlx's reversible migrations is sqlx's, each file wrapped", () => {
  const dir = project({
    "Cargo.toml": SQLX_TOML,
    "migrations/1_a.up.sql": "CREATE TABLE a (id int);\n",
    "migrations/1_a.down.sql": "DROP TABLE a;\n",
    "migrations/2_b.up.sql": "-- no-transaction\nCREATE INDEX CONCURRENTLY a_id ON a (id);\n",
  });
  const files = ["migrations/1_a.up.sql", "migrations/1_a.down.sql", "migrations/2_b.up.sql"].map((f) => path.join(dir, f));
  const found = findMigrationSets({ root: dir, files, read: (f) => readFileSync(f, "utf8"), config: undefined, configDir: dir, runModel: projectRunModel({ project: projectOf(diskView()) }) });
  assert.equal(
    found.sets.map((s) => [s.tool, s.toolName, s.migrations.map((x) => x.units[0]!.transaction)]),
    [["sqlx", "sqlx", ["wrapped", "implicit"]]],
  );
  // simple migrations in a folder of numbered scripts: sqlx's too, not psql's
  const simple = project({ "Cargo.toml": SQLX_TOML, "migrations/1_a.sql": "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n" });
  const one = findMigrationSets({
    root: simple,
    files: [path.join(simple, "migrations/1_a.sql")],
    read: (f) => readFileSync(f, "utf8"),
    config: undefined,
    configDir: simple,
    runModel: projectRunModel({ project: projectOf(diskView()) }),
  });
  assert.equal(
    one.sets.map((s) => [s.tool, s.notes, s.migrations[0]!.units[0]!.transaction]),
    [["sqlx", [], "wrapped"]],
  );
});

const KYSELY_PKG = '{ "name": "shop", "private": true, "dependencies": { "kysely": "0.28.7", "pg": "8.13.1" } }';
const ORDERS = `import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql\`CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, placed_at timestamptz NOT NULL)\`.execute(db);
  await sql\`CREATE INDEX orders_placed_at ON orders (placed_at)\`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql\`DROP TABLE orders\`.execute(db);
}
`;
const STATUS = `import { Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql\`CREATE INDEX CONCURRENTLY orders_status ON orders (status)\`.execute(db);
  await sql.raw("ALTER TABLE orders ALTER COLUMN status SET NOT NULL").execute(db);
}
`;
const RUNNER = (options: string) => `import { promises as fs } from "node:fs";
import path from "node:path";
import { FileMigrationProvider, Kysely, Migrator, PostgresDialect } from "kysely";

export async function migrate(db: Kysely<unknown>) {
  const migrator = new Migrator({
    db,${options}
    provider: new FileMigrationProvider({ fs, path, migrationFolder: path.join(import.meta.dirname, "migrations") }),
  });
  return migrator.migrateToLatest();
}
`;

function codeModel(dir: string, rel: string) {
  const file = path.join(dir, rel);
  return codeRunModelOf(file, readFileSync(file, "utf8"), { project: projectOf(diskView()) });
}

test("Kysely: its Migrator wraps the migrations in one transaction; each sql`…`.execute(db) is one query", () => {
  const dir = project({
    "package.json": KYSELY_PKG,
    "src/db/migrate.ts": RUNNER(""),
    "src/db/migrations/2025-01-10_orders.ts": ORDERS,
    "src/db/migrations/2025-02-03_status.ts": STATUS,
  });
  const m = codeModel(dir, "src/db/migrations/2025-02-03_status.ts")!;
  assert.equal([m.tool, m.version, m.transaction, m.optOut?.present], ["kysely", "0.28.7", "wrapped", false]);
  const status = findings(dir, "src/db/migrations/2025-02-03_status.ts");
  assert.ok(status.includes("transaction-incompatible-statement: CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and here it runs inside the transaction Kysely's Migrator opens around the migrations it runs"), status.join("\n"));
  // sql.raw(…) is read too, and the migration-safety rules apply
  assert.ok(rules(status).includes("no-set-not-null-scan"));
  // the index on the table the string before created needs no CONCURRENTLY
  assert.not.ok(rules(findings(dir, "src/db/migrations/2025-01-10_orders.ts")).includes("require-concurrent-index"));
});

test("Kysely's disableTransactions: true on the Migrator (0.28+): each query on its own", () => {
  const dir = project({
    "package.json": KYSELY_PKG,
    "src/db/migrate.ts": RUNNER("\n    disableTransactions: true,"),
    "src/db/migrations/2025-02-03_status.ts": STATUS,
  });
  const m = codeModel(dir, "src/db/migrations/2025-02-03_status.ts")!;
  assert.equal([m.transaction, m.optOut?.present, m.optOut?.honoured], ["none", true, true]);
  assert.ok(m.evidence.some((e) => e.fact === "src/db/migrate.ts: disableTransactions: true (Kysely's Migrator)"));
  assert.not.ok(rules(findings(dir, "src/db/migrations/2025-02-03_status.ts")).includes("transaction-incompatible-statement"));
  // kysely-ctl's config says it too; Kysely 0.27 has no such option
  const ctl = project({
    "package.json": '{ "devDependencies": { "kysely": "0.27.6", "kysely-ctl": "0.10.0" } }',
    "kysely.config.ts": 'import { defineConfig } from "kysely-ctl";\nexport default defineConfig({ dialect: "pg", migrations: { disableTransactions: true } });\n',
    "migrations/1_status.ts": STATUS,
  });
  const old = codeModel(ctl, "migrations/1_status.ts")!;
  assert.equal([old.transaction, old.optOut?.present, old.optOut?.honoured], ["wrapped", true, false]);
  assert.match(old.notes.join("\n"), /Kysely 0\.27\.6 predates disableTransactions \(0\.28\.0\)/);
});

test("Kysely: a JavaScript migration importing kysely counts; a file that only queries with Kysely does not", () => {
  const dir = project({
    "package.json": KYSELY_PKG,
    "migrations/001_tags.mjs": 'import { sql } from "kysely";\n\nexport async function up(db) {\n  await sql`CREATE TABLE tags (id bigint PRIMARY KEY)`.execute(db);\n}\n',
    "src/repo.ts": 'import { Kysely, sql } from "kysely";\n\nexport async function count(db: Kysely<any>) {\n  return sql`SELECT count(*) FROM tags`.execute(db);\n}\n',
  });
  assert.is(codeModel(dir, "migrations/001_tags.mjs")?.tool, "kysely");
  assert.is(codeModel(dir, "src/repo.ts"), null);
  // without kysely in the project, the shape alone is not enough
  const bare = project({ "package.json": "{}", "m/1.ts": ORDERS });
  assert.is(codeModel(bare, "m/1.ts"), null);
});

test.run();

/**
 * Each migration tool's typical folder (test/fixtures/migration-tools/<tool>/, with the project
 * files that tell the tool) linted with no sqlguard configuration at all: the run model must find
 * the tool and apply how it really runs each file. Only the transaction rules and syntax errors are
 * looked at; `line:column rule message-start` lines, per file.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { Config } from "../src/engine/config.js";
import { lintText } from "../src/lint/lint-text.js";
import { runModelOf, codeRunModelOf, codeDocumentRun, explainRunModel, resolveRunModel } from "../src/run-model/index.js";
import { runRule } from "./document-runner.js";
import { root } from "./helpers.js";
import { builtin } from "../rules/index.js";

const test = suite("migration tools, no configuration");
const base = path.join(root, "test/fixtures/migration-tools");
const RULES = new Set(["require-transaction", "unbalanced-transaction", "transaction-incompatible-statement", "syntax-error"]);
const config = new Config({}, root, "test", builtin);

function files(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const p = path.join(dir, n);
      return statSync(p).isDirectory() ? files(p) : n.endsWith(".sql") ? [p] : [];
    });
}

/** Findings of the transaction rules and syntax-error for every SQL file of a fixture, by relative path. */
function lintTool(tool: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const file of files(path.join(base, tool))) {
    const result = lintText(readFileSync(file, "utf8"), config, { filePath: file });
    const found = result.messages
      .filter((m) => RULES.has(m.ruleId ?? ""))
      .map((m) => `${m.line}:${m.column} ${m.severity === 2 ? "error" : "warn"} ${m.ruleId}: ${m.message}`);
    if (found.length) out[path.relative(path.join(base, tool), file).split(path.sep).join("/")] = found;
  }
  return out;
}

function model(tool: string, rel: string) {
  const file = path.join(base, tool, rel);
  return runModelOf(file, readFileSync(file, "utf8"));
}

/** The findings, each cut to the length of the expected text it must start with. */
function startsWith(found: Record<string, string[]>, want: Record<string, string[]>): void {
  const cut = Object.fromEntries(Object.entries(found).map(([k, v]) => [k, v.map((s, i) => s.slice(0, want[k]?.[i]?.length ?? s.length))]));
  assert.equal(cut, want);
}

test("Prisma before 7.4: one query per migration, so CONCURRENTLY fails beside another statement", () => {
  assert.is(model("prisma-6", "prisma/migrations/20240301120000_init/migration.sql").version, "6.19.3");
  assert.equal(lintTool("prisma-6"), {
    "prisma/migrations/20240315093000_order_indexes/migration.sql": [
      "5:1 error transaction-incompatible-statement: CREATE INDEX CONCURRENTLY cannot run inside a transaction block: Prisma Migrate 6.19.3 sends this migration as one query, and PostgreSQL runs several statements sent together as one implicit transaction",
    ],
  });
});

test("Prisma 7.4+: CREATE INDEX CONCURRENTLY runs apart; DROP INDEX CONCURRENTLY beside another statement still fails", () => {
  startsWith(lintTool("prisma-7"), {
    "prisma/migrations/20260402090000_drop_old_indexes/migration.sql": [
      "2:1 error transaction-incompatible-statement: DROP INDEX CONCURRENTLY cannot run inside a transaction block: Prisma Migrate 7.5.0 sends",
    ],
  });
});

test("goose: Up and Down are separate scripts; StatementBegin/End blocks need no ';'; NO TRANSACTION is honoured", () => {
  const m = model("goose", "db/migrations/00001_create_invoices.sql");
  assert.equal(
    m.units.map((u) => `${u.role} ${u.transaction} ${u.breaks.length}`),
    ["up wrapped 4", "down wrapped 0"],
  );
  assert.is(m.version, "3.27.1");
  startsWith(lintTool("goose"), {
    "db/migrations/00003_invoices_customer_index.sql": [
      "3:1 error transaction-incompatible-statement: CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and here it runs inside the transaction goose",
      "6:1 error transaction-incompatible-statement: DROP INDEX CONCURRENTLY cannot run inside a transaction block, and here it runs inside the transaction goose op",
    ],
  });
  // the help names goose's own opt-out
  const file = path.join(base, "goose/db/migrations/00003_invoices_customer_index.sql");
  const help = lintText(readFileSync(file, "utf8"), config, { filePath: file }).messages.find((m) => m.ruleId === "transaction-incompatible-statement")?.help;
  assert.match(help ?? "", /-- \+goose NO TRANSACTION/);
});

test("goose before 3.19.1 reads annotations in their documented case only: a lower-case NO TRANSACTION is a comment", () => {
  const m = model("goose-3.18", "migrations/20231104120000_events_index.sql");
  assert.is(m.units[0]!.transaction, "wrapped");
  assert.match(m.notes.join("\n"), /documented case only/);
  assert.equal(Object.keys(lintTool("goose-3.18")), ["migrations/20231104120000_events_index.sql"]);
});

test("dbmate: each section wrapped; transaction:false still sends the section as one query", () => {
  assert.equal(
    model("dbmate", "db/migrations/20240215080000_subscribers_confirmed_index.sql").units.map((u) => `${u.role} ${u.transaction} ${u.optOut?.present}`),
    ["up implicit true", "down wrapped false"],
  );
  startsWith(lintTool("dbmate"), {
    "db/migrations/20240215080000_subscribers_confirmed_index.sql": [
      "3:1 error transaction-incompatible-statement: CREATE INDEX CONCURRENTLY cannot run inside a transaction block: even with -- migrate:up transaction:false, dbmate 2.26.0 sends this migrate:up section as on",
    ],
    "db/migrations/20240301100000_issues_subject_index.sql": [
      "2:1 error transaction-incompatible-statement: CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and here it runs inside the transaction dbmate opens around each section",
    ],
  });
});

test("golang-migrate: each file one query; a lone CONCURRENTLY is fine, two are not", () => {
  startsWith(lintTool("golang-migrate"), {
    "migrations/000003_items_name_index.up.sql": [
      "1:1 error transaction-incompatible-statement: CREATE INDEX CONCURRENTLY cannot run inside a transa",
      "2:1 error transaction-incompatible-statement: CREATE INDEX CONCURRENTLY cannot run inside a transa",
    ],
  });
  assert.equal(
    ["000001_create_items.up.sql", "000001_create_items.down.sql"].map((f) => model("golang-migrate", `migrations/${f}`).units[0]!.role),
    ["up", "down"],
  );
});

test("diesel: wrapped; run_in_transaction = false drops the transaction but still sends one query", () => {
  const found = lintTool("diesel");
  assert.equal(Object.keys(found), ["migrations/2024-03-05-081500_posts_author_index/up.sql", "migrations/2024-04-12-170000_posts_slug_index/up.sql"]);
  assert.match(found["migrations/2024-03-05-081500_posts_author_index/up.sql"]![0]!, /even with run_in_transaction = false \(metadata\.toml\), diesel 2\.2\.0 sends this migration as one query/);
  assert.match(found["migrations/2024-04-12-170000_posts_slug_index/up.sql"]![0]!, /runs inside the transaction diesel opens around each migration/);
});

test("Flyway: a migration of only non-transactional statements runs without one; a mix is refused; .sql.conf wins; ${placeholders} parse", () => {
  startsWith(lintTool("flyway"), {
    "src/main/resources/db/migration/V3__employees_department.sql": [
      "2:1 error transaction-incompatible-statement: CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and this migration mixes it with stat",
    ],
  });
});

test("Liquibase formatted SQL: one unit per changeset; runInTransaction:false honoured; end delimiters; ${parameters} parse", () => {
  const m = model("liquibase", "src/main/resources/db/changelog/changes/001-contacts.sql");
  assert.equal(
    m.units.map((u) => `${u.name} ${u.transaction} ${u.breaks.length}`),
    ["maria:1 wrapped 0", "maria:2 none 0", "maria:3 wrapped 0", "jonas:4 wrapped 2"],
  );
  startsWith(lintTool("liquibase"), {
    "src/main/resources/db/changelog/changes/001-contacts.sql": [
      "21:1 error transaction-incompatible-statement: CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and here it runs inside the transaction Liq",
    ],
  });
});

test("sqitch: psql statement by statement; the script's own BEGIN decides", () => {
  startsWith(lintTool("sqitch"), {
    "deploy/users.sql": [
      "4:1 warn require-transaction: 2 writes run outside a transaction block: a failure part-way leaves up to 1 of them applied",
    ],
    "deploy/users_index.sql": [
      "6:1 error transaction-incompatible-statement: CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and here it r",
    ],
  });
  assert.equal(model("sqitch", "verify/users.sql").units[0]!.role, "verify");
});

test("graphile-migrate: wrapped; --! no-transaction sends the migration alone; fixtures and current.sql too", () => {
  startsWith(lintTool("graphile-migrate"), {
    "migrations/committed/000003.sql": [
      "5:1 error transaction-incompatible-statement: CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and here it runs inside the transaction gra",
    ],
  });
  assert.equal(model("graphile-migrate", "migrations/fixtures/functions/post_excerpt.sql").tool, "graphile-migrate");
  assert.equal(model("graphile-migrate", "migrations/current.sql").tool, "graphile-migrate");
});

test("Drizzle Kit: one transaction for the run, breakpoint chunks; no opt-out", () => {
  startsWith(lintTool("drizzle"), {
    "drizzle/0001_tired_hulk.sql": [
      "2:33 error transaction-incompatible-statement: 'urgent' was added to public.priority by ALTER TYPE … ADD VALUE on line 1 in this same transaction: Post",
      "3:1 error transaction-incompatible-statement: CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and here it runs inside the transaction Dri",
    ],
  });
  // the last statement of a chunk needs no ';'
  assert.equal(model("drizzle", "drizzle/0000_lucky_nova.sql").units[0]!.breaks.length, 4);
});

test("node-pg-migrate SQL files: Up and Down sections, wrapped", () => {
  startsWith(lintTool("node-pg-migrate"), {
    "migrations/1717100000000_samples-taken-index.sql": [
      "2:1 error transaction-incompatible-statement: CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and here it runs inside the transaction nod",
    ],
  });
});

test("named-query files: each query its own statement, sent alone; their parameters parse", () => {
  for (const tool of ["sqlc", "yesql", "pugsql", "pgtyped", "goyesql"]) {
    assert.equal(lintTool(tool), {}, tool);
  }
  const sqlc = model("sqlc", "db/query/authors.sql");
  assert.is(sqlc.tool, "sqlc");
  assert.equal(sqlc.units.map((u) => u.name), ["GetAuthor", "ListAuthorsByName", "UpdateAuthorBio", "DeleteAuthor", "CountAuthors"]);
  assert.equal(model("yesql", "resources/sql/books.sql").units.map((u) => u.name), ["books-by-author", "mark-borrowed!", "forget-member!"]);
  assert.is(model("goyesql", "queries/notes.sql").tool, "goyesql");
  assert.is(model("pugsql", "queries/users.sql").tool, "pugsql");
  assert.equal(model("pgtyped", "src/books/queries.sql").units.map((u) => u.name), ["FindBookById", "InsertBooks", "UpdateBookRank"]);
  // the last query of a sqlc file has no ';': the file ends it, nothing to warn about
  const file = path.join(base, "sqlc/db/query/authors.sql");
  assert.equal(lintText(readFileSync(file, "utf8"), config, { filePath: file }).messages.filter((m) => m.ruleId === "require-semicolon"), []);
});

test("migrations written in code: the tool, its transaction and its opt-out, for the code extractor", () => {
  const code = (tool: string, rel: string) => {
    const file = path.join(base, tool, rel);
    const m = codeRunModelOf(file, readFileSync(file, "utf8"));
    return m ? `${m.tool} ${m.version ?? "?"} ${m.transaction} optOut=${m.optOut?.present ?? "-"} sinks=${m.sinks.join(",")}` : null;
  };
  assert.equal(
    [
      code("knex", "migrations/20240501090000_create_leads.js"),
      code("knex", "migrations/20240502090000_leads_email_index.js"),
      code("typeorm", "src/migrations/1714000000000-CreateTickets.ts"),
      code("typeorm", "src/migrations/1714100000000-TicketStatusIndex.ts"),
      code("sequelize", "migrations/20240601000000-create-pages.js"),
      code("sequelize", "migrations/20240602000000-page-slugs.js"),
      code("mikro-orm", "src/migrations/Migration20240701120000.ts"),
      code("mikro-orm", "src/migrations/Migration20240702120000.ts"),
      code("db-migrate", "migrations/20240801000000-create-flags.js"),
      code("node-pg-migrate", "migrations/1717200000000_samples-unit.js"),
    ],
    [
      "knex ? wrapped optOut=false sinks=knex.raw,knex.schema.raw,trx.raw",
      "knex ? none optOut=true sinks=knex.raw,knex.schema.raw,trx.raw",
      "typeorm 0.3.20 wrapped optOut=false sinks=queryRunner.query",
      "typeorm 0.3.20 none optOut=true sinks=queryRunner.query",
      "sequelize 6.6.2 none optOut=- sinks=queryInterface.sequelize.query,sequelize.query",
      "sequelize 6.6.2 wrapped optOut=- sinks=queryInterface.sequelize.query,sequelize.query",
      "mikro-orm 6.4.0 wrapped optOut=false sinks=this.addSql,this.execute",
      "mikro-orm 6.4.0 none optOut=true sinks=this.addSql,this.execute",
      "db-migrate 0.11.14 wrapped optOut=false sinks=db.runSql,db.all",
      "node-pg-migrate 7.9.1 none optOut=true sinks=pgm.sql,pgm.db.query",
    ],
  );
});

test("a SQL string of a code migration, given its tool's run: CONCURRENTLY in TypeORM's transaction is an error naming TypeORM", () => {
  const file = path.join(base, "typeorm/src/migrations/1714000000000-CreateTickets.ts");
  const run = codeDocumentRun(codeRunModelOf(file, readFileSync(file, "utf8"))!);
  assert.equal(runRule("transaction-incompatible-statement", 'CREATE INDEX CONCURRENTLY "IDX_ticket_title" ON "ticket" ("title")', { kind: "embedded", psql: false, run }), [
    '1:1-1:67 CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and here it runs inside the transaction TypeORM opens around the migrations it runs (migrationsTransactionMode "all")',
  ]);
  const knex = path.join(base, "knex/migrations/20240502090000_leads_email_index.js");
  const off = codeDocumentRun(codeRunModelOf(knex, readFileSync(knex, "utf8"))!);
  assert.equal(runRule("transaction-incompatible-statement", "CREATE INDEX CONCURRENTLY leads_email_idx ON leads (email)", { kind: "embedded", psql: false, run: off }), []);
});

test("the decision is printable: tool, version, evidence, units", () => {
  const lines = explainRunModel(model("goose", "db/migrations/00004_invoices_due_index.sql"));
  assert.is(lines[0], "runs with: goose 3.27.1 [detected]");
  assert.ok(lines.some((l) => l.includes("go.mod requires github.com/pressly/goose")));
  assert.ok(lines.some((l) => /unit up "Up" .*none .*opt-out -- \+goose NO TRANSACTION: used/.test(l)));
  // with the config's say, as the linter applies it
  const file = path.join(base, "knex/migrations/20240502090000_leads_email_index.js");
  const code = resolveRunModel(file, readFileSync(file, "utf8"), { migrationTool: () => undefined });
  assert.equal(code.explanation.slice(0, 1), ["runs with: knex [detected]"]);
  assert.ok(code.explanation.some((l) => l === "  opt-out export const config = { transaction: false }: used"));
  const sql = path.join(base, "golang-migrate/migrations/000001_create_items.up.sql");
  const forced = resolveRunModel(sql, readFileSync(sql, "utf8"), { migrationTool: () => "none" });
  assert.equal([forced.sql?.tool, forced.sql?.source], [null, "config"]);
});

test.run();

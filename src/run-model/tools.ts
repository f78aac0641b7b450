/**
 * What sqlguard knows of each tool, in words: its name, the documentation it rests on, how it runs
 * a file, and its opt-out. Messages and docs/migration-tools.md are built from these.
 */
import type { ToolId } from "./types.js";

export interface ToolInfo {
  id: ToolId;
  /** As messages name it. */
  name: string;
  /** `migration`: runs migration files; `queries`: reads named queries, each sent on its own. */
  kind: "migration" | "queries";
  /** The tool's own documentation for how it runs SQL. */
  docs: string;
  /** The transaction it opens, for messages ("inside {{transaction}}"). */
  transaction: string;
  /** What to do about a statement its transaction refuses (its opt-out, or that there is none). */
  refusedHelp: string;
}

export const TOOLS: Record<ToolId, ToolInfo> = {
  prisma: {
    id: "prisma",
    name: "Prisma Migrate",
    kind: "migration",
    docs: "https://www.prisma.io/docs/orm/prisma-migrate/workflows/customizing-migrations",
    transaction: "the implicit transaction of the one query Prisma Migrate sends per migration",
    refusedHelp: "give the statement a migration of its own (Prisma Migrate has no opt-out; from Prisma 7.4 on it runs CREATE INDEX CONCURRENTLY apart by itself)",
  },
  goose: {
    id: "goose",
    name: "goose",
    kind: "migration",
    docs: "https://pressly.github.io/goose/documentation/annotations/",
    transaction: "the transaction goose opens around each migration",
    refusedHelp: "add -- +goose NO TRANSACTION to the file (goose then runs every statement of it on its own), or move the statement to a migration of its own that has it",
  },
  dbmate: {
    id: "dbmate",
    name: "dbmate",
    kind: "migration",
    docs: "https://github.com/amacneil/dbmate#options",
    transaction: "the transaction dbmate opens around each section",
    refusedHelp:
      "give the statement a section of its own marked -- migrate:up transaction:false (dbmate still sends a section as one query, so it must be the only statement there)",
  },
  "golang-migrate": {
    id: "golang-migrate",
    name: "golang-migrate",
    kind: "migration",
    docs: "https://github.com/golang-migrate/migrate/tree/master/database/postgres#multi-statement-mode",
    transaction: "the implicit transaction of the one query golang-migrate sends per file",
    refusedHelp: "move the statement to a migration file of its own (golang-migrate sends each file as one query)",
  },
  diesel: {
    id: "diesel",
    name: "diesel",
    kind: "migration",
    docs: "https://docs.rs/diesel_migrations/latest/diesel_migrations/struct.FileBasedMigrations.html",
    transaction: "the transaction diesel opens around each migration",
    refusedHelp:
      "move the statement to a migration of its own whose metadata.toml says run_in_transaction = false (diesel still sends the file as one query, so it must be the only statement there)",
  },
  sqlx: {
    id: "sqlx",
    name: "sqlx",
    kind: "migration",
    docs: "https://docs.rs/sqlx/latest/sqlx/macro.migrate.html",
    transaction: "the transaction sqlx opens around each migration",
    refusedHelp:
      "move the statement to a migration of its own whose first line is -- no-transaction (sqlx 0.8+; it still sends the file as one query, so it must be the only statement there)",
  },
  flyway: {
    id: "flyway",
    name: "Flyway",
    kind: "migration",
    docs: "https://documentation.red-gate.com/fd/migration-transaction-handling-273973399.html",
    transaction: "the transaction Flyway opens around each migration",
    refusedHelp:
      "move the statement to a migration of its own (Flyway runs a migration made only of such statements without a transaction), or set executeInTransaction=false in a <script>.sql.conf beside it",
  },
  liquibase: {
    id: "liquibase",
    name: "Liquibase",
    kind: "migration",
    docs: "https://docs.liquibase.com/concepts/changelogs/sql-format.html",
    transaction: "the transaction Liquibase opens around each changeset",
    refusedHelp: "put the statement in a changeset of its own with runInTransaction:false on its --changeset line",
  },
  sqitch: {
    id: "sqitch",
    name: "sqitch",
    kind: "migration",
    docs: "https://sqitch.org/docs/manual/sqitch-configuration/",
    transaction: "the transaction this script opens",
    refusedHelp: "run the statement outside the script's BEGIN … COMMIT (sqitch runs the script with psql, statement by statement)",
  },
  "graphile-migrate": {
    id: "graphile-migrate",
    name: "graphile-migrate",
    kind: "migration",
    docs: "https://github.com/graphile/migrate#transactions",
    transaction: "the transaction graphile-migrate opens around each migration",
    refusedHelp: "move the statement to a migration of its own whose first line is --! no-transaction (graphile-migrate then sends it alone, as one query)",
  },
  drizzle: {
    id: "drizzle",
    name: "Drizzle Kit",
    kind: "migration",
    docs: "https://orm.drizzle.team/docs/migrations",
    transaction: "the transaction Drizzle's migrator opens around every pending migration",
    refusedHelp: "run the statement outside Drizzle's migrator (it has no way to run a migration without its transaction)",
  },
  "node-pg-migrate": {
    id: "node-pg-migrate",
    name: "node-pg-migrate",
    kind: "migration",
    docs: "https://salsita.github.io/node-pg-migrate/migrations/",
    transaction: "the transaction node-pg-migrate opens around the migrations it runs",
    refusedHelp: "call pgm.noTransaction() in that migration (node-pg-migrate then sends each step on its own)",
  },
  knex: {
    id: "knex",
    name: "knex",
    kind: "migration",
    docs: "https://knexjs.org/guide/migrations.html#transactions-in-migrations",
    transaction: "the transaction knex opens around the migrations it runs",
    refusedHelp: "export config = { transaction: false } from that migration",
  },
  typeorm: {
    id: "typeorm",
    name: "TypeORM",
    kind: "migration",
    docs: "https://typeorm.io/docs/migrations/executing",
    transaction: "the transaction TypeORM opens around the migrations it runs (migrationsTransactionMode \"all\")",
    refusedHelp: "set transaction = false in that migration and run migrations with migrationsTransactionMode \"each\" (in the default \"all\" TypeORM refuses a migration that sets it)",
  },
  sequelize: {
    id: "sequelize",
    name: "Sequelize (umzug)",
    kind: "migration",
    docs: "https://sequelize.org/docs/v6/other-topics/migrations/",
    transaction: "the transaction this migration opens",
    refusedHelp: "run the statement outside queryInterface.sequelize.transaction(…)",
  },
  "mikro-orm": {
    id: "mikro-orm",
    name: "MikroORM",
    kind: "migration",
    docs: "https://mikro-orm.io/docs/migrations",
    transaction: "the transaction MikroORM opens around each migration",
    refusedHelp: "override isTransactional() to return false in that migration",
  },
  "db-migrate": {
    id: "db-migrate",
    name: "db-migrate",
    kind: "migration",
    docs: "https://db-migrate.readthedocs.io/en/latest/Getting%20Started/commands/",
    transaction: "the transaction db-migrate opens around each migration",
    refusedHelp: "run that migration with db-migrate's --non-transactional flag (it applies to the whole run)",
  },
  kysely: {
    id: "kysely",
    name: "Kysely",
    kind: "migration",
    docs: "https://kysely.dev/docs/migrations",
    transaction: "the transaction Kysely's Migrator opens around the migrations it runs",
    refusedHelp:
      "give the Migrator disableTransactions: true (Kysely 0.28+; from 0.29 also migrateToLatest({ disableTransactions: true })): it applies to every migration of the run, each query then committing on its own",
  },
  sqlc: {
    id: "sqlc",
    name: "sqlc",
    kind: "queries",
    docs: "https://docs.sqlc.dev/en/latest/reference/query-annotations.html",
    transaction: "the caller's transaction",
    refusedHelp: "send the statement outside a transaction",
  },
  yesql: {
    id: "yesql",
    name: "yesql",
    kind: "queries",
    docs: "https://github.com/krisajenkins/yesql#one-file-many-queries",
    transaction: "the caller's transaction",
    refusedHelp: "send the statement outside a transaction",
  },
  goyesql: {
    id: "goyesql",
    name: "goyesql",
    kind: "queries",
    docs: "https://github.com/nleof/goyesql",
    transaction: "the caller's transaction",
    refusedHelp: "send the statement outside a transaction",
  },
  pugsql: {
    id: "pugsql",
    name: "PugSQL",
    kind: "queries",
    docs: "https://pugsql.org/tutorial",
    transaction: "the caller's transaction",
    refusedHelp: "send the statement outside a transaction",
  },
  pgtyped: {
    id: "pgtyped",
    name: "pgtyped",
    kind: "queries",
    docs: "https://pgtyped.dev/docs/sql-file",
    transaction: "the caller's transaction",
    refusedHelp: "send the statement outside a transaction",
  },
};

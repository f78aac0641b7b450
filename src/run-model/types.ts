/**
 * The run model of a file: which tool runs it, and how. A migration tool does not hand a file to
 * PostgreSQL as psql would: it cuts it into the units it runs (goose's Up and Down sections, sqlc's
 * named queries, Liquibase's changesets…), sends each unit in its own way (inside a BEGIN … COMMIT it
 * opens, as one query string, or statement by statement), and often offers a marker that changes
 * this for one migration. The transaction rules read this model instead of guessing.
 *
 * Transaction modes (see DESIGN.md, "A file knows how it will run"):
 * - `wrapped`: the tool sends BEGIN, the unit's statements, then COMMIT;
 * - `implicit`: the whole unit is sent as one query string; PostgreSQL runs several statements sent
 *   together as one implicit transaction, and a single statement outside any;
 * - `none`: each statement is sent and committed on its own (unless the file opens a block itself).
 */

export type TxMode = "wrapped" | "implicit" | "none";

/** Migration tools and query-file libraries sqlguard knows how to read. */
export const TOOL_IDS = [
  "prisma",
  "goose",
  "dbmate",
  "golang-migrate",
  "diesel",
  "sqlx",
  "flyway",
  "liquibase",
  "sqitch",
  "graphile-migrate",
  "drizzle",
  "node-pg-migrate",
  "knex",
  "typeorm",
  "sequelize",
  "mikro-orm",
  "db-migrate",
  "kysely",
  "sqlc",
  "yesql",
  "goyesql",
  "pugsql",
  "pgtyped",
] as const;

export type ToolId = (typeof TOOL_IDS)[number];

/**
 * The tools whose migrations are written in code (TypeScript/JavaScript): the ones a code file can
 * be a migration of. The others run SQL files only (node-pg-migrate runs both).
 */
export const CODE_TOOL_IDS: readonly ToolId[] = ["node-pg-migrate", "knex", "typeorm", "sequelize", "mikro-orm", "db-migrate", "kysely"];

/** One fact the decision rests on, for `--print-config` and the docs. */
export interface Evidence {
  /** What was seen: `go.mod requires github.com/pressly/goose/v3 v3.27.1`. */
  fact: string;
  /** Where: a path (absolute), or `file` for the file itself. */
  source: string;
}

/** A tool's per-migration marker for running without its transaction, and what it does here. */
export interface OptOut {
  /** How it is written: `-- +goose NO TRANSACTION`. */
  marker: string;
  /** The file (or this unit) uses it. */
  present: boolean;
  /**
   * The mode the unit gets with the marker: `none` when the tool then sends each statement on its
   * own, `implicit` when it drops its BEGIN but still sends the unit as one string (dbmate's
   * `transaction:false`, diesel's `run_in_transaction = false`, graphile-migrate's `--! no-transaction`).
   */
  effect: TxMode;
  /** The tool reads the marker at all (TypeORM's `transaction = false` is refused in its default mode). */
  honoured: boolean;
}

/**
 * What happens to a statement PostgreSQL refuses inside a transaction block (`CREATE INDEX
 * CONCURRENTLY`, `VACUUM`…):
 * - `fails`: it runs in the unit's transaction like the others (PostgreSQL error 25001);
 * - `apart`: the tool sends the commands in `apart` on their own, outside the transaction (Prisma 7.4+);
 * - `flyway`: a migration made only of such statements runs without a transaction, and Flyway refuses
 *   a migration that mixes them with others (its `mixed` setting is off by default);
 * - `flyway-mixed`: Flyway's `mixed = true`: such a migration runs without a transaction.
 */
export type RefusedPolicy = "fails" | "apart" | "flyway" | "flyway-mixed";

/**
 * A statement boundary the tool imposes where SQL has none: the statement open there ends (goose's
 * `-- +goose StatementEnd`, Drizzle's `--> statement-breakpoint`, a Liquibase end delimiter). Text
 * from `at` to `skipTo` is the delimiter itself and is no part of any statement.
 */
export interface Break {
  at: number;
  skipTo: number;
}

/**
 * Direction of a unit: what runs when the project migrates forward, back, or is queried; `fixture`:
 * test data a test harness loads into a throwaway database (sqlx's `#[sqlx::test(fixtures(…))]`).
 */
export type UnitRole = "up" | "down" | "query" | "verify" | "fixture";

/** How the tool runs one piece of the file. */
export interface RunUnit {
  /** Offsets in the file: [start, end). Units of a file are contiguous and cover it. */
  start: number;
  end: number;
  role: UnitRole;
  /** The query or changeset name (`CreateUser`, `alice:42`), or the section (`Up`, `Down`). */
  name: string;
  transaction: TxMode;
  /** Statement boundaries the tool imposes inside the unit. */
  breaks: Break[];
  /** The end of the unit ends its last statement (the tool sends each named query on its own). */
  endsStatement: boolean;
  optOut: OptOut | null;
  refused: RefusedPolicy;
  /** For `refused: "apart"`: the commands the tool runs on their own. */
  apart?: string[];
  /** Parameter markers to read as values when parsing (`?` for yesql; pgtyped's `:name!`; `${name}` placeholders). */
  params?: ParamStyle[];
}

/** Parameter markers beyond `$1`, `@name`, `sqlc.arg()` and `:name`, which parse as they are. */
export type ParamStyle = "question" | "bang" | "braces" | "lists";

/** The run model of one file. */
export interface RunModel {
  /** The tool that runs the file, or null: none detected (psql-like: each statement on its own). */
  tool: ToolId | null;
  /** Its version as the project pins or locks it, when known. */
  version: string | null;
  /** How the decision was made: detected from the project, an override, or a directive in the file. */
  source: "detected" | "config" | "directive" | "default";
  evidence: Evidence[];
  units: RunUnit[];
  /** Remarks on the model: behaviour that depends on the version, what is not verified. */
  notes: string[];
  /** The database the file is written for when its folder names another than PostgreSQL (`SQLite`). */
  database?: string;
}

/** The model of a migration written in code (node-pg-migrate, knex, TypeORM…): what the extractor needs. */
export interface CodeRunModel {
  tool: ToolId;
  version: string | null;
  /** How the tool was decided: detected (the file's shape and a dependency), or named by the config's `migrationTool`. */
  source: "detected" | "config";
  evidence: Evidence[];
  /** How the SQL strings of the migration's up/down run. */
  transaction: TxMode;
  /** Each call (`pgm.sql`, `queryRunner.query`…) is one query string: several statements in one string are `implicit` among themselves. */
  perCall: "one-query";
  /** The calls that send SQL in this tool's migrations, as `object.method` or `method` names. */
  sinks: string[];
  /** Placeholder syntax of those calls, for the extractor (knex's `?`/`??`, sequelize's `:name`/`$name`…). */
  placeholders: string[];
  optOut: OptOut | null;
  notes: string[];
  /** The database the file is written for when its folder names another than PostgreSQL (`SQLite`). */
  database?: string;
}

/**
 * What a SQL document knows about the unit it is: its transaction mode, and the words for messages
 * (which tool, how it sends the unit, what to do about a refused statement).
 */
export interface DocumentRun {
  mode: TxMode;
  tool: ToolId | null;
  /** The tool as messages name it, with its version: `goose 3.27.1`, `Prisma Migrate 6.19.3`. */
  toolName: string | null;
  /** The transaction the unit runs in, for messages: `the transaction goose opens around each section`. */
  transactionName: string;
  /** What to do about a statement the transaction refuses (the tool's opt-out, or that it has none). */
  refusedHelp: string;
  /** What the unit is called in messages: `migration`, `section`, `changeset`, `query`. */
  unit: string;
  optOut: OptOut | null;
  refused: RefusedPolicy;
  /** For `refused: "apart"`: the commands the tool runs on their own; for `flyway`: those Flyway recognises. */
  apart: string[];
  /**
   * What decided the mode; `code-transaction`: a transaction the code opens around the SQL (a
   * `db.transaction(…)` callback), which makes it no migration.
   */
  source: RunModel["source"] | "assume-config" | "code-transaction";
  /** The database the file is written for when its folder names another than PostgreSQL (`SQLite`). */
  database?: string;
  /**
   * The unit's direction: `down` for what the tool runs to roll a migration back (goose's
   * `-- +goose Down`, dbmate's `-- migrate:down`, a `*.down.sql` file…). Rules whose finding is
   * what a down migration is for (dropping what the up added) skip those (`skipDown`).
   */
  role: UnitRole;
}

/**
 * The database a file is written for, when its folder says it is not PostgreSQL. Projects that
 * support several databases keep one migration folder per database (`migrations/sqlite/`,
 * `jdbc-mysql/…/migrations/mysql/`, `server/migration/sqlite/`); what such a file does to
 * PostgreSQL's locks is nothing, since PostgreSQL never runs it.
 */
import path from "node:path";

/** Folder-name words that name another database, and how messages name it. */
const OTHER: Record<string, string> = {
  mysql: "MySQL",
  mariadb: "MariaDB",
  sqlite: "SQLite",
  sqlite3: "SQLite",
  h2: "H2",
  hsqldb: "HSQLDB",
  derby: "Derby",
  mssql: "SQL Server",
  sqlserver: "SQL Server",
  oracle: "Oracle",
  clickhouse: "ClickHouse",
  db2: "Db2",
  snowflake: "Snowflake",
  bigquery: "BigQuery",
  duckdb: "DuckDB",
};

/** Folder-name words that name PostgreSQL: a folder of these is for PostgreSQL, whatever is above it. */
const POSTGRES = new Set(["postgres", "postgresql", "pg", "pgsql", "psql", "postgis"]);

/** What the folders say of the database a file is for. */
export interface OtherDatabase {
  /** The database, as messages name it (`SQLite`). */
  name: string;
  /** The folder that says so (`sqlite`, `jdbc-mysql`). */
  folder: string;
}

/**
 * The other database the nearest folder naming a database names, or null (no folder names one,
 * or the nearest names PostgreSQL). A folder names a database when its name, or one of the words
 * of its name split at `-`, `_` and `.`, is one.
 */
export function otherDatabaseOf(file: string): OtherDatabase | null {
  const dirs = path.resolve(file).split(/[\\/]/).slice(0, -1);
  for (let i = dirs.length - 1; i >= 0; i--) {
    const folder = dirs[i]!;
    const words = folder.toLowerCase().split(/[-_.]/);
    if (words.some((w) => POSTGRES.has(w))) return null;
    const other = words.find((w) => OTHER[w] !== undefined);
    if (other) return { name: OTHER[other]!, folder };
  }
  return null;
}

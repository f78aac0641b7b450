/**
 * Which tool runs a SQL file, and the units it runs — decided from the file's name and place, the
 * annotations in it, and the project files near it (read through a `ProjectIndex`, never directly:
 * this module does no I/O). Each tool's behaviour follows its own source and documentation; see
 * docs/migration-tools.md for the table and the links.
 */
import path from "node:path";
import type { Dependency, ProjectIndex } from "./project.js";
import { atLeast, compareVersions } from "./versions.js";
import { otherDatabaseOf } from "./database.js";
import type { Break, Evidence, ParamStyle, RefusedPolicy, RunModel, RunUnit, ToolId, TxMode, UnitRole } from "./types.js";

/** What a detector found: the tool, its version, and why. */
export interface Detection {
  tool: ToolId;
  version: string | null;
  evidence: Evidence[];
  notes: string[];
  /** The database the project's files say the file is for, when not PostgreSQL (sqlx's `sqlite` feature). */
  database?: string;
}

/** A line of the text: its start, its end (before the line break) and where the next one starts. */
interface Line {
  start: number;
  end: number;
  next: number;
  text: string;
}

function* linesOf(text: string): Generator<Line> {
  let start = 0;
  const n = text.length;
  while (start < n) {
    let end = start;
    while (end < n && text.charCodeAt(end) !== 10 && text.charCodeAt(end) !== 13) end++;
    const next = end >= n ? n : end + (text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? 2 : 1);
    yield { start, end, next, text: text.slice(start, end) };
    start = next;
  }
}

const FILE = "file";

// --- annotations in the text ---

const GOOSE_LINE = /^--.*\+goose\b/m;
const DBMATE_MARKER = /^--\s*migrate:(up|down)(?:[ \t]*$|[ \t]+(\S.*)$)/;
const LIQUIBASE_HEADER = /^\s*--\s*liquibase\s+formatted\b/i;
const SQLC_NAME = /^(?:--|\/\*)\s*name:\s*(\S+)\s+:(one|many|exec|execresult|execrows|execlastid|copyfrom|batchexec|batchmany|batchone)\b/;
const YESQL_NAME = /^\s*--\s*name\s*:\s*(\S.*?)\s*$/;
const PUGSQL_NAME = /^\s*--+\s*:name\s+(\S+)/;
/** A line each of the three `name` annotations below (sqlc's, PugSQL's, yesql's) begins with. */
const NAME_LINE = /^[ \t]*(?:--|\/\*)-*[ \t]*(?::name|name[ \t]*:)/m;
const DRIZZLE_BREAK = "--> statement-breakpoint";
const GRAPHILE_HEADER = /^--! (?:Previous|Hash|Message|AllowInvalidHash)\b/;
const GRAPHILE_NO_TX = /^--!\s*no-transaction\b/;
const NPM_SECTION = /^\s*--[\s-]*(up|down)\s+migration\b/i;

/** Detects the tool from the file alone and the project around it; null: none recognised. */
export function detectSqlTool(file: string, text: string, project: ProjectIndex): Detection | null {
  const dir = path.dirname(file);
  const base = path.basename(file);
  const parent = path.basename(dir);
  const head = text.slice(0, 4096);
  const found = (tool: ToolId, fact: string, version: VersionFact | null = null, notes: string[] = []): Detection => ({
    tool,
    version: version?.version ?? null,
    evidence: [{ fact, source: FILE }, ...(version ? [version.evidence] : [])],
    notes,
  });

  // Annotations the tool itself requires or writes: the strongest sign.
  const firstLine = /^[^\r\n]*/.exec(text.replace(/^\ufeff/, ""))![0];
  if (LIQUIBASE_HEADER.test(firstLine)) return found("liquibase", "first line says -- liquibase formatted sql", liquibaseVersion(dir, project));
  // Each annotation below holds a word of its own (`+goose`, `migrate:up`): a file without it is not
  // searched line by line for it; the three kinds of `name` line are looked for together first (five
  // multiline searches of every file were most of this function's time).
  if (text.includes("+goose") && GOOSE_LINE.test(text) && /^--.*\+goose\s+up\b/im.test(text)) return found("goose", "-- +goose Up annotation", gooseVersion(dir, project));
  if (text.includes("migrate:up") && /^--[ \t]*migrate:up\b/m.test(text)) return found("dbmate", "-- migrate:up marker", npmOrGo(dir, project, "dbmate", "github.com/amacneil/dbmate"));
  if (GRAPHILE_HEADER.test(head)) return found("graphile-migrate", "--! Previous / --! Hash headers of a committed graphile-migrate migration", npmVersion(dir, project, "graphile-migrate"));
  const named = NAME_LINE.test(text);
  if (named && /^(?:--|\/\*)[ \t]*name:[ \t]*\S+[ \t]+:\w+/m.test(text) && firstMatch(text, SQLC_NAME)) {
    return found("sqlc", "-- name: <Query> :<command> query annotations", goOrConfig(dir, project, "github.com/sqlc-dev/sqlc", ["sqlc.yaml", "sqlc.yml", "sqlc.json"]));
  }
  if (text.includes("@name") && pgtypedHeads(text).length > 0) return found("pgtyped", "/* @name … */ query annotations", npmVersion(dir, project, "@pgtyped/runtime") ?? npmVersion(dir, project, "@pgtyped/cli"));
  if (named && /^[ \t]*--+[ \t]*:name[ \t]+\S/m.test(text)) return found("pugsql", "-- :name … query annotations (PugSQL)");
  if (named && /^[ \t]*--[ \t]*name[ \t]*:/m.test(text)) {
    const go = project.goModule(dir, "github.com/nleof/goyesql");
    if (go) return found("goyesql", "-- name: … query annotations", { version: go.version, evidence: { fact: `go.mod requires github.com/nleof/goyesql ${go.version ?? ""}`.trim(), source: go.manifest } });
    const clj = project.nearest(dir, ["project.clj", "deps.edn"]);
    if (clj && /\byesql\b/.test(project.read(path.join(clj.dir, clj.name)) ?? "")) {
      return found("yesql", "-- name: … query annotations", { version: null, evidence: { fact: `${clj.name} depends on yesql`, source: path.join(clj.dir, clj.name) } });
    }
    return found(project.nearest(dir, ["go.mod"]) ? "goyesql" : "yesql", "-- name: … query annotations (yesql family)");
  }
  if (text.includes(DRIZZLE_BREAK)) return found("drizzle", "--> statement-breakpoint markers", drizzleVersion(dir, project));

  // Layout and project files.
  if (project.has(dir, "meta/") && project.read(path.join(dir, "meta", "_journal.json")) !== null && /^\d+_[\w-]+\.sql$/.test(base)) {
    return found("drizzle", "meta/_journal.json beside the file (Drizzle Kit's journal)", drizzleVersion(dir, project));
  }
  if (base === "migration.sql") {
    const root = path.dirname(dir);
    // Prisma names the folders <timestamp>_<name>, but projects rename them (umami: 01_init)
    if (project.has(root, "migration_lock.toml")) {
      const version = npmVersion(dir, project, "prisma");
      const lock = project.read(path.join(root, "migration_lock.toml")) ?? "";
      const provider = /provider\s*=\s*"([^"]+)"/.exec(lock)?.[1];
      return {
        tool: "prisma",
        version: version?.version ?? null,
        evidence: [
          { fact: `${parent}/migration.sql`, source: FILE },
          { fact: `migration_lock.toml (Prisma Migrate${provider ? `, provider ${provider}` : ""})`, source: path.join(root, "migration_lock.toml") },
          ...(version ? [version.evidence] : []),
        ],
        notes: [],
      };
    }
    if (/^\d{14}_/.test(parent)) {
      if (project.has(dir, "snapshot.json")) return found("drizzle", "<timestamp>_<name>/migration.sql beside snapshot.json (Drizzle Kit 1.0 layout)", drizzleVersion(dir, project));
      const prisma = npmVersion(dir, project, "prisma");
      if (prisma) return found("prisma", "<timestamp>_<name>/migration.sql", prisma);
    }
  }
  // sqlx's test fixtures (#[sqlx::test(fixtures(…))]), named like its migrations but not migrations
  if (inFixtures(file, project)) {
    const sqlx = sqlxCrate(dir, project);
    if (sqlx) return sqlxDetection(file, sqlx, "a fixture of a crate using sqlx (#[sqlx::test(fixtures(…))] runs it as one query)");
  }
  if ((base === "up.sql" || base === "down.sql") && /^\d[\d-]*_\w/.test(parent)) {
    const diesel = dieselVersion(dir, project);
    return found("diesel", `${path.basename(path.dirname(dir))}/<version>_<name>/${base} (diesel's layout)`, diesel);
  }
  const golang = /^\d+_.+\.(up|down)\.sql$/i.exec(base);
  if (golang) {
    const go = project.goModule(dir, "github.com/golang-migrate/migrate");
    if (go) return found("golang-migrate", "<version>_<title>.up.sql / .down.sql", { version: go.version, evidence: { fact: `go.mod requires github.com/golang-migrate/migrate ${go.version ?? ""}`.trim(), source: go.manifest } });
    const npm = project.npmDependency(dir, "node-pg-migrate");
    if (npm) return found("node-pg-migrate", "<prefix>_<name>.up.sql / .down.sql", depFact(npm, "node-pg-migrate"));
    // sqlx names its reversible migrations the same way: a crate depending on sqlx runs them
    const sqlx = inMigrationsFolder(file, project) ? sqlxCrate(dir, project) : null;
    if (sqlx) return sqlxDetection(file, sqlx, "<version>_<description>.up.sql / .down.sql (sqlx's reversible migrations)");
    return found("golang-migrate", "<version>_<title>.up.sql / .down.sql (golang-migrate's layout)");
  }
  if (SQLX_SIMPLE.test(base) && inMigrationsFolder(file, project)) {
    const sqlx = sqlxCrate(dir, project);
    if (sqlx) return sqlxDetection(file, sqlx, "<version>_<description>.sql (sqlx's migration naming)");
  }
  if (/^(?:V\d[\w.]*|U\d[\w.]*|R)__.+\.sql$/.test(base)) {
    return found("flyway", "V<version>__<description>.sql (Flyway's naming)", flywayVersion(dir, project));
  }
  const sqitch = project.nearest(dir, ["sqitch.plan"]);
  if (sqitch) {
    const rel = path.relative(sqitch.dir, file).split(path.sep);
    if (rel.length >= 2 && /^(deploy|revert|verify)$/.test(rel[0]!)) {
      return {
        tool: "sqitch",
        version: null,
        evidence: [
          { fact: `${rel[0]}/ script of a sqitch project`, source: FILE },
          { fact: "sqitch.plan", source: path.join(sqitch.dir, "sqitch.plan") },
        ],
        notes: [],
      };
    }
  }
  const gmrc = project.nearest(dir, [".gmrc", ".gmrc.js", ".gmrc.cjs"]);
  if (gmrc) {
    // committed/<n>.sql, current.sql, current/*.sql, and fixtures/** (pulled in by --!include)
    const settings = project.read(path.join(gmrc.dir, gmrc.name)) ?? "";
    const folder = path.resolve(gmrc.dir, /["']?migrationsFolder["']?\s*:\s*["']([^"']+)["']/.exec(settings)?.[1] ?? "./migrations");
    const rel = path.relative(folder, file).split(path.sep);
    const place =
      rel.length === 2 && rel[0] === "committed" ? "committed migration" :
      rel.length === 1 && base === "current.sql" ? "current migration" :
      rel.length === 2 && rel[0] === "current" ? "current migration" :
      rel.length >= 2 && rel[0] === "fixtures" ? "fixture (--!include runs it inside the migration that includes it)" : null;
    if (place) {
      return {
        tool: "graphile-migrate",
        version: npmVersion(dir, project, "graphile-migrate")?.version ?? null,
        evidence: [
          { fact: `${place}: ${path.relative(path.dirname(folder), file).split(path.sep).join("/")}`, source: FILE },
          { fact: gmrc.name, source: path.join(gmrc.dir, gmrc.name) },
        ],
        notes: [],
      };
    }
  }
  const npm = project.npmDependency(dir, "node-pg-migrate");
  if (npm && (NPM_SECTION.test(text) || /^\d+[_-][\w-]+\.sql$/.test(base))) {
    return found("node-pg-migrate", "SQL migration of node-pg-migrate", depFact(npm, "node-pg-migrate"));
  }
  return null;
}

/** sqlx's migration file name: an integer version, `_`, a description, `.sql` (`.up.sql`/`.down.sql` for reversible ones). */
const SQLX_SIMPLE = /^\d{1,19}_.+\.sql$/;

/** The sqlx crate as the project declares it, and what the declaration says. */
export interface SqlxCrate {
  dep: Dependency;
  /** The version requirement written in Cargo.toml (the member's, else the workspace's). */
  spec: string | null;
  features: string[];
  /** Declared by a member of the workspace whose root is at or above the file, not above it. */
  member: boolean;
}

/** sqlx's features that name a database driver, and how messages name the database. */
const SQLX_DRIVERS: Record<string, string> = { postgres: "PostgreSQL", mysql: "MySQL", sqlite: "SQLite", "sqlite-unbundled": "SQLite", mssql: "SQL Server" };

/** The sqlx crate of the project around `dir`: a Cargo.toml at or above it, or a member of the workspace one heads. */
export function sqlxCrate(dir: string, project: ProjectIndex): SqlxCrate | null {
  return project.answer("sqlx crate", dir, () => findSqlxCrate(dir, project));
}

function findSqlxCrate(dir: string, project: ProjectIndex): SqlxCrate | null {
  let dep = project.crate(dir, "sqlx");
  const member = !dep;
  dep ??= project.workspaceCrate(dir, "sqlx");
  if (!dep) return null;
  const entry = project.crateEntry(dep.manifest, "sqlx");
  // the manifest's reader says whether it is a dependency at all (`[features] sqlx = […]` is none)
  if (!entry) return null;
  let spec = entry.spec;
  const features = [...entry.features];
  const add = (more: readonly string[]) => {
    for (const f of more) if (!features.includes(f)) features.push(f);
  };
  if (entry.inherited) {
    // `sqlx.workspace = true`: the workspace's root declares the requirement, and its features add up
    for (const d of project.folders(path.dirname(path.dirname(dep.manifest)))) {
      const root = project.has(d, "Cargo.toml") ? project.crateEntry(path.join(d, "Cargo.toml"), "sqlx") : null;
      if (!root) continue;
      spec ??= root.spec;
      add(root.features);
      break;
    }
  }
  // found in a workspace's root ([workspace.dependencies]): the members that use it add their features
  for (const m of project.workspaceMembers(path.dirname(dep.manifest))) add(project.crateEntry(path.join(m, "Cargo.toml"), "sqlx")?.features ?? []);
  return { dep, spec, features, member };
}

function sqlxDetection(file: string, sqlx: SqlxCrate, fact: string): Detection {
  const { dep, spec, features } = sqlx;
  const exact = spec && /^=\s*\d+\.\d+\.\d+/.test(spec) ? spec.replace(/^=\s*/, "") : null;
  const version = dep.version ?? exact;
  const where = sqlx.member ? `${path.basename(path.dirname(dep.manifest))}/Cargo.toml (a member of the workspace)` : "Cargo.toml";
  const written = dep.version ? ` ${dep.version} (Cargo.lock)` : spec ? ` "${spec}"` : "";
  const drivers = features.filter((f) => SQLX_DRIVERS[f] !== undefined);
  const detection: Detection = {
    tool: "sqlx",
    version,
    evidence: [
      { fact, source: FILE },
      { fact: `${where} depends on sqlx${written}${drivers.length ? ` with the ${drivers.join(", ")} feature${drivers.length > 1 ? "s" : ""}` : ""}`, source: dep.manifest },
    ],
    notes: [],
  };
  // a crate that turns on one other database's driver and not PostgreSQL's writes its migrations for that database
  const others = [...new Set(drivers.filter((f) => f !== "postgres").map((f) => SQLX_DRIVERS[f]!))];
  // (a folder naming the database says so already: see database.ts)
  if (!drivers.includes("postgres") && !features.includes("any") && others.length === 1 && !otherDatabaseOf(file)) {
    detection.database = others[0]!;
    detection.notes.push(`sqlx's features name ${others[0]} and not PostgreSQL: PostgreSQL never runs these files, so the migration-safety rules (PostgreSQL's locks) are off here`);
  }
  return detection;
}

/**
 * The file is in a migrations folder of the crate around it: sqlx's `migrate!()` reads
 * `migrations/` by default, and projects keep variants beside it (`migrations_simple/`); any other
 * numbered SQL file of the crate (`docker/initdb/01_init.sql`) is no migration of sqlx's. A folder
 * of another name can be named with the config's `migrationTool: "sqlx"`.
 */
function inMigrationsFolder(file: string, project: ProjectIndex): boolean {
  return (project.crateFolders(file) ?? []).some((f) => /^migrations?(?:$|[-_.])/i.test(f));
}

/** The file is in a `fixtures` folder of the crate around it (where `#[sqlx::test(fixtures("name"))]` looks). */
function inFixtures(file: string, project: ProjectIndex): boolean {
  return project.crateFolders(file)?.includes("fixtures") ?? false;
}

/**
 * Whether the sqlx the project uses is `min` or later: the locked version when known, else what the
 * written requirement allows (`0.7` stays below 0.8; `0.8` may be any 0.8.x: Cargo takes the newest).
 * Nothing known: the current sqlx.
 */
export function sqlxAtLeast(version: string | null, spec: string | null, min: string): boolean {
  if (version) return atLeast(version, min);
  const m = spec ? /^\s*(\^|~|=|>=|>|<=|<)?\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(spec) : null;
  if (!m) return true;
  const [major, minor, patch] = [Number(m[2]), m[3] === undefined ? null : Number(m[3]), m[4] === undefined ? null : Number(m[4])];
  const op = m[1] ?? "^";
  if (op === "=") return atLeast(`${major}.${minor ?? 0}.${patch ?? 0}`, min);
  if (op === ">=" || op === ">") return true;
  if (op === "<" || op === "<=") return atLeast(`${major}.${minor ?? 0}.${patch ?? 0}`, min);
  // caret and tilde: the highest version allowed is below the next major (or the next minor of 0.x, or for ~x.y)
  const below = major > 0 && op === "^" ? `${major + 1}.0.0` : minor === null ? `${major + 1}.0.0` : `${major}.${minor + 1}.0`;
  return compareVersions(below, min) > 0;
}

export interface VersionFact {
  version: string | null;
  evidence: Evidence;
}

export function depFact(dep: Dependency, name: string): VersionFact {
  const v = dep.version ? ` ${dep.version}${dep.versionSource && dep.versionSource !== dep.manifest ? ` (${path.basename(dep.versionSource)})` : ""}` : "";
  const how = dep.viaScript ? "has a script that runs" : "depends on";
  return { version: dep.version, evidence: { fact: `${path.basename(dep.manifest)} ${how} ${name}${v}`, source: dep.manifest } };
}

function npmVersion(dir: string, project: ProjectIndex, name: string): VersionFact | null {
  const dep = project.npmDependency(dir, name);
  return dep ? depFact(dep, name) : null;
}

function npmOrGo(dir: string, project: ProjectIndex, npm: string, go: string): VersionFact | null {
  const n = npmVersion(dir, project, npm);
  if (n) return n;
  const g = project.goModule(dir, go);
  return g ? { version: g.version, evidence: { fact: `go.mod requires ${go} ${g.version ?? ""}`.trim(), source: g.manifest } } : null;
}

function goOrConfig(dir: string, project: ProjectIndex, module: string, configs: string[]): VersionFact | null {
  const conf = project.nearest(dir, configs);
  if (conf) return { version: null, evidence: { fact: conf.name, source: path.join(conf.dir, conf.name) } };
  const g = project.goModule(dir, module);
  return g ? { version: g.version, evidence: { fact: `go.mod requires ${module} ${g.version ?? ""}`.trim(), source: g.manifest } } : null;
}

function gooseVersion(dir: string, project: ProjectIndex): VersionFact | null {
  const g = project.goModule(dir, "github.com/pressly/goose");
  return g ? { version: g.version, evidence: { fact: `go.mod requires github.com/pressly/goose ${g.version ?? ""}`.trim(), source: g.manifest } } : null;
}

function drizzleVersion(dir: string, project: ProjectIndex): VersionFact | null {
  return npmVersion(dir, project, "drizzle-kit") ?? npmVersion(dir, project, "drizzle-orm");
}

function dieselVersion(dir: string, project: ProjectIndex): VersionFact | null {
  const crate = project.crate(dir, "diesel_migrations") ?? project.crate(dir, "diesel");
  if (crate) {
    const v = crate.version ? ` ${crate.version}` : "";
    return { version: crate.version, evidence: { fact: `Cargo.toml depends on ${crate.name}${v}`, source: crate.manifest } };
  }
  const toml = project.nearest(dir, ["diesel.toml"]);
  return toml ? { version: null, evidence: { fact: "diesel.toml", source: path.join(toml.dir, "diesel.toml") } } : null;
}

function flywayVersion(dir: string, project: ProjectIndex): VersionFact | null {
  const conf = project.nearest(dir, ["flyway.toml", "flyway.conf"]);
  if (conf) return { version: null, evidence: { fact: conf.name, source: path.join(conf.dir, conf.name) } };
  const build = project.nearest(dir, ["pom.xml", "build.gradle", "build.gradle.kts"]);
  if (build) {
    const text = project.read(path.join(build.dir, build.name)) ?? "";
    if (/flyway/i.test(text)) return { version: null, evidence: { fact: `${build.name} uses Flyway`, source: path.join(build.dir, build.name) } };
  }
  return null;
}

function liquibaseVersion(dir: string, project: ProjectIndex): VersionFact | null {
  const props = project.nearest(dir, ["liquibase.properties"]);
  return props ? { version: null, evidence: { fact: "liquibase.properties", source: path.join(props.dir, props.name) } } : null;
}

function firstMatch(text: string, re: RegExp): RegExpExecArray | null {
  for (const line of linesOf(text)) {
    const m = re.exec(line.text);
    if (m) return m;
  }
  return null;
}

// --- units ---

/** The units a tool runs from a file, and the facts the splitting found (opt-outs, settings). */
export interface Split {
  units: RunUnit[];
  evidence: Evidence[];
  notes: string[];
}

function unit(start: number, end: number, role: UnitRole, name: string, transaction: TxMode, extra: Partial<RunUnit> = {}): RunUnit {
  return { start, end, role, name, transaction, breaks: [], endsStatement: false, optOut: null, refused: "fails", ...extra };
}

/** The first version of Prisma whose schema engine runs CREATE INDEX CONCURRENTLY apart (prisma-engines #5767). */
export const PRISMA_CONCURRENTLY = "7.4.0";
/** goose matches its annotations in any case from this version on (before, only as documented). */
export const GOOSE_ANY_CASE = "3.19.1";

/** Splits a file into the units `tool` runs. `version`: the tool's version, when known. */
export function splitSql(tool: ToolId, file: string, text: string, version: string | null, project: ProjectIndex): Split {
  const n = text.length;
  const base = path.basename(file);
  const out: Split = { units: [], evidence: [], notes: [] };
  switch (tool) {
    case "prisma": {
      const apart = atLeast(version, PRISMA_CONCURRENTLY);
      out.units.push(unit(0, n, "up", "migration", "implicit", apart ? { refused: "apart", apart: ["CREATE INDEX CONCURRENTLY"] } : {}));
      out.notes.push(
        apart
          ? `Prisma ${version} (7.4 or later) splits the migration and runs CREATE INDEX CONCURRENTLY apart (prisma-engines #5767); DROP INDEX CONCURRENTLY beside another statement still fails (prisma-engines #5847). Not verified here: whether the other statements still share one transaction — sqlguard assumes they do.`
          : `${version ? `Prisma ${version}` : "Prisma (version unknown: assumed before 7.4)"} sends the whole migration as one query: several statements run as one implicit transaction.`,
      );
      return out;
    }
    case "goose":
      return gooseUnits(text, version, out);
    case "dbmate":
      return dbmateUnits(text, out);
    case "golang-migrate":
      out.units.push(unit(0, n, /\.down\.sql$/i.test(base) ? "down" : "up", /\.down\.sql$/i.test(base) ? "down" : "up", "implicit"));
      out.notes.push("golang-migrate sends each file as one query (its default; x-multi-statement=true in the database URL would send each statement on its own).");
      return out;
    case "diesel": {
      const role: UnitRole = base === "down.sql" ? "down" : "up";
      const meta = path.join(path.dirname(file), "metadata.toml");
      const metaText = project.read(meta);
      const optedOut = metaText !== null && /^\s*run_in_transaction\s*=\s*false\b/m.test(metaText);
      const honoured = version === null || atLeast(version, "2.0.0");
      if (optedOut) out.evidence.push({ fact: "metadata.toml: run_in_transaction = false", source: meta });
      if (optedOut && !honoured) out.notes.push(`diesel ${version} predates run_in_transaction (2.0): the migration still runs in a transaction.`);
      const off = optedOut && honoured;
      out.units.push(
        unit(0, n, role, role, off ? "implicit" : "wrapped", {
          optOut: { marker: "run_in_transaction = false (metadata.toml)", present: optedOut, effect: "implicit", honoured },
        }),
      );
      return out;
    }
    case "sqlx":
      return sqlxUnits(file, text, version, project, out);
    case "flyway":
      return flywayUnits(file, text, project, out);
    case "liquibase":
      return liquibaseUnits(text, out);
    case "sqitch": {
      const sqitch = project.nearest(path.dirname(file), ["sqitch.plan"]);
      const top = sqitch ? path.relative(sqitch.dir, file).split(path.sep)[0] : "deploy";
      const role: UnitRole = top === "revert" ? "down" : top === "verify" ? "verify" : "up";
      out.units.push(unit(0, n, role, top ?? "deploy", "none"));
      out.notes.push("sqitch runs the script with psql, statement by statement: only the script's own BEGIN … COMMIT makes it one transaction.");
      return out;
    }
    case "graphile-migrate": {
      let noTx = false;
      for (const line of linesOf(text)) {
        if (GRAPHILE_HEADER.test(line.text) || line.text.trim() === "") continue;
        noTx = GRAPHILE_NO_TX.test(line.text);
        break;
      }
      out.units.push(
        unit(0, n, "up", "migration", noTx ? "implicit" : "wrapped", {
          optOut: { marker: "--! no-transaction (first line of the migration)", present: noTx, effect: "implicit", honoured: true },
        }),
      );
      return out;
    }
    case "drizzle": {
      const breaks: Break[] = [];
      for (let i = text.indexOf(DRIZZLE_BREAK); i >= 0; i = text.indexOf(DRIZZLE_BREAK, i + DRIZZLE_BREAK.length)) breaks.push({ at: i, skipTo: i });
      out.units.push(unit(0, n, "up", "migration", "wrapped", { breaks }));
      out.notes.push("Drizzle's migrator runs every pending migration inside one transaction, each --> statement-breakpoint chunk as one query.");
      return out;
    }
    case "node-pg-migrate":
      return nodePgMigrateUnits(file, text, out);
    case "sqlc":
      return namedQueries(text, (l) => SQLC_NAME.exec(l)?.[1] ?? null, [], out);
    case "yesql":
      return namedQueries(text, (l) => YESQL_NAME.exec(l)?.[1] ?? null, ["question"], out);
    case "goyesql":
      return namedQueries(text, (l) => YESQL_NAME.exec(l)?.[1] ?? null, [], out);
    case "pugsql":
      return namedQueries(text, (l) => PUGSQL_NAME.exec(l)?.[1] ?? null, ["lists"], out);
    case "pgtyped":
      return pgtypedQueries(text, out);
    default:
      // Tools whose migrations are code (knex, TypeORM…): a SQL file they read is sent as one query.
      out.units.push(unit(0, n, "up", "file", "implicit"));
      return out;
  }
}

/** sqlx honours `-- no-transaction` from 0.8.0 (launchbadge/sqlx#3181), in down migrations from 0.8.3 (#3528). */
export const SQLX_NO_TX = "0.8.0";
export const SQLX_NO_TX_DOWN = "0.8.3";
const SQLX_MARKER = "-- no-transaction";

/**
 * sqlx: each migration in a transaction (sqlx-postgres `migrate.rs`: begin, the whole file as one
 * query, the bookkeeping row, commit), unless the file's very first characters are
 * `-- no-transaction` (sqlx-core `migrate/source.rs`: `starts_with`); then the file is still sent as
 * one query, without the BEGIN. A fixture of `#[sqlx::test]` is sent as one query too, on a test
 * database, and is no migration.
 */
function sqlxUnits(file: string, text: string, version: string | null, project: ProjectIndex, out: Split): Split {
  const base = path.basename(file);
  if (inFixtures(file, project)) {
    out.units.push(unit(0, text.length, "fixture", "fixture", "implicit"));
    out.notes.push("#[sqlx::test(fixtures(…))] sends a fixture as one query to a fresh test database, outside any transaction: several statements run as one implicit transaction; it is no migration, so the migration-safety rules are off.");
    return out;
  }
  const role: UnitRole = /\.down\.sql$/.test(base) ? "down" : "up";
  const spec = sqlxCrate(path.dirname(file), project)?.spec ?? null;
  const present = text.startsWith(SQLX_MARKER);
  const since = role === "down" ? SQLX_NO_TX_DOWN : SQLX_NO_TX;
  const honoured = sqlxAtLeast(version, spec, since);
  const name = version ? `sqlx ${version}` : spec ? `sqlx "${spec}"` : "sqlx";
  if (present) {
    out.evidence.push({ fact: SQLX_MARKER, source: FILE });
    if (!honoured) {
      out.notes.push(
        role === "down" && sqlxAtLeast(version, spec, SQLX_NO_TX)
          ? `${name} ignores -- no-transaction in down migrations (obeyed there from ${SQLX_NO_TX_DOWN}): this one runs in a transaction.`
          : `${name} predates -- no-transaction (${SQLX_NO_TX}): the migration runs in a transaction.`,
      );
    } else out.notes.push("-- no-transaction: sqlx drops its BEGIN but still sends the file as one query: several statements run as one implicit transaction.");
  } else {
    // sqlx compares the file's first bytes: a BOM, a blank line or another spelling make the marker a comment
    const first = /^\s*(--[^\r\n]*)/.exec(text.replace(/^\ufeff/, ""))?.[1] ?? "";
    if (/^--\s*no[-_ ]?transaction\b/i.test(first)) out.notes.push(`sqlx reads ${SQLX_MARKER} only as the file's very first characters, written exactly so: "${first.trim()}" here is a comment, and the migration runs in a transaction.`);
  }
  out.units.push(
    unit(0, text.length, role, "migration", present && honoured ? "implicit" : "wrapped", {
      optOut: { marker: `${SQLX_MARKER} (the file's first line)`, present, effect: "implicit", honoured },
    }),
  );
  return out;
}

function gooseUnits(text: string, version: string | null, out: Split): Split {
  const anyCase = version === null || atLeast(version, GOOSE_ANY_CASE);
  let raw = "";
  // before 3.19.1 goose compared the whole comment with `+goose Up` etc., exactly
  const is = (cmd: string, want: string) => (anyCase ? cmd.toLowerCase() === want.toLowerCase() : raw === `+goose ${want}`);
  let down = -1;
  let noTx = false;
  const breaks: Break[] = [];
  let envsub = false;
  for (const line of linesOf(text)) {
    // goose: a line starting with `--` that holds `+goose` (leading whitespace makes it an error)
    if (!line.text.startsWith("--") || !line.text.includes("+goose")) continue;
    const cmd = line.text.replaceAll("--", "").replace("+goose", "").trim();
    raw = line.text.slice(2).trim();
    if (is(cmd, "Down") && down < 0) down = line.start;
    else if (is(cmd, "StatementBegin") || is(cmd, "StatementEnd")) breaks.push({ at: line.start, skipTo: line.start });
    else if (is(cmd, "NO TRANSACTION")) noTx = true;
    else if (is(cmd, "ENVSUB ON")) envsub = true;
    else if (!is(cmd, "Up") && !is(cmd, "ENVSUB OFF") && !anyCase && /^(up|down|statementbegin|statementend|no transaction|envsub on|envsub off)$/i.test(cmd)) {
      out.notes.push(`goose ${version} matches annotations in their documented case only (any case from ${GOOSE_ANY_CASE}): "${line.text.trim()}" is not read as ${cmd.toUpperCase()}.`);
    }
  }
  if (noTx) out.evidence.push({ fact: "-- +goose NO TRANSACTION", source: FILE });
  if (envsub) out.notes.push("-- +goose ENVSUB ON: goose substitutes ${VAR} from the environment before running: sqlguard reads each as a name.");
  const mode: TxMode = noTx ? "none" : "wrapped";
  const optOut = { marker: "-- +goose NO TRANSACTION", present: noTx, effect: "none" as TxMode, honoured: true };
  const end = down < 0 ? text.length : down;
  const params: Partial<RunUnit> = envsub ? { params: ["braces"] } : {};
  out.units.push(unit(0, end, "up", "Up", mode, { breaks: breaks.filter((b) => b.at < end), optOut, ...params }));
  if (down >= 0) out.units.push(unit(down, text.length, "down", "Down", mode, { breaks: breaks.filter((b) => b.at >= down), optOut, ...params }));
  return out;
}

function dbmateUnits(text: string, out: Split): Split {
  const marks: { start: number; dir: "up" | "down"; off: boolean }[] = [];
  for (const line of linesOf(text)) {
    const m = DBMATE_MARKER.exec(line.text);
    if (!m) continue;
    // options are `key:value` words after the marker; only transaction:false changes anything
    const off = (m[2] ?? "").split(/\s+/).some((w) => w === "transaction:false");
    marks.push({ start: line.start, dir: m[1] as "up" | "down", off });
  }
  if (marks.length === 0) {
    out.units.push(unit(0, text.length, "up", "up", "wrapped"));
    return out;
  }
  marks.forEach((m, i) => {
    const start = i === 0 ? 0 : m.start;
    const end = i + 1 < marks.length ? marks[i + 1]!.start : text.length;
    if (m.off) out.evidence.push({ fact: `-- migrate:${m.dir} transaction:false`, source: FILE });
    out.units.push(
      unit(start, end, m.dir, `migrate:${m.dir}`, m.off ? "implicit" : "wrapped", {
        optOut: { marker: `-- migrate:${m.dir} transaction:false`, present: m.off, effect: "implicit", honoured: true },
      }),
    );
  });
  return out;
}

/**
 * The statements Flyway's PostgreSQL parser recognises as unable to run in a transaction, named as
 * sqlguard names them (flyway-database-postgresql, `PostgreSQLParser.detectCanExecuteInTransaction`);
 * the others PostgreSQL refuses run inside Flyway's transaction and fail there.
 */
export const FLYWAY_NON_TRANSACTIONAL = [
  "CREATE INDEX CONCURRENTLY",
  "DROP INDEX CONCURRENTLY",
  "CREATE DATABASE",
  "DROP DATABASE",
  "CREATE TABLESPACE",
  "DROP TABLESPACE",
  "CREATE SUBSCRIPTION … WITH (create_slot = true)",
  "DROP SUBSCRIPTION",
  "ALTER SYSTEM",
  "REINDEX SCHEMA",
  "REINDEX DATABASE",
  "REINDEX SYSTEM",
  "VACUUM",
  "DISCARD ALL",
];

function flywayUnits(file: string, text: string, project: ProjectIndex, out: Split): Split {
  const base = path.basename(file);
  const role: UnitRole = base.startsWith("U") ? "down" : "up";
  // <script>.sql.conf: executeInTransaction wins over everything else
  const confPath = `${file}.conf`;
  const conf = project.read(confPath);
  const explicit = conf === null ? null : /^\s*executeInTransaction\s*=\s*(true|false)\b/m.exec(conf)?.[1] ?? null;
  if (explicit) out.evidence.push({ fact: `${base}.conf: executeInTransaction=${explicit}`, source: confPath });
  let refused: RefusedPolicy = "flyway";
  const settings = project.nearest(path.dirname(file), ["flyway.toml", "flyway.conf"]);
  if (settings) {
    const s = project.read(path.join(settings.dir, settings.name)) ?? "";
    if (/^\s*(?:flyway\.)?mixed\s*=\s*"?true\b/m.test(s)) {
      refused = "flyway-mixed";
      out.evidence.push({ fact: `${settings.name}: mixed = true`, source: path.join(settings.dir, settings.name) });
    }
  }
  const placeholders = /\$\{[\w:.-]+\}/.test(text);
  if (placeholders) out.notes.push("Flyway replaces ${placeholders} with their values before running the script: sqlguard reads each as a name.");
  const params: ParamStyle[] = ["braces"];
  const optOut = { marker: "executeInTransaction=false (in <script>.sql.conf)", present: explicit === "false", effect: "none" as TxMode, honoured: true };
  if (explicit === "false") out.units.push(unit(0, text.length, role, base, "none", { optOut, params }));
  else if (explicit === "true") out.units.push(unit(0, text.length, role, base, "wrapped", { optOut, params }));
  else out.units.push(unit(0, text.length, role, base, "wrapped", { optOut, refused, apart: FLYWAY_NON_TRANSACTIONAL, params }));
  return out;
}

const CHANGESET = /^\s*--\s*changeset\s+("[^"]+"|[^:\s]+):\s*("[^"]+"|\S+)(.*)$/i;

function liquibaseUnits(text: string, out: Split): Split {
  const sets: { start: number; name: string; attrs: string }[] = [];
  const delimiterLines: { start: number; end: number; text: string }[] = [];
  for (const line of linesOf(text)) {
    const m = CHANGESET.exec(line.text);
    if (m) sets.push({ start: line.start, name: `${m[1]}:${m[2]}`, attrs: m[3] ?? "" });
    else if (/^\s*(?:go|\/)\s*$/i.test(line.text)) delimiterLines.push({ start: line.start, end: line.end, text: line.text.trim() });
  }
  if (sets.length === 0) {
    out.units.push(unit(0, text.length, "up", "changelog", "wrapped"));
    return out;
  }
  sets.forEach((s, i) => {
    const start = i === 0 ? 0 : s.start;
    const end = i + 1 < sets.length ? sets[i + 1]!.start : text.length;
    const attr = (name: string) => new RegExp(`\\b${name}:\\s*("[^"]*"|\\S+)`, "i").exec(s.attrs)?.[1]?.replace(/^"(.*)"$/, "$1") ?? null;
    const inTx = attr("runInTransaction")?.toLowerCase() !== "false";
    const split = attr("splitStatements")?.toLowerCase() !== "false";
    const delimiter = attr("endDelimiter");
    const breaks: Break[] = [];
    for (const d of delimiterLines) {
      if (d.start < start || d.start >= end) continue;
      // without an end delimiter Liquibase also splits at a line holding only GO or /; with one, only there
      if (delimiter ? d.text.toLowerCase() === delimiter.toLowerCase() : split) breaks.push({ at: d.start, skipTo: d.end });
    }
    const mode: TxMode = inTx ? "wrapped" : split ? "none" : "implicit";
    if (!inTx) out.evidence.push({ fact: `changeset ${s.name}: runInTransaction:false${split ? "" : " splitStatements:false"}`, source: FILE });
    out.units.push(
      unit(start, end, "up", s.name, mode, {
        breaks,
        params: ["braces"],
        optOut: { marker: "runInTransaction:false (on the --changeset line)", present: !inTx, effect: split ? "none" : "implicit", honoured: true },
      }),
    );
  });
  if (out.units.some((u) => u.transaction === "implicit")) {
    out.notes.push("runInTransaction:false with splitStatements:false sends the changeset as one JDBC statement: sqlguard assumes PostgreSQL runs it as one implicit transaction (not verified with pgjdbc).");
  }
  return out;
}

function nodePgMigrateUnits(file: string, text: string, out: Split): Split {
  const base = path.basename(file);
  const marks: { start: number; dir: "up" | "down" }[] = [];
  for (const line of linesOf(text)) {
    const m = NPM_SECTION.exec(line.text);
    if (m) marks.push({ start: line.start, dir: m[1]!.toLowerCase() as "up" | "down" });
  }
  const whole: UnitRole = /\.down\.sql$/i.test(base) ? "down" : "up";
  const optOut = { marker: "pgm.noTransaction() (not available to SQL migrations)", present: false, effect: "none" as TxMode, honoured: false };
  if (marks.length === 0) {
    out.units.push(unit(0, text.length, whole, whole, "wrapped", { optOut }));
    return out;
  }
  marks.forEach((m, i) => {
    const start = i === 0 ? 0 : m.start;
    const end = i + 1 < marks.length ? marks[i + 1]!.start : text.length;
    out.units.push(unit(start, end, m.dir, `${m.dir} migration`, "wrapped", { optOut }));
  });
  return out;
}

/**
 * Named-query files: each query, from its name annotation to the next, is a unit the library sends
 * on its own (in the caller's transaction, whatever that is).
 */
function namedQueries(text: string, nameOf: (line: string) => string | null, params: ParamStyle[], out: Split): Split {
  const heads: { start: number; name: string }[] = [];
  for (const line of linesOf(text)) {
    const name = nameOf(line.text);
    if (name !== null) heads.push({ start: line.start, name });
  }
  if (heads.length === 0) {
    out.units.push(unit(0, text.length, "query", "query", "implicit", { endsStatement: true, ...(params.length ? { params } : {}) }));
    return out;
  }
  heads.forEach((h, i) => {
    const start = i === 0 ? 0 : h.start;
    const end = i + 1 < heads.length ? heads[i + 1]!.start : text.length;
    out.units.push(unit(start, end, "query", h.name, "implicit", { endsStatement: true, ...(params.length ? { params } : {}) }));
  });
  return out;
}

/** pgtyped's queries: a block comment holding `@name Query` (and `@param` lines) before each. */
function pgtypedHeads(text: string): { start: number; name: string }[] {
  const heads: { start: number; name: string }[] = [];
  for (const m of text.matchAll(/\/\*[^]*?\*\//g)) {
    const name = /@name\s+(\w+)/.exec(m[0]);
    if (name) heads.push({ start: m.index, name: name[1]! });
  }
  return heads;
}

function pgtypedQueries(text: string, out: Split): Split {
  const heads = pgtypedHeads(text);
  const params: ParamStyle[] = ["bang", "lists"];
  if (heads.length === 0) heads.push({ start: 0, name: "query" });
  heads.forEach((h, i) => {
    const start = i === 0 ? 0 : h.start;
    const end = i + 1 < heads.length ? heads[i + 1]!.start : text.length;
    out.units.push(unit(start, end, "query", h.name, "implicit", { endsStatement: true, params }));
  });
  return out;
}

/** The run model of a SQL file for a known tool (detected or configured). */
export function sqlRunModel(file: string, text: string, detection: Detection, project: ProjectIndex, source: RunModel["source"]): RunModel {
  const split = splitSql(detection.tool, file, text, detection.version, project);
  return {
    tool: detection.tool,
    version: detection.version,
    source,
    evidence: [...detection.evidence, ...split.evidence],
    units: split.units,
    notes: [...detection.notes, ...split.notes],
    ...(detection.database ? { database: detection.database } : {}),
  };
}

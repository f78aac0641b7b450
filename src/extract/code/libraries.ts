/**
 * Which query library a sink call belongs to, and so which placeholders it rewrites: decided from
 * the call (its method, its receiver, the values it passes), the packages the file imports or
 * requires, the migration tool that runs the file, and last the project's dependencies.
 */
import type { TSESTree } from "@typescript-eslint/typescript-estree";
import type { ToolId } from "../../run-model/types.js";
import { isNothing, property, unwrap } from "./ast.js";
import type { Dialect } from "./placeholders.js";

type Node = TSESTree.Node;

/** What is known around a call: the file's imports, its migration tool, the project. */
export interface LibraryFacts {
  /** npm packages the file imports or requires (`knex`, `@mikro-orm/core`). */
  imports: ReadonlySet<string>;
  /** The migration tool that runs the file, when it is a migration written in code. */
  tool: ToolId | null;
  toolVersion: string | null;
  /** The project depends on this npm package (false when nothing is known). */
  depends(name: string): boolean;
}

type Library = "knex" | "sequelize" | "db-migrate" | "pg-promise" | "mikro-orm" | "node-pg-migrate";

const PACKAGES: Record<Library, string[]> = {
  knex: ["knex"],
  sequelize: ["sequelize", "@sequelize/core", "sequelize-typescript"],
  "db-migrate": ["db-migrate"],
  "pg-promise": ["pg-promise"],
  "mikro-orm": ["@mikro-orm/core", "@mikro-orm/knex", "@mikro-orm/postgresql", "@mikro-orm/migrations", "@mikro-orm/sql"],
  "node-pg-migrate": ["node-pg-migrate"],
};

/** Database clients: a file importing one of these talks to the database through it. */
const CLIENTS = new Set([
  ...Object.values(PACKAGES).flat(),
  "pg",
  "pg-pool",
  "postgres",
  "slonik",
  "@databases/pg",
  "kysely",
  "drizzle-orm",
  "@prisma/client",
  "typeorm",
  "mysql",
  "mysql2",
  "better-sqlite3",
  "sqlite3",
  "@neondatabase/serverless",
  "@vercel/postgres",
]);

/** The package an import specifier names: `knex/types` → `knex`, `@mikro-orm/core/x` → `@mikro-orm/core`. */
export function packageOf(specifier: string): string | null {
  if (specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("node:")) return null;
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

/** pg-promise's query methods (`db.none(…)`, `t.one(…)`). */
const PG_PROMISE_METHODS = new Set(["query", "none", "one", "many", "any", "oneOrNone", "manyOrNone", "result", "multi", "multiResult"]);

/** Second arguments that are the callback of a db-migrate call, not its values. */
const CALLBACK_NAMES = /^(?:cb|callback|done|next|fn)$/i;

/** The placeholder dialect of a sink call, or null: the text reaches PostgreSQL as written. */
export function dialectOf(call: TSESTree.CallExpression, path: string[], facts: LibraryFacts): Dialect | null {
  const segments = path.map((s) => s.replace(/\(\)$/, ""));
  const method = segments[segments.length - 1]!;
  const receiver = segments.slice(0, -1).map((s) => s.toLowerCase());
  const second = call.arguments[1] ? unwrap(call.arguments[1] as Node) : undefined;
  const clientImported = [...facts.imports].some((p) => CLIENTS.has(p));
  const uses = (lib: Library): boolean =>
    PACKAGES[lib].some((p) => facts.imports.has(p)) || facts.tool === lib || (!clientImported && PACKAGES[lib].some((p) => facts.depends(p)));
  const mikroKnex = uses("mikro-orm") && !atLeastMajor(facts.tool === "mikro-orm" ? facts.toolVersion : null, 7);

  switch (method) {
    case "runSql":
      return dbMigrate(second);
    case "all":
      return receiver[receiver.length - 1] === "db" && uses("db-migrate") ? dbMigrate(second) : null;
    case "raw":
      return uses("knex") || mikroKnex ? knex(second) : null;
    case "addSql":
    case "execute":
      // MikroORM up to 6 formats `?` and `??` and hands the text to knex, which turns every `?` into `$n`
      if (method === "execute" && !mikroOrmExecute(receiver, second, facts, uses("mikro-orm"))) return null;
      if (method === "addSql" && !uses("mikro-orm") && !receiver.includes("this")) return null;
      return { library: "MikroORM", question: "always", doubleQuestion: true, certain: mikroKnex };
    case "sql":
      return receiver[receiver.length - 1] === "pgm" ? pgmSql(second) : null;
    default:
      break;
  }
  // Sequelize: a receiver named for it (`sequelize`, `this.sequelizeReadOnly`), its migrations, or
  // options only Sequelize takes (`{ replacements }`, or `{ bind }` where Sequelize is in play)
  if (
    method === "query" &&
    (receiver.some((r) => r.includes("sequelize")) ||
      facts.tool === "sequelize" ||
      (second && property(second, "replacements") !== undefined) ||
      (second && property(second, "bind") !== undefined && uses("sequelize")))
  ) {
    return sequelize(second);
  }
  if (PG_PROMISE_METHODS.has(method) && uses("pg-promise")) return pgPromise(second);
  return null;
}

/**
 * MikroORM's `execute(sql, params)` on `this` (a migration), an entity manager or a connection;
 * in a file that imports MikroORM, any `execute` given values (`manager.execute(sql, [id])`).
 */
function mikroOrmExecute(receiver: string[], params: Node | undefined, facts: LibraryFacts, inPlay: boolean): boolean {
  if (!inPlay) return false;
  if (receiver[0] === "this" || receiver.some((r) => r === "em" || r.endsWith("manager") || r.endsWith("connection"))) return true;
  const imported = PACKAGES["mikro-orm"].some((p) => facts.imports.has(p));
  return imported && params !== undefined;
}

function atLeastMajor(version: string | null, major: number): boolean {
  const m = /(\d+)/.exec(version ?? "");
  return m !== null && Number(m[1]) >= major;
}

/** The keys of an object literal, or null when they are not all known (a spread, a computed key). */
function keysOf(node: Node): Set<string> | null {
  if (node.type !== "ObjectExpression") return null;
  const keys = new Set<string>();
  for (const p of node.properties) {
    if (p.type !== "Property" || p.computed) return null;
    if (p.key.type === "Identifier") keys.add(p.key.name);
    else if (p.key.type === "Literal") keys.add(String(p.key.value));
    else return null;
  }
  return keys;
}

const isFunction = (n: Node) => n.type === "ArrowFunctionExpression" || n.type === "FunctionExpression";

/** knex's `raw(sql, bindings)`: `?` and `??` for an array (or none), `:name` and `:name:` for an object. */
function knex(bindings: Node | undefined): Dialect {
  if (!bindings || bindings.type === "ArrayExpression" || isNothing(bindings)) return { library: "knex", question: "always", doubleQuestion: true, certain: true };
  if (bindings.type === "ObjectExpression") return { library: "knex", colon: "knex", names: keysOf(bindings), certain: true };
  return { library: "knex", question: "always", doubleQuestion: true, colon: "knex", names: null, certain: false };
}

/** Sequelize's `query(sql, { replacements, bind })`: nothing is replaced without them. */
function sequelize(options: Node | undefined): Dialect | null {
  if (!options || isNothing(options)) return null;
  if (options.type !== "ObjectExpression") return { library: "Sequelize", question: "sequelize", colon: "sequelize", dollarName: true, names: null, certain: false };
  const replacements = property(options, "replacements");
  const bind = property(options, "bind");
  if (!replacements && !bind) return null;
  const d: Dialect = { library: "Sequelize", certain: true };
  let names: Set<string> | null = new Set();
  const addNames = (n: Node) => {
    const keys = keysOf(n);
    if (!keys) names = null;
    else if (names) for (const k of keys) names.add(k);
  };
  if (replacements) {
    if (replacements.type === "ArrayExpression") d.question = "sequelize";
    else if (replacements.type === "ObjectExpression") (d.colon = "sequelize"), addNames(replacements);
    else (d.question = "sequelize"), (d.colon = "sequelize"), (names = null), (d.certain = false);
  }
  if (bind && bind.type !== "ArrayExpression") {
    d.dollarName = true;
    if (bind.type === "ObjectExpression") addNames(bind);
    else (names = null), (d.certain = false);
  }
  d.names = names;
  return d;
}

/** db-migrate's `runSql(sql, [params], cb)`: with params, every `?` becomes `$n`. */
function dbMigrate(params: Node | undefined): Dialect | null {
  if (!params || isNothing(params) || isFunction(params) || params.type === "CallExpression") return null;
  if (params.type === "Identifier" && CALLBACK_NAMES.test(params.name)) return null;
  return { library: "db-migrate", question: "always", certain: params.type === "ArrayExpression" };
}

/** pg-promise formats the text only when values are passed. */
function pgPromise(values: Node | undefined): Dialect | null {
  if (!values || (values.type === "Identifier" && values.name === "undefined")) return null;
  const literal = values.type === "ArrayExpression" || values.type === "ObjectExpression" || values.type === "Literal" || values.type === "TemplateLiteral";
  return { library: "pg-promise", pgPromise: true, certain: literal };
}

/** node-pg-migrate's `pgm.sql(sql, args)`: `{name}` becomes the argument (a quoted name or a value). */
function pgmSql(args: Node | undefined): Dialect | null {
  if (!args || isNothing(args)) return null;
  const names = keysOf(args);
  return { library: "node-pg-migrate", braces: true, names, certain: names !== null };
}

/**
 * Which strings of a code file hold SQL, as the config says (`embedded.tags`, `functions`,
 * `transactions`, `literals`): the default lists, their schema, and how a callee or a tag is
 * matched against a name pattern (`pool.query`, `sql.type()`, `transaction().execute`).
 */
import type { TSESTree } from "@typescript-eslint/typescript-estree";
import type { JsonSchema } from "../../engine/schema.js";

type Node = TSESTree.Node;

export const DEFAULT_TAGS = ["sql", "SQL", "sql.unsafe", "sql.fragment", "sql.type()", "sql.typeAlias()", "$queryRaw", "$executeRaw"];
export const DEFAULT_FUNCTIONS = [
  "query",
  "execute",
  "raw",
  "unsafe",
  "$queryRawUnsafe",
  "$executeRawUnsafe",
  "none",
  "one",
  "many",
  "any",
  "oneOrNone",
  "manyOrNone",
  "result",
  // migrations written in code: db-migrate, MikroORM, node-pg-migrate
  "runSql",
  "addSql",
  "pgm.sql",
];
export const DEFAULT_TRANSACTIONS = ["begin", "transaction", "$transaction", "tx", "txIf", "transactional", "transaction().execute"];

/** pg-promise's method names are common words (`emitter.one('end', …)`): a lone word is not SQL there. */
export const WORDY_FUNCTIONS = new Set(["none", "one", "many", "any", "result", "oneOrNone", "manyOrNone"]);

/** The `embedded` key of the config file. */
export interface EmbeddedConfig {
  tags?: string[];
  functions?: string[];
  transactions?: string[];
  literals?: boolean;
}

const patternList = (what: string, defaults: string[]): JsonSchema => ({
  type: "array",
  items: { type: "string" },
  description: `${what} Added to the defaults (${defaults.map((d) => `\`${d}\``).join(", ")}); \`"!name"\` removes a default.`,
});

export const embeddedSchema: JsonSchema = {
  type: "object",
  additionalProperties: false,
  description: "Which strings in TypeScript/JavaScript files hold SQL.",
  properties: {
    tags: patternList("Template tags whose template is SQL (`sql`…`); `x.sql` is matched by `sql`, `sql.type()` by a called tag.", DEFAULT_TAGS),
    functions: patternList("Calls whose first argument is SQL (`pool.query('…')`).", DEFAULT_FUNCTIONS),
    transactions: patternList("Calls whose callback runs in a transaction (`db.transaction(async (tx) => …)`).", DEFAULT_TRANSACTIONS),
    literals: {
      type: "boolean",
      default: true,
      description: "Also read other string literals as SQL when they start with an SQL keyword and parse completely.",
    },
  },
};

/** A name pattern: `query`, `sql.unsafe`, `sql.type()`, `transaction().execute`. */
export interface NamePattern {
  text: string;
  segments: string[];
}

export interface EmbeddedSettings {
  tags: NamePattern[];
  functions: NamePattern[];
  transactions: NamePattern[];
  literals: boolean;
}

const PATTERN = /^[A-Za-z_$][\w$]*(?:\(\))?(?:\.[A-Za-z_$][\w$]*(?:\(\))?)*$/;

function toPattern(text: string): NamePattern {
  return { text, segments: text.split(".") };
}

/** Resolves the user's `embedded` settings against the defaults; `errors` name what is wrong. */
export function resolveEmbedded(user: EmbeddedConfig | undefined): { settings: EmbeddedSettings; errors: string[] } {
  const errors: string[] = [];
  const list = (key: "tags" | "functions" | "transactions", defaults: string[]): NamePattern[] => {
    const out = [...defaults];
    (user?.[key] ?? []).forEach((raw, i) => {
      const remove = raw.startsWith("!");
      const name = remove ? raw.slice(1) : raw;
      if (!PATTERN.test(name)) {
        errors.push(`embedded.${key}[${i}]: "${raw}" is not a name or a dotted path (e.g. "query", "db.query", "sql.type()")`);
      } else if (remove) {
        const at = out.indexOf(name);
        if (at < 0) errors.push(`embedded.${key}[${i}]: "${raw}" removes nothing (the defaults are: ${defaults.join(", ")})`);
        else out.splice(at, 1);
      } else if (!out.includes(name)) out.push(name);
    });
    return out.map(toPattern);
  };
  const settings: EmbeddedSettings = {
    tags: list("tags", DEFAULT_TAGS),
    functions: list("functions", DEFAULT_FUNCTIONS),
    transactions: list("transactions", DEFAULT_TRANSACTIONS),
    literals: user?.literals ?? true,
  };
  return { settings, errors };
}

export const defaultEmbeddedSettings: EmbeddedSettings = resolveEmbedded(undefined).settings;

/** The dotted path of a callee or tag: `pool.query` → [pool, query]; `sql.type(x)` → [sql, type()]. */
export function pathOf(node: Node, depth = 0): string[] {
  if (depth > 20) return ["?"];
  switch (node.type) {
    case "Identifier":
      return [node.name];
    case "ThisExpression":
      return ["this"];
    case "Super":
      return ["super"];
    case "MemberExpression": {
      const obj = pathOf(node.object, depth + 1);
      if (!node.computed && node.property.type === "Identifier") return [...obj, node.property.name];
      if (!node.computed && node.property.type === "PrivateIdentifier") return [...obj, `#${node.property.name}`];
      if (node.computed && node.property.type === "Literal" && typeof node.property.value === "string") return [...obj, node.property.value];
      return [...obj, "?"];
    }
    case "CallExpression": {
      const p = pathOf(node.callee, depth + 1);
      p[p.length - 1] += "()";
      return p;
    }
    case "ChainExpression":
    case "TSNonNullExpression":
    case "TSAsExpression":
    case "TSSatisfiesExpression":
    case "TSTypeAssertion":
    case "TSInstantiationExpression":
      return pathOf(node.expression, depth + 1);
    default:
      return ["?"];
  }
}

/** The last segment must be equal; the others must appear before it, in order. */
function matches(pattern: NamePattern, path: string[]): boolean {
  const p = pattern.segments;
  if (p[p.length - 1] !== path[path.length - 1]) return false;
  let j = path.length - 2;
  for (let i = p.length - 2; i >= 0; i--) {
    while (j >= 0 && path[j] !== p[i]) j--;
    if (j < 0) return false;
    j--;
  }
  return true;
}

export function findPattern(patterns: NamePattern[], path: string[]): NamePattern | null {
  for (const p of patterns) if (matches(p, path)) return p;
  return null;
}

/**
 * Placeholders a query library rewrites before PostgreSQL sees the text: knex's `?`, `??`,
 * `:name`, `:name:`; Sequelize's `?` and `:name` replacements and `$name` bind parameters;
 * db-migrate's `?`; MikroORM's `?` and `??`; pg-promise's `${name}`, `$(name)`, `$<name>`,
 * `$[name]`, `$/name/` and `$1` with their modifiers; node-pg-migrate's `{name}`.
 *
 * They are found outside SQL strings, quoted names, comments and dollar quotes (where they change
 * nothing the parser sees), and replaced by stand-ins of the same length for the parser only, so
 * every offset stays the one of the text as written and messages quote it as written.
 */
import { skipToken } from "../../sql/lex/chars.js";

/** What a placeholder stands for once the library has filled it in. */
export type PlaceholderKind =
  /** a value (`?`, `:id`, `$name`, `${id}`) */
  | "value"
  /** a name (`??`, `:col:`, `${table:name}`, `$1~`) */
  | "identifier"
  /** SQL text pasted in as it is (`${where:raw}`, `$1^`): a value, a name, a list or a query */
  | "raw"
  /** the backslash of knex's `\?`, which knex drops (the `?` is then PostgreSQL's own) */
  | "escape";

export interface Placeholder {
  start: number;
  end: number;
  kind: PlaceholderKind;
}

/** How a library marks its placeholders, for one call (which syntaxes, which names). */
export interface Dialect {
  /** The library, as messages and the census name it. */
  library: string;
  /** `?` is a value. `sequelize`: only after a space, `(`, `,`, `=`, `>` or `[`, and not `?|` / `?&`. */
  question?: "always" | "sequelize";
  /** `??` is a name (knex, MikroORM). */
  doubleQuestion?: boolean;
  /** `:name` is a value; `knex` also reads `:name:` as a name. */
  colon?: "knex" | "sequelize";
  /** `$name` is a value (Sequelize's bind parameters). */
  dollarName?: boolean;
  /** pg-promise's variables and modifiers. */
  pgPromise?: boolean;
  /** `{name}` (node-pg-migrate's `pgm.sql` arguments). */
  braces?: boolean;
  /** The names bound (the keys of an object literal), or null when not known. */
  names?: ReadonlySet<string> | null;
  /**
   * The library surely rewrites these (knex rewrites every `?`): the text is read with them first.
   * Otherwise (the values are not known to be passed) the text as written is read first.
   */
  certain: boolean;
}

const PG_PROMISE_MODIFIERS: [string, PlaceholderKind][] = [
  ["^", "raw"],
  [":raw", "raw"],
  ["~", "identifier"],
  [":name", "identifier"],
  [":alias", "identifier"],
  ["#", "value"],
  [":value", "value"],
  [":json", "value"],
  [":csv", "value"],
  [":list", "value"],
];

const CLOSE: Record<string, string> = { "{": "}", "(": ")", "<": ">", "[": "]", "/": "/" };

const isWord = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_]/.test(c);
const isIdentStart = (c: string | undefined) => c !== undefined && /[A-Za-z_\u0080-\uffff]/.test(c);

/**
 * The placeholders of `sql` in the dialect, outside strings, quoted names, comments and dollar
 * quotes; `within(start, end)`: whether a range is text written in the string (not a stand-in for
 * an interpolation).
 */
export function findPlaceholders(sql: string, dialect: Dialect, within: (start: number, end: number) => boolean = () => true): Placeholder[] {
  const out: Placeholder[] = [];
  const n = sql.length;
  const named = (name: string) => !dialect.names || dialect.names.has(name);
  const add = (start: number, end: number, kind: PlaceholderKind) => {
    if (within(start, end)) out.push({ start, end, kind });
  };
  let i = 0;
  while (i < n) {
    const c = sql[i]!;
    const d = sql[i + 1];
    // strings, quoted names, comments and dollar quotes: skipped whole
    const past = skipToken(sql, i);
    if (past >= 0) {
      i = past;
      continue;
    }
    if (c === "$") {
      if (dialect.pgPromise) {
        const end = pgPromiseVariable(sql, i);
        if (end) {
          add(i, end.end, end.kind);
          i = end.end;
          continue;
        }
      }
      if (dialect.dollarName && !isWord(sql[i - 1]) && isIdentStart(d)) {
        let j = i + 2;
        while (j < n && isWord(sql[j])) j++;
        if (named(sql.slice(i + 1, j))) add(i, j, "value");
        i = j;
        continue;
      }
      i++;
      continue;
    }
    if (c === "\\" && d === "?" && dialect.question === "always") {
      // knex: `\?` is a question mark knex leaves alone (PostgreSQL's jsonb operator)
      add(i, i + 1, "escape");
      i += 2;
      continue;
    }
    if (c === "?" && dialect.question) {
      if (d === "?" && dialect.doubleQuestion) {
        add(i, i + 2, "identifier");
        i += 2;
        continue;
      }
      const sequelize = dialect.question === "sequelize";
      if (!sequelize || (canPrecede(sql[i - 1]) && d !== "|" && d !== "&")) add(i, i + 1, "value");
      i++;
      continue;
    }
    if (c === ":" && dialect.colon) {
      if (d === ":") {
        i += 2; // a cast
        continue;
      }
      const m = /^:([A-Za-z_][A-Za-z0-9_]*)/.exec(sql.slice(i, i + 200));
      if (m && named(m[1]!) && colonStarts(sql, i, dialect.colon)) {
        const end = i + m[0].length;
        const after = sql.slice(end, end + 2);
        if (dialect.colon === "knex" && after[0] === ":" && (after[1] !== ":" || sql[end + 2] === ":")) {
          add(i, end + 1, "identifier"); // `:name:`
          i = end + 1;
          continue;
        }
        if (dialect.colon === "sequelize" && !/^(?:$|[),;\]\s]|::)/.test(after)) {
          i = end;
          continue;
        }
        add(i, end, "value");
        i = end;
        continue;
      }
      i++;
      continue;
    }
    if (c === "{" && dialect.braces) {
      const m = /^\{([A-Za-z_$][\w$]*)\}/.exec(sql.slice(i, i + 200));
      if (m && named(m[1]!)) {
        add(i, i + m[0].length, "raw");
        i += m[0].length;
        continue;
      }
    }
    i++;
  }
  return out;
}

/** Sequelize's rule for what may stand before a replacement. */
function canPrecede(c: string | undefined): boolean {
  return c === undefined || /[\s(>,=[]/.test(c);
}

/** A `:name` here is a placeholder, not a slice bound (`arr[1:n]`) or part of a word. */
function colonStarts(sql: string, i: number, style: "knex" | "sequelize"): boolean {
  const before = sql[i - 1];
  if (style === "sequelize") return canPrecede(before);
  return before === undefined || !/[\w\])"'`:.$]/.test(before);
}

/** A pg-promise variable at `i` (a `$`): its end and what it stands for. */
function pgPromiseVariable(sql: string, i: number): { end: number; kind: PlaceholderKind } | null {
  const open = sql[i + 1];
  if (open !== undefined && open in CLOSE) {
    const close = CLOSE[open]!;
    const m = /^\s*(?:[A-Za-z0-9$_.]+)/.exec(sql.slice(i + 2, i + 202));
    if (!m) return null;
    let j = i + 2 + m[0].length;
    const mod = modifierAt(sql, j);
    j += mod?.[0].length ?? 0;
    while (sql[j] === " " || sql[j] === "\t") j++;
    if (sql[j] !== close) return null;
    return { end: j + 1, kind: mod?.[1] ?? "value" };
  }
  const m = /^[1-9][0-9]{0,16}(?![0-9])/.exec(sql.slice(i + 1, i + 20));
  if (!m) return null;
  const mod = modifierAt(sql, i + 1 + m[0].length);
  // a plain `$1` is PostgreSQL's own parameter: nothing to replace
  if (!mod) return null;
  return { end: i + 1 + m[0].length + mod[0].length, kind: mod[1] };
}

function modifierAt(sql: string, j: number): [string, PlaceholderKind] | null {
  for (const m of PG_PROMISE_MODIFIERS) {
    if (!sql.startsWith(m[0], j)) continue;
    // `:name` and the like end at a word boundary (`$1::name` is a cast)
    if (m[0].startsWith(":") && (isWord(sql[j + m[0].length]) || sql[j - 1] === ":")) continue;
    return m;
  }
  return null;
}

/** How a placeholder is read in one attempt: its kind's readings, tried in this order. */
export type Reading = "value" | "identifier" | "list" | "query" | "escape";

export const READINGS: Record<PlaceholderKind, Reading[]> = {
  value: ["value"],
  identifier: ["identifier"],
  raw: ["value", "identifier", "list", "query"],
  escape: ["escape"],
};

const BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz";

/**
 * A stand-in of exactly `length` characters the parser reads as the placeholder would be read,
 * or null when none fits. `index` keeps stand-ins apart (`? = ?` is not `x = x`).
 */
export function standIn(reading: Reading, length: number, index: number): string | null {
  const digit = String((index % 9) + 1);
  switch (reading) {
    case "escape":
      return " ".repeat(length);
    case "value":
      return length === 1 ? digit : `$${digit}`.padEnd(length);
    case "identifier":
      return length < 2 ? null : `_${BASE36[index % 36]}`.padEnd(length, "_");
    case "list":
      return length < 3 ? null : `(${digit}`.padEnd(length - 1) + ")";
    case "query":
      return length < 8 ? null : "SELECT 1".padEnd(length);
  }
}

/**
 * Cheap looks before any parse: whether a file may hold SQL at all (regular expressions over its
 * text), and whether a plain literal that no sink reads starts like SQL.
 */
import { defaultEmbeddedSettings, type EmbeddedSettings, type NamePattern } from "./settings.js";

const STRONG_KEYWORDS = ["select", "insert", "update", "delete", "with", "merge", "create", "alter", "drop", "truncate", "grant", "revoke", "copy", "begin", "start", "commit", "rollback"];
/** Keywords that open ordinary words too ("lock screen", "analyze results"): upper case only. */
const WEAK_KEYWORDS = ["vacuum", "analyze", "analyse", "reindex", "cluster", "refresh", "lock", "explain", "set", "reset", "show", "do", "call", "listen", "notify", "unlisten", "discard", "checkpoint", "comment", "savepoint", "release", "prepare", "deallocate", "declare", "fetch", "move", "close", "values", "table", "import", "security", "abort", "end", "load"];
const STRONG = new Set(STRONG_KEYWORDS);
const WEAK = new Set(WEAK_KEYWORDS);

interface Gate {
  tags: RegExp;
  /** A sink call whose first argument is written in place: `query('`, `execute(\``, `query({`. */
  callsWithString: RegExp;
  calls: RegExp;
}

const gates = new WeakMap<EmbeddedSettings, Gate>();
/** Comments a string may open with before its first keyword (`-- migrate`, `/* why *\/`), bounded. */
const LEADING_COMMENTS = String.raw`(?:(?:--[^\n]{0,400}\n|/\*[\s\S]{0,400}?\*/)\s*){0,8}`;
const KEYWORD_AFTER_QUOTE = new RegExp(`['"\`]\\s*${LEADING_COMMENTS}(?:${STRONG_KEYWORDS.join("|")})\\s`, "i");
const UPPER_KEYWORD_AFTER_QUOTE = new RegExp(`['"\`]\\s*${LEADING_COMMENTS}(?:${WEAK_KEYWORDS.map((k) => k.toUpperCase()).join("|")})\\s`);

function gate(settings: EmbeddedSettings): Gate {
  let g = gates.get(settings);
  if (!g) {
    const names = (patterns: NamePattern[]) =>
      [...new Set(patterns.map((p) => p.segments[p.segments.length - 1]!.replace(/\(\)$/, "").replace(/[$]/g, "\\$")))].join("|");
    const fns = names(settings.functions);
    g = {
      tags: new RegExp(`(?<![\\w$])(?:${names(settings.tags)})\\s*[(\`<!]`),
      callsWithString: new RegExp(`(?<![\\w$])(?:${fns})\\s*(?:<[^<>()]*>)?\\s*\\(\\s*[\`'"{]`),
      calls: new RegExp(`(?<![\\w$])(?:${fns})\\s*(?:<[^<>()]*>)?\\s*\\(`),
    };
    gates.set(settings, g);
  }
  return g;
}

/**
 * An ESLint directive that concerns sqlguard: one naming a `sqlguard/` rule, or one naming no rule
 * (which covers every rule, sqlguard's too). Those naming only other rules do not make a file worth
 * parsing: most code bases have many `eslint-disable-next-line @typescript-eslint/…` comments.
 */
const ESLINT_DIRECTIVE_FOR_US = /eslint-(?:disable|enable)(?:-next-line|-line)?(?:[ \t]+[^\r\n]*?sqlguard\/|[ \t]*(?:\*\/|\r|\n|$|--\s))/;

/**
 * Whether a file may hold SQL at all (regular expressions, before paying for a parse): a
 * directive, a SQL tag, a sink call with a string written in place, or a string that starts
 * with an SQL keyword (a const a sink reads, or a plain literal).
 */
export function mayHoldSql(text: string, settings: EmbeddedSettings = defaultEmbeddedSettings): boolean {
  const g = gate(settings);
  if (text.includes("sqlguard-") || g.tags.test(text) || g.callsWithString.test(text)) return true;
  if (text.includes("eslint-") && ESLINT_DIRECTIVE_FOR_US.test(text)) return true;
  if (!settings.literals && !g.calls.test(text)) return false;
  return KEYWORD_AFTER_QUOTE.test(text) || (settings.literals && UPPER_KEYWORD_AFTER_QUOTE.test(text));
}

/**
 * Parses a code file (when it may hold SQL) and extracts its SQL strings. With `program` (the
 * tree ESLint already built for the file), nothing is parsed again.

/** First word of the SQL text (after spaces and comments). */
function firstWord(sql: string): string {
  let i = 0;
  for (;;) {
    while (i < sql.length && /\s/.test(sql[i]!)) i++;
    if (sql.startsWith("--", i)) {
      const nl = sql.indexOf("\n", i);
      if (nl < 0) return "";
      i = nl + 1;
    } else if (sql.startsWith("/*", i)) {
      const e = sql.indexOf("*/", i + 2);
      if (e < 0) return "";
      i = e + 2;
    } else break;
  }
  return /^[A-Za-z]+/.exec(sql.slice(i, i + 20))?.[0] ?? "";
}

/** A literal that is not in a sink is SQL only if it looks like it: a keyword, in one case, and more than one word. */
export function looksLikeSql(sql: string): boolean {
  const word = firstWord(sql);
  const lower = word.toLowerCase();
  const oneCase = word === word.toUpperCase() || word === lower;
  if (!oneCase) return false;
  if (!STRONG.has(lower) && !(WEAK.has(lower) && word === word.toUpperCase())) return false;
  return /\S\s+\S/.test(sql.trim());
}

/**
 * Every credential-shaped value of a text, reported or not: what no output may show a piece of.
 *
 * - the secrets of every connection string the scanner finds (local hosts and placeholders
 *   included: a local database's password is still a password);
 * - role and user passwords in SQL: `CREATE ROLE … PASSWORD '…'`, `ALTER USER … ENCRYPTED
 *   PASSWORD '…'`, `CREATE USER … WITH PASSWORD $$…$$`, MySQL's `IDENTIFIED BY '…'`, with
 *   comments allowed before the literal;
 * - values of keys named like a secret (`password`, `db_password`, `PGPASSWORD`, `secret`,
 *   `api_key`, `token`…): quoted values anywhere (`"password": "…"`, `password = '…'`), unquoted
 *   ones after `key=` in running text, and in configuration files (`.env`, `.properties`, YAML,
 *   INI) the rest of a line that starts with the key, `.properties` line continuations included.
 *
 * When in doubt a value is masked: a quote that does not close the string the value sits in, a
 * literal left open, a value that runs on are all taken as part of the secret. Pure: no I/O.
 */
import { enclosingQuote, findConnectionStrings, type ConnectionString, type Range } from "./connection-strings.js";
import { isTemplateValue } from "./hosts.js";
import { mergeRanges } from "./mask.js";

/**
 * What the text is, for the forms that depend on it: in `config` files (`.env`, `.properties`,
 * YAML…) a line `password = rest of line` is a secret; in SQL and code that line is code.
 */
export type TextKind = "sql" | "code" | "config";

/** Ranges of every credential-shaped value in `text`, merged and sorted. */
export function findCredentials(text: string, kind: TextKind, connections?: readonly ConnectionString[]): [number, number][] {
  const out: [number, number][] = [];
  for (const c of connections ?? findConnectionStrings(text)) for (const s of c.secrets) out.push([s.start, s.end]);
  passwordClauses(text, out);
  keyedValues(text, kind, out);
  return mergeRanges(out);
}

/** Longest literal read as one secret; a longer one is masked to the end of its first line. */
const LITERAL_MAX = 4096;

const add = (out: [number, number][], text: string, start: number, end: number) => {
  if (end <= start) return;
  if (isTemplateValue(text.slice(start, end))) return;
  out.push([start, end]);
};

/** Skips blanks, line breaks and SQL comments from `i`. */
function skipTrivia(text: string, i: number): number {
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (text.startsWith("--", i)) {
      const nl = text.indexOf("\n", i);
      i = nl < 0 ? text.length : nl + 1;
    } else if (text.startsWith("/*", i)) {
      const close = text.indexOf("*/", i + 2);
      if (close < 0 || close - i > 2000) return i;
      i = close + 2;
    } else return i;
  }
}

/**
 * The inside of the literal starting at `i` (`'…'`, `E'…'`, `U&'…'`, `"…"`, `` `…` ``,
 * `$tag$…$tag$`), and adjacent literals after a line break (`'ab'\n'cd'`, one string in SQL).
 * Doubled quotes and backslash escapes stay inside. Null when no literal starts at `i`.
 */
export function literalAt(text: string, i: number): { start: number; end: number } | null {
  let j = i;
  if ((text[j] === "E" || text[j] === "e") && text[j + 1] === "'") j++;
  else if ((text[j] === "U" || text[j] === "u") && text[j + 1] === "&" && text[j + 2] === "'") j += 2;
  const q = text[j];
  if (q === "$") {
    const tag = /\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/y;
    tag.lastIndex = j;
    const m = tag.exec(text);
    if (!m) return null;
    const close = text.indexOf(m[0], tag.lastIndex);
    const start = tag.lastIndex;
    if (close < 0 || close - start > LITERAL_MAX) return { start, end: lineEnd(text, start) };
    return { start, end: close };
  }
  if (q !== "'" && q !== '"' && q !== "`") return null;
  const start = j + 1;
  let e = start;
  for (;;) {
    while (e < text.length && e - start <= LITERAL_MAX) {
      const c = text[e];
      // `\'` ends nothing in code strings, and `\''` nothing in SQL: the longer reading wins
      if (c === "\\") {
        e += text[e + 1] === q && text[e + 2] === q ? 1 : 2;
        continue;
      }
      if (c === q) {
        if (text[e + 1] === q) {
          e += 2;
          continue;
        }
        break;
      }
      e++;
    }
    if (e >= text.length || e - start > LITERAL_MAX) return { start, end: e >= text.length ? text.length : lineEnd(text, start) };
    // 'ab'
    //   'cd' is one literal in SQL: the second part belongs to the secret too (and on one
    // line, where SQL refuses it, a literal written right after a password is taken as its rest)
    const next = /\s+/y;
    next.lastIndex = e + 1;
    if (q === "'" && next.exec(text) && text[next.lastIndex] === "'") {
      e = next.lastIndex + 1;
      continue;
    }
    return { start, end: e };
  }
}

function lineEnd(text: string, i: number): number {
  while (i < text.length && text[i] !== "\n" && text[i] !== "\r") i++;
  return i;
}

/** `PASSWORD '…'` (CREATE/ALTER ROLE and USER, `ENCRYPTED`, `WITH`), `IDENTIFIED BY '…'`. */
function passwordClauses(text: string, out: [number, number][]): void {
  const re = /\b(?:PASSWORD|IDENTIFIED[ \t\r\n]+(?:WITH[ \t\r\n]+[\w$]+[ \t\r\n]+)?BY(?:[ \t\r\n]+PASSWORD)?)\b/gi;
  for (let m; (m = re.exec(text)); ) {
    const after = m.index + m[0].length;
    const at = skipTrivia(text, after);
    // a SQL literal after a blank or a comment: `PASSWORD 'x'`, not `"password", "email"`
    if (at === after || !/^(?:[EeUu]&?'|'|\$)/.test(text.slice(at, at + 3))) continue;
    const lit = literalAt(text, at);
    if (lit) add(out, text, lit.start, lit.end);
  }
}

/** Key words that name a secret, at the end of a key (`DB_PASSWORD`, `spring.datasource.password`). */
const SECRET_WORD = /(?:password|passwd|passphrase|pwd|secret|token|api[_-]?key)(?![A-Za-z0-9_-])/gi;
const KEY_CHAR = /[A-Za-z0-9_.-]/;

/**
 * Values of keys named like a secret. `key = '…'`, `"key": "…"`, `key => "…"` anywhere;
 * `key=value` (no blank around `=`) in running text, to the end of the word; and in configuration
 * files a line that starts with the key (`DB_PASSWORD=…`, `password: …`, `x.password = …`) to
 * the end of the line, `.properties` continuations (a `\` at the end of a line) included.
 */
function keyedValues(text: string, kind: TextKind, out: [number, number][]): void {
  SECRET_WORD.lastIndex = 0;
  for (let m; (m = SECRET_WORD.exec(text)); ) {
    let k = m.index;
    while (k > 0 && KEY_CHAR.test(text[k - 1]!)) k--;
    if (k > 0 && text[k - 1] === "$") continue; // $PGPASSWORD is a use, not a value
    let i = m.index + m[0].length;
    if (text[i] === '"' || text[i] === "'") i++; // "password": …
    const blanks = /[ \t]*/y;
    blanks.lastIndex = i;
    blanks.exec(text);
    const beforeSep = blanks.lastIndex;
    // `password==x` right after the key is a value that starts with `=` (ADO.NET), not a comparison
    const sep = beforeSep === i ? /=>|:=|=(?!~)|:(?![:\w/\\])/y : /=>|:=|=(?![=~])|:(?![:\w/\\])/y;
    sep.lastIndex = beforeSep;
    const s = sep.exec(text);
    if (!s) continue;
    blanks.lastIndex = sep.lastIndex;
    blanks.exec(text);
    const v = blanks.lastIndex;
    const tight = beforeSep === i && v === sep.lastIndex && s[0] === "=";
    const configLine = kind === "config" && startsLine(text, k);
    const lit = literalAt(text, v);
    if (lit) {
      const after = lit.end + 1;
      if (configLine) {
        // `KEY="value"  # comment` is quoted; `KEY=""x y` is not: the line is the value
        const rest = text.slice(after, lineEnd(text, after));
        if (rest.trim() !== "" && !/^\s+#/.test(rest)) {
          configValue(text, v, false, out);
          continue;
        }
      }
      // a quote that opened the value but did not close it (`password='ab'cd`): the rest goes with it
      const more = after < text.length && !/[\s,;)\]}]/.test(text[after]!);
      add(out, text, lit.start, more ? Math.max(lit.end, wordValueEnd(text, after)) : lit.end);
      continue;
    }
    if (configLine) {
      // `PGPASSWORD=x psql …`: a shell variable (upper case, no blank around `=`) ends where a command starts
      configValue(text, v, tight && /^[A-Z_][A-Z0-9_]*$/.test(text.slice(k, m.index + m[0].length)), out);
      continue;
    }
    if (tight) add(out, text, v, wordValueEnd(text, v));
  }
}

/** Whether the key at `k` starts its line (after blanks, `export`, `set`, `ENV`, a YAML `- ` or a comment mark). */
function startsLine(text: string, k: number): boolean {
  let i = k;
  while (i > 0 && k - i < 40 && text[i - 1] !== "\n" && text[i - 1] !== "\r") i--;
  if (i > 0 && text[i - 1] !== "\n" && text[i - 1] !== "\r") return false;
  return /^[ \t]*(?:(?:export|set|ENV)[ \t]+|-[ \t]+|[#;]+[ \t]*)?$/.test(text.slice(i, k));
}

/** An unquoted value in running text: to a blank, a line break, or the quote that closes the string it sits in. */
function wordValueEnd(text: string, v: number): number {
  const enclosing = enclosingQuote(text, v);
  let e = v;
  const limit = Math.min(text.length, v + 1024);
  while (e < limit) {
    const c = text[e]!;
    if (c === " " || c === "\t" || c === "\n" || c === "\r") break;
    // the next `key=` of a list: `password=a;b;Database=x`, `password=pw&ssl=1`
    if ((c === ";" || c === "&") && /^[ \t]*[A-Za-z][\w. ]{0,40}=/.test(text.slice(e + 1, e + 48))) break;
    if (c === "\\" && e + 1 < text.length && text[e + 1] !== "\n") {
      e += 2;
      continue;
    }
    if (c === enclosing) {
      if (c === "'" && text[e + 1] === "'") {
        e += 2;
        continue;
      }
      break;
    }
    e++;
  }
  return Math.min(e, text.length);
}

/**
 * After `KEY=value` in a shell line, what starts a command rather than goes on with the value:
 * `PGPASSWORD=x psql postgres://…`, `A=x B=y cmd`, `… && …`.
 */
const SHELL_GOES_ON = /[ \t]+(?:\S*:\/\/|[A-Za-z_][A-Za-z0-9_]*=|&&|\|\||[|;]|(?:psql|pg_\w+|createdb|dropdb|createuser|mysql\w*|mongo\w*|redis-cli|sqlcmd|exec|env|node|npm|npx|python3?|bash|sh|docker|make)\b)/;

/**
 * A configuration line's value: the rest of the line, trailing blanks left out, continued past a
 * final `\`. For a shell variable (`shell`), a command after it on the line is left out.
 */
function configValue(text: string, v: number, shell: boolean, out: [number, number][]): void {
  let start = v;
  let last = v;
  for (let n = 0; n < 100; n++) {
    let e = lineEnd(text, start);
    if (shell && n === 0) {
      const cmd = SHELL_GOES_ON.exec(text.slice(start, e));
      if (cmd) {
        add(out, text, start, start + cmd.index);
        return;
      }
    }
    let end = e;
    while (end > start && (text[end - 1] === " " || text[end - 1] === "\t")) end--;
    if (end > start) last = end;
    // an odd number of backslashes at the end: the value goes on on the next line
    let slashes = 0;
    while (end - slashes > start && text[end - 1 - slashes] === "\\") slashes++;
    if (slashes % 2 === 0 || e >= text.length) break;
    e += text[e] === "\r" && text[e + 1] === "\n" ? 2 : 1;
    while (e < text.length && (text[e] === " " || text[e] === "\t")) e++;
    start = e;
  }
  // one range over the continued lines (their line breaks stay in the masked view)
  add(out, text, v, last);
}

export type { Range };

/**
 * A PostgreSQL script scanner: one pass over the text that finds statements, psql
 * meta-commands, COPY data, comments and blank lines, with exact UTF-16 ranges.
 *
 * It follows PostgreSQL's own lexical rules (scan.l) and psql's splitting rules (psqlscan.l):
 * a `;` ends a statement only outside parentheses and outside the BEGIN … END body of a
 * `CREATE FUNCTION/PROCEDURE … BEGIN ATOMIC`; a backslash outside quotes starts a meta-command
 * that runs to the end of the line; `COPY … FROM stdin` is followed by data lines up to `\.`.
 * The text between statements (whitespace, comments, stray semicolons) belongs to no item.
 */

/** A same-length rewrite applied to the text handed to the parser (positions stay exact). */
export interface Mask {
  start: number;
  end: number;
  text: string;
  /** A psql variable substitution (the parser retries without these). */
  variable: boolean;
  /** For a variable: the end of the whole reference (`:name`, `:'name'`, `:{?name}`). */
  refEnd: number;
}

export interface LexError {
  offset: number;
  message: string;
}

export interface StatementItem {
  type: "statement";
  /** Offset of the statement's first token. */
  start: number;
  /** Offset just past its last SQL token (the terminating `;` is not included). */
  end: number;
  /** Offset of the terminating `;`, or -1. */
  semicolon: number;
  /**
   * How the statement ended: `;`, a psql command that sends it (`\g`…), a boundary the tool that
   * runs the file sets (`break`: goose's StatementEnd, a named query's end), or the end of the file.
   */
  terminator: "semicolon" | "meta" | "break" | "eof";
  /** Offsets of the first character of every blank line between this statement's tokens. */
  blankLines: number[];
  /** Rewrites for the parser: psql variables, masked meta-commands, legacy string escapes. */
  masks: Mask[] | null;
  /** Whether some masks substitute psql variables (the parser retries without them). */
  hasVariables: boolean;
  /** An unterminated quote or comment cut this statement short. */
  lexError: LexError | null;
  /** Offset of the first NUL character inside the statement, or -1. */
  nul: number;
  /** First word, upper-cased (`UPDATE`, `WITH`, `(`…). */
  firstWord: string;
  /** `COPY … FROM stdin`: data lines follow. */
  copyFromStdin: boolean;
}

export interface MetaItem {
  type: "meta";
  start: number;
  end: number;
  /** Command name without the backslash (`set`, `connect`, `gset`…). */
  command: string;
  /** Raw argument text. */
  args: string;
}

export interface CopyDataItem {
  type: "copy-data";
  start: number;
  end: number;
  /** Whether a `\.` line ended the data (otherwise the end of the file did). */
  terminated: boolean;
}

export type ScriptItem = StatementItem | MetaItem | CopyDataItem;

export interface Comment {
  start: number;
  end: number;
  block: boolean;
}

export interface LexOptions {
  /** Recognise psql meta-commands, `\;`, COPY data (scripts: yes; SQL in code: no). */
  psql?: boolean;
  /** Substitute psql variables `:name`, `:'name'`, `:"name"` for the parser. */
  variables?: boolean;
  /** Where to start reading (one unit of a file: the text before it belongs to another). */
  from?: number;
  /**
   * Statement boundaries set by the tool that runs the file, sorted: a statement open at `at` ends
   * there (terminator `break`), and the text up to `skipTo` (a delimiter line) is skipped.
   */
  breaks?: readonly { at: number; skipTo: number }[];
  /**
   * Parameter markers to hide from the parser (same length): `question` reads `?` as a value
   * (yesql), `bang` drops the `!` after `:name` (pgtyped's non-null parameters), `braces` reads
   * `${name}` as a name (Flyway's and Liquibase's placeholders, goose's ENVSUB): the tool pastes
   * its value in as text before running the script; `lists` reads `IN :ids` and `VALUES :rows` as
   * a parenthesised list (pgtyped's and PugSQL's expanding parameters).
   */
  params?: readonly ("question" | "bang" | "braces" | "lists")[];
}

export interface LexResult {
  items: ScriptItem[];
  statements: StatementItem[];
  comments: Comment[];
}

// Meta-commands that send the query buffer, so they end the statement being typed.
const SENDING_META = new Set([
  "g",
  "gx",
  "gset",
  "gexec",
  "gdesc",
  "watch",
  "crosstabview",
  "parse",
  "sendpipeline",
]);

/**
 * psql's boolean words (ParseVariableBool): unique prefixes of true/false/yes/no, on/off, 1/0,
 * for `\if` and for variables such as AUTOCOMMIT; null for anything else.
 */
export function psqlBool(value: string): boolean | null {
  const v = value.toLowerCase();
  if (v.length === 0) return null;
  if ("true".startsWith(v) || "yes".startsWith(v) || v === "1" || (v.length >= 2 && "on".startsWith(v))) return true;
  if ("false".startsWith(v) || "no".startsWith(v) || v === "0" || (v.length >= 2 && "off".startsWith(v))) return false;
  return null;
}

/**
 * One level of psql's `\if … \elif … \else … \endif`. `taken`: whether an earlier branch of
 * this level surely ran (`yes`), may have run (`maybe`: its condition used a variable), or did not.
 */
interface Conditional {
  /** The branch being read runs (or may run). */
  active: boolean;
  taken: "yes" | "maybe" | "no";
  /** The whole \if sits in a branch that does not run. */
  dead: boolean;
}

const C_TAB = 9,
  C_LF = 10,
  C_VT = 11,
  C_FF = 12,
  C_CR = 13,
  C_SPACE = 32,
  C_DQUOTE = 34,
  C_DOLLAR = 36,
  C_AMP = 38,
  C_QUOTE = 39,
  C_LPAREN = 40,
  C_RPAREN = 41,
  C_STAR = 42,
  C_MINUS = 45,
  C_DOT = 46,
  C_SLASH = 47,
  C_COLON = 58,
  C_SEMI = 59,
  C_EQ = 61,
  C_QMARK = 63,
  C_BACKSLASH = 92,
  C_BACKTICK = 96,
  C_LBRACE = 123,
  C_RBRACE = 125;

// Character classes of ASCII; everything from 0x80 up is an identifier character, as in PostgreSQL.
const IDENT_START = 1;
const IDENT_CONT = 2;
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const letter = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
  CLASS[c] = (letter ? IDENT_START | IDENT_CONT : 0) | ((c >= 48 && c <= 57) || c === C_DOLLAR ? IDENT_CONT : 0);
}

function isIdentStart(c: number): boolean {
  return c >= 128 || (CLASS[c]! & IDENT_START) !== 0;
}
function isIdentCont(c: number): boolean {
  return c >= 128 || (CLASS[c]! & IDENT_CONT) !== 0;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isSpace(c: number): boolean {
  return c === C_SPACE || c === C_TAB || c === C_LF || c === C_CR || c === C_FF || c === C_VT;
}
/** psql variable names: letters, digits, underscore and non-ASCII. */
function isVarChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 128 || isDigit(c);
}

/** Lexes a whole script into arrays (items sorted by start). */
export function lex(text: string, options: LexOptions = {}): LexResult {
  const comments: Comment[] = [];
  const items = [...lexScript(text, options, comments)];
  items.sort((a, b) => a.start - b.start);
  const statements = items.filter((x): x is StatementItem => x.type === "statement");
  return { items, statements, comments };
}

/**
 * Lexes a script lazily: yields each item as soon as it is complete, so a huge file is never
 * held as a list of statements. A meta-command typed in the middle of a statement is yielded
 * before that statement. Comments are appended to `comments` as they are met.
 */
export function* lexScript(text: string, options: LexOptions = {}, comments: Comment[] = []): Generator<ScriptItem> {
  const next = createLexer(text, options, comments);
  for (let item = next(); item !== null; item = next()) yield item;
}

/**
 * The scanner behind `lexScript`: returns a function giving the next completed item (or null
 * at the end). The scanning loop lives in a plain function, not in the generator, so V8 can
 * optimise it while it runs (on-stack replacement does not reach into generators; a cold
 * process would otherwise lex its first large file an order of magnitude slower).
 */
export function createLexer(text: string, options: LexOptions = {}, comments: Comment[] = []): () => ScriptItem | null {
  const psql = options.psql ?? true;
  const variables = options.variables ?? psql;
  const breaks = options.breaks ?? [];
  let nextBreak = 0;
  let breakAt = breaks.length > 0 ? breaks[0]!.at : Infinity;
  const questionMarks = options.params?.includes("question") ?? false;
  const bangs = options.params?.includes("bang") ?? false;
  const braces = options.params?.includes("braces") ?? false;
  const lists = options.params?.includes("lists") ?? false;
  const n = text.length;
  const items: ScriptItem[] = []; // completed, not yet yielded
  const hasCR = text.includes("\r");
  const hasNul = text.includes("\0");
  /**
   * Offset of the line break ending the line that holds `from` (or the end of the text). Lexing
   * does not always move forward (recovery from a runaway string, the dollar-quote index), so
   * nothing is cached: without a CR in the text, a search for LF; with one, a scan.
   */
  const lineEnd = (from: number): number => {
    if (!hasCR) {
      const e = text.indexOf("\n", from);
      return e < 0 ? n : e;
    }
    let e = from;
    while (e < n) {
      const c = text.charCodeAt(e);
      if (c === C_LF || c === C_CR) break;
      e++;
    }
    return e;
  };
  /** Offset of the next line's start, for `eol` a line break (CRLF counts as one) or the end. */
  const afterBreak = (eol: number): number => (eol >= n ? n : eol + (text.charCodeAt(eol) === C_CR && text.charCodeAt(eol + 1) === C_LF ? 2 : 1));

  // State of the statement being read.
  let stmt = null as StatementItem | null;
  let lastTokenEnd = 0;
  let depth = 0; // parentheses
  let beginDepth = 0; // BEGIN … END inside CREATE FUNCTION/PROCEDURE bodies
  let wordIndex = 0;
  let isRoutine = false; // statement starts CREATE [OR REPLACE] FUNCTION|PROCEDURE
  let isSchema = false; // CREATE SCHEMA … CREATE FUNCTION …: each element may be a routine
  let createAt = 0; // word index of the CREATE that starts the current (schema element) command
  let isCopy = false;
  let prevWordFrom = false;
  let createWords: string[] = [];
  let setWords: string[] | null = null;
  // Session state that changes lexing.
  let standardStrings = true;
  /** COPY … FROM stdin statements sent whose data has not been read yet (`\\;` can join several). */
  let copyPending = 0;
  /** psql conditionals (`\\if`); text in a branch that does not run is read but never sent. */
  const conditionals: Conditional[] = [];
  /** How many of `conditionals` are not active (kept as they change: 100,000 nested \\if stay linear). */
  let inactiveLevels = 0;
  /** Where the text of a branch that does not run began (-1: the text being read runs). */
  let inactiveFrom = -1;
  /**
   * The first string of the open statement that runs on past a `;` at the end of a line: where an
   * unbalanced quote (`'O'Brien'`) most likely is, if the statement ends with a quote that never
   * closes. Kept with what had been handed out then, so lexing can go back to that `;` safely.
   */
  let runaway: { quote: number; semicolon: number; handed: number } | null = null;
  /** Items handed out by `next()` so far. */
  let handedTotal = 0;
  /** Characters lexed twice after going back to a runaway string's `;` (bounded: never quadratic). */
  let relexed = 0;
  /** The open statement's nesting when that branch began: psql restores it when the branch ends. */
  let savedDepth = 0;
  let savedBeginDepth = 0;

  const open = (at: number): StatementItem => {
    if (stmt) return stmt;
    stmt = {
      type: "statement",
      start: at,
      end: at,
      semicolon: -1,
      terminator: "eof",
      blankLines: [],
      masks: null,
      hasVariables: false,
      lexError: null,
      nul: -1,
      firstWord: "",
      copyFromStdin: false,
    };
    depth = 0;
    beginDepth = 0;
    wordIndex = 0;
    isRoutine = false;
    isSchema = false;
    createAt = 0;
    runaway = null;
    isCopy = false;
    prevWordFrom = false;
    createWords = [];
    setWords = null;
    return stmt;
  };

  const close = (terminator: StatementItem["terminator"], semicolon: number): void => {
    const s = stmt;
    if (!s) return;
    stmt = null;
    runaway = null;
    // A query completed in a branch that does not run is discarded by psql, never sent.
    if (inactiveFrom >= 0) return;
    s.end = lastTokenEnd;
    s.terminator = terminator;
    s.semicolon = semicolon;
    // A NUL inside a string, comment or dollar quote: the scanners step over it, but the parser
    // would stop reading there just the same.
    if (s.nul < 0 && hasNul) {
      const z = text.indexOf("\0", s.start);
      if (z >= 0 && z < s.end) s.nul = z;
    }
    items.push(s);
    if (s.copyFromStdin) copyPending++;
    if (setWords) applySet(setWords);
  };

  const applySet = (words: string[]): void => {
    // SET [SESSION|LOCAL] standard_conforming_strings {=|TO} {on|off|true|false|'on'|…}
    const w = words.filter((x) => x !== "SESSION" && x !== "LOCAL");
    if (w[1] === "STANDARD_CONFORMING_STRINGS" && (w[2] === "=" || w[2] === "TO") && w[3]) {
      const v = w[3].replace(/'/g, "");
      if (v === "OFF" || v === "FALSE" || v === "0") standardStrings = false;
      else if (v === "ON" || v === "TRUE" || v === "1" || v === "DEFAULT") standardStrings = true;
    }
  };

  const addMask = (start: number, end: number, replacement: string, variable = false, refEnd = end): void => {
    const s = stmt;
    // Nothing read in a branch that does not run reaches the parser: one mask covers it all.
    if (!s || inactiveFrom >= 0) return;
    (s.masks ??= []).push({ start, end, text: replacement, variable, refEnd });
    if (variable) s.hasVariables = true;
  };

  /**
   * Every SQL token of a statement passes here: it opens the statement, moves its end, and
   * feeds the few keywords that change how the script splits.
   */
  const tok = (start: number, end: number, isWord: boolean): void => {
    // Text of a branch that does not run is no part of the statement begun before it.
    if (inactiveFrom >= 0 && stmt !== null && stmt.start < inactiveFrom) return;
    // Most tokens only move the statement's end: nothing below cares about them.
    if (stmt !== null && wordIndex >= 6 && !isRoutine && !isCopy && !isSchema) {
      lastTokenEnd = end;
      return;
    }
    const s = open(start);
    lastTokenEnd = end;
    const idx = wordIndex++;
    if (idx === 0) {
      const w = text.slice(start, end).toUpperCase();
      s.firstWord = w;
      if (w === "COPY") isCopy = true;
      else if (w === "CREATE") createWords = ["CREATE"];
      else if (w === "SET") setWords = ["SET"];
      return;
    }
    if (setWords !== null && idx < 6) setWords.push(text.slice(start, end).toUpperCase());
    if (!isWord) {
      prevWordFrom = false;
      return;
    }
    const len = end - start;
    if (isSchema && depth === 0 && beginDepth === 0 && len === 6 && text.slice(start, end).toUpperCase() === "CREATE") {
      // The next element of CREATE SCHEMA … CREATE …: a routine with a BEGIN ATOMIC body may follow
      // (PostgreSQL 19's psql tracks this too), and an earlier element's BEGIN no longer counts.
      createWords = ["CREATE"];
      createAt = idx;
      isRoutine = false;
      return;
    }
    if (createWords.length > 0 && idx - createAt < 4 && !isRoutine) {
      const w = text.slice(start, end).toUpperCase();
      if (w === "FUNCTION" || w === "PROCEDURE") isRoutine = true;
      else if (w === "OR" || w === "REPLACE") createWords.push(w);
      else {
        if (idx === 1 && w === "SCHEMA") isSchema = true;
        createWords = [];
      }
      return;
    }
    if (isRoutine) {
      if (depth === 0 && len >= 3 && len <= 5) {
        const w = text.slice(start, end).toUpperCase();
        if (w === "BEGIN") beginDepth++;
        else if (w === "CASE") {
          if (beginDepth > 0) beginDepth++;
        } else if (w === "END") {
          if (beginDepth > 0) beginDepth--;
        }
      }
      return;
    }
    if (isCopy && depth === 0) {
      // FROM STDOUT reads from the client too (the grammar accepts either word).
      if (prevWordFrom && (len === 5 || len === 6) && /^std(?:in|out)$/i.test(text.slice(start, end))) s.copyFromStdin = true;
      prevWordFrom = len === 4 && text.slice(start, end).toUpperCase() === "FROM";
    }
  };
  const word = (start: number, end: number): void => tok(start, end, true);
  const symbolOrToken = (start: number, end: number): void => tok(start, end, false);

  /** Notes a string of the open statement that runs on past a `;` ending a line (see `runaway`). */
  const noteRunaway = (start: number, end: number): void => {
    if (runaway !== null || end - start < 4) return;
    for (let k = start + 1; k < end - 1; k++) {
      if (text.charCodeAt(k) !== C_SEMI) continue;
      let e = k + 1;
      while (e < end && (text.charCodeAt(e) === C_SPACE || text.charCodeAt(e) === C_TAB)) e++;
      const d = text.charCodeAt(e);
      if (d === C_LF || d === C_CR) {
        runaway = { quote: start, semicolon: k, handed: handedTotal };
        return;
      }
    }
  };

  /** Ends an unterminated construct: the statement stops at the end of the opening line. */
  const unterminated = (start: number, what: string): number => {
    const r = runaway;
    if (what === "quoted string" && stmt && r && r.quote < start && r.handed === handedTotal && relexed + (start - r.semicolon) <= 2 * n + 1_000_000) {
      relexed += start - r.semicolon;
      // The quotes stopped pairing up at an earlier string that ran on past a `;` ending its line:
      // report it there, end the statement at that `;`, and lex again from after it. Nothing read
      // since was handed out, so only comments and the statement's own notes need undoing.
      const s = stmt;
      s.lexError = {
        offset: r.quote,
        message:
          "unterminated quoted string: the string that opens here runs on past the ; that ends its line, and from there on every quote pairs with the wrong one (an apostrophe inside a string is written twice: 'O''Brien')",
      };
      s.blankLines = s.blankLines.filter((b) => b < r.semicolon);
      if (s.masks) s.masks = s.masks.filter((m) => m.end <= r.semicolon);
      while (comments.length > 0 && comments[comments.length - 1]!.start > r.semicolon) comments.pop();
      lastTokenEnd = r.semicolon;
      close("semicolon", r.semicolon);
      return r.semicolon + 1;
    }
    const s = open(start);
    if (!s.lexError) s.lexError = { offset: start, message: `unterminated ${what}` };
    const eol = lineEnd(start);
    lastTokenEnd = eol;
    close("eof", -1);
    return eol;
  };

  /**
   * A dollar quote that never closes. Where lexing goes on is a guess, made to keep one mistake
   * one finding: at a different delimiter that ends a body (`$$;`, `$$ LANGUAGE …`: a mistyped
   * tag, or `$BODY$` closed by `$body$`) the statement simply goes on; otherwise at the next line
   * that starts a statement in column 1 (`CREATE …`, `UPDATE …`, a psql command), not at the body's
   * BEGIN or END; otherwise at the end of the opening line.
   */
  const unterminatedDollar = (start: number, tag: string): number => {
    const what = `dollar-quoted string (${tag} without closing ${tag})`;
    const index = dollarIndex();
    const e = firstAtOrAfter(index.endings, start + tag.length);
    if (e >= 0) {
      const at = index.endings[e]!;
      const other = index.endingTags[e]!;
      const s = open(start);
      if (!s.lexError) s.lexError = { offset: start, message: `unterminated ${what}; the ${other} that ends the body does not close it` };
      symbolOrToken(start, at + other.length);
      return at + other.length;
    }
    const eol = lineEnd(start);
    const lineAfter = afterBreak(eol);
    const l = firstAtOrAfter(index.statementLines, lineAfter);
    if (l < 0) return unterminated(start, what);
    const resume = index.statementLines[l]!;
    const s = open(start);
    if (!s.lexError) s.lexError = { offset: start, message: `unterminated ${what}` };
    // The statement stops at the end of the last line before the one lexing resumes at.
    let end = resume;
    while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
    lastTokenEnd = Math.max(end, start + tag.length);
    close("eof", -1);
    return resume;
  };

  /**
   * Where dollar quotes can close, built once the first one fails to (so a file of many
   * unterminated quotes is not scanned to its end for each): every `$tag$` delimiter by tag, the
   * delimiters that look like the end of a body (followed by `;`, `LANGUAGE` or the end of the
   * line), and the lines that start a statement in column 1.
   */
  let dollars: { byTag: Map<string, number[]>; endings: number[]; endingTags: string[]; statementLines: number[] } | null = null;

  function dollarIndex(): NonNullable<typeof dollars> {
    if (dollars) return dollars;
    const byTag = new Map<string, number[]>();
    const endings: number[] = [];
    const endingTags: string[] = [];
    // every `$` may start a delimiter (PostgreSQL rescans from the last `$` of a failed match)
    for (let p = text.indexOf("$"); p >= 0; p = text.indexOf("$", p + 1)) {
      let q = p + 1;
      if (q < n && isIdentStart(text.charCodeAt(q)) && text.charCodeAt(q) !== C_DOLLAR) {
        q++;
        while (q < n) {
          const e = text.charCodeAt(q);
          if ((isIdentStart(e) || isDigit(e)) && e !== C_DOLLAR) q++;
          else break;
        }
      }
      if (text.charCodeAt(q) !== C_DOLLAR) continue;
      const tag = text.slice(p, q + 1);
      let list = byTag.get(tag);
      if (!list) byTag.set(tag, (list = []));
      list.push(p);
      let r = q + 1;
      while (r < n && (text.charCodeAt(r) === C_SPACE || text.charCodeAt(r) === C_TAB)) r++;
      const after = text.charCodeAt(r);
      if (r >= n || after === C_SEMI || after === C_LF || after === C_CR || /^language\b/i.test(text.slice(r, r + 9))) {
        endings.push(p);
        endingTags.push(tag);
      }
    }
    const statementLines: number[] = [];
    const statementLine = /^(?:\\|(?:select|insert|update|delete|merge|with|create|alter|drop|grant|revoke|comment|truncate|copy|do|call|vacuum|analyze|reindex|cluster|lock|refresh|commit|rollback|savepoint|release|explain|set|reset|show|values|table)\b)/i;
    for (let p = 0; p < n; ) {
      if (statementLine.test(text.slice(p, p + 10))) statementLines.push(p);
      p = afterBreak(lineEnd(p));
    }
    return (dollars = { byTag, endings, endingTags, statementLines });
  }

  /** Offset of the `tag` that closes a dollar quote whose text starts at `from`, or -1. */
  function dollarClose(tag: string, from: number): number {
    if (!dollars) return text.indexOf(tag, from);
    const list = dollars.byTag.get(tag);
    if (!list) return -1;
    const k = firstAtOrAfter(list, from);
    return k < 0 ? -1 : list[k]!;
  }

  // A block-comment scan that reached the end of the text still open, kept so that later comments
  // in that stretch are answered without scanning to the end again (a file of `/* /* */` lines
  // would otherwise take quadratic time): the offset and the depth after every `/*` and `*/`,
  // and for each the next one that goes below it (where a comment opened there would close).
  let openPos: number[] | null = null;
  let openNextLower: Int32Array | null = null;

  /** Offset just past the block comment opening at `start` (comments nest), or -1 if it never closes. */
  function blockCommentEnd(start: number): number {
    if (openPos && start >= openPos[0]!) {
      let lo = 0;
      let hi = openPos.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (openPos[mid]! < start) lo = mid + 1;
        else hi = mid;
      }
      if (openPos[lo] === start) {
        const j = openNextLower![lo]!;
        return j < 0 ? -1 : openPos[j]! + 2;
      }
    }
    const pos: number[] = [start];
    const depths: number[] = [1];
    let nest = 1;
    let k = start + 2;
    while (k < n && nest > 0) {
      const d = text.charCodeAt(k);
      if (d === C_SLASH && text.charCodeAt(k + 1) === C_STAR) {
        pos.push(k);
        depths.push(++nest);
        k += 2;
      } else if (d === C_STAR && text.charCodeAt(k + 1) === C_SLASH) {
        pos.push(k);
        depths.push(--nest);
        k += 2;
      } else k++;
    }
    if (nest === 0) return k;
    // Next strictly lower depth for every event, right to left with a stack.
    const next = new Int32Array(pos.length).fill(-1);
    const stack: number[] = [];
    for (let e = pos.length - 1; e >= 0; e--) {
      // A comment opened by the /* at e (depth d) closes at the first later event whose depth is d - 1.
      while (stack.length > 0 && depths[stack[stack.length - 1]!]! >= depths[e]!) stack.pop();
      if (stack.length > 0) next[e] = stack[stack.length - 1]!;
      stack.push(e);
    }
    openPos = pos;
    openNextLower = next;
    return -1;
  }

  /** Reads COPY data starting at `from` (a line start); returns the offset after it. */
  const copyData = (from: number): number => {
    copyPending--;
    let i = from;
    while (i < n) {
      // i is at a line start
      const eol = lineEnd(i);
      const line = text.slice(i, eol);
      const next = afterBreak(eol);
      if (line === "\\.") {
        items.push({ type: "copy-data", start: from, end: eol, terminated: true });
        return next;
      }
      i = next;
    }
    if (n > from) items.push({ type: "copy-data", start: from, end: n, terminated: false });
    return n;
  };

  let i = Math.max(0, options.from ?? 0);
  if (text.charCodeAt(i) === 0xfeff) i++; // a BOM is not part of any statement
  let handed = 0; // items[0..handed) were returned already
  let done = false;

  return function next(): ScriptItem | null {
    for (;;) {
      if (handed < items.length) {
        handedTotal++;
        return items[handed++]!;
      }
      items.length = 0;
      handed = 0;
      if (done) return null;
      scan();
    }
  };

  /** Scans until at least one item is complete, or to the end of the text. */
  function scan(): void {
  for (;;) {
    if (items.length > 0) return;
    if (i >= breakAt) {
      // A boundary the tool sets: whatever statement is open ends here.
      const b = breaks[nextBreak++]!;
      breakAt = nextBreak < breaks.length ? breaks[nextBreak]!.at : Infinity;
      if (stmt && inactiveFrom < 0) close("break", -1);
      if (b.skipTo > i) i = b.skipTo;
      continue;
    }
    if (i >= n) {
      if (inactiveFrom >= 0) leaveInactive(n);
      if (stmt) close("eof", -1);
      done = true;
      return;
    }
    const c = text.charCodeAt(i);

    // Whitespace: look for blank lines inside a statement and for the start of COPY data.
    if (isSpace(c)) {
      const runStart = i;
      let lineStart = -1; // start of the current line inside the run, -1 while still on the token's line
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === C_LF || d === C_CR) {
          if (lineStart >= 0 && stmt && inactiveFrom < 0) stmt.blankLines.push(lineStart);
          i += d === C_CR && text.charCodeAt(i + 1) === C_LF ? 2 : 1;
          if (copyPending > 0) break;
          lineStart = i;
        } else if (d === C_SPACE || d === C_TAB || d === C_FF || d === C_VT) i++;
        else break;
      }
      if (copyPending > 0 && i > runStart && isLineBreakBefore(text, i)) {
        while (copyPending > 0 && i < n) i = copyData(i);
      }
      continue;
    }

    if (c === 0) {
      if (!stmt) {
        // A NUL between statements: psql drops the rest of its line. Report it there, and do not
        // let it swallow the statement on the next line.
        const s = open(i);
        s.nul = i;
        lastTokenEnd = lineEnd(i);
        close("eof", -1);
        i = lastTokenEnd;
        continue;
      }
      if (stmt.nul < 0) stmt.nul = i;
      lastTokenEnd = i + 1;
      i++;
      continue;
    }

    // Comments.
    if (c === C_MINUS && text.charCodeAt(i + 1) === C_MINUS) {
      const start = i;
      i = lineEnd(i + 2);
      comments.push({ start, end: i, block: false });
      continue;
    }
    if (c === C_SLASH && text.charCodeAt(i + 1) === C_STAR) {
      const start = i;
      const commentEnd = blockCommentEnd(start);
      i = commentEnd < 0 ? n : commentEnd;
      if (commentEnd < 0) {
        // PostgreSQL nests block comments: `/* a /* b */` is still open. When a `*/` follows, the
        // author most likely meant it to close the comment (other databases and most editors do).
        const firstClose = text.indexOf("*/", start + 2);
        if (firstClose >= 0) {
          const end = firstClose + 2;
          const message = "unterminated block comment: PostgreSQL nests /* */ comments, so the */ that follows only closes a /* written inside this one";
          if (stmt) {
            if (!stmt.lexError) stmt.lexError = { offset: start, message };
          } else {
            open(start).lexError = { offset: start, message };
            lastTokenEnd = end;
            close("eof", -1);
          }
          comments.push({ start, end, block: true });
          i = end;
          continue;
        }
        i = unterminated(start, "block comment (/* without */)");
        comments.push({ start, end: i, block: true });
        continue;
      }
      comments.push({ start, end: i, block: true });
      continue;
    }

    // Statement terminator.
    if (c === C_SEMI) {
      if (stmt && depth <= 0 && beginDepth <= 0) {
        close("semicolon", i);
      } else if (stmt) {
        lastTokenEnd = i + 1;
      }
      i++;
      continue;
    }

    if (c === C_LPAREN) {
      symbolOrToken(i, i + 1);
      depth++;
      i++;
      continue;
    }
    if (c === C_RPAREN) {
      symbolOrToken(i, i + 1);
      if (depth > 0) depth--;
      i++;
      continue;
    }

    // Quoted strings.
    if (c === C_QUOTE) {
      const end = scanQuoted(text, i + 1, C_QUOTE, !standardStrings);
      if (end < 0) {
        i = unterminated(i, "quoted string");
        continue;
      }
      if (!standardStrings) legacyEscapes(i, end);
      symbolOrToken(i, end);
      noteRunaway(i, end);
      i = end;
      continue;
    }
    if (c === C_DQUOTE) {
      const end = scanQuoted(text, i + 1, C_DQUOTE, false);
      if (end < 0) {
        i = unterminated(i, "quoted identifier");
        continue;
      }
      word(i, end);
      i = end;
      continue;
    }

    // Identifiers, keywords, and the prefixed strings E'', B'', X'', N'', U&''.
    if (isIdentStart(c)) {
      const next = text.charCodeAt(i + 1);
      if (next === C_QUOTE) {
        const lower = c | 0x20;
        // E'' always reads backslash escapes; B'', X'' and N'' only without standard_conforming_strings
        if (lower === 101 /* e */ || lower === 98 /* b */ || lower === 120 /* x */ || lower === 110 /* n */) {
          const end = scanQuoted(text, i + 2, C_QUOTE, lower === 101 || !standardStrings);
          if (end < 0) {
            i = unterminated(i, "quoted string");
            continue;
          }
          symbolOrToken(i, end);
          i = end;
          continue;
        }
      }
      if ((c | 0x20) === 117 /* u */ && next === C_AMP) {
        const q = text.charCodeAt(i + 2);
        if (q === C_QUOTE || q === C_DQUOTE) {
          const end = scanQuoted(text, i + 3, q, false);
          if (end < 0) {
            i = unterminated(i, q === C_QUOTE ? "quoted string" : "quoted identifier");
            continue;
          }
          if (q === C_QUOTE) symbolOrToken(i, end);
          else word(i, end);
          i = end;
          continue;
        }
      }
      let j = i + 1;
      while (j < n && isIdentCont(text.charCodeAt(j))) j++;
      word(i, j);
      i = j;
      continue;
    }

    // Numbers (digits, dots, exponents, hex/octal/binary prefixes, underscores).
    if (isDigit(c) || (c === C_DOT && isDigit(text.charCodeAt(i + 1)))) {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (isDigit(d) || (d >= 97 && d <= 122) || (d >= 65 && d <= 90) || d === 95) j++;
        else if (d === C_DOT && text.charCodeAt(j + 1) !== C_DOT) j++;
        else if ((d === 43 || d === 45) && (text.charCodeAt(j - 1) | 0x20) === 101 && isDigit(text.charCodeAt(i)))
          j++;
        else break;
      }
      symbolOrToken(i, j);
      i = j;
      continue;
    }

    // Dollar: parameter $1, or a dollar-quoted string $tag$…$tag$.
    if (c === C_DOLLAR) {
      const d = text.charCodeAt(i + 1);
      if (braces && d === C_LBRACE) {
        // `${name}`, `${flyway:user}`: a name the tool fills in as text (a variable, like psql's)
        let j = i + 2;
        while (j < n && /[\w:.\-]/.test(text[j]!)) j++;
        if (j > i + 2 && text.charCodeAt(j) === C_RBRACE) {
          word(i, j + 1);
          addMask(i, j + 1, "_".repeat(j + 1 - i), true);
          i = j + 1;
          continue;
        }
      }
      if (isDigit(d)) {
        let j = i + 2;
        while (j < n && isDigit(text.charCodeAt(j))) j++;
        symbolOrToken(i, j);
        i = j;
        continue;
      }
      let j = i + 1;
      if (j < n && isIdentStart(text.charCodeAt(j))) {
        j++;
        while (j < n) {
          const e = text.charCodeAt(j);
          if (isIdentStart(e) || isDigit(e)) j++;
          else break;
        }
      }
      if (text.charCodeAt(j) === C_DOLLAR) {
        const tag = text.slice(i, j + 1);
        const close = dollarClose(tag, j + 1);
        if (close < 0) {
          i = unterminatedDollar(i, tag);
          continue;
        }
        const end = close + tag.length;
        symbolOrToken(i, end);
        i = end;
        continue;
      }
      symbolOrToken(i, i + 1);
      i++;
      continue;
    }

    // psql: backslash commands, `\;` and `\:`.
    if (c === C_BACKSLASH && psql) {
      const d = text.charCodeAt(i + 1);
      if (d === C_SEMI) {
        // `\;` puts a semicolon in the query buffer without sending it: a boundary for us.
        if (stmt && depth <= 0 && beginDepth <= 0) close("semicolon", i + 1);
        i += 2;
        continue;
      }
      if (d === C_COLON) {
        symbolOrToken(i, i + 2);
        addMask(i, i + 1, " ");
        i += 2;
        continue;
      }
      i = metaCommand(i);
      continue;
    }

    // psql variables :name, :'name', :"name", :{?name}; otherwise `::`, `:=` or a lone colon.
    if (c === C_COLON) {
      const d = text.charCodeAt(i + 1);
      if (d === C_COLON) {
        symbolOrToken(i, i + 2);
        i += 2;
        continue;
      }
      if (variables) {
        const v = psqlVariable(i);
        if (v > 0) {
          i = v;
          continue;
        }
      }
      symbolOrToken(i, i + 1);
      i++;
      continue;
    }

    // yesql's `?` parameters: a value for the parser (same length).
    if (c === C_QMARK && questionMarks) {
      symbolOrToken(i, i + 1);
      addMask(i, i + 1, "_");
      i++;
      continue;
    }

    // Any other operator character.
    symbolOrToken(i, i + 1);
    i++;
  }

  }

  // --- helpers that need the closure ---

  /** With standard_conforming_strings off, `\'` inside a plain string is an escaped quote. */
  function legacyEscapes(start: number, end: number): void {
    for (let k = start + 1; k < end - 1; k++) {
      if (text.charCodeAt(k) === C_BACKSLASH) {
        if (text.charCodeAt(k + 1) === C_QUOTE) addMaskAt(start, k, "'");
        k++;
      }
    }
  }

  function addMaskAt(tokenStart: number, at: number, replacement: string): void {
    open(tokenStart);
    addMask(at, at + 1, replacement);
  }

  function psqlVariable(at: number): number {
    const d = text.charCodeAt(at + 1);
    if (d === C_QUOTE || d === C_DQUOTE) {
      let j = at + 2;
      while (j < n && isVarChar(text.charCodeAt(j))) j++;
      if (j === at + 2 || text.charCodeAt(j) !== d) return -1;
      symbolOrToken(at, j + 1);
      addMask(at, at + 1, " ", true, j + 1);
      return j + 1;
    }
    if (d === C_LBRACE && text.charCodeAt(at + 2) === C_QMARK) {
      let j = at + 3;
      while (j < n && isVarChar(text.charCodeAt(j))) j++;
      if (j === at + 3 || text.charCodeAt(j) !== C_RBRACE) return -1;
      symbolOrToken(at, j + 1);
      addMask(at, j + 1, "true".padEnd(j + 1 - at, " "), true);
      return j + 1;
    }
    if (d === C_EQ || !isVarChar(d) || isDigit(d)) return -1;
    let j = at + 1;
    while (j < n && isVarChar(text.charCodeAt(j))) j++;
    word(at, j);
    if (lists && j - at >= 3 && /\b(?:in|values)\s*$/i.test(text.slice(Math.max(0, at - 16), at))) {
      // an expanding parameter: the library writes a parenthesised list in its place
      addMask(at, j, `(${"_".repeat(j - at - 2)})`, true);
    } else addMask(at, at + 1, "_", true, j);
    // pgtyped's `:name!` (a parameter that must not be null): the `!` is no operator
    if (bangs && text.charCodeAt(j) === 33 /* ! */ && text.charCodeAt(j + 1) !== C_EQ) {
      addMask(j, j + 1, " ");
      return j + 1;
    }
    return j;
  }

  /** A psql meta-command from `at` (a backslash) to the end of its line or the next command. */
  function metaCommand(at: number): number {
    let j = at + 1;
    // The command name runs to whitespace or another backslash.
    while (j < n) {
      const d = text.charCodeAt(j);
      if (isSpace(d) || (d === C_BACKSLASH && j > at + 1)) break;
      j++;
    }
    const command = text.slice(at + 1, j);
    // Arguments: to the end of the line or an unquoted backslash; quotes may hold anything.
    let k = j;
    let resumeSql = -1;
    while (k < n) {
      const d = text.charCodeAt(k);
      if (d === C_LF || d === C_CR) break;
      if (d === C_QUOTE || d === C_DQUOTE || d === C_BACKTICK) {
        let m = k + 1;
        while (m < n) {
          const e = text.charCodeAt(m);
          if (e === C_LF || e === C_CR) break;
          if (e === C_BACKSLASH && d === C_QUOTE) {
            m += 2;
            continue;
          }
          if (e === d) break;
          m++;
        }
        k = m < n && text.charCodeAt(m) === d ? m + 1 : m;
        continue;
      }
      if (d === C_BACKSLASH) {
        if (text.charCodeAt(k + 1) === C_BACKSLASH) resumeSql = k + 2;
        break;
      }
      k++;
    }
    let end = k;
    while (end > j && isSpace(text.charCodeAt(end - 1))) end--;
    const args = text.slice(j, end).trim();
    const name = command.replace(/[+!]+$/, "");
    const item: MetaItem = { type: "meta", start: at, end, command, args };
    // Inside a statement, the command and a `\\\\` separator after it are hidden from the parser.
    const maskEnd = resumeSql >= 0 ? resumeSql : end;
    const mask = () => addMask(at, maskEnd, text.slice(at, maskEnd).replace(/[^\r\n]/g, " "));

    if (name === "if" || name === "elif" || name === "else" || name === "endif") {
      conditional(name, args, item, mask, maskEnd);
    } else if (inactiveFrom >= 0) {
      // In a branch that does not run, psql skips other commands: nothing is sent, set or read.
      return resumeSql >= 0 ? resumeSql : k;
    } else if (stmt) {
      if (name === "r" || name === "reset") {
        // \r empties the query buffer: what was typed so far is never sent.
        stmt = null;
        items.push(item);
      } else if (SENDING_META.has(name)) {
        close("meta", -1);
        items.push(item);
      } else {
        // A command typed in the middle of a statement: psql keeps the query buffer going.
        mask();
        items.push(item);
      }
    } else {
      items.push(item);
    }
    // psql matches \copy in any case; FROM stdin or stdout both read the lines that follow.
    if (name.toLowerCase() === "copy" && /\bfrom\s+std(?:in|out)\b/i.test(args)) copyPending++;
    if (resumeSql >= 0) return resumeSql;
    if (copyPending > 0 && k < n) {
      let next = afterBreak(k);
      while (copyPending > 0 && next < n) next = copyData(next);
      return next;
    }
    return k;
  }

  /**
   * `\if`, `\elif`, `\else`, `\endif`. A condition psql can decide here (a literal true/false,
   * on/off, yes/no, 1/0; anything else that is not a variable counts as false, as psql does) picks
   * the branch; one that reads a variable or a backquoted command may go either way, so its
   * branches are linted as if they ran.
   */
  function conditional(name: string, args: string, item: MetaItem, mask: () => void, maskEnd: number): void {
    const wasActive = inactiveFrom < 0;
    if (wasActive) {
      mask();
      items.push(item);
    }
    const truth = (): boolean | null => (/[:`]/.test(args) ? null : psqlBool(args.trim()) ?? false);
    const top = conditionals[conditionals.length - 1];
    const push = (c: Conditional) => {
      conditionals.push(c);
      if (!c.active) inactiveLevels++;
    };
    const setActive = (c: Conditional, value: boolean) => {
      if (c.active !== value) inactiveLevels += value ? -1 : 1;
      c.active = value;
    };
    if (name === "if") {
      if (!wasActive) push({ active: false, taken: "yes", dead: true });
      else {
        const t = truth();
        push({ active: t !== false, taken: t === true ? "yes" : t === null ? "maybe" : "no", dead: false });
      }
    } else if (!top) {
      return; // psql: "\elif: no matching \if" — nothing changes
    } else if (name === "endif") {
      if (!conditionals.pop()!.active) inactiveLevels--;
    } else if (top.dead || top.taken === "yes") {
      setActive(top, false);
    } else if (name === "else") {
      setActive(top, true);
      top.taken = "yes";
    } else {
      const t = truth();
      setActive(top, t !== false);
      if (t === true) top.taken = "yes";
      else if (t === null) top.taken = "maybe";
    }
    const active = inactiveLevels === 0;
    if (wasActive && !active) {
      inactiveFrom = maskEnd;
      savedDepth = depth;
      savedBeginDepth = beginDepth;
    }
    else if (!wasActive && active) {
      leaveInactive(item.start);
      mask();
      items.push(item);
    }
  }

  /**
   * The end of text psql reads but never sends: a statement begun inside it is dropped, and one
   * begun before it does not see it (psql trims the query buffer back when the branch ends).
   */
  function leaveInactive(at: number): void {
    const from = inactiveFrom;
    inactiveFrom = -1;
    if (!stmt) return;
    if (stmt.start >= from) stmt = null;
    else {
      depth = savedDepth;
      beginDepth = savedBeginDepth;
      if (at > from) addMask(from, at, text.slice(from, at).replace(/[^\r\n]/g, " "));
    }
  }
}

/** Index of the first element of a sorted list that is at least `x`, or -1. */
function firstAtOrAfter(list: number[], x: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo < list.length ? lo : -1;
}

function isLineBreakBefore(text: string, i: number): boolean {
  const c = text.charCodeAt(i - 1);
  return c === C_LF || c === C_CR;
}

/**
 * Scans a quoted string or identifier whose opening quote is just before `from`.
 * A doubled quote is an escaped quote; with `backslashes`, `\x` escapes the next character.
 * Returns the offset after the closing quote, or -1 when the quote is never closed.
 */
export function scanQuoted(text: string, from: number, quote: number, backslashes: boolean): number {
  const n = text.length;
  let i = from;
  for (;;) {
    if (backslashes) {
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === quote) break;
        i += d === C_BACKSLASH ? 2 : 1;
      }
      if (i >= n) return -1;
    } else {
      i = text.indexOf(quote === C_QUOTE ? "'" : quote === C_DQUOTE ? '"' : "`", i);
      if (i < 0) return -1;
    }
    if (text.charCodeAt(i + 1) === quote) {
      i += 2;
      continue;
    }
    return i + 1;
  }
}

/** Empty or whitespace-only chunk? (no SQL tokens at all, comments excluded) */
export function isBlankText(s: string): boolean {
  return /^[\s\ufeff]*$/.test(s);
}


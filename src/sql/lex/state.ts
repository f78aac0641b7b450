/**
 * The lexer's state, in one object: the text and options, the statement being read (and the few
 * keywords that change where it ends), psql's session state, the `\if` levels, and what recovery
 * from unterminated quotes keeps. The parts of the lexer (scan.ts, meta-commands.ts,
 * conditionals.ts, dollar-quotes.ts…) read and change it; the operations every part needs live
 * here: opening and closing a statement, noting a token, masking text for the parser.
 */
import { C_CR, C_LF } from "./chars.js";
import type { Comment, LexOptions, ScriptItem, StatementItem } from "./types.js";

/**
 * One level of psql's `\if … \elif … \else … \endif`. `taken`: whether an earlier branch of
 * this level surely ran (`yes`), may have run (`maybe`: its condition used a variable), or did not.
 */
export interface Conditional {
  /** The branch being read runs (or may run). */
  active: boolean;
  taken: "yes" | "maybe" | "no";
  /** The whole \if sits in a branch that does not run. */
  dead: boolean;
}

/**
 * Where dollar quotes can close, built once the first one fails to (see dollar-quotes.ts): every
 * `$tag$` delimiter by tag, the delimiters that look like the end of a body, and the lines that
 * start a statement in column 1.
 */
export interface DollarIndex {
  byTag: Map<string, number[]>;
  endings: number[];
  endingTags: string[];
  statementLines: number[];
}

/**
 * A block-comment scan that reached the end of the text still open (see block-comments.ts): the
 * offset of every `/*` and `*\/` after it, and for each the next one that goes below its depth.
 */
export interface OpenComments {
  pos: number[];
  nextLower: Int32Array;
}

export class Scanner {
  readonly n: number;
  readonly hasCR: boolean;
  readonly hasNul: boolean;
  /** Recognise psql meta-commands, `\;`, COPY data. */
  readonly psql: boolean;
  /** Substitute psql variables for the parser. */
  readonly variables: boolean;
  /** Parameter markers of the tool that runs the file (see `LexOptions.params`). */
  readonly questionMarks: boolean;
  readonly bangs: boolean;
  readonly braces: boolean;
  readonly lists: boolean;
  /** Statement boundaries the tool sets (see `LexOptions.breaks`), and the next one's offset. */
  readonly breaks: readonly { at: number; skipTo: number }[];
  nextBreak = 0;
  breakAt: number;

  /** Where scanning goes on. */
  pos: number;
  /** Completed items, not yet handed out. */
  readonly items: ScriptItem[] = [];
  /** Items handed out so far. */
  handedTotal = 0;

  // The statement being read.
  stmt: StatementItem | null = null;
  lastTokenEnd = 0;
  /** Parentheses. */
  depth = 0;
  /** BEGIN … END inside CREATE FUNCTION/PROCEDURE bodies. */
  beginDepth = 0;
  wordIndex = 0;
  /** The statement starts CREATE [OR REPLACE] FUNCTION|PROCEDURE. */
  isRoutine = false;
  /** CREATE SCHEMA … CREATE FUNCTION …: each element may be a routine. */
  isSchema = false;
  /** Word index of the CREATE that starts the current (schema element) command. */
  createAt = 0;
  isCopy = false;
  prevWordFrom = false;
  createWords: string[] = [];
  setWords: string[] | null = null;

  // Session state that changes lexing.
  standardStrings = true;
  /** COPY … FROM stdin statements sent whose data has not been read yet (`\;` can join several). */
  copyPending = 0;

  /** psql conditionals (`\if`); text in a branch that does not run is read but never sent. */
  readonly conditionals: Conditional[] = [];
  /** How many of `conditionals` are not active (kept as they change: 100,000 nested \if stay linear). */
  inactiveLevels = 0;
  /** Where the text of a branch that does not run began (-1: the text being read runs). */
  inactiveFrom = -1;
  /** The open statement's nesting when that branch began: psql restores it when the branch ends. */
  savedDepth = 0;
  savedBeginDepth = 0;

  /**
   * The first string of the open statement that runs on past a `;` at the end of a line: where an
   * unbalanced quote (`'O'Brien'`) most likely is, if the statement ends with a quote that never
   * closes. Kept with what had been handed out then, so lexing can go back to that `;` safely.
   */
  runaway: { quote: number; semicolon: number; handed: number } | null = null;
  /** Characters lexed twice after going back to a runaway string's `;` (bounded: never quadratic). */
  relexed = 0;
  /** Built when a dollar quote first fails to close. */
  dollars: DollarIndex | null = null;
  /** Kept when a block comment first fails to close. */
  openComments: OpenComments | null = null;

  constructor(
    readonly text: string,
    options: LexOptions,
    /** Comments are appended as they are met. */
    readonly comments: Comment[],
  ) {
    this.n = text.length;
    this.hasCR = text.includes("\r");
    this.hasNul = text.includes("\0");
    this.psql = options.psql ?? true;
    this.variables = options.variables ?? this.psql;
    this.questionMarks = options.params?.includes("question") ?? false;
    this.bangs = options.params?.includes("bang") ?? false;
    this.braces = options.params?.includes("braces") ?? false;
    this.lists = options.params?.includes("lists") ?? false;
    this.breaks = options.breaks ?? [];
    this.breakAt = this.breaks.length > 0 ? this.breaks[0]!.at : Infinity;
    let i = Math.max(0, options.from ?? 0);
    if (text.charCodeAt(i) === 0xfeff) i++; // a BOM is not part of any statement
    this.pos = i;
  }

  /**
   * Offset of the line break ending the line that holds `from` (or the end of the text). Lexing
   * does not always move forward (recovery from a runaway string, the dollar-quote index), so
   * nothing is cached: without a CR in the text, a search for LF; with one, a scan.
   */
  lineEnd(from: number): number {
    const text = this.text;
    const n = this.n;
    if (!this.hasCR) {
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
  }

  /** Offset of the next line's start, for `eol` a line break (CRLF counts as one) or the end. */
  afterBreak(eol: number): number {
    const text = this.text;
    return eol >= this.n ? this.n : eol + (text.charCodeAt(eol) === C_CR && text.charCodeAt(eol + 1) === C_LF ? 2 : 1);
  }

  /** The statement being read, opened at `at` if none is. */
  open(at: number): StatementItem {
    if (this.stmt) return this.stmt;
    const stmt: StatementItem = {
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
    this.stmt = stmt;
    this.depth = 0;
    this.beginDepth = 0;
    this.wordIndex = 0;
    this.isRoutine = false;
    this.isSchema = false;
    this.createAt = 0;
    this.runaway = null;
    this.isCopy = false;
    this.prevWordFrom = false;
    this.createWords = [];
    this.setWords = null;
    return stmt;
  }

  /** Ends the statement being read (if any) and queues it. */
  close(terminator: StatementItem["terminator"], semicolon: number): void {
    const s = this.stmt;
    if (!s) return;
    this.stmt = null;
    this.runaway = null;
    // A query completed in a branch that does not run is discarded by psql, never sent.
    if (this.inactiveFrom >= 0) return;
    s.end = this.lastTokenEnd;
    s.terminator = terminator;
    s.semicolon = semicolon;
    // A NUL inside a string, comment or dollar quote: the scanners step over it, but the parser
    // would stop reading there just the same.
    if (s.nul < 0 && this.hasNul) {
      const z = this.text.indexOf("\0", s.start);
      if (z >= 0 && z < s.end) s.nul = z;
    }
    this.items.push(s);
    if (s.copyFromStdin) this.copyPending++;
    if (this.setWords) this.applySet(this.setWords);
  }

  private applySet(words: string[]): void {
    // SET [SESSION|LOCAL] standard_conforming_strings {=|TO} {on|off|true|false|'on'|…}
    const w = words.filter((x) => x !== "SESSION" && x !== "LOCAL");
    if (w[1] === "STANDARD_CONFORMING_STRINGS" && (w[2] === "=" || w[2] === "TO") && w[3]) {
      const v = w[3].replace(/'/g, "");
      if (v === "OFF" || v === "FALSE" || v === "0") this.standardStrings = false;
      else if (v === "ON" || v === "TRUE" || v === "1" || v === "DEFAULT") this.standardStrings = true;
    }
  }

  /** A same-length rewrite of the open statement's text for the parser. */
  addMask(start: number, end: number, replacement: string, variable = false, refEnd = end): void {
    const s = this.stmt;
    // Nothing read in a branch that does not run reaches the parser: one mask covers it all.
    if (!s || this.inactiveFrom >= 0) return;
    (s.masks ??= []).push({ start, end, text: replacement, variable, refEnd });
    if (variable) s.hasVariables = true;
  }

  /** A word token (identifier, keyword, quoted identifier). */
  word(start: number, end: number): void {
    this.tok(start, end, true);
  }

  /** Any other token (string, number, operator, parenthesis). */
  symbol(start: number, end: number): void {
    this.tok(start, end, false);
  }

  /**
   * Every SQL token of a statement passes here: it opens the statement, moves its end, and
   * feeds the few keywords that change how the script splits.
   */
  private tok(start: number, end: number, isWord: boolean): void {
    // Text of a branch that does not run is no part of the statement begun before it.
    if (this.inactiveFrom >= 0 && this.stmt !== null && this.stmt.start < this.inactiveFrom) return;
    // Most tokens only move the statement's end: nothing below cares about them.
    if (this.stmt !== null && this.wordIndex >= 6 && !this.isRoutine && !this.isCopy && !this.isSchema) {
      this.lastTokenEnd = end;
      return;
    }
    const s = this.open(start);
    this.lastTokenEnd = end;
    const idx = this.wordIndex++;
    const text = this.text;
    if (idx === 0) {
      const w = text.slice(start, end).toUpperCase();
      s.firstWord = w;
      if (w === "COPY") this.isCopy = true;
      else if (w === "CREATE") this.createWords = ["CREATE"];
      else if (w === "SET") this.setWords = ["SET"];
      return;
    }
    if (this.setWords !== null && idx < 6) this.setWords.push(text.slice(start, end).toUpperCase());
    if (!isWord) {
      this.prevWordFrom = false;
      return;
    }
    const len = end - start;
    if (this.isSchema && this.depth === 0 && this.beginDepth === 0 && len === 6 && text.slice(start, end).toUpperCase() === "CREATE") {
      // The next element of CREATE SCHEMA … CREATE …: a routine with a BEGIN ATOMIC body may follow
      // (PostgreSQL 19's psql tracks this too), and an earlier element's BEGIN no longer counts.
      this.createWords = ["CREATE"];
      this.createAt = idx;
      this.isRoutine = false;
      return;
    }
    if (this.createWords.length > 0 && idx - this.createAt < 4 && !this.isRoutine) {
      const w = text.slice(start, end).toUpperCase();
      if (w === "FUNCTION" || w === "PROCEDURE") this.isRoutine = true;
      else if (w === "OR" || w === "REPLACE") this.createWords.push(w);
      else {
        if (idx === 1 && w === "SCHEMA") this.isSchema = true;
        this.createWords = [];
      }
      return;
    }
    if (this.isRoutine) {
      if (this.depth === 0 && len >= 3 && len <= 5) {
        const w = text.slice(start, end).toUpperCase();
        if (w === "BEGIN") this.beginDepth++;
        else if (w === "CASE") {
          if (this.beginDepth > 0) this.beginDepth++;
        } else if (w === "END") {
          if (this.beginDepth > 0) this.beginDepth--;
        }
      }
      return;
    }
    if (this.isCopy && this.depth === 0) {
      // FROM STDOUT reads from the client too (the grammar accepts either word).
      if (this.prevWordFrom && (len === 5 || len === 6) && /^std(?:in|out)$/i.test(text.slice(start, end))) s.copyFromStdin = true;
      this.prevWordFrom = len === 4 && text.slice(start, end).toUpperCase() === "FROM";
    }
  }

  /** Masks `from`–`to` for the parser, line breaks kept (text psql reads but never sends). */
  blankOut(from: number, to: number): void {
    this.addMask(from, to, this.text.slice(from, to).replace(/[^\r\n]/g, " "));
  }
}

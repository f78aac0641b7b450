/**
 * The host file itself: parsing TypeScript/JavaScript (syntax only), and the files that are not
 * read for SQL at all (minified or generated code) or whose plain literals are not (test files).
 */
import type { TSESTree } from "@typescript-eslint/typescript-estree";
import { CODE_EXTENSIONS } from "../extensions.js";
import { typescriptEstree, type Estree } from "../../util/lazy-deps.js";

let estree: Estree | null = null;

/** typescript-estree (and TypeScript) load on first use: a run without code files never pays. */
function loadEstree(): Estree {
  return (estree ??= typescriptEstree());
}

export type CodeParse = { ok: true; program: TSESTree.Program } | { ok: false; offset: number; message: string };

/** Parses TS/JS (syntax only: no program, no type information). Never throws. */
export function parseCode(text: string, filePath: string): CodeParse {
  const ext = (/\.[^./\\]+$/.exec(filePath)?.[0] ?? ".ts").toLowerCase();
  try {
    const program = loadEstree().parse(text, {
      range: true,
      loc: false,
      comment: true,
      tokens: false,
      // the extension decides: .js/.jsx/.mjs/.cjs may hold JSX, .ts/.mts/.cts may not, .tsx does
      filePath: `file${(CODE_EXTENSIONS as readonly string[]).includes(ext) ? ext : ".ts"}`,
      jsx: ext === ".tsx" || ext === ".jsx",
      jsDocParsingMode: "none",
      suppressDeprecatedPropertyWarnings: true,
    });
    return { ok: true, program };
  } catch (e) {
    const err = e as { message?: string; location?: { start?: { offset?: number } } };
    const offset = err.location?.start?.offset;
    // The TypeScript parser recurses: thousands of nested brackets or `+` terms exhaust the stack.
    const deep = e instanceof RangeError || /maximum call stack size exceeded/i.test(String(err.message));
    return {
      ok: false,
      offset: typeof offset === "number" ? Math.max(0, Math.min(offset, text.length)) : 0,
      message: deep
        ? "Parsing error: nested too deeply for the TypeScript parser (it ran out of stack); the file was not linted"
        : `Parsing error: ${String(err.message ?? e).split("\n")[0]}`,
    };
  }
}

/** A line with more code than this (strings and comments left out) is not written by hand. */
const LONG_CODE_LINE = 1000;
/** Below this much code on long lines, a file is parsed whatever its shape. */
const MIN_MINIFIED_CODE = 5000;

export interface MinifiedCode {
  /** Offset of the start of the longest line of code. */
  offset: number;
  /** Characters of code on that line (outside strings and comments). */
  chars: number;
}

/**
 * Whether a file is minified, bundled or generated code (`.yarn/releases/yarn-4.x.cjs`,
 * `dist/*.min.js`, a table of numbers on one line): at least half of its code, and 5,000
 * characters of it, stands on lines with over 1,000 characters of code each. Code, not text: the
 * contents of strings, templates and comments do not count, so a file with a long string on one
 * line (a base64 image, an inlined SVG or SQL) is hand-written code and is read like any other.
 * Such files are not where SQL is written, and parsing a bundle costs seconds (typescript-estree
 * converts every node): the caller skips them, and says so.
 */
export function minifiedCode(text: string): MinifiedCode | null {
  // Cheap first: a file with no line over 1,000 characters has no long line of code.
  if (text.length < MIN_MINIFIED_CODE || !hasLongLine(text, LONG_CODE_LINE)) return null;
  let total = 0;
  let onLong = 0;
  let best: MinifiedCode | null = null;
  let lineStart = 0;
  let lineCode = 0;
  const endLine = (next: number) => {
    total += lineCode;
    if (lineCode > LONG_CODE_LINE) {
      onLong += lineCode;
      if (!best || lineCode > best.chars) best = { offset: lineStart, chars: lineCode };
    }
    lineStart = next;
    lineCode = 0;
  };
  // A small JavaScript lexer: enough to tell code from the insides of strings, templates
  // (`${…}` is code again, to its matching brace) and comments. Regular expressions are read as
  // code; a quote inside one can at worst make this undercount, and the file is then parsed.
  type Mode = "code" | "'" | '"' | "`" | "//" | "/*";
  let mode: Mode = "code";
  /** For each `${` open: the brace depth inside it. */
  const templates: number[] = [];
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    // a line ends at \n, \r\n or a lone \r (as editors count lines)
    if (c === 10 /* \n */ || (c === 13 /* \r */ && text.charCodeAt(i + 1) !== 10)) {
      if (mode === "//" || mode === "'" || mode === '"') mode = "code"; // a string cannot span a raw line break
      endLine(i + 1);
      continue;
    }
    switch (mode) {
      case "code": {
        lineCode++;
        if (c === 39 /* ' */) mode = "'";
        else if (c === 34 /* " */) mode = '"';
        else if (c === 96 /* ` */) mode = "`";
        else if (c === 47 /* / */ && text.charCodeAt(i + 1) === 47) mode = "//";
        else if (c === 47 && text.charCodeAt(i + 1) === 42 /* * */) mode = "/*";
        else if (c === 123 /* { */ && templates.length > 0) templates[templates.length - 1]!++;
        else if (c === 125 /* } */ && templates.length > 0) {
          if (templates[templates.length - 1] === 0) {
            templates.pop();
            mode = "`";
          } else templates[templates.length - 1]!--;
        }
        break;
      }
      case "'":
      case '"':
        if (c === 92 /* \ */) i++;
        else if (c === mode.charCodeAt(0)) {
          mode = "code";
          lineCode++;
        }
        break;
      case "`":
        if (c === 92) i++;
        else if (c === 96) {
          mode = "code";
          lineCode++;
        } else if (c === 36 /* $ */ && text.charCodeAt(i + 1) === 123) {
          templates.push(0);
          mode = "code";
          lineCode += 2;
          i++;
        }
        break;
      case "//":
        break;
      case "/*":
        if (c === 42 && text.charCodeAt(i + 1) === 47) {
          mode = "code";
          i++;
        }
        break;
    }
  }
  endLine(n);
  return onLong >= MIN_MINIFIED_CODE && 2 * onLong >= total ? best : null;
}

/** Whether any line (ended by \n or \r) is longer than `limit` characters. */
function hasLongLine(text: string, limit: number): boolean {
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) run = 0;
    else if (++run > limit) return true;
  }
  return false;
}

/** Whether a file is minified or generated code, which is not read for SQL (see `minifiedCode`). */
export function looksMinified(text: string): boolean {
  return minifiedCode(text) !== null;
}

/**
 * Test files hold expected SQL (`expect(q.sql).toBe('delete from "person"')`, fixtures) far
 * more often than SQL they run: plain literals there are not read as SQL (sinks still are).
 */
export function isTestFile(filePath: string): boolean {
  return /(?:^|[\\/])(?:__tests__|__mocks__)[\\/]|\.(?:test|spec)(?:-d)?\.[cm]?[jt]sx?$/i.test(filePath);
}

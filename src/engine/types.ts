/** What the engine produces for a file: ESLint's result shape, plus help, related locations and frames. */

/** What a secret is replaced with in every output (messages, code frames). */
export { MASK } from "../secrets/mask.js";

export interface Location {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface EditFix {
  /** Offsets (UTF-16) in the file: [start, end). */
  range: [number, number];
  text: string;
}

export interface Diagnostic extends Location {
  /** null for problems with the file itself (unreadable, not text, unused directive…). */
  ruleId: string | null;
  /** 1 = warning, 2 = error (ESLint's numbers). */
  severity: 1 | 2;
  message: string;
  /** Offsets of the range in the file. */
  start: number;
  end: number;
  help?: string;
  fix?: EditFix;
  suggestions?: { desc: string; fix: EditFix }[];
  related?: (Location & { message: string })[];
  /** The file could not be linted at all. */
  fatal?: boolean;
  /** A bug in sqlguard (a rule threw): the run exits 2. */
  internal?: boolean;
}

export interface FileResult {
  /** Absolute path (ESLint's JSON does the same); `<stdin>` paths are given as passed. */
  filePath: string;
  messages: Diagnostic[];
  errorCount: number;
  warningCount: number;
  fixableErrorCount: number;
  fixableWarningCount: number;
  /** Text of the lines the messages point at, secrets already replaced by `****` (for code frames). */
  lines: Record<number, string>;
  /** Per line, the original 1-based column spans [start, end) that `****` replaced in `lines`. */
  redacted?: Record<number, [number, number][]>;
  /** The fixed text, when fixing was asked for and something changed. */
  output?: string;
}

/** A problem found while reading the file (e.g. invalid UTF-8), reported with the rule findings. */
export interface FileNotice {
  offset: number;
  message: string;
  severity: 1 | 2;
  fatal?: boolean;
}

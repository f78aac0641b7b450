/**
 * Text positions. Everything user-visible is a 1-based line and a 1-based column counted in
 * UTF-16 code units of the original file (what ESLint and editors use). Line breaks are LF,
 * CRLF and a lone CR.
 */

export interface Position {
  line: number;
  column: number;
}

/** Offsets of every line start; built once per file, queried by binary search. */
export class LineIndex {
  readonly starts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    const n = text.length;
    let i = text.indexOf("\n");
    // Fast path for files without CR: indexOf is much quicker than a char loop.
    if (text.indexOf("\r") === -1) {
      while (i !== -1) {
        starts.push(i + 1);
        i = text.indexOf("\n", i + 1);
      }
    } else {
      for (let j = 0; j < n; j++) {
        const c = text.charCodeAt(j);
        if (c === 10) starts.push(j + 1);
        else if (c === 13) {
          if (text.charCodeAt(j + 1) === 10) j++;
          starts.push(j + 1);
        }
      }
    }
    this.starts = starts;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** 0-based line number holding `offset`. */
  lineOf(offset: number): number {
    const s = this.starts;
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * 1-based line and column of an offset (clamped into the text). An offset between the CR and
   * the LF of a CRLF line break is the end of its line, never a column past it.
   */
  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    const line = this.lineOf(o);
    const start = this.starts[line]!;
    const next = this.starts[line + 1];
    if (next !== undefined && o === next - 1 && o > start && this.text.charCodeAt(o) === 10 && this.text.charCodeAt(o - 1) === 13) {
      return { line: line + 1, column: o - start };
    }
    return { line: line + 1, column: o - start + 1 };
  }

  /** Offset of a 1-based line and column. */
  offset(line: number, column: number): number {
    const start = this.starts[Math.max(0, Math.min(line - 1, this.starts.length - 1))]!;
    return Math.min(start + column - 1, this.text.length);
  }

  /** The text of a 0-based line without its line break. */
  lineText(line: number): string {
    return this.text.slice(this.starts[line] ?? this.text.length, this.lineEnd(line));
  }

  /** Offset of the end of a 0-based line, its line break left out. */
  lineEnd(line: number): number {
    const start = this.starts[line] ?? this.text.length;
    let end = line + 1 < this.starts.length ? this.starts[line + 1]! : this.text.length;
    while (end > start) {
      const c = this.text.charCodeAt(end - 1);
      if (c === 10 || c === 13) end--;
      else break;
    }
    return end;
  }
}

/**
 * The line index of a text, built once for the file being linted: the front-end, the engine and
 * the lint call each ask for the file's lines (the last text asked for is kept; comparing the
 * same string with itself costs nothing).
 */
export function lineIndex(text: string): LineIndex {
  if (lastIndex === null || lastIndex.text !== text) lastIndex = new LineIndex(text);
  return lastIndex;
}

let lastIndex: LineIndex | null = null;

const NON_ASCII = /[^\x00-\x7f]/;

export function isAscii(s: string): boolean {
  return !NON_ASCII.test(s);
}

/**
 * Converts UTF-8 byte offsets inside `s` into UTF-16 offsets. The parser reports byte
 * offsets; this is built once per non-ASCII statement and then answers each lookup quickly.
 */
export class Utf8Offsets {
  private readonly byteAt: Uint32Array | null;

  constructor(readonly s: string) {
    if (isAscii(s)) {
      this.byteAt = null;
      return;
    }
    // byteAt[i] = UTF-8 byte offset of UTF-16 index i (length + 1 entries).
    const table = new Uint32Array(s.length + 1);
    let b = 0;
    for (let i = 0; i < s.length; i++) {
      table[i] = b;
      const c = s.charCodeAt(i);
      if (c < 0x80) b += 1;
      else if (c < 0x800) b += 2;
      else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          table[++i] = b + 1; // inside the pair: no byte boundary, keep the table increasing
          b += 4;
          continue;
        }
        b += 3;
      } else b += 3;
    }
    table[s.length] = b;
    this.byteAt = table;
  }

  /**
   * The UTF-16 range of a statement the parser found in this text: its `stmt_location` and
   * `stmt_len` are bytes, and a statement without a length runs to the end.
   */
  statementRange(raw: { stmt_location?: number; stmt_len?: number }): [number, number] {
    const loc = raw.stmt_location ?? 0;
    return [this.toUtf16(loc), raw.stmt_len === undefined ? this.s.length : this.toUtf16(loc + raw.stmt_len)];
  }

  /** UTF-16 index of a UTF-8 byte offset (the first index at or after it). */
  toUtf16(byteOffset: number): number {
    const t = this.byteAt;
    if (t === null) return Math.min(byteOffset, this.s.length);
    let lo = 0;
    let hi = t.length - 1;
    if (byteOffset >= t[hi]!) return hi;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (t[mid]! < byteOffset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** UTF-8 byte offset of a UTF-16 index. */
  toUtf8(index: number): number {
    const t = this.byteAt;
    if (t === null) return index;
    return t[Math.max(0, Math.min(index, t.length - 1))]!;
  }
}

/** UTF-16 index of a code-point index in `s` (PostgreSQL's error cursor counts characters). */
export function codePointToUtf16(s: string, cp: number): number {
  if (isAscii(s)) return Math.min(cp, s.length);
  let i = 0;
  let n = 0;
  while (i < s.length && n < cp) {
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
    n++;
  }
  return i;
}

/** Whether a string looks like binary data rather than text (NULs or many control bytes). */
export function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8192);
  if (n === 0) return false;
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b === 0) return true;
    if (b < 8 || (b > 13 && b < 32 && b !== 27)) control++;
  }
  return control / n > 0.1;
}

/**
 * What a file that is not UTF-8 text is, when that can be told from its first bytes: a UTF-16
 * text (SSMS and PowerShell save SQL that way), a pg_dump archive, a compressed file. Null when
 * it is nothing recognisable.
 */
export function describeBinary(bytes: Uint8Array): string | null {
  const b = bytes;
  const starts = (...sig: number[]) => sig.every((x, i) => b[i] === x);
  if (starts(0xff, 0xfe) || starts(0xfe, 0xff) || utf16Pattern(b)) {
    const le = starts(0xff, 0xfe) || (!starts(0xfe, 0xff) && utf16Pattern(b) === "le");
    return `text encoded as UTF-16 (${le ? "little" : "big"}-endian), which psql and PostgreSQL do not read: save it as UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)`;
  }
  if (starts(0x50, 0x47, 0x44, 0x4d, 0x50)) {
    return "a pg_dump archive (custom format), not SQL text: restore it with pg_restore, or dump with --format=plain to lint the SQL";
  }
  if (starts(0x1f, 0x8b)) return "a gzip-compressed file: decompress it to lint the SQL";
  if (starts(0x28, 0xb5, 0x2f, 0xfd)) return "a zstd-compressed file: decompress it to lint the SQL";
  if (starts(0x50, 0x4b, 0x03, 0x04)) return "a zip archive";
  if (starts(0x53, 0x51, 0x4c, 0x69, 0x74, 0x65, 0x20, 0x66, 0x6f, 0x72, 0x6d, 0x61, 0x74)) return "an SQLite database file, not SQL text";
  return null;
}

/** NUL bytes in every other position: ASCII text saved as UTF-16 without a BOM. */
function utf16Pattern(b: Uint8Array): "le" | "be" | null {
  const n = Math.min(b.length, 4096) & ~1;
  if (n < 8) return null;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i += 2) {
    if (b[i] === 0) even++;
    if (b[i + 1] === 0) odd++;
  }
  const pairs = n / 2;
  if (odd > pairs * 0.6 && even < pairs * 0.05) return "le";
  if (even > pairs * 0.6 && odd < pairs * 0.05) return "be";
  return null;
}

/**
 * Text with a few stray NUL bytes (a bad copy-paste, a tool that padded a file): worth linting,
 * with each NUL reported where it stands, rather than calling the whole file binary. True when
 * NULs are rare and the rest has no more control characters than text does.
 */
export function isTextWithStrayNuls(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 65536);
  let nul = 0;
  let control = 0;
  for (let i = 0; i < n; i++) {
    const c = bytes[i]!;
    if (c === 0) nul++;
    else if (c < 8 || (c > 13 && c < 32 && c !== 27)) control++;
  }
  const allowed = Math.max(1, Math.floor(n / 100));
  return nul > 0 && nul <= allowed && control <= allowed && firstInvalidUtf8(bytes.subarray(0, n)) < 0;
}

export interface DecodedText {
  text: string;
  /** Offset (UTF-16, in `text`) of the first byte sequence that was not valid UTF-8. */
  invalidUtf8At: number;
  /** The offending byte, for the message. */
  invalidByte: number;
  bom: boolean;
}

/**
 * Decodes UTF-8. A leading BOM is dropped from the text (editors do not count it as a column,
 * and ESLint strips it too) and reported in `bom`; the first invalid byte is located.
 */
export function decodeUtf8(input: Uint8Array): DecodedText {
  const bom = input.length >= 3 && input[0] === 0xef && input[1] === 0xbb && input[2] === 0xbf;
  const bytes = bom ? input.subarray(3) : input;
  const text = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true }).decode(bytes);
  let invalidUtf8At = -1;
  let invalidByte = 0;
  if (text.includes("\ufffd")) {
    const bad = firstInvalidUtf8(bytes);
    if (bad >= 0) {
      invalidByte = bytes[bad]!;
      invalidUtf8At = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes.subarray(0, bad)).length;
    }
  }
  return { text, invalidUtf8At, invalidByte, bom };
}

/** Byte offset of the first invalid UTF-8 sequence, or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    if (i + need >= n) return i;
    let cp = c & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
    for (let k = 1; k <= need; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

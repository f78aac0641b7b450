/**
 * File names are bytes (on Linux and macOS' older file systems), not always UTF-8: a name written
 * by a WIN1252 tool holds `lat\xe9.sql`. Decoding it as UTF-8 gives `lat\ufffd.sql`, a name no
 * file has. So names are decoded losslessly: valid UTF-8 as text, and every other byte as a lone
 * low surrogate U+DC80–U+DCFF (the "surrogateescape" scheme), which no valid UTF-8 decodes to.
 * Such a string works everywhere a path string does (sorting, globs, relative paths); for the
 * file system, `fsPath` turns it back into the exact bytes, and for people `quotePath` shows it
 * the way git does (`"lat\351.sql"`).
 */

/** A lone escaped byte: a low surrogate U+DC80–U+DCFF not preceded by a high surrogate. */
const ESCAPED = /(?<![\ud800-\udbff])[\udc80-\udcff]/;

/** Decodes a name's bytes: valid UTF-8 as text, each other byte as U+DC00 + byte. */
export function decodeName(bytes: Uint8Array): string {
  let out = "";
  let run = 0; // start of the current valid run
  let i = 0;
  const flush = (end: number) => {
    if (end > run) out += Buffer.from(bytes.buffer, bytes.byteOffset + run, end - run).toString("utf8");
  };
  while (i < bytes.length) {
    const n = validSequence(bytes, i);
    if (n > 0) {
      i += n;
      continue;
    }
    flush(i);
    out += String.fromCharCode(0xdc00 + bytes[i]!);
    i++;
    run = i;
  }
  flush(i);
  return out;
}

/** The length of the valid UTF-8 sequence at `i`, or 0. */
function validSequence(b: Uint8Array, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  let need: number;
  let lower = 0x80;
  let upper = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) need = 1;
  else if (c >= 0xe0 && c <= 0xef) {
    need = 2;
    if (c === 0xe0) lower = 0xa0;
    if (c === 0xed) upper = 0x9f; // no surrogates
  } else if (c >= 0xf0 && c <= 0xf4) {
    need = 3;
    if (c === 0xf0) lower = 0x90;
    if (c === 0xf4) upper = 0x8f;
  } else return 0;
  for (let k = 1; k <= need; k++) {
    const d = b[i + k];
    if (d === undefined || d < lower || d > upper) return 0;
    lower = 0x80;
    upper = 0xbf;
  }
  return need + 1;
}

/** Whether a name holds bytes that are not UTF-8 (escaped by `decodeName`). */
export function hasEscapedBytes(name: string): boolean {
  return ESCAPED.test(name);
}

/** The bytes of a name decoded by `decodeName`. */
export function encodeName(name: string): Buffer {
  if (!hasEscapedBytes(name)) return Buffer.from(name, "utf8");
  const parts: Buffer[] = [];
  let run = 0;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 0xdc80 && c <= 0xdcff && !(i > 0 && isHigh(name.charCodeAt(i - 1)))) {
      parts.push(Buffer.from(name.slice(run, i), "utf8"), Buffer.from([c - 0xdc00]));
      run = i + 1;
    }
  }
  parts.push(Buffer.from(name.slice(run), "utf8"));
  return Buffer.concat(parts);
}

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;

/** A path for node:fs: the string, or its exact bytes when it holds bytes that are not UTF-8. */
export function fsPath(name: string): string | Buffer {
  return hasEscapedBytes(name) ? encodeName(name) : name;
}

const C_ESCAPES: Record<number, string> = { 7: "a", 8: "b", 9: "t", 10: "n", 11: "v", 12: "f", 13: "r", 34: '"', 92: "\\" };
const NEEDS_QUOTES = /[\u0000-\u001f\u007f"\\]|(?<![\ud800-\udbff])[\udc80-\udcff]/;

/**
 * A path as git shows it (`core.quotePath`, without escaping valid UTF-8): as is, or, when it
 * holds a control character, `"`, `\` or a byte that is not UTF-8, in double quotes with C
 * escapes (`"a\nb.sql"`, `"lat\351.sql"`). One line, and no two names look alike.
 */
export function quotePath(p: string): string {
  if (!NEEDS_QUOTES.test(p)) return p;
  let out = '"';
  for (let i = 0; i < p.length; i++) {
    const c = p.charCodeAt(i);
    const named = Object.hasOwn(C_ESCAPES, c) ? C_ESCAPES[c] : undefined;
    if (named) out += "\\" + named;
    else if (c < 0x20 || c === 0x7f) out += "\\" + c.toString(8).padStart(3, "0");
    else if (c >= 0xdc80 && c <= 0xdcff && !(i > 0 && isHigh(p.charCodeAt(i - 1)))) out += "\\" + (c - 0xdc00).toString(8);
    else out += p[i];
  }
  return out + '"';
}

/** `encodeURIComponent` for a path segment, with the escaped bytes percent-encoded as themselves. */
export function encodeSegment(segment: string): string {
  if (!hasEscapedBytes(segment)) return encodeURIComponent(segment);
  let out = "";
  for (const b of encodeName(segment)) {
    const ch = String.fromCharCode(b);
    out += b < 0x80 && /[A-Za-z0-9\-_.!~*'()]/.test(ch) ? ch : "%" + b.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

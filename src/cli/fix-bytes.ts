/**
 * `--fix` on bytes. Rules and fixes work on the decoded text (UTF-16), but a file is bytes: one
 * that is not valid UTF-8 (a WIN1252 `'Montréal'`) decodes with U+FFFD in place of each bad
 * sequence, and writing that text back would replace those bytes for good. So the fixed file is
 * built from the original bytes: every part of the text a fix keeps is copied byte for byte from
 * where it came from (invalid bytes, a BOM, CR/LF as they were), and only the text a fix inserts
 * is encoded. Each pass of fixes is followed back to the original with a piece list.
 *
 * A fix may copy text it replaces (one that removes the blank lines inside a statement rewrites
 * the statement without them); a U+FFFD in its text stands for the bad bytes it replaced, in the
 * same order. Where that cannot be told (the fix copies a different number of them, or bad bytes
 * from elsewhere), or the result would not read back as the fixed text (bytes that were invalid
 * apart joined into a valid character), the pass is refused: the file is not changed by it, and
 * `refusal` says where and why.
 */
import type { EditFix } from "../engine/types.js";
import { decodeUtf8 } from "../sql/text.js";

/** A run of the original text (decoded offsets `[from, to)`), or text a fix inserted. */
type Piece = { from: number; to: number; text?: undefined } | { text: string };

export interface Refusal {
  /** Offset in the text of the result that is reported (the text before the refused pass). */
  offset: number;
  message: string;
}

const REPLACEMENT = "\ufffd";

export class ByteFixer {
  private pieces: Piece[];
  private current: string;
  /** Where the body (the bytes after a BOM) starts. */
  private readonly bodyStart: number;
  /** The file holds bytes that are not valid UTF-8. */
  private readonly invalid: boolean;
  refusal: Refusal | null = null;

  /** The text of the last pass applied (that of the result reported). */
  get text(): string {
    return this.current;
  }

  /**
   * @param bytes the file as read
   * @param original its decoded text (without the BOM), as linted
   */
  constructor(
    private readonly bytes: Uint8Array,
    private readonly original: string,
  ) {
    this.bodyStart = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    // A U+FFFD may be a bad byte (or one written as such): follow every one of them.
    this.invalid = original.includes(REPLACEMENT);
    this.current = original;
    this.pieces = original.length ? [{ from: 0, to: original.length }] : [];
  }

  /** One pass of fixes, chosen as `applyFixes` chooses them; for `lintText`'s `applyFixes` option. */
  apply = (text: string, fixes: EditFix[]): string => {
    if (this.refusal) return text;
    if (text !== this.current) throw new Error("ByteFixer: a pass on a text it did not produce");
    const sorted = [...fixes].sort((a, b) => a.range[0] - b.range[0] || a.range[1] - b.range[1]);
    const cut = new Cutter(this.pieces);
    const next: Piece[] = [];
    let out = "";
    let at = 0;
    for (const f of sorted) {
      const [a, b] = f.range;
      if (a < at) continue; // overlaps an earlier one: waits for the next pass
      cut.copy(at, a, next);
      out += text.slice(at, a) + f.text;
      const why = this.replace(cut, text, a, b, f.text, next);
      if (why) {
        this.refusal = { offset: a, message: why };
        return text;
      }
      at = b;
    }
    cut.copy(at, text.length, next);
    out += text.slice(at);
    if (this.invalid) {
      // Bytes invalid apart must not join into something else once their neighbours are gone.
      if (decodeUtf8(this.render(next)).text !== out) {
        this.refusal = { offset: sorted[0]?.range[0] ?? 0, message: refusalMessage("a fix would join bytes that are not valid UTF-8 into a different character") };
        return text;
      }
    }
    this.pieces = merge(next);
    this.current = out;
    return out;
  };

  /** The bytes of the fixed file (the text of the last pass applied), or null if nothing changed. */
  output(): Uint8Array | null {
    if (this.current === this.original) return null;
    const bytes = this.render(this.pieces);
    // Belt and braces: what is written must read back as exactly the fixed text.
    if (decodeUtf8(bytes).text !== this.current) throw new Error("ByteFixer: the fixed bytes do not read back as the fixed text");
    return bytes;
  }

  private render(pieces: Piece[]): Uint8Array {
    const body = this.bytes.subarray(this.bodyStart);
    const at = new ByteOffsets(body);
    const chunks: Uint8Array[] = [this.bytes.subarray(0, this.bodyStart)];
    for (const p of pieces) {
      if (p.text !== undefined) chunks.push(Buffer.from(p.text, "utf8"));
      else {
        const a = at.of(p.from);
        chunks.push(body.subarray(a, at.of(p.to)));
      }
    }
    return Buffer.concat(chunks);
  }

  /** Pieces for `current[a, b)` replaced by `t`; a reason when the bytes it stands for cannot be told. */
  private replace(cut: Cutter, current: string, a: number, b: number, t: string, into: Piece[]): string | null {
    if (!this.invalid || !t.includes(REPLACEMENT)) {
      cut.skipTo(b);
      if (t) into.push({ text: t });
      return null;
    }
    // The k-th U+FFFD of the fix's text is the k-th of the text it replaces: copy its bytes.
    const replaced = current.slice(a, b);
    const inS = positions(replaced);
    const inT = positions(t);
    if (inS.length !== inT.length) return refusalMessage("a fix rewrites text that is not valid UTF-8 and does not keep it as it was");
    let from = 0;
    inT.forEach((ti, k) => {
      if (ti > from) into.push({ text: t.slice(from, ti) });
      cut.copy(a + inS[k]!, a + inS[k]! + 1, into);
      from = ti + 1;
    });
    if (from < t.length) into.push({ text: t.slice(from) });
    cut.skipTo(b);
    return null;
  }
}

function refusalMessage(why: string): string {
  return `--fix left this file as it was: ${why}, and writing the fixed text back would change bytes no fix means to change (convert the file to UTF-8 first, e.g. iconv -f WINDOWS-1252 -t UTF-8)`;
}

function positions(s: string): number[] {
  const out: number[] = [];
  for (let i = s.indexOf(REPLACEMENT); i >= 0; i = s.indexOf(REPLACEMENT, i + 1)) out.push(i);
  return out;
}

function merge(pieces: Piece[]): Piece[] {
  const out: Piece[] = [];
  for (const p of pieces) {
    const last = out[out.length - 1];
    if (p.text !== undefined) {
      if (p.text === "") continue;
      if (last && last.text !== undefined) out[out.length - 1] = { text: last.text + p.text };
      else out.push(p);
    } else {
      if (p.to <= p.from) continue;
      if (last && last.text === undefined && last.to === p.from) out[out.length - 1] = { from: last.from, to: p.to };
      else out.push(p);
    }
  }
  return out;
}

const lengthOf = (p: Piece) => (p.text !== undefined ? p.text.length : p.to - p.from);

/** Walks a piece list by offsets of the text it makes, forwards only. */
class Cutter {
  private index = 0;
  /** Offset (in the text the pieces make) where piece `index` starts. */
  private start = 0;

  constructor(private readonly pieces: Piece[]) {}

  /** Moves to the piece holding offset `o`. */
  skipTo(o: number): void {
    while (this.index < this.pieces.length && this.start + lengthOf(this.pieces[this.index]!) <= o) {
      this.start += lengthOf(this.pieces[this.index]!);
      this.index++;
    }
  }

  /** The pieces of `[a, b)` (a ≥ the last position asked for). */
  *piecesOf(a: number, b: number): Generator<Piece> {
    this.skipTo(a);
    let at = a;
    for (let i = this.index, s = this.start; i < this.pieces.length && at < b; i++) {
      const p = this.pieces[i]!;
      const len = lengthOf(p);
      const lo = at - s;
      const hi = Math.min(len, b - s);
      if (hi > lo) yield p.text !== undefined ? { text: p.text.slice(lo, hi) } : { from: p.from + lo, to: p.from + hi };
      at = s + hi;
      s += len;
    }
  }

  copy(a: number, b: number, into: Piece[]): void {
    for (const p of this.piecesOf(a, b)) into.push(p);
  }
}

/**
 * Byte offsets of UTF-16 offsets in text decoded from `bytes` by the WHATWG UTF-8 decoder (what
 * `TextDecoder` does: each maximal invalid subpart becomes one U+FFFD). Asked in increasing order.
 */
export class ByteOffsets {
  private byte = 0;
  private unit = 0;

  constructor(private readonly bytes: Uint8Array) {}

  of(unit: number): number {
    if (unit < this.unit) {
      this.byte = 0;
      this.unit = 0;
    }
    while (this.unit < unit) {
      const [n, units] = step(this.bytes, this.byte);
      if (n === 0) throw new Error("ByteOffsets: past the end of the text");
      this.byte += n;
      this.unit += units;
    }
    if (this.unit !== unit) throw new Error("ByteOffsets: an offset inside a character");
    return this.byte;
  }
}

/** One character decoded at `i`: [bytes it takes, UTF-16 units it gives]. */
export function step(b: Uint8Array, i: number): [number, number] {
  const n = b.length;
  if (i >= n) return [0, 0];
  const c = b[i]!;
  if (c < 0x80) return [1, 1];
  let need: number;
  let lower = 0x80;
  let upper = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) need = 1;
  else if (c >= 0xe0 && c <= 0xef) {
    need = 2;
    if (c === 0xe0) lower = 0xa0;
    if (c === 0xed) upper = 0x9f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    need = 3;
    if (c === 0xf0) lower = 0x90;
    if (c === 0xf4) upper = 0x8f;
  } else return [1, 1]; // not a lead byte: one U+FFFD
  for (let k = 1; k <= need; k++) {
    const d = b[i + k];
    // end of input, or a byte that cannot continue: U+FFFD for what was read, the byte is read again
    if (d === undefined || d < lower || d > upper) return [k, 1];
    lower = 0x80;
    upper = 0xbf;
  }
  return [need + 1, need === 3 ? 2 : 1];
}

/**
 * A file's text as its migration tool sends it: with the tool's placeholders replaced
 * (graphile-worker's `:GRAPHILE_WORKER_SCHEMA`, a Go template's `{{ index .Options "Namespace" }}`),
 * and a map from every offset of the sent text back to the file, so that PostgreSQL's positions
 * land where the user wrote the SQL. An offset inside a replacement maps to the start of what it
 * replaced (the end, for the end of a range).
 */

interface Piece {
  /** Start in the sent text. */
  out: number;
  /** Start in the file. */
  src: number;
  /** Lengths in the sent text and in the file (equal for copied text). */
  outLen: number;
  srcLen: number;
}

/** A range of the source replaced by a text. */
export interface Edit {
  start: number;
  end: number;
  text: string;
}

export interface Substitution {
  pattern: RegExp;
  with: string;
}

export class EditedText {
  readonly text: string;
  private readonly pieces: Piece[];

  constructor(
    readonly source: string,
    substitutions: readonly Substitution[] = [],
    given: readonly Edit[] = [],
  ) {
    const edits: Edit[] = [...given];
    for (const s of substitutions) {
      const re = new RegExp(s.pattern.source, s.pattern.flags.includes("g") ? s.pattern.flags : `${s.pattern.flags}g`);
      for (const m of source.matchAll(re)) {
        if (m[0].length === 0) continue;
        edits.push({ start: m.index, end: m.index + m[0].length, text: s.with });
      }
    }
    edits.sort((a, b) => a.start - b.start || b.end - a.end);
    const pieces: Piece[] = [];
    let text = "";
    let at = 0;
    for (const e of edits) {
      if (e.start < at) continue; // overlaps an earlier replacement
      if (e.start > at) {
        pieces.push({ out: text.length, src: at, outLen: e.start - at, srcLen: e.start - at });
        text += source.slice(at, e.start);
      }
      pieces.push({ out: text.length, src: e.start, outLen: e.text.length, srcLen: e.end - e.start });
      text += e.text;
      at = e.end;
    }
    if (at < source.length || pieces.length === 0) {
      pieces.push({ out: text.length, src: at, outLen: source.length - at, srcLen: source.length - at });
      text += source.slice(at);
    }
    this.text = text;
    this.pieces = pieces;
  }

  /** The source with these ranges replaced (they must not overlap). */
  static fromEdits(source: string, edits: readonly Edit[]): EditedText {
    return new EditedText(source, [], edits);
  }

  /** Whether anything was replaced. */
  get edited(): boolean {
    return this.text !== this.source;
  }

  /** The file offset of an offset of the sent text (`end`: as the exclusive end of a range). */
  toSource(offset: number, end = false): number {
    const ps = this.pieces;
    let lo = 0;
    let hi = ps.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ps[mid]!.out <= offset) lo = mid;
      else hi = mid - 1;
    }
    const p = ps[lo]!;
    const k = offset - p.out;
    if (p.outLen === p.srcLen) return p.src + Math.min(k, p.srcLen);
    // inside a replacement
    if (k <= 0) return p.src;
    return end || k >= p.outLen ? p.src + p.srcLen : p.src;
  }

  /**
   * The offset of the sent text where a file offset lands (`end`: as the exclusive end of a
   * range). An offset inside a replaced span lands at the start of its replacement (at its end,
   * for `end`).
   */
  fromSource(offset: number, end = false): number {
    const ps = this.pieces;
    let lo = 0;
    let hi = ps.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ps[mid]!.src <= offset) lo = mid;
      else hi = mid - 1;
    }
    const p = ps[lo]!;
    const k = offset - p.src;
    if (p.outLen === p.srcLen) return p.out + Math.min(k, p.outLen);
    if (k <= 0) return p.out;
    return end || k >= p.srcLen ? p.out + p.outLen : p.out;
  }
}

/**
 * What the code frames of every format share: the frame lines in `FileResult.lines` are already
 * masked (each secret is `****`), and `FileResult.redacted` says which original columns each mask
 * replaced, so a range given in the file's columns is moved onto the masked text here.
 */
import { MASK } from "../engine/types.js";

/** Length of the original line, given the redacted text and the spans `****` replaced. */
export function originalLength(text: string, spans: [number, number][] | undefined): number {
  let n = text.length;
  for (const [a, b] of spans ?? []) n += b - a - MASK.length;
  return n;
}

/** Column in the redacted line of an original column. */
export function shiftColumn(column: number, spans: [number, number][]): number {
  let c = column;
  for (const [a, b] of spans) {
    if (column >= b) c += MASK.length - (b - a);
    else if (column > a) c = c - (column - a) + Math.min(MASK.length, column - a);
  }
  return c;
}

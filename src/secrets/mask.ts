/**
 * Masked views of a text: the same text, unit for unit, with every UTF-16 unit of a secret
 * replaced by a private-use sentinel character. Offsets stay valid, so anything cut out of a view
 * (an excerpt, a quoted token, a line of a code frame) can at most hold sentinels where a secret
 * was, never a piece of it; `showMasked` turns each run of sentinels into `****` at the last step.
 */

/** Stands for one UTF-16 unit of a secret in a masked view (U+E000, a private-use character). */
export const SENTINEL = "\uE000";

/** What a run of masked units is shown as, in every output. */
export const MASK = "****";

const RUNS = /\uE000+/g;

/** Sorted, non-overlapping, non-empty ranges (overlapping or touching ones merged). */
export function mergeRanges(ranges: readonly (readonly [number, number])[]): [number, number][] {
  const sorted = ranges.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/**
 * `text` with every unit inside `ranges` replaced by the sentinel, but line breaks, which stay
 * (a secret written over two lines masks as `****` on each, and line numbers do not move).
 * Returns `text` itself when nothing is masked.
 */
export function maskView(text: string, ranges: readonly (readonly [number, number])[]): string {
  const merged = mergeRanges(ranges.map(([a, b]) => [Math.max(0, a), Math.min(text.length, b)] as [number, number]));
  if (merged.length === 0) return text;
  let out = "";
  let at = 0;
  for (const [a, b] of merged) {
    out += text.slice(at, a);
    for (let i = a; i < b; i++) {
      const c = text.charCodeAt(i);
      out += c === 10 || c === 13 ? text[i] : SENTINEL;
    }
    at = b;
  }
  return out + text.slice(at);
}

/** Whether a string holds a masked unit. */
export function hasMasked(s: string): boolean {
  return s.includes(SENTINEL);
}

/** Each run of sentinels becomes `****`: the last step before anything is shown. */
export function showMasked(s: string): string {
  return s.includes(SENTINEL) ? s.replace(RUNS, MASK) : s;
}

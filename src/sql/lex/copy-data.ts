/** The data lines that follow `COPY … FROM stdin` (or psql's `\copy … from stdin`), up to `\.`. */
import type { Scanner } from "./state.js";

/** Reads the data of one pending COPY starting at `from` (a line start); returns the offset after it. */
function copyData(s: Scanner, from: number): number {
  s.copyPending--;
  const text = s.text;
  const n = s.n;
  let i = from;
  while (i < n) {
    // i is at a line start
    const eol = s.lineEnd(i);
    const line = text.slice(i, eol);
    const next = s.afterBreak(eol);
    if (line === "\\.") {
      s.items.push({ type: "copy-data", start: from, end: eol, terminated: true });
      return next;
    }
    i = next;
  }
  if (n > from) s.items.push({ type: "copy-data", start: from, end: n, terminated: false });
  return n;
}

/** Reads the data of every pending COPY from `from` (a line start); returns the offset after it. */
export function pendingCopyData(s: Scanner, from: number): number {
  let i = from;
  while (s.copyPending > 0 && i < s.n) i = copyData(s, i);
  return i;
}

/**
 * Block comments, which nest in PostgreSQL (`/* a /* b *\/ c *\/`), and what is done when one
 * never closes.
 */
import { C_SLASH, C_STAR } from "./chars.js";
import { unterminated } from "./recovery.js";
import type { Scanner } from "./state.js";

/** Reads the block comment opening at `start`; returns the offset after it. */
export function blockComment(s: Scanner, start: number): number {
  const commentEnd = blockCommentEnd(s, start);
  if (commentEnd >= 0) {
    s.comments.push({ start, end: commentEnd, block: true });
    return commentEnd;
  }
  // PostgreSQL nests block comments: `/* a /* b */` is still open. When a `*/` follows, the
  // author most likely meant it to close the comment (other databases and most editors do).
  const firstClose = s.text.indexOf("*/", start + 2);
  if (firstClose >= 0) {
    const end = firstClose + 2;
    const message = "unterminated block comment: PostgreSQL nests /* */ comments, so the */ that follows only closes a /* written inside this one";
    if (s.stmt) {
      if (!s.stmt.lexError) s.stmt.lexError = { offset: start, message };
    } else {
      s.open(start).lexError = { offset: start, message };
      s.lastTokenEnd = end;
      s.close("eof", -1);
    }
    s.comments.push({ start, end, block: true });
    return end;
  }
  const end = unterminated(s, start, "block comment (/* without */)");
  s.comments.push({ start, end, block: true });
  return end;
}

/**
 * Offset just past the block comment opening at `start` (comments nest), or -1 if it never closes.
 * A scan that reaches the end of the text still open is kept (`Scanner.openComments`), so that
 * later comments in that stretch are answered without scanning to the end again (a file of
 * `/* /* *\/` lines would otherwise take quadratic time): the offset and the depth after every `/*`
 * and `*\/`, and for each the next one that goes below it (where a comment opened there would close).
 */
function blockCommentEnd(s: Scanner, start: number): number {
  const open = s.openComments;
  if (open && start >= open.pos[0]!) {
    const openPos = open.pos;
    let lo = 0;
    let hi = openPos.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (openPos[mid]! < start) lo = mid + 1;
      else hi = mid;
    }
    if (openPos[lo] === start) {
      const j = open.nextLower[lo]!;
      return j < 0 ? -1 : openPos[j]! + 2;
    }
  }
  const text = s.text;
  const n = s.n;
  const pos: number[] = [start];
  const depths: number[] = [1];
  let nest = 1;
  let k = start + 2;
  while (k < n && nest > 0) {
    const d = text.charCodeAt(k);
    if (d === C_SLASH && text.charCodeAt(k + 1) === C_STAR) {
      pos.push(k);
      depths.push(++nest);
      k += 2;
    } else if (d === C_STAR && text.charCodeAt(k + 1) === C_SLASH) {
      pos.push(k);
      depths.push(--nest);
      k += 2;
    } else k++;
  }
  if (nest === 0) return k;
  // Next strictly lower depth for every event, right to left with a stack.
  const next = new Int32Array(pos.length).fill(-1);
  const stack: number[] = [];
  for (let e = pos.length - 1; e >= 0; e--) {
    // A comment opened by the /* at e (depth d) closes at the first later event whose depth is d - 1.
    while (stack.length > 0 && depths[stack[stack.length - 1]!]! >= depths[e]!) stack.pop();
    if (stack.length > 0) next[e] = stack[stack.length - 1]!;
    stack.push(e);
  }
  s.openComments = { pos, nextLower: next };
  return -1;
}

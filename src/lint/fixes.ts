import type { EditFix } from "../engine/types.js";

/** Applies non-overlapping fixes (earliest first; an overlapping one waits for the next pass). */
export function applyFixes(text: string, fixes: EditFix[]): string {
  const sorted = [...fixes].sort((a, b) => a.range[0] - b.range[0] || a.range[1] - b.range[1]);
  let out = "";
  let at = 0;
  for (const f of sorted) {
    if (f.range[0] < at) continue;
    out += text.slice(at, f.range[0]) + f.text;
    at = f.range[1];
  }
  return out + text.slice(at);
}

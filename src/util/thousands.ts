/**
 * A whole number with commas between thousands (`3000` → `3,000`), as `toLocaleString("en-US")`
 * writes it. Not that: its first call loads ICU's number formatting, 40–90 ms of a one-file run.
 */
export function thousands(n: number): string {
  const s = String(Math.trunc(Math.abs(n)));
  let out = "";
  for (let i = 0; i < s.length; i++) {
    if (i > 0 && (s.length - i) % 3 === 0) out += ",";
    out += s[i];
  }
  return n < 0 ? `-${out}` : out;
}

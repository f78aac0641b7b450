/**
 * JavaScript string literals and template parts, "cooked" (escapes resolved) with a map from
 * every cooked UTF-16 unit back to the host offset it came from, so a position in the SQL text
 * maps to the exact line and column in the .ts/.js file.
 */

/**
 * A cooked text under construction: `text`, and for each UTF-16 unit the host range of its
 * source (one character, a whole escape, or a whole `${…}` for a placeholder).
 */
export class CookedText {
  private readonly chunks: string[] = [];
  /** starts[i] = host offset where the source of unit i starts. */
  private readonly starts: number[] = [];
  /** ends[i] = host offset just past the source of unit i. */
  private readonly ends: number[] = [];
  private endOffset = 0;

  get length(): number {
    return this.starts.length;
  }

  /** Appends plain text copied from the host at `host`, `host + 1`… */
  pushRun(s: string, host: number): void {
    this.chunks.push(s);
    for (let k = 0; k < s.length; k++) {
      this.starts.push(host + k);
      this.ends.push(host + k + 1);
    }
  }

  /** Appends `s` standing for the host range [start, end): an escape, or a placeholder for `${…}`. */
  pushFor(s: string, start: number, end: number): void {
    this.chunks.push(s);
    for (let k = 0; k < s.length; k++) {
      this.starts.push(k === 0 ? start : Math.min(start + k, Math.max(start, end - 1)));
      this.ends.push(k === s.length - 1 ? end : Math.min(start + k + 1, end));
    }
    this.endOffset = end;
  }

  /** Where the text ends in the host (the offset just past the last source character). */
  setEnd(host: number): void {
    this.endOffset = host;
  }

  /**
   * The text, and its map to the host: `toHost(o)` is where the unit at `o` starts; with
   * `end = true`, where the unit before `o` ends (the two differ where pieces join: `' + '`).
   */
  finish(): { text: string; toHost: (offset: number, end?: boolean) => number } {
    const text = this.chunks.join("");
    const starts = Int32Array.from(this.starts);
    const ends = Int32Array.from(this.ends);
    const last = this.endOffset;
    const n = starts.length;
    return {
      text,
      toHost: (offset: number, end = false) => {
        if (n === 0) return last;
        if (end && offset > 0) return ends[Math.min(offset, n) - 1]!;
        return offset >= n ? last : starts[Math.max(0, offset)]!;
      },
    };
  }
}

const SIMPLE: Record<string, string> = { n: "\n", t: "\t", r: "\r", b: "\b", f: "\f", v: "\v" };

/**
 * Cooks the host text in [start, end) — the inside of a string literal (`kind: "string"`) or of
 * one template part (`kind: "template"`) — into `out`. Follows ECMAScript: `\n \t \r \b \f \v \0`,
 * `\xHH`, `\uHHHH`, `\u{H…}`, legacy octal escapes (strings only), a backslash before a line
 * break is a line continuation (nothing), any other escaped character stands for itself; in
 * templates a raw CRLF or CR is read as LF. An escape maps to the whole escape sequence. `fold`:
 * ASCII capitals become small letters (a part of an unquoted name, which PostgreSQL folds).
 */
export function cookInto(out: CookedText, host: string, start: number, end: number, kind: "string" | "template", fold = false): void {
  let i = start;
  let run = start; // start of the current run of plain characters
  const folded = (s: string) => (fold ? s.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : s);
  const flush = (to: number) => {
    if (to > run) out.pushRun(folded(host.slice(run, to)), run);
  };
  while (i < end) {
    const c = host.charCodeAt(i);
    if (c === 13 && kind === "template") {
      flush(i);
      const from = i;
      i += host.charCodeAt(i + 1) === 10 ? 2 : 1;
      out.pushFor("\n", from, i);
      run = i;
      continue;
    }
    if (c !== 92 || i + 1 >= end) {
      i++;
      continue;
    }
    flush(i);
    const at = i;
    const e = host[i + 1]!;
    i += 2;
    let produced = "";
    if (e === "\r") {
      if (host[i] === "\n") i++;
    } else if (e === "\n" || e === "\u2028" || e === "\u2029") {
      // line continuation: nothing
    } else if (e in SIMPLE) {
      produced = SIMPLE[e]!;
    } else if (e === "x" && /^[0-9a-fA-F]{2}$/.test(host.slice(i, i + 2))) {
      produced = String.fromCharCode(parseInt(host.slice(i, i + 2), 16));
      i += 2;
    } else if (e === "u" && host[i] === "{") {
      const close = host.indexOf("}", i);
      const hex = close > i && close < end ? host.slice(i + 1, close) : "";
      const cp = /^[0-9a-fA-F]{1,6}$/.test(hex) ? parseInt(hex, 16) : -1;
      if (cp >= 0 && cp <= 0x10ffff) {
        produced = String.fromCodePoint(cp);
        i = close + 1;
      } else produced = "u";
    } else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(host.slice(i, i + 4))) {
      produced = String.fromCharCode(parseInt(host.slice(i, i + 4), 16));
      i += 4;
    } else if (e >= "0" && e <= "7" && kind === "string") {
      // legacy octal: up to three digits, at most \377
      let digits = e;
      while (digits.length < 3 && i < end && host[i]! >= "0" && host[i]! <= "7" && parseInt(digits + host[i], 8) <= 0xff) digits += host[i++];
      produced = String.fromCharCode(parseInt(digits, 8));
    } else if (e === "0") {
      produced = "\0";
    } else {
      // any other escaped character is itself (\\ \' \" \` \$ \{ …), a whole surrogate pair included
      produced = String.fromCodePoint(host.codePointAt(at + 1)!);
      i = at + 1 + produced.length;
    }
    if (produced) out.pushFor(folded(produced), at, i);
    run = i;
  }
  flush(end);
  out.setEnd(end);
}

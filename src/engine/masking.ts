/**
 * Masking, which the engine owns: no output channel (messages, help lines, related notes,
 * suggestions, fixes, code frames, the cache) carries any piece of a credential.
 *
 * Every credential-shaped value of a file is found once (src/secrets/credentials.ts), reported
 * or not: in the file's text, and in each SQL document's own text (the cooked string of SQL
 * embedded in code, whose escapes the host text hides). Each SQL document gets a masked view of
 * its text before rules run (`SqlDocument.shown`): rules quote from it, so an excerpt cut inside
 * a password holds sentinels, not its first characters. The `Redactor` then turns sentinels into
 * `****`, builds code frames from the masked view of the file, keeps fixes that hold a secret
 * out of sight, and, as a last net for text that did not come from a masked view (a parser's
 * message, a name read from the syntax tree), masks every 4-character piece of a credential
 * that occurs nowhere else in the file.
 */
import type { SqlPart } from "./documents.js";
import type { ConnectionString } from "../secrets/connection-strings.js";
import { findCredentials, type TextKind } from "../secrets/credentials.js";
import { maskView, mergeRanges, SENTINEL, showMasked } from "../secrets/mask.js";
import type { SqlDocument } from "../sql/document.js";
import type { LineIndex } from "../sql/text.js";

type Span = [number, number];

/** The credentials of one file, found once and shared by every rule and every output. */
export class FileSecrets {
  private own: Span[] | null = null;
  private all: Span[] | null = null;
  private readonly inDocs = new WeakMap<SqlDocument, { own: Span[]; ranges: Span[] }>();

  constructor(
    /** The file's text: every host offset refers to it. */
    readonly text: string,
    private readonly kind: TextKind,
    /** The file's SQL documents (built on demand: the ESLint plugin extracts them lazily). */
    private readonly parts: () => readonly SqlPart[],
    /** The connection strings already found in the text, when the text rule found them. */
    private readonly connections?: () => readonly ConnectionString[],
  ) {}

  /** Credentials of the file's own text, in host offsets. */
  hostOwn(): Span[] {
    return (this.own ??= findCredentials(this.text, this.kind, this.connections?.()));
  }

  /** Gives a SQL document its credentials (its own, and the file's mapped into it), for `shown`. */
  attach(part: SqlPart): void {
    part.doc.setCredentials(() => this.inDocument(part).ranges);
  }

  /** Every credential of the file in host offsets: the text's own, and those found in its SQL documents. */
  hostAll(): Span[] {
    if (this.all) return this.all;
    const spans = [...this.hostOwn()];
    for (const part of this.parts()) {
      if (identity(part, this.text)) continue;
      for (const [a, b] of this.inDocument(part).own) {
        const from = part.toHost(a);
        spans.push([from, Math.max(from + 1, part.toHost(b, true))]);
      }
    }
    return (this.all = mergeRanges(spans));
  }

  /** The credentials as written: in the file, and as each SQL document reads them (escapes resolved). */
  texts(): string[] {
    const out = new Set<string>();
    for (const [a, b] of this.hostAll()) out.add(this.text.slice(a, b));
    for (const part of this.parts()) {
      if (identity(part, this.text)) continue;
      for (const [a, b] of this.inDocument(part).own) out.add(part.doc.sql.slice(a, b));
    }
    return [...out];
  }

  /** The shown texts of the SQL documents that are not the file itself (code strings). */
  documentViews(): string[] {
    const out: string[] = [];
    for (const part of this.parts()) {
      if (identity(part, this.text)) continue;
      this.attach(part);
      out.push(part.doc.shown);
    }
    return out;
  }

  private inDocument(part: SqlPart): { own: Span[]; ranges: Span[] } {
    const doc = part.doc;
    let found = this.inDocs.get(doc);
    if (!found) {
      if (identity(part, this.text)) {
        const own = this.hostOwn();
        found = { own, ranges: own };
      } else {
        const own = findCredentials(doc.sql, "sql");
        found = { own, ranges: mergeRanges([...own, ...intoDocument(this.hostOwn(), part)]) };
      }
      this.inDocs.set(doc, found);
    }
    return found;
  }
}

/** Whether the document is the file itself (a SQL script): same text, same offsets. */
function identity(part: SqlPart, text: string): boolean {
  return part.doc.sql.length === text.length && part.toHost(0) === 0 && part.toHost(text.length, true) === text.length && part.doc.sql === text;
}

/** Host ranges as document ranges: each document unit whose source overlaps one. */
function intoDocument(host: Span[], part: SqlPart): Span[] {
  const n = part.doc.sql.length;
  if (host.length === 0 || n === 0) return [];
  const lo = part.toHost(0);
  const hi = part.toHost(n, true);
  if (!host.some(([a, b]) => a < Math.max(hi, lo + 1) && b > lo)) return [];
  const out: Span[] = [];
  let k = 0;
  let runStart = -1;
  for (let i = 0; i < n; i++) {
    const a = part.toHost(i);
    const b = Math.max(a + 1, part.toHost(i + 1, true));
    while (k < host.length && host[k]![1] <= a) k++;
    const masked = k < host.length && host[k]![0] < b;
    if (masked && runStart < 0) runStart = i;
    else if (!masked && runStart >= 0) {
      out.push([runStart, i]);
      runStart = -1;
    }
  }
  if (runStart >= 0) out.push([runStart, n]);
  return out;
}

/** The spans of a line without a masked credential (most lines): one empty list for all. */
const NO_SPANS: readonly [number, number][] = Object.freeze([]);

/**
 * What is shown of one file: messages and frames with every credential masked. `reported` are
 * the host ranges the findings name as secrets: their text is masked wherever it appears (the
 * same password written again, `PGPASSWORD=… psql postgres://u:…@…`), while the text of an
 * unreported one (a local database's `shop`) is masked elsewhere only where it is a piece that
 * occurs nowhere else, so `shop_app` is not turned into `****_app`.
 */
export class Redactor {
  private viewText: string | null = null;
  private grams: Set<string> | null = null;
  private short: string[] = [];
  private reportedTexts: string[] = [];
  private views: string[] | null = null;
  private readonly distinct = new Map<string, boolean>();

  constructor(
    private readonly secrets: FileSecrets,
    private readonly reported: Span[] = [],
  ) {}

  /** The file's text with every credential (and every other place of a reported one) masked. */
  view(): string {
    if (this.viewText !== null) return this.viewText;
    const text = this.secrets.text;
    const spans: Span[] = [...this.secrets.hostAll(), ...this.reported];
    this.reportedTexts = [...new Set(this.reported.map(([a, b]) => text.slice(a, b)))].filter((t) => t.length >= 3);
    for (const t of this.reportedTexts) for (let i = text.indexOf(t); i >= 0; i = text.indexOf(t, i + 1)) spans.push([i, i + t.length]);
    return (this.viewText = maskView(text, spans));
  }

  private prepare(): Set<string> {
    if (this.grams) return this.grams;
    this.view();
    const grams = new Set<string>();
    const texts = [...this.secrets.texts(), ...this.reportedTexts];
    for (const t of texts) {
      if (t.length < 4) {
        if (t.length > 0) this.short.push(t);
        continue;
      }
      for (let i = 0; i + 4 <= t.length; i++) grams.add(t.slice(i, i + 4));
    }
    return (this.grams = grams);
  }

  /** A piece of a credential that occurs nowhere else in the file: safe to mask wherever it shows. */
  private distinctive(piece: string): boolean {
    let d = this.distinct.get(piece);
    if (d === undefined) {
      this.views ??= this.secrets.documentViews();
      d = !this.view().includes(piece) && !this.views.some((v) => v.includes(piece));
      this.distinct.set(piece, d);
    }
    return d;
  }

  /** Some credential, or a piece of one, is to be masked in what is shown (else only sentinels are). */
  private masks(): boolean {
    return this.prepare().size > 0 || this.short.length > 0 || this.reportedTexts.length > 0;
  }

  /**
   * A text as it may be shown: sentinels (from a masked view) become `****`; so does any
   * reported credential written in it, and any piece of a credential that occurs nowhere else
   * in the file (text that came from the parser or the syntax tree rather than a masked view).
   */
  text(s: string): string {
    if (s.length === 0) return s;
    const grams = this.prepare();
    if (!this.masks()) return showMasked(s);
    let marks: Uint8Array | null = null;
    const mark = (a: number, b: number) => {
      marks ??= new Uint8Array(s.length);
      marks.fill(1, a, b);
    };
    for (const t of this.reportedTexts) for (let i = s.indexOf(t); i >= 0; i = s.indexOf(t, i + 1)) mark(i, i + t.length);
    if (grams.size > 0) {
      for (let i = 0; i + 4 <= s.length; i++) {
        const g = s.slice(i, i + 4);
        if (grams.has(g) && this.distinctive(g)) mark(i, i + 4);
      }
    }
    for (const t of this.short) {
      if (t.length < 3) continue; // one or two characters are masked in place only
      for (let i = s.indexOf(t); i >= 0; i = s.indexOf(t, i + 1)) if (this.distinctive(t)) mark(i, i + t.length);
    }
    if (!marks) return showMasked(s);
    const m: Uint8Array = marks;
    let out = "";
    for (let i = 0; i < s.length; i++) out += m[i] ? SENTINEL : s[i];
    return showMasked(out);
  }

  /** A rule's message data, each value as it may be shown. */
  data(data: Record<string, string | number> | undefined): Record<string, string | number> | undefined {
    if (!data) return data;
    // no credential in the file and no masked text in the values (most findings): shown as they are
    if (!this.masks()) {
      let plain = true;
      for (const k in data) {
        const v = data[k];
        if (typeof v === "string" && v.includes(SENTINEL)) {
          plain = false;
          break;
        }
      }
      if (plain) return data;
    }
    const out: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(data)) {
      const shown = this.text(String(v));
      out[k] = typeof v === "number" && shown === String(v) ? v : shown;
    }
    return out;
  }

  /**
   * Whether a fix's text holds any piece of a credential: a 4-character piece of a longer one,
   * or a whole short one (a password of 1 to 3 characters). Such a fix may be applied, never shown.
   */
  holds(fixText: string): boolean {
    const grams = this.prepare();
    if (fixText.includes(SENTINEL)) return true;
    // most files hold no credential: no piece to look for (asked of every fix of every finding)
    if (grams.size > 0) for (let i = 0; i + 4 <= fixText.length; i++) if (grams.has(fixText.slice(i, i + 4))) return true;
    return this.short.length > 0 && this.short.some((t) => fixText.includes(t));
  }

  /** A line of the file for a code frame: the masked view, each run of sentinels as `****`, and the original column spans they replaced. */
  line(index: LineIndex, line: number): { text: string; spans: readonly [number, number][] } {
    const view = this.view();
    // the view has the text's length: the line's offsets are the same in both
    const shown = view.slice(index.starts[line - 1]!, index.lineEnd(line - 1));
    if (!shown.includes(SENTINEL)) return { text: shown, spans: NO_SPANS };
    const spans: [number, number][] = [];
    for (const m of shown.matchAll(/\uE000+/g)) spans.push([m.index + 1, m.index + m[0].length + 1]);
    return { text: showMasked(shown), spans };
  }
}

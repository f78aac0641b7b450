/**
 * Judging a pieced string: the reading of its interpolations and of its library's placeholders
 * under which it parses as SQL, or that it is a fragment of bigger SQL (skipped, never reported),
 * or empty.
 */
import { forEachObject } from "../../sql/classify.js";
import { lex } from "../../sql/lexer.js";
import { parseSql, type ParseOutcome, type PgNode, type RawStmt } from "../../sql/parser.js";
import { skipToken } from "../../sql/lex/chars.js";
import { build, findGlue, NEXT_MODE, standInName, type Built, type Mode, type Piece, type Slot } from "./pieces.js";
import { findPlaceholders, READINGS, standIn, type Dialect, type PlaceholderKind } from "./placeholders.js";

export type Decision =
  | {
      kind: "sql";
      /** The SQL text, as written (interpolations replaced by their stand-ins). */
      text: string;
      /** What the parser reads: `text` with the library's placeholders replaced (same length). */
      parseSource: string;
      toHost: (offset: number, end?: boolean) => number;
      /** The parse of the whole text, or null when some statement of it does not parse. */
      stmts: RawStmt[] | null;
      /** The library whose placeholders were read (`knex`), or null. */
      library: string | null;
      /**
       * An interpolation stands for SQL text, not a value: a name (`"${table}"`), a list or a
       * query. The statement the code sends is not this text (`sqlguard verify` must not prepare it).
       */
      dynamic: boolean;
      /**
       * A text quoting the SQL (a message's data) as the code reads: each stand-in for an
       * interpolation back to the code's own words (see `displayOf`); null when there is none.
       */
      display: ((text: string) => string) | null;
    }
  | { kind: "fragment" | "empty" };

export interface DecideOptions {
  /** Placeholders the calling library rewrites (see libraries.ts). */
  dialect?: Dialect | null;
  /**
   * A sink's string of several statements that does not parse whole: judge each statement on its
   * own, so one that does not parse hides nothing else.
   */
  perStatement?: boolean;
}

/**
 * Finds the reading under which the text parses. Interpolations are values first; at the first
 * error, the interpolation just before it becomes an identifier, then a list, then a query (one
 * that names a table or column part, `${schema}.${table}`, or quotes a name, `sql.identifier(…)`,
 * starts as an identifier). The library's placeholders read as what the library puts there; one
 * pasted in as raw text is tried like an interpolation. A placeholder that ends up an implicit
 * alias (`DELETE FROM t ${where}` → `t "${where}"`) shows that the interpolation was a clause: the
 * string is a fragment. Where the library surely rewrites its placeholders the text is read with
 * them first; otherwise as written first.
 */
export function decide(host: string, pieces: Piece[], options: DecideOptions = {}): Decision {
  const dialect = options.dialect ?? null;
  const orders: (Dialect | null)[] = !dialect ? [null] : dialect.certain ? [dialect, null] : [null, dialect];
  for (const d of orders) {
    const r = search(host, pieces, d, false);
    if (r.kind !== "fragment") return r;
  }
  if (options.perStatement) {
    for (const d of orders) {
      const r = search(host, pieces, d, true);
      if (r.kind !== "fragment") return r;
    }
  }
  return { kind: "fragment" };
}

/** A library placeholder, where it is in its string part, and how it is read in this attempt. */
interface Mark {
  piece: number;
  at: number;
  length: number;
  kind: PlaceholderKind;
  reading: number;
  /** Its stand-in this round (for the clause check). */
  stand: string;
}

/** Something whose reading can change after a parse error before it. */
interface Choice {
  start: number;
  next(): boolean;
}

function search(host: string, pieces: Piece[], dialect: Dialect | null, perStatement: boolean): Decision {
  const exprs = pieces.filter((p): p is Extract<Piece, { kind: "expr" }> => p.kind === "expr");
  const names = exprs.map((p) => standInName(host, p));
  const modes: Mode[] = exprs.map((p) => (p.identifier && !p.numeric ? "identifier" : "value"));
  // pieces of a name (`${prefix}users`, `"IDX_${prefix}x"`) are read as such, whatever else
  const { parts, glue } = findGlue(host, pieces, names);
  for (const k of parts) modes[k] = "part";
  let built = build(host, pieces, modes, names, glue);
  if (qualifiedNames(built, exprs, modes)) built = build(host, pieces, modes, names, glue);
  const marks = dialect ? locate(built, dialect) : [];
  const limit = 3 * exprs.length + 4 * marks.length + 1;
  for (let round = 0; round <= limit; round++) {
    if (round > 0) built = build(host, pieces, modes, names, glue);
    const parseSource = mask(built, marks);
    const library = marks.length > 0 ? dialect!.library : null;
    const dynamic = built.slots.some((x) => !isValue(built.text, x));
    const sql = (stmts: RawStmt[] | null): Decision => ({
      kind: "sql",
      text: built.text,
      parseSource,
      toHost: built.toHost,
      stmts,
      library,
      dynamic,
      display: displayOf(built, parseSource),
    });
    const choices = choicesOf(built, modes, marks);
    if (!perStatement) {
      const outcome = parseSql(parseSource);
      // Too deeply nested to read (or for PostgreSQL to parse), whatever the interpolations are:
      // SQL all the same, reported as such (syntax-error), never skipped as a fragment.
      if (!outcome.ok && (outcome.tooDeep || outcome.parserLimit)) return sql([]);
      if (outcome.ok) {
        if (outcome.stmts.length === 0) return { kind: "empty" };
        if (clauseInterpolation(outcome.stmts, built, marks) || gluedAtEnd(built)) return { kind: "fragment" };
        return sql(outcome.stmts);
      }
      if (!escalate(choices, 0, outcome.offset)) return { kind: "fragment" };
      continue;
    }
    const ranges = lex(parseSource, { psql: false }).statements;
    if (ranges.length < 2) return { kind: "fragment" };
    const good: RawStmt[] = [];
    let changed = false;
    for (const r of ranges) {
      const outcome: ParseOutcome = parseSql(parseSource.slice(r.start, r.end));
      if (!outcome.ok && (outcome.tooDeep || outcome.parserLimit)) return sql(null);
      if (outcome.ok) good.push(...outcome.stmts);
      else if (escalate(choices, r.start, r.start + outcome.offset)) changed = true;
    }
    if (changed) continue;
    if (good.length === 0 || clauseInterpolation(good, built, marks) || gluedAtEnd(built)) return { kind: "fragment" };
    return sql(null);
  }
  return { kind: "fragment" };
}

/**
 * Whether an interpolation is sent as a value: read as one, and not written inside a quoted name
 * (`"${table}"` parses as the name `$1`, but the code puts a table's name there).
 */
function isValue(text: string, slot: Slot): boolean {
  return slot.mode === "value" && text[slot.start - 1] !== '"' && text[slot.end] !== '"';
}

/** Changes the reading of the last choice in [from, to]; false when none can change. */
function escalate(choices: Choice[], from: number, to: number): boolean {
  for (let k = choices.length - 1; k >= 0; k--) {
    const c = choices[k]!;
    if (c.start < from || c.start > to) continue;
    if (c.next()) return true;
  }
  return false;
}

function choicesOf(built: Built, modes: Mode[], marks: Mark[]): Choice[] {
  const out: Choice[] = [];
  built.slots.forEach((s, k) => {
    if (!NEXT_MODE[s.mode]) return;
    out.push({
      start: s.start,
      next: () => {
        modes[k] = NEXT_MODE[modes[k]!]!;
        return true;
      },
    });
  });
  marks.forEach((m, k) => {
    const readings = READINGS[m.kind];
    if (m.reading >= readings.length - 1) return;
    out.push({
      start: positionOf(built, m),
      next: () => {
        for (let r = m.reading + 1; r < readings.length; r++) {
          if (standIn(readings[r]!, m.length, k) !== null) {
            m.reading = r;
            return true;
          }
        }
        return false;
      },
    });
  });
  return out.sort((a, b) => a.start - b.start);
}

/**
 * `${schema}.${table}`, `${t}.name`, `t.${column}`: an interpolation that names a part of a
 * qualified name is a name, not a value. Returns whether a mode changed.
 */
function qualifiedNames(built: Built, exprs: Extract<Piece, { kind: "expr" }>[], modes: Mode[]): boolean {
  let changed = false;
  const text = built.text;
  const startsAt = new Set(built.slots.map((s) => s.start));
  const endsAt = new Set(built.slots.map((s) => s.end));
  built.slots.forEach((s, k) => {
    if (modes[k] !== "value" || exprs[k]!.numeric) return;
    const qualifies = text[s.end] === "." && (startsAt.has(s.end + 1) || /[\p{L}_"*]/u.test(text[s.end + 1] ?? ""));
    const qualified = text[s.start - 1] === "." && (endsAt.has(s.start - 1) || /[\p{L}\p{N}_"]/u.test(text[s.start - 2] ?? ""));
    if (qualifies || qualified) {
      modes[k] = "identifier";
      changed = true;
    }
  });
  return changed;
}

/** Finds the library's placeholders in the text written in the string parts. */
function locate(built: Built, dialect: Dialect): Mark[] {
  const within = (start: number, end: number) => built.written.some((w) => w.start <= start && end <= w.end);
  return findPlaceholders(built.text, dialect, within).map((p) => {
    const w = built.written.find((x) => x.start <= p.start && p.end <= x.end)!;
    return { piece: w.piece, at: p.start - w.start, length: p.end - p.start, kind: p.kind, reading: 0, stand: "" };
  });
}

function positionOf(built: Built, m: Mark): number {
  return built.written.find((w) => w.piece === m.piece)!.start + m.at;
}

/** The text with each placeholder replaced by its stand-in (same length). */
function mask(built: Built, marks: Mark[]): string {
  if (marks.length === 0) return built.text;
  let out = "";
  let at = 0;
  marks.forEach((m, k) => {
    const start = positionOf(built, m);
    m.stand = standIn(READINGS[m.kind][m.reading]!, m.length, k) ?? built.text.slice(start, start + m.length);
    out += built.text.slice(at, start) + m.stand;
    at = start + m.length;
  });
  return out + built.text.slice(at);
}

/**
 * `'DELETE FROM t' + rest` reads as the table `t$1`, but `rest` may as well be ` WHERE …`: an
 * interpolation that ends the text glued to a name is not known to be part of the name.
 */
function gluedAtEnd(built: Built): boolean {
  const last = built.slots[built.slots.length - 1];
  if (!last || last.mode !== "value" || last.numeric) return false;
  return built.text.slice(last.end).trim() === "" && /[\p{L}\p{N}_$]/u.test(built.text[last.start - 1] ?? "");
}

function clauseInterpolation(stmts: RawStmt[], built: Built, marks: Mark[]): boolean {
  const suspects = new Set(
    built.slots.filter((s) => s.mode === "identifier" && !/\bas\s*$/i.test(built.text.slice(Math.max(0, s.start - 8), s.start))).map((s) => s.name),
  );
  // raw text pasted in by the library, read as a name
  for (const m of marks) if (m.kind === "raw" && READINGS.raw[m.reading] === "identifier") suspects.add(m.stand);
  if (suspects.size === 0) return false;
  let found = false;
  const aliases = (value: unknown) =>
    forEachObject(value, (o) => {
      if (found) return false;
      if (typeof o.aliasname === "string" && suspects.has(o.aliasname)) found = true;
    });
  // Only where a clause could hide the rows a write touches: the target of an UPDATE/DELETE and
  // its FROM/USING items. `SELECT * FROM (${q}) ${alias}` is an alias and reads fine.
  for (const s of stmts) {
    forEachObject(s.stmt, (o) => {
      if (found) return false;
      for (const key of ["UpdateStmt", "DeleteStmt"]) {
        const body = o[key] as PgNode | undefined;
        if (body) aliases([body.relation, body.fromClause, body.usingClause]);
      }
    });
  }
  return found;
}

/**
 * How a text quoting the SQL reads in the code's words. Names holding an interpolation
 * (`"${prefix}users"`, `"${a}${b}"`) lose the quotes that only the stand-in needs: shown as a
 * name that needs none where the rest of it is small letters, digits and `_`
 * (`${prefix}users`); each value, list or query stand-in (`$1`, `($2)`, `SELECT $3`) becomes the
 * interpolation it stands for (`${id}`), unless the same `$n` is written in the SQL too (a
 * parameter of its own, or a library's placeholder read as one): then it is left as it is.
 *
 * Most SQL is never reported: the mapping is made the first time a text is shown, in one pass
 * over the text and its stand-ins (a statement may hold thousands of interpolations).
 */
export function displayOf(built: Built, parseSource: string): ((text: string) => string) | null {
  if (built.slots.length === 0) return null;
  let show: ((t: string) => string) | undefined;
  return (t: string) => (show ??= displayMapping(built, parseSource))(t);
}

function displayMapping(built: Built, parseSource: string): (text: string) => string {
  const { text, slots } = built;
  // names holding an interpolation: each quoted token with a name stand-in or a part in it
  const named = new Map<string, string>();
  let k = 0;
  for (let i = 0; i < text.length && k < slots.length; ) {
    const past = skipToken(text, i);
    if (past < 0) {
      i++;
      continue;
    }
    const inside: Slot[] = [];
    for (; k < slots.length && slots[k]!.start < past; k++) if (slots[k]!.start >= i && slots[k]!.mode !== "value") inside.push(slots[k]!);
    if (inside.length > 0 && text[i] === '"' && text[past - 1] === '"' && past - i >= 2) {
      const quoted = text.slice(i, past);
      // the letters written around the names (a name stand-in spans its quotes: nothing is)
      let rest = "";
      let at = i + 1;
      for (const s of inside) {
        if (s.start > at) rest += text.slice(at, s.start);
        at = Math.max(at, s.end);
      }
      if (past - 1 > at) rest += text.slice(at, past - 1);
      rest = rest.replace(/""/g, '"');
      const first = inside[0]!;
      const startsWell = first.start <= i + 1 || /^[a-z_]/.test(quoted.slice(1));
      named.set(quoted, startsWell && /^[a-z0-9_$]*$/.test(rest) ? quoted.slice(1, -1).replace(/""/g, '"') : quoted);
    }
    i = past;
  }
  // `$n` written in the SQL as it is read (outside every stand-in); the matches come in order
  const written = new Set<string>();
  let owner = 0;
  for (const m of parseSource.matchAll(/\$(\d+)/g)) {
    while (owner < slots.length && slots[owner]!.end <= m.index) owner++;
    if (!(owner < slots.length && slots[owner]!.start <= m.index)) written.add(m[1]!);
  }
  const values = new Map<string, Slot>();
  slots.forEach((s, i) => {
    const n = String(i + 1);
    if ((s.mode === "value" || s.mode === "list" || s.mode === "query") && !written.has(n)) values.set(n, s);
  });
  // longest first (a name may hold a shorter one); the same order decides between equal lengths
  const quotedNames = [...named.keys()].filter((q) => named.get(q) !== q).sort((a, b) => b.length - a.length);
  const order = new Map(quotedNames.map((q, i) => [q, i]));
  return (t: string) => {
    let out = t;
    if (quotedNames.length > 0 && out.includes('"')) out = unquoteNames(out, quotedNames, order, named);
    if (values.size > 0 && out.includes("$")) {
      out = out.replace(/(SELECT |\()?\$(\d+)(\))?/g, (m, pre: string | undefined, n: string, close: string | undefined) => {
        const s = values.get(n);
        if (!s) return m;
        const whole = (s.mode === "query" && pre === "SELECT ") || (s.mode === "list" && pre === "(" && close === ")");
        return whole ? s.name : (pre ?? "") + s.name + (close ?? "");
      });
    }
    return out;
  };
}

/**
 * Each quoted name of `quotedNames` in the text replaced, in their order, by how it is shown. A
 * text quoting SQL holds few quotes: the names it can hold are its own stretches from a quote to
 * a quote, looked up, rather than every name of the statement looked for.
 */
function unquoteNames(t: string, quotedNames: string[], order: Map<string, number>, named: Map<string, string>): string {
  let out = t;
  let next = 0;
  for (;;) {
    const quotes: number[] = [];
    for (let i = out.indexOf('"'); i >= 0; i = out.indexOf('"', i + 1)) quotes.push(i);
    if (quotes.length > 64) {
      // a long text full of quotes: every name looked for, as few texts are
      for (let j = next; j < quotedNames.length; j++) {
        const q = quotedNames[j]!;
        if (out.includes(q)) out = out.split(q).join(named.get(q)!);
      }
      return out;
    }
    let best = -1;
    for (let a = 0; a < quotes.length; a++) {
      for (let b = a + 1; b < quotes.length; b++) {
        const j = order.get(out.slice(quotes[a]!, quotes[b]! + 1));
        if (j !== undefined && j >= next && (best < 0 || j < best)) best = j;
      }
    }
    if (best < 0) return out;
    const q = quotedNames[best]!;
    out = out.split(q).join(named.get(q)!);
    next = best + 1;
  }
}

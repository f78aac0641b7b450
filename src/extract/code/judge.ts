/**
 * Judging a pieced string: the reading of its interpolations under which it parses as SQL, or
 * that it is a fragment of bigger SQL (skipped, never reported), or empty.
 */
import { forEachObject } from "../../sql/classify.js";
import { parseSql, type PgNode, type RawStmt } from "../../sql/parser.js";
import { build, NEXT_MODE, standInName, type Built, type Mode, type Piece } from "./pieces.js";

export type Decision =
  | { kind: "sql"; text: string; toHost: (offset: number, end?: boolean) => number; stmts: RawStmt[] }
  | { kind: "fragment" | "empty" };

/**
 * Finds the reading of the interpolations under which the text parses: all values first; at
 * the first error, the interpolation just before it becomes an identifier, then a list, then a
 * query. A
 * placeholder that ends up an implicit alias (`DELETE FROM t ${where}` → `t "${where}"`) shows
 * that the interpolation was a clause: the string is a fragment.
 */
export function decide(host: string, pieces: Piece[]): Decision {
  const exprs = pieces.filter((p): p is Extract<Piece, { kind: "expr" }> => p.kind === "expr");
  const modes: Mode[] = exprs.map(() => "value");
  const names = exprs.map((p) => standInName(host, p));
  for (let round = 0; round <= 3 * exprs.length; round++) {
    const built = build(host, pieces, modes, names);
    const outcome = parseSql(built.text);
    // Too deeply nested to read (or for PostgreSQL to parse), whatever the interpolations are:
    // SQL all the same, reported as such (syntax-error), never skipped as a fragment.
    if (!outcome.ok && (outcome.tooDeep || outcome.parserLimit)) return { kind: "sql", text: built.text, toHost: built.toHost, stmts: [] };
    if (outcome.ok) {
      if (outcome.stmts.length === 0) return { kind: "empty" };
      if (clauseInterpolation(outcome.stmts, built) || gluedAtEnd(built)) return { kind: "fragment" };
      return { kind: "sql", text: built.text, toHost: built.toHost, stmts: outcome.stmts };
    }
    let pick = -1;
    built.slots.forEach((s, k) => {
      if (s.start <= outcome.offset && NEXT_MODE[s.mode]) pick = k;
    });
    if (pick < 0) return { kind: "fragment" };
    modes[pick] = NEXT_MODE[modes[pick]!]!;
  }
  return { kind: "fragment" };
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

function clauseInterpolation(stmts: RawStmt[], built: Built): boolean {
  const suspects = new Set(
    built.slots.filter((s) => s.mode === "identifier" && !/\bas\s*$/i.test(built.text.slice(Math.max(0, s.start - 8), s.start))).map((s) => s.name),
  );
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

/**
 * The parameters of query-file libraries, turned into PostgreSQL's own `$n` so a query can be
 * prepared as the library would send it: sqlc's `@name` and `sqlc.arg(name)`, yesql's `?`,
 * the `:name` of PugSQL, pgtyped (`:name!`) and goyesql. Each library's marker only: `?` is a
 * jsonb operator and `@` an operator elsewhere. The same name is the same parameter. Strings,
 * quoted names, comments, dollar quotes, `::` casts and array slices (`a[1:n]`) are left alone.
 *
 * What the library expands into SQL text (sqlc.slice, sqlc.embed, pgtyped's declared expansions)
 * cannot be prepared as written: `dynamic` says so.
 */
import type { ToolId } from "../run-model/index.js";
import { skipToken } from "../sql/lex/chars.js";
import { EditedText } from "./edited-text.js";

export interface Parameterised {
  /** The statement with `$n` for each parameter, and the map back to the statement's text. */
  text: EditedText;
  /** A part of it is SQL text the library pastes in: not preparable. */
  dynamic: boolean;
}

const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;

/** The statement as the library sends it, or null when the tool has no markers of its own. */
export function parameterise(sql: string, tool: ToolId | null): Parameterised | null {
  const style = tool === "sqlc" ? "sqlc" : tool === "yesql" ? "yesql" : tool === "pugsql" || tool === "pgtyped" || tool === "goyesql" ? "colon" : null;
  if (style === null) return null;
  const edits: { start: number; end: number; text: string }[] = [];
  const numbers = new Map<string, number>();
  let next = 1;
  // parameters already written as $n keep their numbers; new ones come after
  for (const m of sql.matchAll(/\$(\d+)\b/g)) next = Math.max(next, Number(m[1]) + 1);
  const param = (name: string | null) => {
    if (name === null) return `$${next++}`;
    let n = numbers.get(name);
    if (n === undefined) numbers.set(name, (n = next++));
    return `$${n}`;
  };
  let dynamic = false;
  let brackets = 0;
  const n = sql.length;
  let i = 0;
  while (i < n) {
    const c = sql[i]!;
    // strings, quoted names, comments and dollar quotes hold no parameter
    const past = skipToken(sql, i);
    if (past >= 0) {
      i = past;
      continue;
    }
    if (c === "[") brackets++;
    else if (c === "]") brackets = Math.max(0, brackets - 1);
    else if (style === "sqlc" && c === "@" && brackets === 0) {
      WORD.lastIndex = i + 1;
      const m = WORD.exec(sql);
      if (m) {
        edits.push({ start: i, end: i + 1 + m[0].length, text: param(m[0]) });
        i += 1 + m[0].length;
        continue;
      }
    } else if (style === "sqlc" && (c === "s" || c === "S") && !/[A-Za-z0-9_.]/.test(sql[i - 1] ?? "")) {
      const call = /sqlc\s*\.\s*(n?arg|slice|embed)\s*\(\s*(?:'([^']*)'|"([^"]*)"|([A-Za-z_][A-Za-z0-9_]*))\s*\)/iy;
      call.lastIndex = i;
      const m = call.exec(sql);
      if (m) {
        const fn = m[1]!.toLowerCase();
        if (fn === "slice" || fn === "embed") dynamic = true;
        else edits.push({ start: i, end: i + m[0].length, text: param(m[2] ?? m[3] ?? m[4]!) });
        i += m[0].length;
        continue;
      }
    } else if (style === "yesql" && c === "?") {
      // ?| ?& and a ? b between operands stay operators only when written as such: yesql has none
      edits.push({ start: i, end: i + 1, text: param(null) });
    } else if ((style === "colon" || style === "yesql") && c === ":" && brackets === 0 && sql[i - 1] !== ":" && sql[i + 1] !== ":" && sql[i + 1] !== "=") {
      WORD.lastIndex = i + 1;
      const m = WORD.exec(sql);
      if (m) {
        let end = i + 1 + m[0].length;
        if (tool === "pgtyped" && sql[end] === "!" && sql[end + 1] !== "=") end++;
        edits.push({ start: i, end, text: param(m[0]) });
        i = end;
        continue;
      }
    }
    i++;
  }
  return { text: EditedText.fromEdits(sql, edits), dynamic };
}

/**
 * psql's backslash commands, read as psqlscan.l reads them: `\;` (a semicolon that does not send),
 * `\:` (a colon that is no variable), and meta-commands (`\set`, `\connect`, `\g`, `\if`…) that
 * run to the end of the line or the next unquoted backslash. A command that sends the query
 * buffer ends the statement being typed; one typed in the middle of a statement is hidden from
 * the parser, and the statement goes on.
 */
import { C_BACKSLASH, C_BACKTICK, C_COLON, C_CR, C_DQUOTE, C_LF, C_QUOTE, C_SEMI, isSpace } from "./chars.js";
import { conditional, isConditional } from "./conditionals.js";
import { pendingCopyData } from "./copy-data.js";
import type { Scanner } from "./state.js";
import type { MetaItem } from "./types.js";

// Meta-commands that send the query buffer, so they end the statement being typed.
const SENDING_META = new Set([
  "g",
  "gx",
  "gset",
  "gexec",
  "gdesc",
  "watch",
  "crosstabview",
  "parse",
  "sendpipeline",
]);

/** Reads what starts with the backslash at `i` (psql scripts only); returns the offset after it. */
export function backslash(s: Scanner, i: number): number {
  const d = s.text.charCodeAt(i + 1);
  if (d === C_SEMI) {
    // `\;` puts a semicolon in the query buffer without sending it: a boundary for us.
    if (s.stmt && s.depth <= 0 && s.beginDepth <= 0) s.close("semicolon", i + 1);
    return i + 2;
  }
  if (d === C_COLON) {
    s.symbol(i, i + 2);
    s.addMask(i, i + 1, " ");
    return i + 2;
  }
  return metaCommand(s, i);
}

/** A psql meta-command from `at` (a backslash) to the end of its line or the next command. */
function metaCommand(s: Scanner, at: number): number {
  const text = s.text;
  const n = s.n;
  let j = at + 1;
  // The command name runs to whitespace or another backslash.
  while (j < n) {
    const d = text.charCodeAt(j);
    if (isSpace(d) || (d === C_BACKSLASH && j > at + 1)) break;
    j++;
  }
  const command = text.slice(at + 1, j);
  // Arguments: to the end of the line or an unquoted backslash; quotes may hold anything.
  let k = j;
  let resumeSql = -1;
  while (k < n) {
    const d = text.charCodeAt(k);
    if (d === C_LF || d === C_CR) break;
    if (d === C_QUOTE || d === C_DQUOTE || d === C_BACKTICK) {
      let m = k + 1;
      while (m < n) {
        const e = text.charCodeAt(m);
        if (e === C_LF || e === C_CR) break;
        if (e === C_BACKSLASH && d === C_QUOTE) {
          m += 2;
          continue;
        }
        if (e === d) break;
        m++;
      }
      k = m < n && text.charCodeAt(m) === d ? m + 1 : m;
      continue;
    }
    if (d === C_BACKSLASH) {
      if (text.charCodeAt(k + 1) === C_BACKSLASH) resumeSql = k + 2;
      break;
    }
    k++;
  }
  let end = k;
  while (end > j && isSpace(text.charCodeAt(end - 1))) end--;
  const args = text.slice(j, end).trim();
  const name = command.replace(/[+!]+$/, "");
  const item: MetaItem = { type: "meta", start: at, end, command, args };
  // Inside a statement, the command and a `\\` separator after it are hidden from the parser.
  const maskEnd = resumeSql >= 0 ? resumeSql : end;

  if (isConditional(name)) {
    conditional(s, name, args, item, maskEnd);
  } else if (s.inactiveFrom >= 0) {
    // In a branch that does not run, psql skips other commands: nothing is sent, set or read.
    return resumeSql >= 0 ? resumeSql : k;
  } else if (s.stmt) {
    if (name === "r" || name === "reset") {
      // \r empties the query buffer: what was typed so far is never sent.
      s.stmt = null;
      s.items.push(item);
    } else if (SENDING_META.has(name)) {
      s.close("meta", -1);
      s.items.push(item);
    } else {
      // A command typed in the middle of a statement: psql keeps the query buffer going.
      s.blankOut(at, maskEnd);
      s.items.push(item);
    }
  } else {
    s.items.push(item);
  }
  // psql matches \copy in any case; FROM stdin or stdout both read the lines that follow.
  if (name.toLowerCase() === "copy" && /\bfrom\s+std(?:in|out)\b/i.test(args)) s.copyPending++;
  if (resumeSql >= 0) return resumeSql;
  if (s.copyPending > 0 && k < n) return pendingCopyData(s, s.afterBreak(k));
  return k;
}

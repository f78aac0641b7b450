/**
 * Values pasted in before the SQL runs: psql variables (`:name`, `:'name'`, `:"name"`,
 * `:{?name}`), and the parameter markers of the tools that run a file (`LexOptions.params`):
 * yesql's `?`, pgtyped's `:name!`, `${name}` placeholders (Flyway, Liquibase, goose's ENVSUB),
 * expanding lists (`IN :ids`). Each becomes a same-length mask the parser can read.
 */
import { C_DQUOTE, C_EQ, C_LBRACE, C_QMARK, C_QUOTE, C_RBRACE, C_BANG, isDigit, isVarChar } from "./chars.js";
import type { Scanner } from "./state.js";

/** A psql variable at `at` (a colon); returns the offset after it, or -1 when there is none. */
export function psqlVariable(s: Scanner, at: number): number {
  const text = s.text;
  const n = s.n;
  const d = text.charCodeAt(at + 1);
  if (d === C_QUOTE || d === C_DQUOTE) {
    let j = at + 2;
    while (j < n && isVarChar(text.charCodeAt(j))) j++;
    if (j === at + 2 || text.charCodeAt(j) !== d) return -1;
    s.symbol(at, j + 1);
    s.addMask(at, at + 1, " ", true, j + 1);
    return j + 1;
  }
  if (d === C_LBRACE && text.charCodeAt(at + 2) === C_QMARK) {
    let j = at + 3;
    while (j < n && isVarChar(text.charCodeAt(j))) j++;
    if (j === at + 3 || text.charCodeAt(j) !== C_RBRACE) return -1;
    s.symbol(at, j + 1);
    s.addMask(at, j + 1, "true".padEnd(j + 1 - at, " "), true);
    return j + 1;
  }
  if (d === C_EQ || !isVarChar(d) || isDigit(d)) return -1;
  let j = at + 1;
  while (j < n && isVarChar(text.charCodeAt(j))) j++;
  s.word(at, j);
  if (s.lists && j - at >= 3 && /\b(?:in|values)\s*$/i.test(text.slice(Math.max(0, at - 16), at))) {
    // an expanding parameter: the library writes a parenthesised list in its place
    s.addMask(at, j, `(${"_".repeat(j - at - 2)})`, true);
  } else s.addMask(at, at + 1, "_", true, j);
  // pgtyped's `:name!` (a parameter that must not be null): the `!` is no operator
  if (s.bangs && text.charCodeAt(j) === C_BANG && text.charCodeAt(j + 1) !== C_EQ) {
    s.addMask(j, j + 1, " ");
    return j + 1;
  }
  return j;
}

/**
 * `${name}`, `${flyway:user}` at `at`: a name the tool fills in as text (a variable, like psql's).
 * Returns the offset after it, or -1 when the text there is no such placeholder.
 */
export function bracePlaceholder(s: Scanner, at: number): number {
  const text = s.text;
  let j = at + 2;
  while (j < s.n && /[\w:.\-]/.test(text[j]!)) j++;
  if (j > at + 2 && text.charCodeAt(j) === C_RBRACE) {
    s.word(at, j + 1);
    s.addMask(at, j + 1, "_".repeat(j + 1 - at), true);
    return j + 1;
  }
  return -1;
}

/** yesql's `?` at `at`: a value for the parser (same length). */
export function questionMark(s: Scanner, at: number): number {
  s.symbol(at, at + 1);
  s.addMask(at, at + 1, "_");
  return at + 1;
}

/**
 * psql's `\if`, `\elif`, `\else`, `\endif`. Text in a branch that does not run is read (its quotes
 * and comments still pair up) but never sent: no statement, meta-command or mask comes from it.
 */
import type { Conditional, Scanner } from "./state.js";
import type { MetaItem } from "./types.js";

/**
 * psql's boolean words (ParseVariableBool): unique prefixes of true/false/yes/no, on/off, 1/0,
 * for `\if` and for variables such as AUTOCOMMIT; null for anything else.
 */
export function psqlBool(value: string): boolean | null {
  const v = value.toLowerCase();
  if (v.length === 0) return null;
  if ("true".startsWith(v) || "yes".startsWith(v) || v === "1" || (v.length >= 2 && "on".startsWith(v))) return true;
  if ("false".startsWith(v) || "no".startsWith(v) || v === "0" || (v.length >= 2 && "off".startsWith(v))) return false;
  return null;
}

export function isConditional(name: string): boolean {
  return name === "if" || name === "elif" || name === "else" || name === "endif";
}

/**
 * One of `\if`, `\elif`, `\else`, `\endif` (`name`), its meta-command `item` ending at `maskEnd`. A
 * condition psql can decide here (a literal true/false, on/off, yes/no, 1/0; anything else that
 * is not a variable counts as false, as psql does) picks the branch; one that reads a variable or
 * a backquoted command may go either way, so its branches are linted as if they ran.
 */
export function conditional(s: Scanner, name: string, args: string, item: MetaItem, maskEnd: number): void {
  const wasActive = s.inactiveFrom < 0;
  if (wasActive) {
    s.blankOut(item.start, maskEnd);
    s.items.push(item);
  }
  const conditionals = s.conditionals;
  const truth = (): boolean | null => (/[:`]/.test(args) ? null : psqlBool(args.trim()) ?? false);
  const top = conditionals[conditionals.length - 1];
  const push = (c: Conditional) => {
    conditionals.push(c);
    if (!c.active) s.inactiveLevels++;
  };
  const setActive = (c: Conditional, value: boolean) => {
    if (c.active !== value) s.inactiveLevels += value ? -1 : 1;
    c.active = value;
  };
  if (name === "if") {
    if (!wasActive) push({ active: false, taken: "yes", dead: true });
    else {
      const t = truth();
      push({ active: t !== false, taken: t === true ? "yes" : t === null ? "maybe" : "no", dead: false });
    }
  } else if (!top) {
    return; // psql: "\elif: no matching \if" — nothing changes
  } else if (name === "endif") {
    if (!conditionals.pop()!.active) s.inactiveLevels--;
  } else if (top.dead || top.taken === "yes") {
    setActive(top, false);
  } else if (name === "else") {
    setActive(top, true);
    top.taken = "yes";
  } else {
    const t = truth();
    setActive(top, t !== false);
    if (t === true) top.taken = "yes";
    else if (t === null) top.taken = "maybe";
  }
  const active = s.inactiveLevels === 0;
  if (wasActive && !active) {
    s.inactiveFrom = maskEnd;
    s.savedDepth = s.depth;
    s.savedBeginDepth = s.beginDepth;
  } else if (!wasActive && active) {
    leaveInactive(s, item.start);
    s.blankOut(item.start, maskEnd);
    s.items.push(item);
  }
}

/**
 * The end of text psql reads but never sends: a statement begun inside it is dropped, and one
 * begun before it does not see it (psql trims the query buffer back when the branch ends).
 */
export function leaveInactive(s: Scanner, at: number): void {
  const from = s.inactiveFrom;
  s.inactiveFrom = -1;
  if (!s.stmt) return;
  if (s.stmt.start >= from) s.stmt = null;
  else {
    s.depth = s.savedDepth;
    s.beginDepth = s.savedBeginDepth;
    if (at > from) s.blankOut(from, at);
  }
}

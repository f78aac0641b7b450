import { defineRule } from "../../src/engine/rule.js";
import { nodeBody, nodeKeys, nodeType } from "../../src/sql/classify.js";
import { hasBody, type Statement } from "../../src/sql/document.js";
import type { PgNode } from "../../src/sql/parser.js";
import { executedNodes } from "../../src/sql/statements.js";
import { outputName } from "../../src/sql/column-names.js";

interface Named {
  name: string;
  /** A partial assignment (`a.x = …`, `a[1] = …`): two of them to one column are fine. */
  partial: boolean;
  /** AST location, -1 when the parser gives none. */
  location: number;
}

export default defineRule({
  id: "no-duplicate-column",
  description: "A column named twice where PostgreSQL refuses it: SET lists, INSERT column lists, CREATE TABLE, view and SELECT INTO columns",
  defaultSeverity: "error",
  appliesTo: ["script", "embedded"],
  messages: {
    assigned: "{{name}} is assigned twice in this {{where}}: PostgreSQL refuses the statement (multiple assignments to same column \"{{name}}\")",
    listed: "{{name}} is named twice in this {{where}}: PostgreSQL refuses the statement (column \"{{name}}\" specified more than once)",
    output: "two columns of this {{where}} are named {{name}}: PostgreSQL refuses the statement (column \"{{name}}\" specified more than once)",
    help: "name each column once{{hint}}",
  },
  create(context) {
    const report = (stmt: Statement, dup: Named, where: string, messageId: "assigned" | "listed" | "output", hint = "") => {
      const start = dup.location >= 0 ? stmt.offsetOf(dup.location) : stmt.start;
      const end = dup.location >= 0 ? Math.min(stmt.end, start + nameLength(stmt.parseText, stmt.indexOf(dup.location))) : stmt.end;
      context.report({ messageId, data: { name: dup.name, where, hint }, start, end: Math.max(end, start + 1), helpId: "help" });
    };
    /** Targets of SET (and INSERT column lists): whole + whole and whole + partial collide, partial + partial do not. */
    const assignments = (stmt: Statement, list: unknown, where: string, messageId: "assigned" | "listed") => {
      const seen = new Map<string, Named[]>();
      for (const t of resTargets(list)) {
        const before = seen.get(t.name) ?? [];
        if (before.some((b) => !b.partial || !t.partial)) report(stmt, t, where, messageId, messageId === "assigned" ? ": keep the assignment you mean and remove the others" : "");
        before.push(t);
        seen.set(t.name, before);
      }
    };
    const plain = (stmt: Statement, names: Named[], where: string, messageId: "listed" | "output") => {
      const seen = new Set<string>();
      for (const n of names) {
        if (seen.has(n.name)) report(stmt, n, where, messageId, messageId === "output" ? `: give one of them an alias (AS ${n.name}_2)` : "");
        seen.add(n.name);
      }
    };
    /**
     * The columns of a relation a query creates (view, CREATE TABLE … AS, SELECT … INTO): the column
     * names given, then the query's own names for the columns after them.
     */
    const outputs = (stmt: Statement, query: PgNode | undefined, aliases: unknown, where: string) => {
      const given: Named[] = stringList(aliases).map((name) => ({ name, partial: false, location: -1 }));
      const names = queryNames(query);
      // after a `*` the positions of the query's columns are not known: only the names given count
      const rest = names && (given.length === 0 || !names.some((n) => n === null)) ? names.slice(given.length) : [];
      plain(stmt, [...given, ...rest.filter((n): n is Named => n !== null)], where, "output");
    };
    const checkNode = (stmt: Statement, type: string, node: PgNode, via: string) => {
      switch (type) {
        case "UpdateStmt":
          return assignments(stmt, node.targetList, "UPDATE", "assigned");
        case "InsertStmt": {
          assignments(stmt, node.cols, "INSERT column list", "listed");
          const conflict = node.onConflictClause as PgNode | undefined;
          if (conflict?.targetList) assignments(stmt, conflict.targetList, "ON CONFLICT DO UPDATE", "assigned");
          return;
        }
        case "MergeStmt":
          for (const w of (node.mergeWhenClauses as PgNode[] | undefined) ?? []) {
            const clause = nodeBody(w);
            if (clause.commandType === "CMD_UPDATE") assignments(stmt, clause.targetList, "MERGE … UPDATE", "assigned");
            else if (clause.commandType === "CMD_INSERT") assignments(stmt, clause.targetList, "MERGE … INSERT column list", "listed");
          }
          return;
        case "CopyStmt":
          return plain(stmt, stringList(node.attlist).map((name) => ({ name, partial: false, location: -1 })), "COPY column list", "listed");
        case "CreateStmt":
          return plain(stmt, columnDefs(node.tableElts), "CREATE TABLE", "listed");
        case "CreateForeignTableStmt":
          return plain(stmt, columnDefs((node.base as PgNode | undefined)?.tableElts), "CREATE FOREIGN TABLE", "listed");
        case "ViewStmt":
          return outputs(stmt, node.query as PgNode | undefined, node.aliases, "view");
        case "CreateTableAsStmt": {
          const into = node.into as PgNode | undefined;
          return outputs(stmt, node.query as PgNode | undefined, into?.colNames, node.objtype === "OBJECT_MATVIEW" ? "materialized view" : "CREATE TABLE … AS");
        }
        case "SelectStmt":
          // only SELECT … INTO creates a table; a plain SELECT may repeat a name
          if (node.intoClause && via === "statement") outputs(stmt, { SelectStmt: node } as PgNode, (node.intoClause as PgNode).colNames, "SELECT … INTO");
          return;
        default:
      }
    };
    /**
     * A statement, and the statements it runs (WITH queries, EXPLAIN ANALYZE…). The common shapes
     * whose tree the front-end does not build unless asked (INSERT, CREATE TABLE, SELECT) are only
     * parsed when their text can hold a repeated name.
     */
    const check = (stmt: Statement) => {
      const type = stmt.nodeType;
      if (!CHECKED.has(type) && type !== "DeleteStmt" && type !== "ExplainStmt" && type !== "PrepareStmt") return;
      // the text its tree's words come from (no copy made when it is all the parser read)
      const text = stmt.wordsText;
      if (type === "InsertStmt" && !insertMayRepeat(text)) return;
      if (type === "CreateStmt" && !columnsMayRepeat(text)) return;
      if (type === "CopyStmt" && !copyMayRepeat(text)) return;
      // a SELECT that reads (no INTO, no writing statement in its WITH) creates no table and runs
      // no statement checked here (its kind is told without its tree when it can be)
      if (type === "SelectStmt" && stmt.kind === "read") return;
      // a DELETE is checked only for the statements of its WITH clause
      if (type === "DeleteStmt" && (!/\bwith\b/i.test(text) || !stmt.mayHold(CTE_CHECKED))) return;
      // EXPLAIN runs its statement only with ANALYZE
      if (type === "ExplainStmt" && !/\banaly[sz]e\b/i.test(text)) return;
      const node = stmt.node;
      if (!node) return;
      for (const n of executedNodes(node)) if (CHECKED.has(n.type)) checkNode(stmt, n.type, n.body, n.via);
    };
    return {
      statement(stmt) {
        if (!stmt.parsed) return;
        check(stmt);
        // a DO block's statements run here; a function's when it is called, where PostgreSQL refuses them too
        // the body is a piece of the statement's text: without the words there, none in the body
        // (and its tree need not be read to find the body)
        if (!hasBody(stmt.nodeType) || !BODY_WORDS.test(stmt.parseText)) return;
        const source = stmt.bodySource;
        if (source && (source.language === "plpgsql" ? PLPGSQL_BODY_WORDS : BODY_WORDS).test(source.literal.content)) for (const inner of stmt.body) check(inner);
      },
    };
  },
});

/** The statements checked here that a WITH clause can run (see `Statement.mayHold`). */
const CTE_CHECKED = nodeKeys(["InsertStmt", "UpdateStmt", "MergeStmt"]);

/** Statement types that name columns in a way PostgreSQL checks for repeats. */
const CHECKED = new Set(["UpdateStmt", "InsertStmt", "MergeStmt", "CopyStmt", "CreateStmt", "CreateForeignTableStmt", "ViewStmt", "CreateTableAsStmt", "SelectStmt"]);

/** Words a body needs to hold one of those statements. */
const BODY_WORDS = /\b(?:update|insert|merge|copy|create|into)\b/i;
/**
 * In PL/pgSQL, a SELECT's INTO names variables: PL/pgSQL takes it out of the query the parser
 * reads, so no statement of the body selects into a table, and `into` alone (most functions have
 * one) is no reason to read the body.
 */
const PLPGSQL_BODY_WORDS = /\b(?:update|insert|merge|copy|create)\b/i;

/** A name as written: `"A b"` → `A b`, `Abc` → `abc`. */
function foldName(word: string): string {
  return word.startsWith('"') ? word.slice(1, -1).replace(/""/g, '"') : word.toLowerCase();
}

const ELEMENT_KEYWORDS = /^(?:constraint|check|unique|primary|foreign|like)$/i;

/**
 * A name as written: quoted, or a word of PostgreSQL's identifier characters (ASCII letters,
 * digits, `_` and `$`, and every character from U+0080 up, as the server reads UTF-8 bytes from
 * 0x80: `t€x` is a name). Letters alone (`\p{L}`) let names like `€€` pass unseen.
 */
const NAME = String.raw`(?:"(?:[^"]|"")*"|[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*)`;
const WORD = new RegExp(NAME, "g");
const NAME_AT_START = new RegExp(`^${NAME}`);

/**
 * Whether an INSERT may name a column twice: its column lists hold a repeated word, or it has an
 * ON CONFLICT … DO UPDATE (a SET list). A cheap look at the text: when in doubt, yes.
 */
function insertMayRepeat(text: string): boolean {
  if (/\bconflict\b/i.test(text)) return true;
  // A column list follows the table's name (and its alias) at once. With a comment or a U&"…" name
  // in the text, the list is any parenthesis after INSERT INTO: the first may be a VALUES row.
  const list = LAX.test(text) ? /\binsert\s+into\s+[^(]*?\(([^()]*)\)/gi : INSERT_LIST;
  list.lastIndex = 0;
  for (let m = list.exec(text); m; m = list.exec(text)) if (repeats(m[1]!)) return true;
  return false;
}

/**
 * Whether a COPY may name a column twice: its column list (after the table's name) holds a
 * repeated word. `COPY (query) TO` has no list. When in doubt (a comment, a U&"…" name), yes.
 */
function copyMayRepeat(text: string): boolean {
  if (LAX.test(text)) return true;
  const m = COPY_LIST.exec(text);
  return m !== null && repeats(m[1]!);
}

/** Texts the strict readings of a column list do not follow. */
const LAX = /--|\/\*|&"/;
const QUALIFIED = String.raw`${NAME}(?:\s*\.\s*${NAME})*`;
const INSERT_LIST = new RegExp(String.raw`\binsert\s+into\s+${QUALIFIED}(?:\s+as\s+${NAME})?\s*\(([^()]*)\)`, "gi");
const COPY_LIST = new RegExp(String.raw`^\s*copy\s+${QUALIFIED}\s*\(([^()]*)\)`, "i");

/**
 * Whether a CREATE TABLE may declare a column twice: the first word of two elements of its
 * (outermost) list is the same. When in doubt (a quote or comment it does not follow), yes.
 */
function columnsMayRepeat(text: string): boolean {
  const open = text.indexOf("(");
  if (open < 0 || /--|\/\*|\$|\b[eEuU]&?'/.test(text)) return open >= 0;
  const seen = new Set<string>();
  let depth = 0;
  let i = open;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "(" || c === ",") {
      if (c === "(") depth++;
      if (depth === 1) {
        WORD.lastIndex = i + 1;
        const m = WORD.exec(text);
        // a table constraint or LIKE starts with a reserved word: never a column's name unless quoted
        if (m && /^\s*$/.test(text.slice(i + 1, m.index)) && !ELEMENT_KEYWORDS.test(m[0])) {
          const name = foldName(m[0]);
          if (seen.has(name)) return true;
          seen.add(name);
          i = m.index + m[0].length;
          continue;
        }
      }
    } else if (c === ")") {
      if (--depth === 0) break;
    } else if (c === '"' || c === "'") {
      // a quoted name or a string ('' and "" inside are two quotes in a row: the scan goes on)
      const close = text.indexOf(c, i + 1);
      if (close < 0) return true;
      i = close;
    }
    i++;
  }
  return false;
}

function repeats(text: string): boolean {
  const seen = new Set<string>();
  for (const w of text.match(WORD) ?? []) {
    const name = foldName(w);
    if (seen.has(name)) return true;
    seen.add(name);
  }
  return false;
}

function resTargets(list: unknown): Named[] {
  if (!Array.isArray(list)) return [];
  return (list as PgNode[]).map((t) => {
    const r = nodeBody(t);
    return { name: String(r.name ?? ""), partial: Array.isArray(r.indirection) && r.indirection.length > 0, location: typeof r.location === "number" ? r.location : -1 };
  });
}

function stringList(list: unknown): string[] {
  return Array.isArray(list) ? (list as PgNode[]).map((n) => String(nodeBody(n).sval ?? "")) : [];
}

function columnDefs(elts: unknown): Named[] {
  const out: Named[] = [];
  for (const e of (elts as PgNode[] | undefined) ?? []) {
    if (nodeType(e) !== "ColumnDef") continue;
    const d = nodeBody(e);
    out.push({ name: String(d.colname ?? ""), partial: false, location: typeof d.location === "number" ? d.location : -1 });
  }
  return out;
}

/**
 * The output column names of a query, as PostgreSQL names them; null entries for columns whose
 * name is not worked out here (`*` expands to columns not known here); null for VALUES.
 */
function queryNames(query: PgNode | undefined): (Named | null)[] | null {
  if (nodeType(query) !== "SelectStmt") return null;
  let sel = nodeBody(query);
  // a set operation takes its names from its leftmost query
  while (sel.op && sel.op !== "SETOP_NONE" && sel.larg) sel = sel.larg as PgNode;
  if (sel.valuesLists) return null; // column1, column2…: never the same
  return ((sel.targetList as PgNode[] | undefined) ?? []).map((t) => {
    const r = nodeBody(t);
    const location = typeof r.location === "number" ? r.location : -1;
    const name = typeof r.name === "string" ? r.name : outputName(r.val as PgNode | undefined);
    return name === null ? null : { name, partial: false, location };
  });
}

/** Length of the name (or expression start) at `i`: a quoted identifier, a word, or one character. */
function nameLength(text: string, i: number): number {
  const m = NAME_AT_START.exec(text.slice(i, i + 300));
  return m ? m[0].length : 1;
}

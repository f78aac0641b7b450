/**
 * Property-based tests (fast-check) of the splitter and the engine on generated scripts: random
 * mixes of statements, comments, blank lines, strings of every quote kind, dollar quotes, psql
 * meta-commands and COPY data. The numbers of runs are kept small so the suite stays fast; a
 * failure prints the seed and the shrunk input to replay.
 */
import fc from "fast-check";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { Config } from "../src/engine/config.js";
import { lintText } from "../src/lint/lint-text.js";
import { lex } from "../src/sql/lexer.js";
import { LineIndex } from "../src/sql/text.js";
import { root } from "./helpers.js";
import { builtin } from "../rules/index.js";

const test = suite("properties");
const RUNS = Number(process.env.SQLGUARD_PROPERTY_RUNS) || 150;

/** A piece of generated SQL: its text, and whether it is opaque (a string or comment: no token boundary, no blank line). */
interface Piece {
  text: string;
  opaque: boolean;
}
const token = (text: string): Piece => ({ text, opaque: false });
const opaque = (text: string): Piece => ({ text, opaque: true });

/** Characters strings and comments are made of: the ones that trouble a splitter, and some text. */
const nasty = fc.constantFrom(";", "\n", "\r\n", "\r", "\n\n", " ", "\t", "'", '"', "$", "$$", "\\", "--", "/*", "*/", ":x", "é", "😀", "a", "b1", "(", ")", "\\.");
const body = (exclude: (s: string) => boolean) =>
  fc.array(nasty, { maxLength: 8 }).map((parts) => parts.filter((p) => !exclude(p)).join(""));

const identifier = fc.constantFrom("t", "orders", "x1", "Ä", "_tmp");
const plainString = body((p) => p.includes("'")).map((s) => opaque(`'${s}''x'`));
const escapeString = body((p) => p.includes("'") || p.includes("\\")).map((s) => opaque(`E'${s}\\'\\\\\\n'`));
const quotedIdentifier = body((p) => p.includes('"')).map((s) => opaque(`"${s || "q"}"`));
const dollarQuote = fc
  .tuple(fc.constantFrom("", "tag", "body_1", "é"), body((p) => p.includes("$")))
  .map(([tag, s]) => opaque(`$${tag}$${s}$${tag}$`));
const unicodeString = body((p) => p.includes("'") || p.includes("\\")).map((s) => opaque(`U&'${s}'`));
const bitString = fc.constantFrom(opaque("B'0101'"), opaque("X'ff'"), opaque("N'n'"));
const lineComment = body((p) => /[\r\n]/.test(p)).map((s) => opaque(`--${s}\n`));
const blockComment = body((p) => p.includes("/*") || p.includes("*/") || p === "/" || p === "*").map((s) => opaque(`/*${s} /* nested */ */`));
const literal = fc.oneof(plainString, escapeString, dollarQuote, unicodeString, bitString);
const word = fc.oneof(identifier.map(token), fc.constantFrom("1", "2.5e3", "$1", "::int", "=", "+", "||", ",").map(token), literal, quotedIdentifier);

/** Space inside a statement: spaces, line breaks of every kind, blank lines, comments. */
const inner = fc.oneof(
  { weight: 6, arbitrary: fc.constant(token(" ")) },
  fc.constantFrom(token("\n"), token("\r\n"), token("\r"), token("\n\n"), token("\n  \t\n"), token("\r\n\r\n")),
  lineComment,
  blockComment,
);

/** A statement: a leading keyword, then tokens separated by space; it starts and ends with a token. */
const statement = fc
  .tuple(
    fc.constantFrom("SELECT", "UPDATE t SET a =", "DELETE FROM t WHERE a =", "INSERT INTO t VALUES (", "CREATE TABLE t (a int DEFAULT", "WITH w AS (SELECT 1) SELECT"),
    fc.array(fc.tuple(inner, word), { minLength: 1, maxLength: 6 }),
  )
  .map(([head, rest]) => {
    const pieces: Piece[] = [token(head)];
    for (const [space, w] of rest) pieces.push(space, w);
    const open = (head.match(/\(/g)?.length ?? 0) - (head.match(/\)/g)?.length ?? 0);
    for (let k = 0; k < open; k++) pieces.push(token(")"));
    return pieces;
  });

/** What may stand between statements: whitespace, comments, psql commands, stray semicolons. */
const between = fc.oneof(
  fc.constantFrom(token("\n"), token("\n\n"), token("\r\n"), token("\r"), token("  ")),
  lineComment,
  blockComment,
  fc.constantFrom("\\set x 1\n", "\\echo a;b 'c'\n", "\\connect db\n", "\\pset format csv\n").map(token),
);

interface Script {
  text: string;
  /** The statements as generated, in order (those psql never sends left out). */
  statements: string[];
  /** Ranges of strings and comments. */
  opaque: [number, number][];
  /** Text psql reads but never sends: a `\if false` branch, a buffer emptied by `\r`. */
  skipped: [number, number][];
}

const script: fc.Arbitrary<Script> = fc
  .array(
    fc.tuple(
      fc.array(between, { maxLength: 3 }),
      fc.oneof(
        { weight: 5, arbitrary: statement.map((s) => ({ kind: "stmt" as const, s })) },
        fc.constant({ kind: "copy" as const, s: [] as Piece[] }),
        statement.map((s) => ({ kind: "if-false" as const, s })),
        statement.map((s) => ({ kind: "if-else" as const, s })),
        statement.map((s) => ({ kind: "reset" as const, s })),
      ),
      fc.constantFrom(";", ";", " ;", ";;", "\\g"),
    ),
    { maxLength: 8 },
  )
  .map((parts) => {
    let text = "";
    const statements: string[] = [];
    const ranges: [number, number][] = [];
    const skipped: [number, number][] = [];
    const add = (p: Piece) => {
      if (p.opaque) ranges.push([text.length, text.length + p.text.length]);
      text += p.text;
    };
    for (const [before, item, end] of parts) {
      if (text !== "" && !/[\r\n]$/.test(text)) text += "\n"; // psql commands and COPY end their line
      for (const p of before) add(p);
      if (item.kind === "if-false" || item.kind === "reset") {
        // never sent: a branch psql skips, or a buffer \r empties (the statement may not even end)
        text += item.kind === "if-false" ? "\\if false\n" : "";
        const from = text.length;
        for (const p of item.s) add(p);
        if (item.kind === "if-false") text += end === "\\g" ? " \\g\n" : end;
        skipped.push([from, text.length]);
        text += item.kind === "if-false" ? "\n\\endif\n" : " \\r\n";
        continue;
      }
      if (item.kind === "if-else") {
        // \if true: the first branch runs, the \else branch never does
        text += "\\if true\n";
        const start = text.length;
        for (const p of item.s) add(p);
        statements.push(text.slice(start));
        text += ";\n\\else\n";
        const from = text.length;
        text += "DELETE FROM never_sent;";
        skipped.push([from, text.length]);
        text += "\n\\endif\n";
        continue;
      }
      if (item.kind === "copy") {
        statements.push("COPY t (a, b) FROM stdin");
        // the data holds what would confuse a splitter: quotes, semicolons, comment starts
        text += "COPY t (a, b) FROM stdin;\n1\t'x;\n2\t$$ -- /*\n\\.\n";
        continue;
      }
      const start = text.length;
      for (const p of item.s) add(p);
      statements.push(text.slice(start));
      text += end === "\\g" ? " \\g\n" : end;
    }
    return { text, statements, opaque: ranges, skipped };
  });

test("the splitter finds exactly the statements written, and its pieces and the gaps between them make the input", () => {
  fc.assert(
    fc.property(script, (s) => {
      const { items, statements, comments } = lex(s.text);
      assert.equal(
        statements.map((x) => s.text.slice(x.start, x.end)),
        s.statements,
      );
      // items are in order, do not overlap, and stay inside the text
      let at = 0;
      let rebuilt = "";
      const inComment = (i: number) => comments.some((c) => i >= c.start && i < c.end);
      for (const it of items) {
        assert.ok(it.start >= at && it.end >= it.start && it.end <= s.text.length, `${it.type} ${it.start}-${it.end} after ${at}`);
        const gap = s.text.slice(at, it.start);
        // a gap holds no SQL: only whitespace, comments, semicolons and psql's \\ and \; separators
        for (let i = 0; i < gap.length; i++) {
          const skippedHere = s.skipped.some(([a, z]) => at + i >= a && at + i < z);
          if (!/[\s;\\]/.test(gap[i]!) && !inComment(at + i) && !skippedHere) assert.unreachable(`SQL outside every item at ${at + i}: ${JSON.stringify(gap)}`);
        }
        rebuilt += gap + s.text.slice(it.start, it.end);
        at = it.end;
      }
      rebuilt += s.text.slice(at);
      assert.is(rebuilt, s.text);
    }),
    { numRuns: RUNS },
  );
});

test("blank lines recorded in a statement are blank and outside strings and comments", () => {
  fc.assert(
    fc.property(script, (s) => {
      const index = new LineIndex(s.text);
      for (const st of lex(s.text).statements) {
        for (const b of st.blankLines) {
          assert.ok(b > st.start && b < st.end, "inside the statement");
          assert.is(index.starts[index.lineOf(b)], b, "a line start");
          assert.match(index.lineText(index.lineOf(b)), /^[ \t\f\v]*$/, "a blank line");
          assert.not.ok(s.opaque.some(([a, z]) => b > a && b < z), `blank line at ${b} is inside a string or comment`);
        }
      }
    }),
    { numRuns: RUNS },
  );
});

const config = new Config({ rules: { "require-transaction": ["warn", { dataFixes: true }], "ambiguous-statement-split": ["error", { reportIncomplete: true }] } }, root, "test", builtin);

/** Every reported position lies inside the file, ranges run forwards, fixes stay inside. */
function checkPositions(text: string, filePath: string): void {
  const result = lintText(text, config, { filePath, fix: false });
  const index = new LineIndex(text);
  const inside = (line: number, column: number, what: string) => {
    assert.ok(line >= 1 && line <= index.lineCount, `${what}: line ${line} of ${index.lineCount}`);
    assert.ok(column >= 1 && column <= index.lineText(line - 1).length + 1, `${what}: column ${column} on line ${line}`);
  };
  for (const m of result.messages) {
    assert.not.ok(m.internal, m.message);
    inside(m.line, m.column, `${m.ruleId} start`);
    inside(m.endLine, m.endColumn, `${m.ruleId} end`);
    assert.ok(m.endLine > m.line || (m.endLine === m.line && m.endColumn >= m.column), `${m.ruleId}: range runs backwards`);
    assert.ok(0 <= m.start && m.start <= m.end && m.end <= text.length, `${m.ruleId}: offsets ${m.start}-${m.end} of ${text.length}`);
    for (const r of m.related ?? []) inside(r.line, r.column, `${m.ruleId} related`);
    for (const f of [m.fix, ...(m.suggestions ?? []).map((x) => x.fix)]) {
      if (f) assert.ok(0 <= f.range[0] && f.range[0] <= f.range[1] && f.range[1] <= text.length, `${m.ruleId}: fix range`);
    }
  }
}

test("every position the linter reports lies inside the file", () => {
  fc.assert(
    fc.property(script, (s) => checkPositions(s.text, "generated.sql")),
    { numRuns: RUNS },
  );
});

test("the linter never throws, whatever the text: random text, random bytes read as text, SQL in code", () => {
  const decoder = new TextDecoder("utf-8");
  const anyText = fc.oneof(
    fc.string({ unit: "binary", maxLength: 200 }),
    fc.uint8Array({ maxLength: 300 }).map((b) => decoder.decode(b)),
    fc.array(fc.oneof(nasty, fc.constantFrom("SELECT", "UPDATE t SET a = 1", "DELETE FROM t", "BEGIN", "COMMIT", "$a$", "E'", "U&'", "\\if false", "\\endif", "COPY t FROM stdin;\n", "\0")), { maxLength: 30 }).map((p) => p.join(" ")),
  );
  fc.assert(
    fc.property(anyText, fc.constantFrom("x.sql", "x.ts", "x.env", "x.md"), (text, name) => {
      const code = name === "x.ts" ? `const q = sql\`${text.replace(/[`\\]/g, "")}\`;\nconst r = "${text.replace(/["\\\r\n]/g, "")}";` : text;
      checkPositions(code, name);
    }),
    { numRuns: RUNS * 2 },
  );
});

test.run();

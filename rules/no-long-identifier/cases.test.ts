import { suite } from "uvu";
import * as assert from "uvu/assert";
import { ruleTester } from "../../test/rule-tester.js";
import { mayHoldLongName } from "./index.js";

const long = "table_very_long_very_long_very_long_very_long_very_long_very_long_xx"; // 68 bytes
const kept = long.slice(0, 63);

ruleTester("no-long-identifier", {
  valid: [
    { name: "exactly 63 bytes", code: `CREATE TABLE t ("${"c".repeat(63)}" int);` },
    { name: "long strings and comments are not names", code: `-- ${long}\nSELECT '${long}', $$${long}$$;` },
    { name: "a U& identifier is left alone", code: 'SELECT 1 AS U&"d\\0061t";' },
    { name: "long runs only in E'…' with escapes, nested comments and tagged dollar quotes", code: `SELECT E'it\\'s ${long}', /* a /* ${long} */ */ 1, $x$ ${long} $x$;` },
  ],
  invalid: [
    {
      name: "a statement shorter than 64 characters can hold a name longer than 63 bytes: 22 × € is 66",
      code: `CREATE TABLE "${"€".repeat(22)}" (a int);`,
      errors: [{ message: /^"€+" is 66 bytes long/, line: 1, column: 14, endColumn: 38 }],
    },
    {
      code: `CREATE TABLE ${long} (id bigint);`,
      errors: [
        {
          message: `${long} is 68 bytes long: PostgreSQL keeps only the first 63 bytes of an identifier, so the name is ${kept}`,
          help: "use a name of at most 63 bytes (UTF-8): the truncated name is what the catalog, error messages and other tools see, and two long names that start alike become the same name",
          line: 1,
          column: 14,
          endColumn: 82,
        },
      ],
    },
    {
      name: "bytes, not characters: 40 × é is 80 bytes; cut on a character boundary",
      code: `CREATE TABLE "${"é".repeat(40)}" (id int);`,
      errors: [{ message: `"${"é".repeat(40)}" is 80 bytes long: PostgreSQL keeps only the first 63 bytes of an identifier, so the name is "${"é".repeat(31)}"`, line: 1, column: 14, endColumn: 56 }],
    },
    {
      name: 'quoted, with "" inside: counted after unescaping',
      code: `CREATE TABLE "${"a".repeat(63)}""b" (id bigint);`,
      errors: [{ message: new RegExp(`is 65 bytes long: .* so the name is ${"a".repeat(63)}$`), line: 1, column: 14, endColumn: 82 }],
    },
    {
      name: "once per name: later uses (folded to lower case) are not repeated",
      code: "CREATE INDEX Index_Very_Long_Very_Long_Very_Long_Very_Long_Very_Long_Very_Long_X ON t (a);\nDROP INDEX index_very_long_very_long_very_long_very_long_very_long_very_long_x;",
      errors: [{ message: /is 67 bytes long: .* so the name is index_very_long_very_long_very_long_very_long_very_long_very_lo$/, line: 1, column: 14, endColumn: 81 }],
    },
    { name: "an alias in a query: the column comes back under the cut name", code: `SELECT 1 AS ${long};`, errors: [{ line: 1, column: 13, endColumn: 81 }] },
    {
      name: "after strings and comments the scanner's way: '' and \\ in E'…', -- to the line's end, nested /* */",
      code: `SELECT E'a\\'b''c', 'd''e' /* x /* y */ z */ -- ${long}\n AS ${long};`,
      errors: [{ line: 2, column: 5, endColumn: 73 }],
    },
    {
      name: "a backslash in a plain string: the scanner tells",
      code: `SELECT 'a\\' AS ${long};`,
      errors: [{ line: 1, column: 16, endColumn: 84 }],
    },
    { name: "inside a DO block", code: `DO $$ BEGIN CREATE TABLE ${long} (id int); END $$;`, errors: [{ line: 1, column: 26, endColumn: 94 }] },
    { name: "SQL in TypeScript", filename: "case.ts", code: `await sql\`SELECT x AS ${long} FROM t\`;`, errors: [{ line: 1, column: 23, endColumn: 91 }] },
  ],
});

// The pre-filter looks at one position in 21 (and after each double quote): it must answer as
// reading every character would. The definition, character by character: a run of characters
// that are not ASCII punctuation or space, or the content after a double quote up to the next
// lone one ("" is one quote), of more than 63 bytes in UTF-8.
const prefilter = suite("no-long-identifier: the pre-filter against its definition");
const PUNCT = new Set(" \t\n\r\f\v\"'(),;.:=<>+-*/[]{}|&!~^%@#?`\\");
function definition(text: string): boolean {
  const bytes = (c: number) => (c < 0x80 ? 1 : c < 0x800 || (c >= 0xd800 && c < 0xe000) ? 2 : 3);
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 128 && PUNCT.has(text[i]!)) {
      if (run > 63) return true;
      run = 0;
      if (text[i] === '"') {
        let quoted = 0;
        for (let k = i + 1; k < text.length; k++) {
          if (text[k] === '"') {
            if (text[k + 1] !== '"') break;
            k++;
          }
          quoted += bytes(text.charCodeAt(k));
        }
        if (quoted > 63) return true;
      }
      continue;
    }
    run += bytes(c);
  }
  return run > 63;
}
prefilter("random texts of names, punctuation, quotes, accents, astral characters", () => {
  // a fixed generator, so that a failure can be run again
  let seed = 0x5eed;
  const next = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
  const pieces = ["a", "b_", "$", "9", " ", ",", ".", "(", '"', '""', "é", "ü", "漢", "😀", "\n", "'", "--", "x".repeat(20), "y".repeat(30), "é".repeat(11), "漢".repeat(8)];
  for (let t = 0; t < 4000; t++) {
    let text = "";
    const len = next(40);
    for (let k = 0; k < len; k++) text += pieces[next(pieces.length)];
    assert.is(mayHoldLongName(text), definition(text), JSON.stringify(text));
  }
});
prefilter("edges: 63 and 64 bytes, at the start, the end, and astride the sampled positions", () => {
  for (let before = 0; before < 44; before++) {
    for (const name of ["n".repeat(63), "n".repeat(64), "é".repeat(31) + "n", "é".repeat(32), "漢".repeat(21), "漢".repeat(22), "😀".repeat(16)]) {
      for (const text of [" ".repeat(before) + name, " ".repeat(before) + name + " ", "x,".repeat(before) + name + ";", `${" ".repeat(before)}"${name}"`]) {
        assert.is(mayHoldLongName(text), definition(text), JSON.stringify(text));
      }
    }
  }
});
prefilter.run();

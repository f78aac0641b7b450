/**
 * `--fix` changes exactly the bytes its fixes mean to: a file that is not valid UTF-8 keeps its
 * bad bytes, its BOM and its line breaks; where that cannot be promised, the file is left alone
 * with a located error.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { ByteFixer, ByteOffsets, step } from "../src/cli/fix-bytes.js";
import { applyFixes } from "../src/lint/lint-text.js";
import type { EditFix } from "../src/engine/types.js";
import { decodeUtf8 } from "../src/sql/text.js";
import { tempDir } from "./helpers.js";
import { runMain } from "./in-process.js";

const test = suite("fix-bytes");

const bytes = (s: string) => Buffer.from(s, "latin1");

test("the byte walk decodes as TextDecoder does (one U+FFFD per maximal bad subpart)", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 40 }), (b) => {
      const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(b);
      let units = 0;
      for (let i = 0; i < b.length; ) {
        const [n, u] = step(b, i);
        const piece = new TextDecoder("utf-8", { ignoreBOM: true }).decode(b.subarray(i, i + n));
        assert.is(piece, text.slice(units, units + u), `at byte ${i} of ${Buffer.from(b).toString("hex")}`);
        i += n;
        units += u;
      }
      assert.is(units, text.length);
      const at = new ByteOffsets(b);
      assert.is(at.of(text.length), b.length);
    }),
    { numRuns: 2000 },
  );
  // sequences a naive walk gets wrong: a truncated 3-byte lead, a surrogate, an overlong form
  for (const hex of ["e282", "e28241", "eda080", "c0af", "f4908080", "f0"]) {
    const b = Buffer.from(hex, "hex");
    const text = new TextDecoder().decode(b);
    let units = 0;
    for (let i = 0; i < b.length; ) {
      const [n, u] = step(b, i);
      i += n;
      units += u;
    }
    assert.is(units, text.length, hex);
  }
});

test("random edits on random bytes: every byte outside the edits is kept, the edits read back as their text", () => {
  const sample = fc.array(fc.oneof(fc.constantFrom(0x41, 0x0a, 0x0d, 0x27, 0xe9, 0xff, 0xe2, 0x82, 0xac, 0xc3, 0xa9), fc.integer({ min: 0, max: 255 })), {
    maxLength: 30,
  });
  fc.assert(
    fc.property(sample, fc.array(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom("", ";", "\n", "BEGIN;\n", "é")), { maxLength: 4 }), (arr, raw) => {
      const original = Uint8Array.from(arr);
      const text = decodeUtf8(original).text;
      const fixer = new ByteFixer(original, text);
      // edits on code point boundaries (a fix never splits a character)
      const low = (o: number) => o > 0 && o < text.length && /[\udc00-\udfff]/.test(text[o]!);
      const fixes: EditFix[] = raw.map(([x, y, t]) => {
        let a = x % (text.length + 1);
        let b = a + (y % (text.length - a + 1));
        if (low(a)) a--;
        if (low(b)) b++;
        return { range: [a, b], text: t };
      });
      const next = fixer.apply(text, fixes);
      if (fixer.refusal) {
        assert.is(next, text);
        assert.is(fixer.output(), null);
        return;
      }
      assert.is(next, applyFixes(text, fixes));
      const out = fixer.output();
      if (next === text) return;
      assert.ok(out);
      assert.is(decodeUtf8(out).text, next);
      // bytes before the first edit and after the last are the original's
      const sorted = [...fixes].sort((p, q) => p.range[0] - q.range[0] || p.range[1] - q.range[1]);
      let end = 0;
      for (const f of sorted) if (f.range[0] >= end) end = f.range[1];
      const bom = decodeUtf8(original).bom ? 3 : 0;
      const offsets = new ByteOffsets(original.subarray(bom));
      const head = bom + offsets.of(sorted[0]!.range[0]);
      const tail = original.length - (bom + offsets.of(end));
      assert.is(Buffer.from(out.subarray(0, head)).toString("hex"), Buffer.from(original.subarray(0, head)).toString("hex"));
      assert.is(Buffer.from(out.subarray(out.length - tail)).toString("hex"), Buffer.from(original.subarray(original.length - tail)).toString("hex"));
    }),
    { numRuns: 1500 },
  );
});

test("a fix that copies the text it replaces keeps the bad bytes inside it; several passes compose", () => {
  // the blank-line fix of ambiguous-statement-split rewrites the statement between its blank lines
  const original = bytes("UPDATE t SET a = 'Montr\xe9al'\n\n, b = '\xff\xfe'\n\nWHERE id = 1");
  const text = decodeUtf8(original).text;
  const fixer = new ByteFixer(original, text);
  const g1 = text.indexOf("\n\n") + 1;
  const g2 = text.indexOf("\n\n", g1) + 1;
  const kept = text.slice(g1 + 1, g2);
  const t1 = fixer.apply(text, [{ range: [g1, g2 + 1], text: kept }]);
  assert.is(t1, text.replace(/\n\n/g, "\n"));
  const t2 = fixer.apply(t1, [{ range: [t1.length, t1.length], text: ";" }]);
  assert.equal(Buffer.from(fixer.output()!), bytes("UPDATE t SET a = 'Montr\xe9al'\n, b = '\xff\xfe'\nWHERE id = 1;"));
  assert.is(t2, t1 + ";");
});

test("a fix whose text cannot be followed back to the bytes is refused, and nothing of it is written", () => {
  // the fix keeps one of two bad characters: which one's bytes cannot be told
  const original = bytes("SELECT '\xe9', '\xff';");
  const text = decodeUtf8(original).text;
  const fixer = new ByteFixer(original, text);
  assert.is(fixer.apply(text, [{ range: [7, text.length - 1], text: "'\ufffd'" }]), text);
  assert.match(fixer.refusal?.message ?? "", /^--fix left this file as it was: a fix rewrites text that is not valid UTF-8/);
  assert.is(fixer.refusal?.offset, 7);
  assert.is(fixer.output(), null);
  // removing what stood between two bad pieces would make them one valid character (E2 82 AC = €)
  const joined = bytes("SELECT 1 -- \xe2 \x82\xac\n");
  const jt = decodeUtf8(joined).text;
  const j = new ByteFixer(joined, jt);
  const space = jt.lastIndexOf(" \ufffd");
  assert.is(j.apply(jt, [{ range: [space, space + 1], text: "" }]), jt);
  assert.match(j.refusal?.message ?? "", /join bytes that are not valid UTF-8 into a different character/);
});

test("--fix on a WIN1252 file with a BOM and CRLF: only the fixes' bytes change", async () => {
  const before = Buffer.concat([
    Buffer.from([0xef, 0xbb, 0xbf]),
    bytes("-- caf\xe9\r\nUPDATE t SET city = 'Montr\xe9al'\r\n\r\n, note = '\x93quoted\x94'\r\n\r\nWHERE id = 1;\r\nSELECT 'fin \xe2\x82'"),
  ]);
  const dir = tempDir({ "a.sql": before, "b.sql": "SELECT 1" });
  const r = await runMain(["--fix", "-f", "compact", "a.sql", "b.sql"], dir);
  const after = readFileSync(path.join(dir, "a.sql"));
  const expected = Buffer.concat([
    Buffer.from([0xef, 0xbb, 0xbf]),
    bytes("-- caf\xe9\r\nUPDATE t SET city = 'Montr\xe9al'\r\n, note = '\x93quoted\x94'\r\nWHERE id = 1;\r\nSELECT 'fin \xe2\x82';"),
  ]);
  assert.equal(after.toString("hex"), expected.toString("hex"));
  assert.is(readFileSync(path.join(dir, "b.sql"), "utf8"), "SELECT 1;");
  // the encoding warning is still there; nothing else
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /a\.sql: line 1, col 7, Warning - not valid UTF-8 \(byte 0xE9/);
});

test.run();

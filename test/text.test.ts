import { suite } from "uvu";
import * as assert from "uvu/assert";
import { LineIndex, lineIndex, Utf8Offsets, codePointToUtf16, decodeUtf8, describeBinary, firstInvalidUtf8, isTextWithStrayNuls, looksBinary } from "../src/sql/text.js";

const test = suite("text positions");

test("lines and columns with LF, CRLF and lone CR", () => {
  const idx = new LineIndex("a\nbc\r\nd\re");
  assert.equal(idx.starts, [0, 2, 6, 8]);
  assert.equal(idx.position(3), { line: 2, column: 2 });
  assert.equal(idx.position(7), { line: 3, column: 2 });
  assert.equal(idx.position(8), { line: 4, column: 1 });
  assert.is(idx.lineText(1), "bc");
  assert.is(idx.offset(3, 1), 6);
});

test("a line's end leaves its break out; the file's line index is built once for the same text", () => {
  const text = "ab\r\ncd\n\nef";
  const idx = lineIndex(text);
  assert.is(idx.lineEnd(0), 2); // before the CRLF
  assert.is(idx.lineEnd(1), 6);
  assert.is(idx.lineEnd(2), 7); // an empty line
  assert.is(idx.lineEnd(3), 10); // the last line runs to the end
  assert.is(idx.lineText(0), "ab");
  // asked again for the same text (another string with the same characters too): the same index
  assert.is(lineIndex(text), idx);
  assert.is(lineIndex(["ab", "cd\n\nef"].join("\r\n")), idx);
  // another text: its own
  const other = lineIndex("x\ny");
  assert.is.not(other, idx);
  assert.equal(other.starts, [0, 2]);
});

test("UTF-8 byte offsets to UTF-16 offsets (2, 3 and 4-byte characters)", () => {
  const s = "é€😀x";
  const m = new Utf8Offsets(s);
  assert.is(m.toUtf16(0), 0);
  assert.is(m.toUtf16(2), 1); // after é
  assert.is(m.toUtf16(5), 2); // after €
  assert.is(m.toUtf16(9), 4); // after 😀 (a surrogate pair)
  assert.is(m.toUtf16(10), 5);
  assert.is(m.toUtf8(4), 9);
  assert.is(new Utf8Offsets("ascii").toUtf16(3), 3);
});

test("code-point index to UTF-16 (PostgreSQL's error cursor)", () => {
  assert.is(codePointToUtf16("a😀b", 2), 3);
  assert.is(codePointToUtf16("abc", 2), 2);
});

test("invalid UTF-8 is located; a BOM is noticed", () => {
  const bytes = Buffer.from([0x61, 0x0a, 0x62, 0xe9, 0x63]); // WIN1252 é
  assert.is(firstInvalidUtf8(bytes), 3);
  const d = decodeUtf8(bytes);
  assert.is(d.invalidUtf8At, 3);
  assert.is(d.invalidByte, 0xe9);
  const withBom = decodeUtf8(Buffer.from("\ufeffselect 1", "utf8"));
  assert.is(withBom.bom, true);
  assert.is(withBom.text, "select 1", "the BOM is not part of the text: editors do not count it as a column");
  assert.is(firstInvalidUtf8(Buffer.from("naïve 😀", "utf8")), -1);
  assert.is(firstInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80])), 0, "surrogates are not UTF-8");
  assert.is(firstInvalidUtf8(Buffer.from([0xe2, 0x82])), 0, "truncated sequence");
});

test("binary content", () => {
  assert.ok(looksBinary(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x01])));
  assert.not.ok(looksBinary(Buffer.from("select 1;\n")));
});


test("what a file that is not UTF-8 text is, and text with a stray NUL", () => {
    const utf16le = Buffer.from("\ufeffSELECT 1;\n", "utf16le");
  assert.match(describeBinary(utf16le) ?? "", /^text encoded as UTF-16 \(little-endian\)/);
  assert.match(describeBinary(Buffer.from("SELECT 1;\nSELECT 2;\n", "utf16le")) ?? "", /UTF-16 \(little-endian\)/, "no BOM");
  assert.match(describeBinary(Buffer.from("PGDMP\x01\x0e\x00", "latin1")) ?? "", /pg_dump archive/);
  assert.match(describeBinary(Buffer.from([0x1f, 0x8b, 8, 0, 0, 0])) ?? "", /gzip/);
  assert.is(describeBinary(Buffer.from([0x00, 0x01, 0x02, 0x03, 0xff, 0x00])), null);
  assert.ok(isTextWithStrayNuls(Buffer.from("SELECT 1;\nDELETE FROM t;\x00\n")));
  assert.not.ok(isTextWithStrayNuls(Buffer.from("SELECT 1;\n")), "no NUL: nothing stray");
  assert.not.ok(isTextWithStrayNuls(Buffer.from([0x00, 0x01, 0x02, 0x03, 0xff, 0x00])));
  assert.not.ok(isTextWithStrayNuls(utf16le));
});

test.run();

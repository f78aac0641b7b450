/**
 * Hostile input: one folder of everything that breaks linters (NUL bytes, random bytes, invalid
 * UTF-8, UTF-16, a BOM, CR-only and mixed line endings, empty and comment-only files, 100,000
 * nested parentheses, unterminated quotes and comments, a 5 MB script, a 3 MB line, a broken
 * symlink, a folder named x.sql, an unreadable file, TypeScript that does not parse, binary named
 * .ts), linted by the real CLI in one run. Each gets a located, plain message where there is
 * something to say, every other file is still linted, nothing crashes, and the exit code is 1
 * (errors found), never 2.
 *
 * As root, permissions do not stop reads: the run then goes through `setpriv` as nobody, so the
 * unreadable file really is unreadable.
 */
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { bin, skip, tempDir } from "./helpers.js";

const test = suite("hostile input");
const root = process.getuid?.() === 0;
const setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].find((p) => existsSync(p));
// As root without setpriv, every file can be read: the run below cannot show an unreadable one.
if (root && !setpriv) skip(test, "an unreadable file is reported (in the run over every kind of hostile file)", "running as root, and no setpriv to drop the permissions");

interface Line {
  file: string;
  line: number;
  column: number;
  severity: string;
  message: string;
}

/** Random but reproducible bytes. */
function bytes(n: number, seed: number): Buffer {
  const out = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

function fiveMb(): string {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < 5 * 1024 * 1024; i++) {
    const s = `INSERT INTO events (id, note) VALUES (${i}, 'it''s ; -- not a comment');\nUPDATE events SET note = $$x$$ WHERE id = ${i};\n`;
    parts.push(s);
    size += s.length;
  }
  parts.push("DELETE FROM events;\n");
  return parts.join("");
}

test("one run over every kind of hostile file: located messages, the rest still linted, exit 1", () => {
  const started = Date.now();
  const columns = Array.from({ length: 230_000 }, (_, i) => `column_${i}`).join(", "); // 3 MB on one line
  const dir = tempDir({
    "good.sql": "DELETE FROM good;\n",
    "nul-between.sql": "SELECT 1;\nDELETE FROM t WHERE id = 1;\u0000\nDELETE FROM after_nul;\n",
    "nul-inside.sql": "SELECT 1\u0000 FROM t;\nDELETE FROM after_nul_inside;\n",
    "random.sql": bytes(4096, 7),
    "invalid-utf8.sql": Buffer.concat([Buffer.from("SELECT 'caf"), Buffer.from([0xe9, 0xff]), Buffer.from("';\nDELETE FROM after_latin1;\n")]),
    "utf16.sql": Buffer.from("\ufeffDELETE FROM t;\n", "utf16le"),
    "dump.sql": Buffer.concat([Buffer.from("PGDMP"), bytes(200, 3)]),
    "bom.sql": "\ufeffDELETE FROM bom;\n",
    "cr-only.sql": "SELECT 1;\rDELETE FROM cr;\rSELECT 2;\r",
    "mixed-eol.sql": "SELECT 1;\r\nSELECT 2;\rDELETE FROM mixed;\nUPDATE mixed SET a = 1\r\n\r\nWHERE id = 1;\n",
    "empty.sql": "",
    "comments-only.sql": "-- nothing\n/* at all */\n",
    "deep.sql": `SELECT ${"(".repeat(100_000)}1${")".repeat(100_000)};\nDELETE FROM after_deep;\n`,
    "deep-tree.sql": `DELETE FROM t WHERE ${"NOT ".repeat(3000)}true;\nUPDATE t SET a = ${Array(100_000).fill("1").join(" + ")};\nDELETE FROM after_deep_tree;\n`,
    "unterminated-string.sql": "SELECT 'oops;\nDELETE FROM after_string;\n",
    "unterminated-dollar.sql": "CREATE FUNCTION f() RETURNS int AS $body$\nBEGIN\n  RETURN 1;\nEND;\n$$ LANGUAGE plpgsql;\nDELETE FROM after_dollar;\n",
    "unterminated-comment.sql": "SELECT 1;\n/* never closed\nSELECT 2;\n",
    "nested-comment.sql": "/* see /* the old one */\nDELETE FROM after_comment;\n",
    "five-mb.sql": fiveMb(),
    "long-line.sql": `SELECT ${columns} FROM wide; DELETE FROM after_long_line;\n`,
    "broken.ts": "export const q = sql`DELETE FROM t`;\nconst = ;;\n",
    "binary.ts": bytes(2048, 11),
    "deep.ts": `export const a = ${"[\n".repeat(20_000)}1${"]\n".repeat(20_000)};\nconst q = sql\`DELETE FROM t\`;\n`,
    "unreadable.sql": "DELETE FROM secret;\n",
    "code.ts": "export const remove = () => sql`DELETE FROM from_code`;\n",
  });
  mkdirSync(path.join(dir, "x.sql"));
  writeFileSync(path.join(dir, "x.sql", "inside.sql"), "DELETE FROM inside_folder;\n");
  symlinkSync(path.join(dir, "nowhere.sql"), path.join(dir, "broken-link.sql"));
  chmodSync(path.join(dir, "unreadable.sql"), 0o000);
  chmodSync(dir, 0o755);

  const args = [bin, "-f", "compact", "--max-file-size", "64mb", "."];
  const command = root && setpriv ? [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, ...args] : [process.execPath, ...args];
  const r = spawnSync(command[0]!, command.slice(1), { cwd: dir, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: "1" } });
  const seconds = (Date.now() - started) / 1000;
  chmodSync(path.join(dir, "unreadable.sql"), 0o644);

  assert.is(r.stderr, "", "nothing on stderr");
  assert.is(r.status, 1, r.stdout.slice(-3000));
  assert.not.match(r.stdout, /internal error|\n\s+at .+:\d+:\d+/, "no internal error, no stack trace");
  const found: Line[] = r.stdout
    .split("\n")
    .map((l) => /^(.+?): line (\d+), col (\d+), (Error|Warning) - (.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ file: m[1]!, line: Number(m[2]), column: Number(m[3]), severity: m[4]!, message: m[5]! }));
  const at = (file: string, pattern: RegExp, line?: number) => {
    const hit = found.find((f) => f.file === file && pattern.test(f.message) && (line === undefined || f.line === line));
    assert.ok(hit, `${file}: expected ${pattern}${line ? ` on line ${line}` : ""}; got:\n${found.filter((f) => f.file === file).map((f) => `${f.line}:${f.column} ${f.message}`).join("\n")}`);
    return hit!;
  };
  const linted = (file: string, table: string, line: number) => at(file, new RegExp(`^DELETE without WHERE removes every row of ${table} \\(require-where\\)$`), line);

  linted("good.sql", "good", 1);
  // NUL bytes: located, and the statement after them still linted
  assert.equal(at("nul-between.sql", /^NUL byte \(a zero byte\): psql ignores the rest of this line/), { file: "nul-between.sql", line: 2, column: 28, severity: "Error", message: found.find((f) => f.file === "nul-between.sql" && /NUL/.test(f.message))!.message });
  linted("nul-between.sql", "after_nul", 3);
  at("nul-inside.sql", /^NUL byte inside the statement: PostgreSQL stops reading at it, so the statement was not linted/, 1);
  linted("nul-inside.sql", "after_nul_inside", 2);
  // not text: reported, never skipped quietly
  at("random.sql", /^not a text file \(binary content, e\.g\. NUL bytes\); not linted$/, 1);
  at("utf16.sql", /^not linted: text encoded as UTF-16 \(little-endian\)/, 1);
  at("dump.sql", /^not linted: a pg_dump archive \(custom format\)/, 1);
  // invalid UTF-8: a located warning, the rest linted
  const latin1 = at("invalid-utf8.sql", /^not valid UTF-8 \(byte 0xE9 here; is the file in another encoding such as WIN1252\?\)/);
  assert.equal([latin1.line, latin1.column, latin1.severity], [1, 12, "Warning"]);
  linted("invalid-utf8.sql", "after_latin1", 2);
  // a BOM is not a column; CR-only and mixed line endings count lines as editors do
  assert.is(linted("bom.sql", "bom", 1).column, 1);
  linted("cr-only.sql", "cr", 2);
  linted("mixed-eol.sql", "mixed", 3);
  at("mixed-eol.sql", /^a client that splits on blank lines would run `UPDATE mixed SET a = 1`/, 5);
  // empty and comment-only files: nothing to say
  assert.not.ok(found.some((f) => f.file === "empty.sql" || f.file === "comments-only.sql"));
  // nesting: plain messages, and the next statement is still linted
  at("deep.sql", /^nested too deeply for PostgreSQL's parser \(memory exhausted at or near "\("\) \(syntax-error\)$/, 1);
  linted("deep.sql", "after_deep", 2);
  assert.is(at("deep-tree.sql", /^nested too deeply to analyse/, 1).severity, "Warning");
  assert.is(at("deep-tree.sql", /^nested too deeply to analyse/, 2).severity, "Warning");
  linted("deep-tree.sql", "after_deep_tree", 3);
  // unterminated quotes and comments: located where they open, and lexing recovers
  assert.equal(at("unterminated-string.sql", /^unterminated quoted string/).column, 8);
  linted("unterminated-string.sql", "after_string", 2);
  assert.equal(at("unterminated-dollar.sql", /^unterminated dollar-quoted string \(\$body\$ without closing \$body\$\); the \$\$ that ends the body does not close it/).line, 1);
  assert.is(found.filter((f) => f.file === "unterminated-dollar.sql" && /syntax-error/.test(f.message)).length, 1, "one mistake, one finding");
  linted("unterminated-dollar.sql", "after_dollar", 6);
  at("unterminated-comment.sql", /^unterminated block comment \(\/\* without \*\/\)/, 2);
  at("nested-comment.sql", /^unterminated block comment: PostgreSQL nests/, 1);
  linted("nested-comment.sql", "after_comment", 2);
  // size: a 5 MB script (bench/ runs bigger ones) and a 3 MB line are linted to the end
  linted("five-mb.sql", "events", found.find((f) => f.file === "five-mb.sql" && /require-where/.test(f.message))?.line ?? -1);
  assert.ok(found.find((f) => f.file === "five-mb.sql" && /require-where/.test(f.message))!.line > 75_000);
  assert.ok(linted("long-line.sql", "after_long_line", 1).column > 1_000_000);
  // code: a file that does not parse is reported where it breaks; binary named .ts is skipped
  at("broken.ts", /^Parsing error: /, 2);
  at("deep.ts", /^Parsing error: nested too deeply for the TypeScript parser \(it ran out of stack\); the file was not linted$/, 1);
  linted("code.ts", "from_code", 1);
  // a walked .ts that is not text is skipped quietly: .ts is also the extension of MPEG transport
  // stream video (named on the command line, it is reported like a .sql file)
  assert.not.ok(found.some((f) => f.file === "binary.ts"));
  // the file system: a broken link, an unreadable file, a folder named x.sql
  at("broken-link.sql", /^broken symbolic link \(its target does not exist\); not linted$/, 1);
  if (!root || setpriv) at("unreadable.sql", /^permission denied: cannot read the file; not linted$/, 1);
  linted("x.sql/inside.sql", "inside_folder", 1);
  // every message is located on a real line
  for (const f of found) assert.ok(f.line >= 1 && f.column >= 1, `${f.file}: ${f.line}:${f.column}`);
  console.log(`  hostile run: ${seconds.toFixed(1)} s for ${found.length} findings`);
  rmSync(dir, { recursive: true, force: true });
});

const FIFO = "a FIFO named on the command line is reported, not read (reading it would wait forever)";
if (spawnSync("mkfifo", ["--version"]).status !== 0) skip(test, FIFO, "no mkfifo here");
else test(FIFO, () => {
  const dir = tempDir({ "good.sql": "DELETE FROM good;\n" });
  assert.is(spawnSync("mkfifo", [path.join(dir, "pipe.sql")]).status, 0, "mkfifo");
  const r = spawnSync(process.execPath, [bin, "-f", "compact", "pipe.sql", "good.sql", "."], { cwd: dir, encoding: "utf8", timeout: 30_000 });
  assert.is(r.stderr, "");
  assert.is(r.status, 1);
  assert.match(r.stdout, /^pipe\.sql: line 1, col 1, Error - not a regular file; not linted$/m);
  assert.match(r.stdout, /^good\.sql: line 1, col 1, Error - DELETE without WHERE removes every row of good \(require-where\)$/m);
  rmSync(dir, { recursive: true, force: true });
});

test("output piped into a reader that stops early (sqlguard … | head): a quiet stop, no stack trace", async () => {
  const dir = tempDir({ "many.sql": "DELETE FROM t;\n".repeat(20_000) });
  const child = spawn(process.execPath, [bin, "many.sql"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
  let stderr = "";
  let read = false;
  child.stderr.on("data", (d) => (stderr += d));
  child.stdout.once("data", () => {
    read = true;
    child.stdout.destroy();
  });
  const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
  assert.ok(read, "the reader got output before it stopped");
  assert.is(stderr, "");
  assert.ok(code === 0 || code === 1, `exit code ${code}`);
  rmSync(dir, { recursive: true, force: true });
});

test.run();

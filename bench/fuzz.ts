/**
 * `npm run fuzz [-- --seconds N] [--quick] [--seed N] [--timeout S] [--out DIR]`: throws hostile
 * input at the real CLI for a bounded time and counts what must never happen.
 *
 * Inputs, generated afresh from a seed (printed, so a run can be repeated):
 * - mutated corpus files: real SQL from ../shared/corpus (read at run time) with flipped bytes,
 *   truncations, splices of two files, inserted NUL / CR / BOM / invalid UTF-8, duplicated or
 *   deleted blank lines, stray quotes, dollar tags and comment openers; as .sql, or inside a
 *   TypeScript tagged template, string or comment;
 * - deep nesting: SQL parentheses, NOT chains, sums, UNIONs, subqueries, PL/pgSQL blocks, IFs and
 *   LOOPs in functions and DO blocks, and TypeScript expressions (`a + a + …`, brackets, arrays,
 *   templates), at depths around every limit;
 * - credentials: connection strings (URI, libpq, JDBC, ADO) and CREATE/ALTER ROLE … PASSWORD with
 *   random special characters, in .sql, .ts, .env and .properties files, next to a finding.
 *
 * Each input is linted in every format (stylish, json, sarif, github, compact), through --stdin
 * and --cache, and fixed with --fix. Counted:
 * - crashes: a throw out of main(), a child process that dies, a stack trace in any output;
 * - exit 2: main() returned 2 (usage, config or internal failure) on an input file;
 * - hangs: one input taking longer than the per-input timeout;
 * - credential pieces printed: any 4-character piece of a generated password, as written in the
 *   file, in any output (stdout, stderr, the cache file) — pieces that occur elsewhere in the file
 *   are not counted;
 * - bytes changed beyond the fix: --fix changed bytes outside the ranges of the fixes json reports.
 *
 * The inputs run in child processes (`--child`), in process through `main(argv, io)` for speed;
 * the parent kills a child whose input is over time and goes on with the next input. Every
 * failing input is written to a temporary folder (never the repository) with the command that
 * shows the failure. Exits 1 when any count is not 0.
 */
// The inputs below are hazards on purpose (writes without WHERE, production connection strings):
// sqlguard-disable require-where, no-prod-connection-string -- generated fuzz inputs, never run
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { main } from "../src/cli/main.js";
import { loadConfig } from "../src/engine/config.js";
import { applyFixes, lintText } from "../src/lint/lint-text.js";
import type { EditFix } from "../src/engine/types.js";
import { loadParser } from "../src/sql/parser.js";
import { decodeUtf8 } from "../src/sql/text.js";
import { builtin } from "../rules/index.js";

const here = fileURLToPath(import.meta.url);
const root = path.resolve(path.dirname(here), "../..");
const FORMATS = ["stylish", "json", "sarif", "github", "compact"] as const;

// --- random ----------------------------------------------------------------------------------------

/** A small seeded generator (mulberry32): the same seed gives the same inputs. */
class Random {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  between(a: number, b: number): number {
    return a + this.int(b - a + 1);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

// --- cases -------------------------------------------------------------------------------------------

type Kind = "mutated" | "deep" | "credential";

interface Case {
  id: string;
  kind: Kind;
  /** What made it: the corpus file and mutations, the generator and depth, the credential form. */
  label: string;
  /** File name, extension included. */
  name: string;
  bytes: Buffer;
  /** For credentials: the password as written in the file (its escapes included), and as meant. */
  secrets?: string[];
}

const CORPUS = path.resolve(root, "../shared/corpus");

function corpusFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = path.join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile() && st.size > 0) out.push(p);
    }
  };
  if (existsSync(CORPUS)) walk(CORPUS);
  return out;
}

const MAX_CASE_BYTES = 256 * 1024;

const INSERTS: Buffer[] = [
  Buffer.from([0]),
  Buffer.from("\r"),
  Buffer.from("\r\n"),
  Buffer.from([0xef, 0xbb, 0xbf]),
  Buffer.from([0xe9]),
  Buffer.from([0xff, 0xfe]),
  Buffer.from([0xc3]),
  Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from([0xf4, 0x90, 0x80, 0x80]),
  Buffer.from("'"),
  Buffer.from('"'),
  Buffer.from("$$"),
  Buffer.from("$body$"),
  Buffer.from("$a$"),
  Buffer.from("/*"),
  Buffer.from("*/"),
  Buffer.from("--"),
  Buffer.from("E'\\"),
  Buffer.from("\\"),
  Buffer.from(";"),
  Buffer.from("\n\n"),
  Buffer.from("\n   \n"),
  Buffer.from("BEGIN;\n"),
  Buffer.from("COMMIT;\n"),
  Buffer.from("\\set AUTOCOMMIT off\n"),
  Buffer.from(":'var'"),
  Buffer.from("COPY t FROM stdin;\n"),
  Buffer.from("\\.\n"),
  Buffer.from("`"),
  Buffer.from("${"),
  Buffer.from("-- sqlguard-disable-next-line require-where\n"),
  Buffer.from("é"),
  Buffer.from("😀"),
];

function mutate(rng: Random, input: Buffer, other: () => Buffer): { bytes: Buffer; steps: string[] } {
  let b = input;
  if (b.length > MAX_CASE_BYTES) {
    const from = rng.int(b.length - MAX_CASE_BYTES);
    b = b.subarray(from, from + MAX_CASE_BYTES);
  }
  const steps: string[] = [];
  const rounds = rng.between(1, 4);
  for (let r = 0; r < rounds; r++) {
    const at = rng.int(b.length + 1);
    switch (rng.int(8)) {
      case 0: {
        // flip a few bits
        const c = Buffer.from(b);
        const n = rng.between(1, 8);
        for (let k = 0; k < n && c.length > 0; k++) c[rng.int(c.length)] ^= 1 << rng.int(8);
        b = c;
        steps.push(`flip ${n}`);
        break;
      }
      case 1:
        b = b.subarray(0, at);
        steps.push(`truncate@${at}`);
        break;
      case 2: {
        const o = other();
        const from = rng.int(o.length + 1);
        const piece = o.subarray(from, from + rng.between(1, 4000));
        b = Buffer.concat([b.subarray(0, at), piece, b.subarray(at)]);
        steps.push(`splice@${at}+${piece.length}`);
        break;
      }
      case 3:
      case 4: {
        const ins = rng.pick(INSERTS);
        b = Buffer.concat([b.subarray(0, at), ins, b.subarray(at)]);
        steps.push(`insert ${JSON.stringify(ins.toString("latin1"))}@${at}`);
        break;
      }
      case 5: {
        // duplicate or delete blank lines (what ambiguous-statement-split's fix is about)
        const s = b.toString("latin1");
        const t = rng.chance(0.5) ? s.replace(/\n[ \t]*\n/g, (m) => (rng.chance(0.3) ? m + "\n" : m)) : s.replace(/\n[ \t]*\n/g, (m) => (rng.chance(0.3) ? "\n" : m));
        b = Buffer.from(t, "latin1");
        steps.push("blank lines");
        break;
      }
      case 6: {
        // line endings changed in a region
        const s = b.toString("latin1");
        const a = rng.int(s.length + 1);
        const e = Math.min(s.length, a + rng.between(10, 5000));
        const eol = rng.pick(["\r\n", "\r", "\n"]);
        b = Buffer.from(s.slice(0, a) + s.slice(a, e).replace(/\r\n|\r|\n/g, eol) + s.slice(e), "latin1");
        steps.push(`eol ${JSON.stringify(eol)}`);
        break;
      }
      default: {
        // delete a piece
        const len = rng.between(1, 200);
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + len)]);
        steps.push(`delete@${at}-${len}`);
      }
    }
  }
  return { bytes: b, steps };
}

/** Wraps SQL text into a code file in one of the ways code holds SQL. */
function asCode(rng: Random, sql: string): { name: string; text: string; how: string } {
  const how = rng.pick(["tag", "query", "string", "comment"]);
  const template = sql.replace(/\\/g, "\\\\").replace(/`/g, "\\`").replace(/\$\{/g, "\\${");
  switch (how) {
    case "tag":
      return { name: "code.ts", text: `import { sql } from "db";\nexport const q = sql\`${template}\`;\n`, how };
    case "query":
      return { name: "code.js", text: `export async function run(db) {\n  await db.query(\`${template}\`);\n}\n`, how };
    case "string":
      return { name: "code.mts", text: `export const q = ${JSON.stringify(sql)};\nawait pool.query(q);\n`, how };
    default:
      return { name: "code.tsx", text: `/*\n${sql.replace(/\*\//g, "* /")}\n*/\nexport const q = sql\`DELETE FROM t\`;\n`, how };
  }
}

function mutatedCase(rng: Random, id: string, corpus: string[]): Case {
  const file = rng.pick(corpus);
  const { bytes, steps } = mutate(rng, readFileSync(file), () => readFileSync(rng.pick(corpus)));
  const rel = path.relative(CORPUS, file);
  if (rng.chance(0.15)) {
    // the PL/pgSQL and SQL-function readers get garbage too
    const sql = bytes.toString("latin1");
    const tag = rng.pick(["$$", "$body$", "$fn$"]);
    const head = rng.pick([
      `DO ${tag}\nBEGIN\n`,
      `CREATE OR REPLACE FUNCTION f() RETURNS void LANGUAGE plpgsql AS ${tag}\nDECLARE n int;\nBEGIN\n`,
      `CREATE FUNCTION g() RETURNS void LANGUAGE sql AS ${tag}\n`,
    ]);
    const tail = head.includes("BEGIN") ? `\nEND;\n${tag};\nDELETE FROM after_body;\n` : `\n${tag};\n`;
    return { id, kind: "mutated", label: `${rel} [${steps.join(", ")}] in a body`, name: "body.sql", bytes: Buffer.from(head + sql + tail, "latin1") };
  }
  if (rng.chance(0.2)) {
    const code = asCode(rng, bytes.toString("utf8"));
    return { id, kind: "mutated", label: `${rel} [${steps.join(", ")}] in code (${code.how})`, name: code.name, bytes: Buffer.from(code.text) };
  }
  return { id, kind: "mutated", label: `${rel} [${steps.join(", ")}]`, name: rng.pick(["case.sql", "case.sql", "case.psql", "case.pgsql"]), bytes };
}

// --- deep nesting ---

const DEPTHS = [50, 500, 900, 1000, 1500, 2000, 3000, 3300, 3400, 5000, 10_000, 20_000, 100_000];

/** Breaks a long run of one character into lines, so no line is long enough to look minified. */
function lines(s: string, width = 80): string {
  let out = "";
  for (let i = 0; i < s.length; i += width) out += s.slice(i, i + width) + "\n";
  return out;
}

const DEEP: Record<string, (n: number) => { name: string; text: string }> = {
  parens: (n) => ({ name: "deep.sql", text: `SELECT ${lines("(".repeat(n))}1${lines(")".repeat(n))};\nDELETE FROM after_deep;\n` }),
  nots: (n) => ({ name: "deep.sql", text: `DELETE FROM t WHERE ${lines("NOT ".repeat(n))}true;\nDELETE FROM after_deep;\n` }),
  sum: (n) => ({ name: "deep.sql", text: `UPDATE t SET a = ${Array(n).fill("1").join(" +\n")};\nDELETE FROM after_deep;\n` }),
  unions: (n) => ({ name: "deep.sql", text: `SELECT 1\n${"UNION ALL SELECT 1\n".repeat(n)};\nDELETE FROM after_deep;\n` }),
  subqueries: (n) => ({ name: "deep.sql", text: `SELECT * FROM ${"(SELECT * FROM\n".repeat(n)}t${lines(") s".repeat(n))};\nDELETE FROM after_deep;\n` }),
  ctes: (n) => ({ name: "deep.sql", text: `${"WITH c AS (\n".repeat(n)}DELETE FROM t RETURNING *${lines(") SELECT * FROM c".repeat(n))};\n` }),
  blocks: (n) => ({ name: "deep.sql", text: `CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$\n${"BEGIN\n".repeat(n)}UPDATE t SET x = 1;\n${"END;\n".repeat(n - 1)}END\n$$;\nDELETE FROM after_deep;\n` }),
  doIf: (n) => ({ name: "deep.sql", text: `DO $$\nBEGIN\n${"IF true THEN\n".repeat(n)}DELETE FROM t;\n${"END IF;\n".repeat(n)}END $$;\nDELETE FROM after_deep;\n` }),
  doLoop: (n) => ({ name: "deep.sql", text: `DO $$\nBEGIN\n${"LOOP\n".repeat(n)}DELETE FROM t;\n${"END LOOP;\n".repeat(n)}END $$;\nDELETE FROM after_deep;\n` }),
  doDeepStatement: (n) => ({ name: "deep.sql", text: `DO $$\nBEGIN\n  DELETE FROM t WHERE ${lines("NOT ".repeat(n))}true;\n  DELETE FROM inside;\nEND $$;\n` }),
  sqlFunction: (n) => ({ name: "deep.sql", text: `CREATE FUNCTION g() RETURNS void LANGUAGE sql AS $$\n  DELETE FROM t WHERE ${lines("(".repeat(n))}true${lines(")".repeat(n))};\n$$;\n` }),
  tsPlus: (n) => ({ name: "deep.ts", text: `export const x = ${Array(n).fill("a").join(" +\n")};\nexport const q = sql\`DELETE FROM t\`;\n` }),
  tsParens: (n) => ({ name: "deep.ts", text: `export const x = ${lines("(".repeat(n))}a${lines(")".repeat(n))};\nexport const q = sql\`DELETE FROM t\`;\n` }),
  tsArrays: (n) => ({ name: "deep.js", text: `export const x = ${lines("[".repeat(n))}1${lines("]".repeat(n))};\nexport const q = sql\`DELETE FROM t\`;\n` }),
  tsTemplates: (n) => ({ name: "deep.ts", text: `export const x = ${"`${\n".repeat(n)}a${lines("}`".repeat(n))};\nexport const q = sql\`DELETE FROM t\`;\n` }),
  tsArrows: (n) => ({ name: "deep.ts", text: `export const x = ${"() =>\n".repeat(n)}sql\`DELETE FROM t\`;\n` }),
  tsSqlConcat: (n) => ({ name: "deep.ts", text: `export async function f(db) {\n  await db.query("DELETE FROM t WHERE " +\n${Array(n).fill('    "a = 1 OR "').join(" +\n")} +\n    "true");\n}\n` }),
  comments: (n) => ({ name: "deep.sql", text: `${lines("/* ".repeat(n))}x${lines(" */".repeat(n))}\nDELETE FROM after_deep;\n` }),
  psqlIf: (n) => ({ name: "deep.sql", text: `${"\\if true\n".repeat(n)}DELETE FROM t;\n${"\\endif\n".repeat(n)}DELETE FROM after_deep;\n` }),
  caseWhen: (n) => ({ name: "deep.sql", text: `SELECT ${"CASE WHEN true THEN\n".repeat(n)}1${" END\n".repeat(n)};\nDELETE FROM after_deep;\n` }),
  funcCalls: (n) => ({ name: "deep.sql", text: `SELECT ${lines("f(".repeat(n))}1${lines(")".repeat(n))};\nDELETE FROM after_deep;\n` }),
  arrays: (n) => ({ name: "deep.sql", text: `SELECT ${lines("ARRAY[".repeat(n))}1${lines("]".repeat(n))};\nDELETE FROM after_deep;\n` }),
  joins: (n) => ({ name: "deep.sql", text: `UPDATE t SET a = 1 FROM u0\n${Array.from({ length: n }, (_, i) => `JOIN u${i + 1} ON true\n`).join("")}WHERE t.id = u0.id;\n` }),
  tsSqlTags: (n) => ({ name: "deep.ts", text: `export const q = ${"sql`SELECT ${\n".repeat(n)}1${lines("}`".repeat(n))};\n` }),
  tsObjects: (n) => ({ name: "deep.ts", text: `export const x = ${"{ a:\n".repeat(n)}sql\`DELETE FROM t\`${lines("}".repeat(n))};\n` }),
  tsPatterns: (n) => ({ name: "deep.ts", text: `export function f(${lines("[".repeat(n))}a${lines("]".repeat(n))}) { return sql\`DELETE FROM t\`; }\n` }),
  json: (n) => ({ name: "deep.json", text: `{"url": "postgres://u:p@db.prod.acme.com/x", "a": ${lines("[".repeat(n))}1${lines("]".repeat(n))}}\n` }),
  longLine: (n) => ({ name: "long.ts", text: `export const blob = "${"QUJD".repeat(n * 10)}";\nexport const q = sql\`DELETE FROM t\`;\n` }),
  tsDeepSql: (n) => ({ name: "deep.ts", text: `export const q = sql\`DELETE FROM t WHERE ${lines("NOT ".repeat(n))}true\`;\n` }),
};

function deepCase(rng: Random, id: string): Case {
  const form = rng.pick(Object.keys(DEEP));
  const n = rng.pick(DEPTHS);
  const { name, text } = DEEP[form]!(n);
  return { id, kind: "deep", label: `${form} × ${n}`, name, bytes: Buffer.from(text) };
}

// --- credentials ---

const SPECIALS = `!@#$%^&*()_+-=[]{};:'",.<>/?\\|~\` `;
const UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ";
const LOWER = "abcdefghijkmnopqrstuvwxyz";
const DIGITS = "23456789";

/**
 * A password whose every 4-character piece mixes kinds of characters, so a piece found in an
 * output is the password's, not a word of a message.
 */
function password(rng: Random): string {
  for (;;) {
    const n = rng.between(10, 22);
    let p = "";
    for (let i = 0; i < n; i++) {
      const r = rng.next();
      p += r < 0.3 ? rng.pick([...SPECIALS]) : r < 0.5 ? rng.pick([...UPPER]) : r < 0.65 ? rng.pick([...DIGITS]) : rng.pick([...LOWER]);
    }
    if (/^\s|\s$/.test(p)) continue;
    let ok = true;
    for (let i = 0; i + 4 <= p.length && ok; i++) {
      const w = p.slice(i, i + 4);
      ok = /[^a-z]/.test(w) && /[^A-Z]/.test(w) && !/^[a-zA-Z]+$/.test(w);
    }
    if (ok) return p;
  }
}

const PROD_HOSTS = ["db.prod.acme.com", "orders.cluster-abc123.eu-west-1.rds.amazonaws.com", "pg-main.postgres.database.azure.com", "db.qwerty.supabase.co", "10.20.30.40"];

/** The password written into a connection string or statement, escaped as that syntax wants (or not). */
interface Form {
  name: string;
  /** The credential as written, and the password's text inside it as written. */
  make(rng: Random, pw: string, host: string): { text: string; written: string };
}

const pct = (s: string) => encodeURIComponent(s).replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const FORMS: Form[] = [
  { name: "uri raw", make: (_r, pw, host) => ({ text: `postgres://app:${pw}@${host}:5432/shop`, written: pw }) },
  { name: "uri encoded", make: (_r, pw, host) => ({ text: `postgresql://app:${pct(pw)}@${host}/shop?sslmode=require`, written: pct(pw) }) },
  { name: "uri query", make: (_r, pw, host) => ({ text: `postgres://${host}/shop?user=app&password=${pct(pw)}`, written: pct(pw) }) },
  {
    name: "libpq",
    make: (_r, pw, host) => {
      const q = `'${pw.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
      return { text: `host=${host} port=5432 user=app password=${q} dbname=shop`, written: q.slice(1, -1) };
    },
  },
  { name: "jdbc", make: (_r, pw, host) => ({ text: `jdbc:postgresql://${host}:5432/shop?user=app&password=${pct(pw)}`, written: pct(pw) }) },
  {
    name: "ado",
    make: (_r, pw, host) => {
      const v = /[;'"{}]/.test(pw) ? `"${pw.replace(/"/g, '""')}"` : pw;
      return { text: `Server=${host};Port=5432;Database=shop;User Id=app;Password=${v};`, written: v.startsWith('"') ? v.slice(1, -1) : v };
    },
  },
];

function credentialCase(rng: Random, id: string): Case {
  const pw = password(rng);
  const host = rng.pick(PROD_HOSTS);
  const ext = rng.pick([".sql", ".ts", ".env", ".properties"]);
  const hazard = "DELETE FROM accounts;";
  let text: string;
  let written: string;
  let form: string;
  if (ext === ".sql" && rng.chance(0.5)) {
    const lit = `'${pw.replace(/'/g, "''")}'`;
    const verb = rng.pick(["CREATE ROLE app LOGIN PASSWORD", "ALTER ROLE app WITH PASSWORD", "CREATE USER app PASSWORD"]);
    form = verb.split(" ").slice(0, 2).join(" ");
    written = lit.slice(1, -1);
    text = `-- roles\n${verb} ${lit};\n${hazard}\nUPDATE accounts SET note = 'x'\n\nWHERE id = 1;\n`;
  } else {
    const f = rng.pick(FORMS);
    const made = f.make(rng, pw, host);
    form = f.name;
    written = made.written;
    const conn = made.text;
    switch (ext) {
      case ".sql":
        text = `-- connect with: ${conn}\nCREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw OPTIONS (dbname 'shop');\nCREATE USER MAPPING FOR app SERVER s OPTIONS (user 'app', password '${pw.replace(/'/g, "''")}');\n${hazard}\n`;
        written = rng.chance(0.5) ? written : pw.replace(/'/g, "''");
        break;
      case ".ts": {
        const js = JSON.stringify(conn);
        text = `import { Pool } from "pg";\nexport const pool = new Pool({ connectionString: ${js} });\nexport async function wipe() {\n  await pool.query("${hazard}");\n}\n`;
        written = JSON.stringify(written).slice(1, -1);
        break;
      }
      case ".env":
        text = `# production\nDATABASE_URL=${conn}\nPGPASSWORD="${pw.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"\n`;
        break;
      default: {
        const esc = (s: string) => s.replace(/\\/g, "\\\\").replace(/([:=#! ])/g, "\\$1");
        text = `spring.datasource.url=${esc(conn)}\nspring.datasource.username=app\nspring.datasource.password=${esc(pw)}\n`;
        written = esc(written);
      }
    }
  }
  const name = ext === ".env" ? ".env" : `config${ext}`;
  return { id, kind: "credential", label: `${form} in ${ext}`, name, bytes: Buffer.from(text), secrets: [...new Set([pw, written])] };
}

// --- checks ------------------------------------------------------------------------------------------

/** UTF-16 offset → byte offset of text decoded from `bytes` as the WHATWG decoder does (U+FFFD per bad sequence). */
function utf16ToBytes(bytes: Uint8Array): number[] | null {
  const map: number[] = [];
  let text = "";
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const c = bytes[i]!;
    const start = i;
    let need = 0;
    let lo = 0x80;
    let hi = 0xbf;
    if (c < 0x80) {
      map.push(start);
      text += String.fromCharCode(c);
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else {
      map.push(start);
      text += "\ufffd";
      i++;
      continue;
    }
    let cp = c & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
    i++;
    let k = 0;
    for (; k < need; k++) {
      const d = bytes[i];
      if (d === undefined || d < lo || d > hi) break;
      lo = 0x80;
      hi = 0xbf;
      cp = (cp << 6) | (d & 0x3f);
      i++;
    }
    if (k < need) {
      map.push(start);
      text += "\ufffd";
      continue;
    }
    const s = String.fromCodePoint(cp);
    for (let u = 0; u < s.length; u++) map.push(start);
    text += s;
  }
  map.push(n);
  // the map is only trusted when this decoding is the platform's
  return text === new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes) ? map : null;
}

/**
 * Whether `after` keeps every byte of `before` outside the fix ranges (UTF-16 offsets of the text
 * without its BOM), in order. Returns a description of the first difference, or null.
 */
function changedBeyondFixes(before: Buffer, after: Buffer, fixes: EditFix[]): string | null {
  if (before.equals(after)) return null;
  const bom = before.length >= 3 && before[0] === 0xef && before[1] === 0xbb && before[2] === 0xbf ? 3 : 0;
  const map = utf16ToBytes(before.subarray(bom));
  if (!map) return "the decoder used to check differs from the platform's (not checked)";
  const ranges = fixes
    .map((f) => [bom + map[Math.min(f.range[0], map.length - 1)]!, bom + map[Math.min(f.range[1], map.length - 1)]!] as [number, number])
    .sort((a, b) => a[0] - b[0]);
  if (ranges.length === 0) return `no fix was reported, but the file changed (first difference at byte ${firstDifference(before, after)})`;
  // the gaps between fixes must all be there, in order
  const gaps: [number, number][] = [];
  let at = 0;
  for (const [a, b] of ranges) {
    if (a < at) continue; // overlapping: applied in a later pass
    gaps.push([at, a]);
    at = b;
  }
  gaps.push([at, before.length]);
  let pos = 0;
  for (let g = 0; g < gaps.length; g++) {
    const [a, b] = gaps[g]!;
    const piece = before.subarray(a, b);
    if (g === 0) {
      if (!after.subarray(0, piece.length).equals(piece)) return `bytes before the first fix changed (first difference at byte ${firstDifference(before, after)})`;
      pos = piece.length;
    } else if (g === gaps.length - 1) {
      if (after.length - piece.length < pos || !after.subarray(after.length - piece.length).equals(piece)) return `bytes after the last fix changed (original bytes ${a}–${b})`;
    } else {
      const k = after.indexOf(piece, pos);
      if (k < 0) return `bytes between fixes changed (original bytes ${a}–${b})`;
      pos = k + piece.length;
    }
  }
  return null;
}

function firstDifference(a: Buffer, b: Buffer): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/**
 * 4-character pieces of the secrets that neither the file (outside them) nor sqlguard's own words
 * hold: the rules' templates (`SET lock_timeout = '5s'` holds `= '5`) and every other text the
 * command can print (SARIF's rule descriptions: `names an unknown rule` holds `an u`), read from
 * the bundle the fuzz runs.
 */
function secretPieces(text: string, secrets: string[]): string[] {
  let rest = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) rest = rest.split(s).join("\u0000");
  const pieces = new Set<string>();
  for (const s of secrets) for (let i = 0; i + 4 <= s.length; i++) pieces.add(s.slice(i, i + 4));
  // JSON, SARIF and the cache file write the file's other text escaped: `from "pg"` holds ` \"p`
  const escaped = JSON.stringify(rest);
  return [...pieces].filter((p) => !rest.includes(p) && !escaped.includes(p) && !OWN_WORDS.includes(p));
}

/** Every rule's message and help templates, as one text. */
const OWN_WORDS = [
  ...builtin.rules.flatMap((r) => [...Object.values(r.messages), r.description]),
  existsSync(path.join(root, "dist/bundle/cli.cjs")) ? readFileSync(path.join(root, "dist/bundle/cli.cjs"), "utf8") : "",
].join("\n");

// --- the child: runs cases in process ----------------------------------------------------------------

interface Outcome {
  id: string;
  crash: string[];
  exit2: string[];
  leaks: string[];
  changed: string[];
  /** The input is not valid UTF-8 (fixes on such files are another branch's work). */
  invalidUtf8: boolean;
  ms: number;
}

async function child(listFile: string): Promise<void> {
  await loadParser();
  const list = JSON.parse(readFileSync(listFile, "utf8")) as { dir: string; name: string; id: string; secrets?: string[] }[];
  const deadline = Number(process.env.FUZZ_DEADLINE ?? Infinity);
  for (const c of list) {
    if (Date.now() > deadline) break;
    process.stdout.write(JSON.stringify({ start: c.id }) + "\n");
    const started = Date.now();
    const outcome: Outcome = { id: c.id, crash: [], exit2: [], leaks: [], changed: [], invalidUtf8: false, ms: 0 };
    const file = path.join(c.dir, c.name);
    const bytes = readFileSync(file);
    const body = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
    outcome.invalidUtf8 = !Buffer.from(new TextDecoder("utf-8", { ignoreBOM: true }).decode(body), "utf8").equals(body);
    const run = async (argv: string[], cwd: string, stdin?: Buffer) => {
      let stdout = "";
      let stderr = "";
      let code = -1;
      try {
        code = await main(argv, {
          cwd,
          stdout: (s) => void (stdout += s),
          stderr: (s) => void (stderr += s),
          isTTY: false,
          env: { NO_COLOR: "1" },
          ...(stdin ? { readStdin: async () => stdin } : {}),
        });
      } catch (e) {
        outcome.crash.push(`${argv.join(" ")}: threw ${(e as Error)?.stack ?? String(e)}`);
      }
      const what = `sqlguard ${argv.join(" ")}`;
      if (code === 2) outcome.exit2.push(`${what}: exit 2: ${(stderr || stdout).slice(0, 300)}`);
      else if (code !== 0 && code !== 1 && code !== -1) outcome.crash.push(`${what}: exit ${code}`);
      if (/\n\s+at .+:\d+:\d+\)?\n/.test(stdout + stderr)) outcome.crash.push(`${what}: a stack trace in the output`);
      return { code, stdout, stderr, what };
    };
    const outputs: { what: string; text: string }[] = [];
    for (const f of FORMATS) {
      const r = await run(["-f", f, c.name], c.dir);
      outputs.push({ what: r.what, text: r.stdout + r.stderr });
    }
    // --fix: only the bytes of the fixes may change. The fixes of the first pass, with their
    // ranges, come from the engine in process (the CLI prints a fix only as it applies it).
    const config = await loadConfig({ cwd: c.dir, ruleSet: builtin });
    const decoded = decodeUtf8(bytes);
    const lintOptions = { filePath: file };
    const fixes = lintText(decoded.text, config, lintOptions).messages.flatMap((m) => (m.fix ? [m.fix] : []));
    const fixDir = path.join(c.dir, "fix");
    mkdirSync(fixDir, { recursive: true });
    copyFileSync(file, path.join(fixDir, c.name));
    const fixed = await run(["--fix", "-f", "json", c.name], fixDir);
    outputs.push({ what: fixed.what, text: fixed.stdout + fixed.stderr });
    const after = readFileSync(path.join(fixDir, c.name));
    let change = changedBeyondFixes(bytes, after, fixes);
    if (change && !outcome.invalidUtf8) {
      // Fixes in later passes (a fix that makes another possible), or a fix whose text holds a
      // secret (never shown): what was written must then be exactly the engine's fixed text.
      const output = lintText(decoded.text, config, { ...lintOptions, fix: true }).output ?? decoded.text;
      const expected = Buffer.from((decoded.bom ? "\ufeff" : "") + output, "utf8");
      if (output !== applyFixes(decoded.text, fixes) && after.equals(expected)) change = null;
    }
    if (change) outcome.changed.push(`sqlguard --fix ${c.name}: ${change}`);
    if (c.secrets) {
      // the other channels that may carry a password: standard input, the cache file
      const s = await run(["--stdin", "--stdin-filename", c.name, "-f", "stylish"], c.dir, bytes);
      outputs.push({ what: s.what, text: s.stdout + s.stderr });
      const cacheFile = path.join(c.dir, ".fuzzcache");
      const k = await run(["--cache", "--cache-location", cacheFile, "-f", "compact", c.name], c.dir);
      outputs.push({ what: k.what, text: k.stdout + k.stderr });
      if (existsSync(cacheFile)) outputs.push({ what: "the --cache file", text: readFileSync(cacheFile, "utf8") });
      const pieces = secretPieces(bytes.toString("utf8"), c.secrets);
      for (const o of outputs) {
        // the case's own path (JSON and SARIF print it) holds no secret either
        const found = pieces.filter((p) => o.text.includes(p) && !path.join(c.dir, c.name).includes(p));
        if (found.length > 0) outcome.leaks.push(`${o.what}: ${found.length} piece(s), e.g. ${JSON.stringify(found[0])}`);
      }
    }
    outcome.ms = Date.now() - started;
    process.stdout.write(JSON.stringify({ done: outcome }) + "\n");
  }
}

// --- the parent ----------------------------------------------------------------------------------------

interface Options {
  /** Every deep form at every depth, in order, instead of random inputs (within the time). */
  sweep: boolean;
  /** With --sweep: only these forms (`--forms parens,doIf`). */
  forms: string[] | null;
  seconds: number;
  timeout: number;
  seed: number;
  out: string;
  batch: number;
}

function parseOptions(argv: string[]): Options {
  const quick = argv.includes("--quick");
  const value = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const seconds = Number(value("--seconds") ?? (quick ? 20 : 90));
  const timeout = Number(value("--timeout") ?? 30);
  const seed = Number(value("--seed") ?? Date.now() % 1_000_000);
  for (const [k, v] of Object.entries({ seconds, timeout, seed })) {
    if (!Number.isFinite(v) || v < 0) throw new Error(`--${k} needs a number ≥ 0`);
  }
  const out = value("--out") ?? mkdtempSync(path.join(os.tmpdir(), "sqlguard-fuzz-"));
  if (path.resolve(out).startsWith(root + path.sep)) throw new Error("--out must be outside the repository");
  const forms = value("--forms")?.split(",") ?? null;
  for (const f of forms ?? []) if (!DEEP[f]) throw new Error(`unknown form "${f}" (one of: ${Object.keys(DEEP).join(", ")})`);
  return { sweep: argv.includes("--sweep") || forms !== null, forms, seconds, timeout, seed, out, batch: quick ? 10 : 25 };
}

interface Tally {
  files: number;
  byKind: Record<Kind, number>;
  crashes: Case[];
  exit2: Case[];
  hangs: Case[];
  leaks: Case[];
  changed: Case[];
  changedInvalidUtf8: Case[];
  details: Map<string, string[]>;
  slowest: { label: string; ms: number };
}

async function parent(options: Options): Promise<number> {
  if (!existsSync(path.join(root, "dist/src/cli/main.js"))) throw new Error("build first: npm run build");
  const corpus = corpusFiles();
  const rng = new Random(options.seed);
  const work = mkdtempSync(path.join(os.tmpdir(), "sqlguard-fuzz-work-"));
  const deadline = Date.now() + options.seconds * 1000;
  const tally: Tally = {
    files: 0,
    byKind: { mutated: 0, deep: 0, credential: 0 },
    crashes: [],
    exit2: [],
    hangs: [],
    leaks: [],
    changed: [],
    changedInvalidUtf8: [],
    details: new Map(),
    slowest: { label: "", ms: 0 },
  };
  console.log(`sqlguard fuzz: seed ${options.seed}, ${options.seconds} s, ${options.timeout} s per input; corpus ${corpus.length ? `${corpus.length} files in ${CORPUS}` : "not found (mutations skipped)"}`);
  let n = 0;
  let said = Date.now();
  while (Date.now() < deadline) {
    if (Date.now() - said > 30_000) {
      said = Date.now();
      console.log(`  ${Math.round((deadline - Date.now()) / 1000)} s left: ${tally.files} files, ${tally.crashes.length} crashes, ${tally.exit2.length} exit 2, ${tally.hangs.length} hangs, ${tally.leaks.length} printing a password, ${tally.changed.length + tally.changedInvalidUtf8.length} changed beyond the fix`);
    }
    // a batch of cases, each in its own folder
    const batch: Case[] = [];
    if (options.sweep) {
      const all = (options.forms ?? Object.keys(DEEP)).flatMap((form) => DEPTHS.map((depth) => ({ form, depth })));
      for (const { form, depth } of all.slice(n, n + options.batch)) {
        const { name, text } = DEEP[form]!(depth);
        batch.push({ id: `c${String(++n).padStart(5, "0")}`, kind: "deep", label: `${form} × ${depth}`, name, bytes: Buffer.from(text) });
      }
      if (batch.length === 0) break;
    }
    for (let k = 0; k < options.batch && !options.sweep; k++) {
      const id = `c${String(++n).padStart(5, "0")}`;
      const r = rng.next();
      if (r < 0.55 && corpus.length > 0) batch.push(mutatedCase(rng, id, corpus));
      else if (r < 0.75) batch.push(deepCase(rng, id));
      else batch.push(credentialCase(rng, id));
    }
    const entries = batch.map((c) => {
      const dir = path.join(work, c.id);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, c.name), c.bytes);
      return { dir, name: c.name, id: c.id, ...(c.secrets ? { secrets: c.secrets } : {}) };
    });
    let todo = entries;
    while (todo.length > 0 && Date.now() < deadline) {
      const listFile = path.join(work, `list-${todo[0]!.id}.json`);
      writeFileSync(listFile, JSON.stringify(todo));
      const ran = await runChild(listFile, options, deadline);
      if (ran.outcomes.length === 0 && !ran.hung && !ran.died && ran.failed) throw new Error(`the fuzz child failed: ${ran.failed}`);
      for (const o of ran.outcomes) record(tally, batch.find((c) => c.id === o.id)!, o, options);
      const doneIds = new Set(ran.outcomes.map((o) => o.id));
      if (ran.hung) {
        const c = batch.find((x) => x.id === ran.hung)!;
        tally.files++;
        tally.byKind[c.kind]++;
        tally.hangs.push(c);
        keep(options, "hang", c, [`over ${options.timeout} s`]);
        doneIds.add(c.id);
      } else if (ran.died) {
        const c = batch.find((x) => x.id === ran.died)!;
        tally.files++;
        tally.byKind[c.kind]++;
        tally.crashes.push(c);
        keep(options, "crash", c, [ran.diedWhy]);
        doneIds.add(c.id);
      }
      const before = todo.length;
      todo = todo.filter((e) => !doneIds.has(e.id));
      if (todo.length === before) break; // the child did nothing (out of time)
    }
    for (const c of batch) rmSync(path.join(work, c.id), { recursive: true, force: true });
  }
  rmSync(work, { recursive: true, force: true });
  return report(tally, options);
}

function record(t: Tally, c: Case, o: Outcome, options: Options): void {
  t.files++;
  t.byKind[c.kind]++;
  if (o.ms > t.slowest.ms) t.slowest = { label: `${c.kind}: ${c.label}`, ms: o.ms };
  if (o.crash.length) (t.crashes.push(c), keep(options, "crash", c, o.crash));
  if (o.exit2.length) (t.exit2.push(c), keep(options, "exit-2", c, o.exit2));
  if (o.leaks.length) (t.leaks.push(c), keep(options, "credential-printed", c, o.leaks));
  if (o.changed.length) {
    if (o.invalidUtf8) (t.changedInvalidUtf8.push(c), keep(options, "fix-changed-bytes-non-utf8", c, o.changed));
    else (t.changed.push(c), keep(options, "fix-changed-bytes", c, o.changed));
  }
}

/** Writes a failing input where it can be looked at, with what went wrong and the command to see it. */
function keep(options: Options, category: string, c: Case, what: string[]): void {
  const dir = path.join(options.out, category, c.id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, c.name), c.bytes);
  const lines = [
    `input: ${c.kind}: ${c.label}`,
    ...(c.secrets ? [`password: ${JSON.stringify(c.secrets[0])}`] : []),
    "",
    ...what,
    "",
    `see it: cd ${dir} && node ${path.join(root, "dist/bundle/bin.cjs")} -f stylish ${c.name}`,
    "",
  ];
  writeFileSync(path.join(dir, "README.txt"), lines.join("\n"));
}

interface ChildRun {
  outcomes: Outcome[];
  /** The case that was running when the child was stopped for taking too long. */
  hung?: string;
  /** The case that was running when the child died. */
  died?: string;
  diedWhy: string;
  /** The child failed before any input (exit code and stderr). */
  failed?: string;
}

function runChild(listFile: string, options: Options, deadline: number): Promise<ChildRun> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [here, "--child", listFile], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, FUZZ_DEADLINE: String(deadline) },
    });
    const result: ChildRun = { outcomes: [], diedWhy: "" };
    let current: string | null = null;
    let timer: NodeJS.Timeout | null = null;
    let killed = false;
    let buffer = "";
    let stderr = "";
    const arm = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        if (current) result.hung = current;
        killed = true;
        proc.kill("SIGKILL"); // this child only, by its own handle
      }, options.timeout * 1000);
    };
    proc.stdout.on("data", (d: Buffer) => {
      buffer += d.toString("utf8");
      let nl: number;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        let msg: { start?: string; done?: Outcome };
        try {
          msg = JSON.parse(line) as typeof msg;
        } catch {
          continue;
        }
        if (msg.start) {
          current = msg.start;
          arm();
        } else if (msg.done) {
          result.outcomes.push(msg.done);
          current = null;
        }
      }
    });
    proc.stderr.on("data", (d: Buffer) => void (stderr += d.toString("utf8")));
    proc.on("exit", (code, signal) => {
      if (timer) clearTimeout(timer);
      if (!killed && current && (code !== 0 || signal)) {
        result.died = current;
        result.diedWhy = `the process died (${signal ?? `exit ${code}`}): ${stderr.slice(-2000)}`;
      } else if (!killed && (code !== 0 || signal)) result.failed = `${signal ?? `exit ${code}`}: ${stderr.slice(-2000)}`;
      resolve(result);
    });
  });
}

function report(t: Tally, options: Options): number {
  const first = (cs: Case[], category: string) => (cs.length ? `   e.g. ${path.join(options.out, category, cs[0]!.id)}` : "");
  const rows: [string, Case[], string, string][] = [
    ["crashes", t.crashes, "crash", ""],
    ["exit 2 on bad input", t.exit2, "exit-2", ""],
    ["hangs", t.hangs, "hang", ""],
    ["credential pieces printed", t.leaks, "credential-printed", ""],
    ["bytes changed beyond the fix", t.changed, "fix-changed-bytes", ""],
    ["  … of them on input not valid UTF-8", t.changedInvalidUtf8, "fix-changed-bytes-non-utf8", ""],
  ];
  console.log(`\nfiles run: ${t.files} (${t.byKind.mutated} mutated corpus files, ${t.byKind.deep} deep nestings, ${t.byKind.credential} credential forms), each in ${FORMATS.length} formats and a --fix round trip`);
  for (const [label, cs, category] of rows) {
    const detail = cs.length ? ` (${summarize(cs)})` : "";
    console.log(`${label.padEnd(38)} ${String(cs.length).padStart(5)}${detail}${first(cs, category)}`);
  }
  if (t.slowest.ms > 0) console.log(`slowest input: ${(t.slowest.ms / 1000).toFixed(1)} s (${t.slowest.label})`);
  const bad = t.crashes.length + t.exit2.length + t.hangs.length + t.leaks.length + t.changed.length + t.changedInvalidUtf8.length;
  console.log(bad ? `\nreproducers (input, what went wrong, the command): ${options.out}` : "\nnothing found");
  if (!bad) rmSync(options.out, { recursive: true, force: true });
  return bad ? 1 : 0;
}

/** The labels' first words, counted: `uri raw in .ts ×3, libpq in .env ×1`. */
function summarize(cs: Case[]): string {
  const counts = new Map<string, number>();
  for (const c of cs) {
    const key = c.kind === "mutated" ? "mutated" : c.label.replace(/ × \d+$/, "");
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([k, v]) => `${k} ×${v}`).join(", ");
}

const argv = process.argv.slice(2);
if (argv[0] === "--child") {
  await child(argv[1]!);
} else {
  try {
    process.exitCode = await parent(parseOptions(argv));
  } catch (e) {
    console.error(`fuzz: ${(e as Error).message}`);
    process.exitCode = 2;
  }
}

/**
 * A secret never reaches any output. Every reporter in the `reporters` map (so formats added
 * later are covered without touching this file) renders every connection-string form, in-process
 * and through the real CLI, and no password may appear anywhere in what it prints.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { Config } from "../src/engine/config.js";
import { lintText } from "../src/lint/lint-text.js";
import { mergeRanges } from "../src/engine/linter.js";
import type { FileResult } from "../src/engine/types.js";
import { reporters } from "../src/report/index.js";
import { brief, lint, tempDir } from "./helpers.js";
import { cli } from "./in-process.js";
import { builtin, builtinRules } from "../rules/index.js";

const test = suite("redaction");

interface Form {
  name: string;
  file: string;
  text: string;
  /** Strings that must never be printed (the password as written, and decoded where encoded). */
  secrets: string[];
}

const FORMS: Form[] = [
  { name: "URI userinfo", file: "a/.env", text: "DATABASE_URL=postgres://app:Sx1-userinfo@db.prod.acme.com:5432/app\n", secrets: ["Sx1-userinfo"] },
  {
    name: "URI percent-encoded userinfo",
    file: "b/.env",
    text: "DATABASE_URL=postgresql://app:Sx2%40pct%2Fenc@shop.c1.eu-west-1.rds.amazonaws.com/app\n",
    secrets: ["Sx2%40pct%2Fenc", "Sx2@pct/enc"],
  },
  { name: "URI raw @ and / in the password", file: "c/.env", text: "DATABASE_URL=postgres://app:Sx3@raw/pw@db.prod.acme.com/app\n", secrets: ["Sx3@raw/pw"] },
  { name: "a password with $ in it", file: "c2/.env", text: "DATABASE_URL=postgres://app:Sx3b$$w0rd@db.prod.acme.com/app\n", secrets: ["Sx3b$$w0rd"] },
  { name: "mysql://", file: "d.yml", text: "url: mysql://shop:Sx4-mysql@mysql.prod.acme.com:3306/shop\n", secrets: ["Sx4-mysql"] },
  { name: "mariadb://", file: "e.yml", text: "url: mariadb://shop:Sx5-maria@maria.acme.com/shop\n", secrets: ["Sx5-maria"] },
  { name: "mongodb://", file: "f.json", text: '{ "mongo": "mongodb://root:Sx6-mongo@mongo1.acme.com:27017,mongo2.acme.com:27017/app?replicaSet=rs0" }\n', secrets: ["Sx6-mongo"] },
  { name: "mongodb+srv://", file: "g.env", text: "MONGO=mongodb+srv://admin:Sx7-srv@cluster0.ab1cd.mongodb.net/app\n", secrets: ["Sx7-srv"] },
  { name: "redis:// without a user", file: "h.toml", text: 'redis = "redis://:Sx8-redis@cache.acme.com:6379/0"\n', secrets: ["Sx8-redis"] },
  { name: "rediss://", file: "i.toml", text: 'redis = "rediss://default:Sx9-rediss@eu1-x.upstash.io:6379"\n', secrets: ["Sx9-rediss"] },
  { name: "sqlserver://", file: "j.ini", text: "db = sqlserver://sa:Sx10-mssql@sql.acme.com:1433?database=shop\n", secrets: ["Sx10-mssql"] },
  { name: "?password= in a URI", file: "k.env", text: "DB=postgres://app@db.prod.acme.com/app?sslmode=require&password=Sx11-query&application_name=x\n", secrets: ["Sx11-query"] },
  { name: "jdbc:postgresql ?password=", file: "l.properties", text: "url=jdbc:postgresql://pg.acme.com:5432/app?user=app&password=Sx12-jdbc\n", secrets: ["Sx12-jdbc"] },
  { name: "jdbc:mysql user:password@", file: "m.properties", text: "url=jdbc:mysql://app:Sx13-jdbcmy@live-db.acme.com:3306/app\n", secrets: ["Sx13-jdbcmy"] },
  { name: "jdbc:sqlserver ;password=", file: "n.properties", text: "url=jdbc:sqlserver://sql.acme.com:1433;databaseName=app;user=sa;password=Sx14-jdbcms;encrypt=true\n", secrets: ["Sx14-jdbcms"] },
  { name: "libpq password=", file: "o.sh", text: 'psql "host=db.prod.acme.com dbname=app user=app password=Sx15-libpq"\n', secrets: ["Sx15-libpq"] },
  { name: "libpq quoted password", file: "p.sh", text: "pg_dump \"host=db.prod.acme.com dbname=app password='Sx16 quoted'\"\n", secrets: ["Sx16 quoted"] },
  { name: "\\connect conninfo", file: "q.sql", text: "\\connect 'host=10.1.2.3 dbname=app user=app password=Sx17-connect'\nSELECT 1;\n", secrets: ["Sx17-connect"] },
  {
    name: "dblink with doubled quotes, on a line with other findings",
    file: "r.sql",
    text: "SELECT * FROM dblink('host=10.1.2.3 dbname=app password=''Sx18 dbl''', 'SELECT 1') AS t(x int); DELETE FROM orders;\n",
    secrets: ["Sx18 dbl"],
  },
  {
    name: "CREATE SUBSCRIPTION CONNECTION",
    file: "s.sql",
    text: "CREATE SUBSCRIPTION s CONNECTION 'host=primary.acme.com dbname=app user=repl password=Sx19-sub' PUBLICATION p;\n",
    secrets: ["Sx19-sub"],
  },
  {
    name: "CREATE SERVER + CREATE USER MAPPING OPTIONS (password '…')",
    file: "t.sql",
    text: "CREATE SERVER billing FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'billing.prod.acme.com', dbname 'billing');\nCREATE USER MAPPING FOR app SERVER billing OPTIONS (user 'app', password 'Sx20-mapping');\n",
    secrets: ["Sx20-mapping"],
  },
  {
    name: "ALTER USER MAPPING … SET password, unknown server, split over lines",
    file: "u.sql",
    text: "ALTER USER MAPPING FOR app SERVER warehouse\n  OPTIONS (SET user 'etl',\n           SET password 'Sx21-alter');\n",
    secrets: ["Sx21-alter"],
  },
  {
    name: "a syntax error whose message quotes the password",
    file: "v.sql",
    text: "CREATE USER MAPPING FOR app SERVER prod_fdw OPTIONS (user 'app', password 'Sx22-syntax' 'Sx22-syntax');\n",
    secrets: ["Sx22-syntax"],
  },
  {
    name: "ADO.NET Password=",
    file: "w.json",
    text: '{ "Default": "Host=pg.acme.com;Port=5432;Database=app;Username=app;Password=Sx23-ado" }\n',
    secrets: ["Sx23-ado"],
  },
  {
    name: "ADO.NET quoted Password with semicolons",
    file: "x.json",
    text: "{ \"Default\": \"Server=tcp:app.database.windows.net,1433;Initial Catalog=app;User ID=app;Password='Sx24;semi;colon'\" }\n",
    secrets: ["Sx24;semi;colon"],
  },
  { name: "ODBC Pwd=", file: "y.ini", text: "dsn = Driver={PostgreSQL};Server=pg.prod.acme.com;Database=app;Uid=app;Pwd=Sx25-odbc;\n", secrets: ["Sx25-odbc"] },
  { name: "Go MySQL DSN", file: "z.yaml", text: "dsn: app:Sx26-godsn@tcp(mysql.acme.com:3306)/app\n", secrets: ["Sx26-godsn"] },
  { name: "IPv6 host", file: "aa.env", text: "DATABASE_URL=postgres://app:Sx27-v6@[2a00:1450:4001::200e]:5432/app\n", secrets: ["Sx27-v6"] },
  { name: "multi-host", file: "ab.env", text: "DATABASE_URL=postgres://app:Sx28-multi@a.acme.com,b.prod.acme.com:5433/app\n", secrets: ["Sx28-multi"] },
  {
    name: "a long line: the frame shows a window of it",
    file: "ac.ts",
    text: `export const config = { ${"name: 'shop', ".repeat(12)}url: "postgres://app:Sx29-long@db.prod.acme.com/app", ${"retries: 3, ".repeat(12)}};\n`,
    secrets: ["Sx29-long"],
  },
  {
    name: "the same password again on the line, outside the connection string",
    file: "ad.sh",
    text: "PGPASSWORD=Sx30-twice psql postgres://app:Sx30-twice@db.prod.acme.com/app -c 'SELECT 1'\n",
    secrets: ["Sx30-twice"],
  },
  { name: "sslpassword and a token in the query", file: "ae.env", text: "DB=postgres://app@db.prod.acme.com/app?sslpassword=Sx31-sslkey&token=Sx31-token\n", secrets: ["Sx31-sslkey", "Sx31-token"] },
  {
    name: "two connection strings whose secrets overlap as text",
    file: "af.env",
    text: "A=postgres://a:Sx32-abc@db.prod.acme.com/a B=postgres://b:Sx32-abcdef@db2.prod.acme.com/b\n",
    secrets: ["Sx32-abc", "Sx32-abcdef", "def@"],
  },
  {
    name: "a password with the characters HTML escapes",
    file: "ag.sh",
    text: "psql \"host=db.prod.acme.com dbname=app password='Sx33&<\\'>pw'\"\n",
    secrets: ["Sx33&<'>pw", "Sx33&<\\'>pw"],
  },
  // Issue 14: partial masks (a quote, a ';' or braces in the password) …
  { name: "ADO.NET: a quote inside an unquoted password", file: "ag.json", text: '{ "Default": "Host=db.prod.acme.com;Password=N0t\'So-S3cret;Database=app" }\n', secrets: ["N0t'So-S3cret", "So-S3cret"] },
  {
    name: "libpq in a SQL literal: a doubled quote inside an unquoted password",
    file: "ah.sql",
    text: "SELECT dblink_connect('host=db.prod.acme.com dbname=app password=it''s-S3cret');\n",
    secrets: ["s-S3cret", "it''s"],
  },
  {
    name: "JDBC SQL Server: a braced password holding ';'",
    file: "ai.properties",
    text: "url=jdbc:sqlserver://sql.prod.acme.com:1433;user=sa;password={Pa;ss-W0rd-42};encrypt=true\n",
    secrets: ["ss-W0rd-42", "Pa;ss"],
  },
  { name: "URI query: a ';' inside the password", file: "aj.env", text: "DB=postgres://app@db.prod.acme.com/x?password=Str0ng;Secret42\n", secrets: ["Secret42", "Str0ng"] },
  // … and forms that were not found at all
  { name: "URI: raw '@' and '#' in the password", file: "ak.env", text: "DB=postgres://app:S3cr@et#Tail99@db.prod.acme.com/x\n", secrets: ["S3cr@et#Tail99", "et#Tail99", "Tail99"] },
  { name: "URI: a password of digits then '/'", file: "al.env", text: "DB=postgres://app:2024/Winter-Key@db.prod.acme.com/x\n", secrets: ["2024/Winter", "Winter-Key"] },
  { name: "URI: a password of digits then '?'", file: "am.env", text: "DB=postgres://app:77?Quiet-Gate@db.prod.acme.com/x\n", secrets: ["Quiet-Gate"] },
  { name: "URI: a password of digits then '#'", file: "an.env", text: "DB=postgres://app:9#Hash-Brown@db.prod.acme.com/x\n", secrets: ["Hash-Brown"] },
  { name: "URI: a blank and a quote in the password", file: "ao.yml", text: "url: postgres://app:pa ss\"Word7@db.prod.acme.com/x\n", secrets: ["ss\"Word7", "Word7"] },
  {
    name: "USER MAPPING: a comment before the password",
    file: "ap.sql",
    text: "CREATE SERVER ledger FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'ledger.prod.acme.com');\nCREATE USER MAPPING FOR app SERVER ledger OPTIONS (user 'app', /* rotated */ password 'Sx-cmt-map');\n",
    secrets: ["Sx-cmt-map"],
  },
  {
    name: "libpq: a quoted password over two lines",
    file: "aq.sh",
    text: "psql \"host=db.prod.acme.com dbname=app\" # then\npg_dump host=db.prod.acme.com password='first-Line\nsecond-Line'\n",
    secrets: ["first-Line", "second-Line"],
  },
  {
    name: ".properties: escapes and a line continuation in a JDBC password",
    file: "ar.properties",
    text: "db.url=jdbc:postgresql://db.prod.acme.com/app?user=app&password=Pa\\=ss\\:word\\\n    -Continued99\nother=1\n",
    secrets: ["Pa\\=ss", "Continued99"],
  },
];

const ALL_SECRETS = FORMS.flatMap((f) => f.secrets);

/** Output as a browser shows it: `--format html` escapes `&`, `<`, `'`…, which would hide a printed secret from `includes`. */
function unescapeHtml(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39|#x?[0-9a-f]+);/gi, (m, e: string) => {
    const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" };
    if (named[e] !== undefined) return named[e]!;
    const code = e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return Number.isNaN(code) ? m : String.fromCodePoint(code);
  });
}

function assertNoSecret(output: string, where: string): void {
  for (const text of [output, unescapeHtml(output)]) {
    for (const s of ALL_SECRETS) {
      if (s === "def@") continue; // only meaningful next to its form's frame
      assert.not.ok(text.includes(s), `${where}: the secret "${s}" appears in the output:\n${output}`);
    }
  }
}

const root = tempDir(Object.fromEntries(FORMS.map((f) => [f.file, f.text])));
const config = new Config({}, root, "test", builtin);
const results: FileResult[] = FORMS.map((f) => lintText(f.text, config, { filePath: path.join(root, f.file) }));

test("every form is found and reported (the test below is not vacuous)", () => {
  FORMS.forEach((f, i) => {
    const found = results[i]!.messages.filter((m) => m.ruleId === "no-prod-connection-string");
    assert.ok(found.length > 0, `${f.name}: no finding in\n${f.text}\n${brief(results[i]!.messages).join("\n")}`);
  });
});

for (const [format, reporter] of Object.entries(reporters)) {
  test(`--format ${format}: no password of any form, in colour or not`, () => {
    for (const color of [false, true]) {
      const all = reporter(results, { cwd: root, color, rules: builtinRules });
      assertNoSecret(all, `${format}${color ? " (colour)" : ""}`);
      assert.ok(all.length > 0);
      // and one file at a time, so a reporter that prints per-file text is covered the same way
      FORMS.forEach((f, i) => assertNoSecret(reporter([results[i]!], { cwd: root, color, rules: builtinRules }), `${format}, ${f.name}`));
    }
  });
}

test("stylish: the password is ****, the caret still underlines the whole connection string", () => {
  const out = reporters.stylish!([results[0]!], { cwd: root, color: false, rules: builtinRules });
  assert.match(out, /1 \| DATABASE_URL=postgres:\/\/app:\*\*\*\*@db\.prod\.acme\.com:5432\/app\n\s+\| {14}\^{45}\n/);
  const twice = reporters.stylish!([results[FORMS.findIndex((f) => f.file === "ad.sh")]!], { cwd: root, color: false, rules: builtinRules });
  assert.match(twice, /1 \| PGPASSWORD=\*\*\*\* psql postgres:\/\/app:\*\*\*\*@db\.prod\.acme\.com\/app -c 'SELECT 1'\n\s+\| {22}\^{40}\n/);
  const overlap = reporters.stylish!([results[FORMS.findIndex((f) => f.file === "af.env")]!], { cwd: root, color: false, rules: builtinRules });
  assert.match(overlap, /1 \| A=postgres:\/\/a:\*\*\*\*@db\.prod\.acme\.com\/a B=postgres:\/\/b:\*\*\*\*@db2\.prod\.acme\.com\/b\n/);
});

test("the real CLI, every format: stdout, stderr and --output-file", async () => {
  const reports = tempDir();
  for (const format of Object.keys(reporters)) {
    const r = await cli(["--format", format, "."], { cwd: root });
    assert.is(r.code, 1, `${format}: ${r.stderr}`);
    assertNoSecret(r.stdout + r.stderr, `cli --format ${format}`);
    assert.ok(r.stdout.length > 0);
    // outside the linted folder (a report inside it would be linted by the next format's run)
    const file = path.join(reports, `report.${format}`);
    const o = await cli(["--format", format, "--output-file", file, "."], { cwd: root });
    assert.is(o.code, 1);
    assertNoSecret(readFileSync(file, "utf8") + o.stdout + o.stderr, `cli --format ${format} --output-file`);
  }
  // standard input: every form in one text file
  const s = await cli(["--stdin", "--stdin-filename", "all-forms.txt"], { cwd: root, input: FORMS.map((f) => f.text).join("") });
  assert.is(s.code, 1);
  assert.match(s.stdout, /\*\*\*\*/);
  assertNoSecret(s.stdout + s.stderr, "cli --stdin");
});

test("a password nobody reports is kept out too: local hosts, the rule turned off, quoted in another rule's message", () => {
  const cases: { text: string; secret: string; config?: object }[] = [
    // local hosts are not findings, but a frame around another finding shows their lines
    { text: "L=postgres://u:Lx1-sock@/db?host=/var/run/postgresql\nDELETE FROM t;\nN=postgres://u:Lx2-local@localhost/db\n", secret: "Lx1-sock" },
    { text: "L=postgres://u:Lx1-sock@/db?host=/var/run/postgresql\nDELETE FROM t;\nN=postgres://u:Lx2-local@localhost/db\n", secret: "Lx2-local" },
    // another rule quotes the statement that holds it
    { text: "UPDATE t SET c = 'postgres://u:Lx3-quoted@localhost/x'\n\nWHERE id = 1;\n", secret: "Lx3-quoted" },
    // the rule is off (a folder of fixtures), the host is production
    {
      text: "SELECT dblink('host=db.prod.acme.com user=a password=Lx4-off dbname=x','select 1'); DELETE FROM t;\n",
      secret: "Lx4-off",
      config: { rules: { "no-prod-connection-string": "off" } },
    },
  ];
  for (const c of cases) {
    const result = lintText(c.text, new Config(c.config ?? {}, root, "test", builtin), { filePath: path.join(root, "x.sql") });
    assert.ok(result.messages.length > 0, c.text);
    for (const [format, reporter] of Object.entries(reporters)) {
      const out = reporter([result], { cwd: root, color: false, rules: builtinRules });
      assert.not.ok(out.includes(c.secret), `${format}: "${c.secret}" printed:\n${out}`);
    }
  }
});

test("engine: secrets reach messages only through data, so a short password never mangles the rule's words", () => {
  // "pass" is inside the word "password" of the message template
  const r = lint("A=postgres://u:pass@db.acme.com/x B=mysql://u:Hunter22@db.acme.com/y\n", { filePath: ".env" });
  assert.equal(
    r.messages.map((m) => m.message),
    [
      "PostgreSQL URI points at db.acme.com, which is not a local or development host",
      "MySQL URI with an inline password points at db.acme.com, which is not a local or development host",
    ],
  );
});

test("engine: overlapping and touching redactions merge", () => {
  assert.equal(mergeRanges([[5, 10], [8, 15], [20, 22], [22, 25], [30, 30], [1, 2]]), [[1, 2], [5, 15], [20, 25]]);
});

test.run();

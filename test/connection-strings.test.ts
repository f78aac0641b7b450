/**
 * The connection-string scanner on its own: what the ESLint plugin calls on a string literal
 * (a string plus the literal's offset), the host policy, and inputs built to be slow.
 */
import fc from "fast-check";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { findConnectionStrings, LIBPQ_KEYS, nextAdoHint, nextLibpqKey, type KeyMatch } from "../src/secrets/connection-strings.js";
import { classifyHost, isPlaceholderHost, isPlaceholderPassword } from "../src/secrets/hosts.js";

const test = suite("connection strings");

const slices = (text: string, base = 0) =>
  findConnectionStrings(text, base).map((c) => ({
    form: c.form,
    text: text.slice(c.start - base, c.end - base),
    hosts: c.hosts.map((h) => `${h.host}=${text.slice(h.start - base, h.end - base)}:${h.verdict.kind}`),
    secrets: c.secrets.map((s) => text.slice(s.start - base, s.end - base)),
    finding: c.finding?.kind ?? null,
  }));

test("a string plus a base offset: every range is shifted by the offset", () => {
  const literal = "postgres://app:Pw9@db.prod.acme.com:5432/app";
  const [c] = findConnectionStrings(literal, 1000);
  assert.ok(c);
  assert.is(c!.start, 1000);
  assert.is(c!.end, 1000 + literal.length);
  assert.equal(c!.secrets, [{ start: 1000 + literal.indexOf("Pw9"), end: 1000 + literal.indexOf("Pw9") + 3 }]);
  assert.equal(
    c!.hosts.map((h) => [h.host, h.start, h.end]),
    [["db.prod.acme.com", 1000 + literal.indexOf("db."), 1000 + literal.indexOf(":5432")]],
  );
  assert.equal(c!.finding, { kind: "production", host: "db.prod.acme.com", reason: 'its name says "prod"' });
  assert.is(c!.hasPassword, true);
});

test("hosts and secrets of each form", () => {
  assert.equal(slices("x postgres://u:p%40ss@%2Fvar%2Frun%2Fpg/db y"), [
    { form: "uri", text: "postgres://u:p%40ss@%2Fvar%2Frun%2Fpg/db", hosts: ["/var/run/pg=%2Fvar%2Frun%2Fpg:local"], secrets: ["p%40ss"], finding: null },
  ]);
  assert.equal(slices("jdbc:postgresql://a.acme.com,b.acme.com:5433/db?user=u&password=pw&sslpassword=kp"), [
    {
      form: "jdbc",
      text: "jdbc:postgresql://a.acme.com,b.acme.com:5433/db?user=u&password=pw&sslpassword=kp",
      hosts: ["a.acme.com=a.acme.com:remote", "b.acme.com=b.acme.com:remote"],
      secrets: ["pw", "kp"],
      finding: "remote",
    },
  ]);
  assert.equal(slices("host=a.acme.com,/tmp port=5432 password='it\\'s'"), [
    { form: "keyword", text: "host=a.acme.com,/tmp port=5432 password='it\\'s'", hosts: ["a.acme.com=a.acme.com:remote", "/tmp=/tmp:local"], secrets: ["it\\'s"], finding: "remote" },
  ]);
  assert.equal(slices("Host=a.acme.com,b.acme.com;Password=\"p;w\";Database=x"), [
    {
      form: "ado",
      text: 'Host=a.acme.com,b.acme.com;Password="p;w";Database=x',
      hosts: ["a.acme.com=a.acme.com:remote", "b.acme.com=b.acme.com:remote"],
      secrets: ["p;w"],
      finding: "remote",
    },
  ]);
  assert.equal(slices("u:pw@tcp([2a00:1450::1]:3306)/db"), [
    { form: "mysql-dsn", text: "u:pw@tcp([2a00:1450::1]:3306)/db", hosts: ["[2a00:1450::1]=[2a00:1450::1]:remote"], secrets: ["pw"], finding: "remote" },
  ]);
});

test("template expressions are not secrets; stand-in passwords are secrets but not real ones", () => {
  const [t] = findConnectionStrings("postgres://app:${DB_PASSWORD}@db.acme.com/app");
  assert.equal(t!.secrets, []);
  assert.is(t!.hasPassword, false);
  const [p] = findConnectionStrings("postgres://app:password@db.acme.com/app");
  assert.is(p!.secrets.length, 1, "still redacted");
  assert.is(p!.hasPassword, false, "but not an inline password");
});

test("a password with $ or a leading ':' is a secret; only a value that is wholly a template is not", () => {
  const secretOf = (pw: string) => findConnectionStrings(`postgres://u:${pw}@db.acme.com/x`)[0]!.secrets.length;
  for (const pw of ["Pa$$w0rd", "$ecret", "hunter$2", ":colon", "pre${X}", "$Mixed"]) assert.is(secretOf(pw), 1, pw);
  for (const pw of ["${DB_PASSWORD}", "$PGPASSWORD", "{{ .Values.pw }}", "<%= ENV['PW'] %>", "%(password)s", "%DB_PW%", "${A}${B}"]) assert.is(secretOf(pw), 0, pw);
});

test("an ADO.NET password that starts with > is a password, not the arrow of code", () => {
  const after = slices("Server=db.acme.com;User Id=app;Password=>PN>6:At;Database=shop")[0]!;
  assert.equal(after.secrets, [">PN>6:At"]);
  const first = slices("Password=>x9Q;Server=db.acme.com;Database=shop")[0]!;
  assert.equal(first.secrets, [">x9Q"]);
  // code: `password => value` (spaced, quoted or a variable) stays code
  for (const code of ["opts = { password => 'x', server => 'db.acme.com' }", "password =>$pw; server=db.acme.com"]) {
    assert.ok(slices(code).every((c) => !c.secrets.some((t) => t.startsWith(">"))), code);
  }
});

test("a libpq password quoted inside a code string: an escaped backslash before a quote keeps the value going", () => {
  // the source line of `connectionString: "… password='\\'Ab c\\\\d' dbname=shop"`: read, the password is `'Ab c\d`
  const source = String.raw`const url = "host=db.acme.com user=app password='\\'Ab c\\\\d' dbname=shop";`;
  const c = slices(source)[0]!;
  assert.equal(c.secrets, [String.raw`\\'Ab c\\\\d`]);
  // outside a code string, a backslash escapes one character, as before
  assert.equal(slices("host=db.acme.com password='p\\'q r' dbname=x")[0]!.secrets, ["p\\'q r"]);
});

test("every connection string is listed, findings or not (callers may redact them all)", () => {
  const all = findConnectionStrings("a=postgres://u:LocalPw@localhost/db b=postgres://u:RemotePw@db.acme.com/db");
  assert.equal(
    all.map((c) => c.finding?.kind ?? null),
    [null, "remote"],
  );
});

test("host policy", () => {
  const kind = (h: string, policy = {}) => classifyHost(h, policy).kind;
  for (const h of ["localhost", "LOCALHOST", "127.0.0.1", "127.255.0.9", "::1", "[::1]", "[0:0:0:0:0:0:0:1]", "0.0.0.0", "[::]", "db", "postgres_1", "x.local", "a.localhost", "svc.test", "pg.example", "db.invalid", "example.com", "db.example.net", "host.docker.internal", "/var/run/postgresql", "@abstract", "192.0.2.1", "198.51.100.7", "203.0.113.9", "[2001:db8::1]"]) {
    assert.is(kind(h), "local", h);
  }
  for (const h of ["${DB_HOST}", "$PGHOST", "{{ host }}", "<host>", "<your-db-host>", "host", "hostname", "HOSTNAME", "your-host", "your-db.example.io", "xxx.rds.amazonaws.com", "ep-xxx-123.us-east-2.aws.neon.tech", "x.x.x.x", "…", "...", "%DB_HOST%", ":host", "[YOUR-HOST]", "<%= ENV['H'] %>"]) {
    assert.is(kind(h), "placeholder", h);
  }
  // names made for local development that resolve to 127.0.0.1 (drizzle-orm's CI and .env.example)
  for (const h of ["db.localtest.me", "localtest.me", "app.lvh.me", "localho.st", "127.0.0.1.nip.io", "pg.127-0-0-1.sslip.io"]) {
    assert.equal(classifyHost(h), { kind: "local", reason: "a name that resolves to this machine (127.0.0.1)" }, h);
  }
  assert.is(kind("10.0.0.7.nip.io"), "remote");
  // managed-database names no endpoint can have are examples (slonik's README, graphile-worker's docs,
  // Google's documented placeholders in slonik's tests)
  for (const h of ["mydb.us-east-1.rds.amazonaws.com", "DETAILS.FROM.AMAZON.rds.amazonaws.com", "/cloudsql/project-id:region-id1:cloudsqlinstance-name"]) {
    assert.equal(classifyHost(h), { kind: "placeholder", reason: "an example name (no such endpoint can exist)" }, h);
  }
  // an Atlas host names its cluster and its project: a name without the project is an example
  // (a Prisma guide's mongodb+srv://user:password@cluster.mongodb.net/mydb), and so is MongoDB's own
  for (const h of ["cluster.mongodb.net", "Cluster0.example.mongodb.net"]) {
    assert.equal(classifyHost(h), { kind: "placeholder", reason: "an example name (no such endpoint can exist)" }, h);
  }
  // the older form joins the project id to the cluster's name with a dash: one label, and real
  for (const h of ["cluster0.u7n6b.mongodb.net", "cluster0-shard-00-01.u7n6b.mongodb.net", "cluster0-shard-00-00-ab1cd.mongodb.net", "cluster0-ab1cd.mongodb.net", "prodcluster.mongodb.net"]) {
    assert.is(kind(h), "production", h);
  }
  const production: Record<string, string> = {
    "mydb.c9akciq32.us-east-1.rds.amazonaws.com": "an Amazon RDS / Aurora database",
    "shop.cluster-ro-c1.us-gov-west-1.rds.amazonaws.com.cn": "an Amazon RDS / Aurora database",
    "/cloudsql/acme-prod:northamerica-northeast1:shop": "a Google Cloud SQL instance (Cloud SQL connector socket)",
    "shop.cluster-c1.eu-west-1.rds.amazonaws.com": "an Amazon RDS / Aurora database",
    "shop.postgres.database.azure.com": "an Azure Database for PostgreSQL server",
    "shop.mysql.database.azure.com": "an Azure Database for MySQL server",
    "shop.database.windows.net": "an Azure SQL Database server",
    "/cloudsql/acme:us-central1:db": "a Google Cloud SQL instance (Cloud SQL connector socket)",
    "abc.europe-west1.sql.goog": "a Google Cloud SQL instance",
    "db.abcdefghijklmnopqrst.supabase.co": "a Supabase database",
    "aws-0-us-east-1.pooler.supabase.com": "a Supabase database",
    "ep-x-1.us-east-2.aws.neon.tech": "a Neon database",
    "dpg-abc.oregon-postgres.render.com": "a Render database",
    "roundhouse.proxy.rlwy.net": "a Railway database",
    "postgres.railway.internal": "a Railway database",
    "ec2-1-2-3-4.compute-1.amazonaws.com": "an Amazon EC2 host (where Heroku Postgres runs)",
    "db-pg-1-do-user-1.b.db.ondigitalocean.com": "a DigitalOcean managed database",
    "pg-1-acme.a.aivencloud.com": "an Aiven database",
    "p.abc.db.postgresbridge.com": "a Crunchy Bridge database",
    "x1.y2.tsdb.cloud.timescale.com": "a Timescale database",
    "rajje.db.elephantsql.com": "an ElephantSQL database",
    "aws.connect.psdb.cloud": "a PlanetScale database",
    "free-tier.gcp-us-central1.cockroachlabs.cloud": "a CockroachDB Cloud cluster",
    "cluster0.abcde.mongodb.net": "a MongoDB Atlas cluster",
  };
  for (const [h, why] of Object.entries(production)) assert.equal(classifyHost(h), { kind: "production", reason: why }, h);
  for (const h of ["db.prod.acme.com", "prod-db", "orders_production.acme.io", "db01.prd.acme.com", "live.acme.com", "pgprod3.acme.com", "prod01.acme.com", "k8s-db.prod.svc.cluster.local"]) {
    assert.is(kind(h), "production", h);
  }
  // words that merely contain the letters are not production
  for (const h of ["products.acme.com", "productivity-db.acme.com", "olive.acme.com", "delivery.acme.com", "db.internal", "10.0.3.7", "db.corp", "8.8.8.8", "[2a00:1450::1]"]) {
    assert.is(kind(h), "remote", h);
  }
  // config globs, the more specific one winning
  const policy = { prodHosts: ["*.acme.com", "*.prod.corp"], localHosts: ["*.dev.acme.com", "*.corp", "10.0.*"] };
  assert.is(kind("db.acme.com", policy), "production");
  assert.is(kind("db.dev.acme.com", policy), "local");
  assert.is(kind("db.prod.corp", policy), "production");
  assert.is(kind("db.qa.corp", policy), "local");
  assert.is(kind("10.0.3.7", policy), "local");
  assert.is(kind("DB.DEV.ACME.COM", policy), "local");
  assert.equal(classifyHost("db.acme.com", { prodHosts: ["db.acme.com"], localHosts: ["db.acme.com"] }).kind, "production", "a tie counts as production");
});

test("placeholders", () => {
  assert.ok(isPlaceholderHost("${DB_HOST:-localhost}"));
  assert.not.ok(isPlaceholderHost("db.acme.com"));
  for (const p of ["password", "PASSWORD", "<password>", "[YOUR-PASSWORD]", "${PGPASSWORD}", "$PGPASSWORD", "****", "xxx", "changeme", "your_password", "{password}", "secret1", "secret2", "pw", "password123", "dummy"]) {
    assert.ok(isPlaceholderPassword(p), p);
  }
  for (const p of ["hunter2", "S3cr3t!", "p@ss", "Tr0ub4dor&3", "Pw9", "secret12345", "pwned"]) assert.not.ok(isPlaceholderPassword(p), p);
});

test("passwords are read whole, however they are written; what only looks like one is not", () => {
  const secretsOf = (text: string) => slices(text).flatMap((c) => c.secrets);
  // quotes that do not close the string the value is in, braces, ';', raw '@' and '#'
  assert.equal(secretsOf(`"Host=db.acme.com;Password=N0t'So-S3cret;Database=app"`), ["N0t'So-S3cret"]);
  assert.equal(secretsOf("'host=db.acme.com dbname=app password=it''s-S3cret'"), ["it''s-S3cret"]);
  assert.equal(secretsOf("jdbc:sqlserver://sql.acme.com;user=sa;password={Pa;ss}}W0rd};encrypt=true"), ["Pa;ss}}W0rd"]);
  assert.equal(secretsOf("postgres://app@db.acme.com/x?password=Str0ng;Secret42&ssl=1"), ["Str0ng;Secret42"]);
  assert.equal(secretsOf("postgres://app:S3cr@et#Tail99@db.acme.com/x"), ["S3cr@et#Tail99"]);
  for (const pw of ["2024/Winter", "77?Quiet", "9#Hash"]) assert.equal(secretsOf(`postgres://app:${pw}@db.acme.com/x`), [pw]);
  assert.equal(secretsOf(String.raw`DB="postgres://app:pa ss\"w@db.acme.com:5432/x"`), [String.raw`pa ss\"w`]);
  assert.equal(secretsOf("CREATE USER MAPPING FOR a SERVER s /* x */ OPTIONS (user 'a', /* rotated */ password 'Sx-map');"), ["Sx-map"]);
  assert.equal(secretsOf("host=db.acme.com password='two\nlines'"), ["two\nlines"]);
  // not passwords: a port and a parameter's e-mail, an '@' in the path of a URI without userinfo
  assert.equal(slices("postgres://db.acme.com:5432/app?user=me@corp.com x"), [
    { form: "uri", text: "postgres://db.acme.com:5432/app?user=me@corp.com", hosts: ["db.acme.com=db.acme.com:remote"], secrets: [], finding: "remote" },
  ]);
  assert.equal(slices("postgres://localhost:5432/db # ask admin@corp.com")[0]!.secrets, []);
  assert.equal(slices('url = "postgres://u:pw@localhost"\nemail = "me@corp.com/x"')[0]!.secrets, ["pw"]);
});

// The quadratic versions of these took minutes; linear ones take milliseconds to a few hundred.
test("inputs built to be slow are scanned to the end", () => {
  const inputs = [
    "x=1;".repeat(50_000) + "host=a.acme.com;password=b;" + "y=2;".repeat(50_000),
    "Server=a;".repeat(10_000),
    "host=a ".repeat(10_000),
    "postgres://u:p@h.acme.com/db ".repeat(5_000),
    "postgres://" + "a:".repeat(50_000),
    "postgres://" + "@".repeat(50_000),
    "postgres://" + "${".repeat(50_000),
    "u" + ":p".repeat(50_000) + "@tcp(",
    "OPTIONS (".repeat(20_000),
    "CREATE SERVER s " + "OPTIONS (".repeat(20_000),
    ("word ".repeat(200) + "Server = x\n").repeat(200),
    // passwords read whole (issue 14): '@' after '@', quotes that do not close, braces, ';'
    "postgres://u:" + "@a ".repeat(30_000),
    "postgres://u:p" + "'@a/".repeat(30_000),
    "postgres://u:p'x ".repeat(30_000),
    "Host=x;Password=" + "a'".repeat(30_000),
    "jdbc:sqlserver://h;password={" + "a;".repeat(30_000),
    "postgres://h/x?password=" + "a;b=".repeat(20_000),
    "host=x password=''" + "\\''".repeat(30_000),
  ];
  // (no timing here: a backtracking blow-up would show as a suite far over its time budget)
  for (const text of inputs) {
    for (const c of findConnectionStrings(text)) assert.ok(c.start >= 0 && c.end <= text.length, JSON.stringify(text.slice(0, 30)));
  }
});

// The scanners start from each `=` and look back; these regular expressions say what they must find.
const LIBPQ_ORACLE = new RegExp(
  `(?<![\\w.&?;\\/$\\-])(${[...LIBPQ_KEYS].sort((a, b) => b.length - a.length).join("|")})[ \\t]*=(?![=>~])`,
  "g",
);
const ADO_ORACLE = /(?:host|server|data[ \t]*source|address|addr|password|pwd)[ \t]*=[^;\n]{0,300};|;[ \t]*(?:host|server|data[ \t]*source|address|addr|password|pwd)[ \t]*=/gi;

function oracle(re: RegExp, text: string, from: number): KeyMatch | null {
  re.lastIndex = from;
  const m = re.exec(text);
  return m ? { index: m.index, end: m.index + m[0].length } : null;
}

test("the = scanners find what the regular expressions would, from any position", () => {
  const token = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom("host", "Host", "hostaddr", "localhost", "port", "dbname", "user", "password", "Password", "pwd", "PWD", "sslmode", "fallback_application_name", "data", "Data", "source", "server", "address", "addr", "ess") },
    { weight: 5, arbitrary: fc.constantFrom(" ", "\t", "=", "=", "==", "=>", "=~", ";", ";", "\n", "\r") },
    { weight: 2, arbitrary: fc.constantFrom("x", "_", "1", ".", "&", "?", "/", "$", "-", "'", "a".repeat(290)) },
  );
  const key = fc.constantFrom("host", "HOST", "hostaddr", "localhost", "password", "pwd", "Data  source", "datasource", "server", "user", "dbname", "sslmode");
  const pair = fc.tuple(key, fc.constantFrom("", " ", "\t "), fc.constantFrom("=", "==", "=>"), fc.constantFrom("x", "'a b'", "", "a".repeat(299)), fc.constantFrom(";", " ", "; ", "\n", ""));
  const text = fc.array(fc.oneof(token, pair.map((p) => p.join(""))), { maxLength: 16 }).map((parts) => parts.join(""));
  fc.assert(
    fc.property(text, fc.nat(), (t, f) => {
      const from = t.length === 0 ? 0 : f % (t.length + 1);
      assert.equal(nextLibpqKey(t, from), oracle(LIBPQ_ORACLE, t, from), JSON.stringify([t, from]));
      assert.equal(nextAdoHint(t, from), oracle(ADO_ORACLE, t, from), JSON.stringify([t, from]));
    }),
    { numRuns: 3000 },
  );
});

test.run();

/**
 * Masking at the mechanism (issue 14): every credential-shaped value of a file is found once,
 * reported or not; rules quote from a masked view of the text, so an excerpt cut inside a
 * password, a chunk quoted by ambiguous-statement-split or the token a syntax error stops at
 * holds `****`, never a piece of it; code frames show masked lines; a fix that holds any piece of
 * a secret is applied by --fix but never shown; and a dev password does not eat unrelated text.
 */
import path from "node:path";
import { Linter } from "eslint";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { findCredentials } from "../src/secrets/credentials.js";
import { maskView, showMasked } from "../src/secrets/mask.js";
import { SqlDocument } from "../src/sql/document.js";
import type { FileResult } from "../src/engine/types.js";
import { reporters } from "../src/report/index.js";
import plugin from "../src/eslint/index.js";
import { lint, root } from "./helpers.js";
import { builtinRules } from "../rules/index.js";

const test = suite("masking");

/** Everything every format prints for a result. */
function printed(result: FileResult): string {
  return Object.values(reporters)
    .map((r) => r([result], { cwd: root, color: false, rules: builtinRules }))
    .join("\n");
}

function assertHidden(out: string, pieces: string[], where: string): void {
  for (const p of pieces) assert.not.ok(out.includes(p), `${where}: "${p}" is printed:\n${out}`);
}

const linter = new Linter({ configType: "flat", cwd: root });
function eslint(code: string, filename: string): Linter.LintMessage[] {
  return linter.verify(code, [...plugin.configs.recommended], path.join(root, filename));
}

const found = (text: string, kind: "sql" | "code" | "config" = "config") => findCredentials(text, kind).map(([a, b]) => text.slice(a, b));

test("the finder: role passwords, keyed values, .properties continuations", () => {
  assert.equal(found("CREATE ROLE app LOGIN PASSWORD 'R0le-S3cret';", "sql"), ["R0le-S3cret"]);
  assert.equal(found("ALTER USER x WITH ENCRYPTED PASSWORD E'a\\'b' VALID UNTIL 'infinity';", "sql"), ["a\\'b"]);
  assert.equal(found("ALTER ROLE x PASSWORD /* new */ $pw$Dollar-Quoted$pw$;", "sql"), ["Dollar-Quoted"]);
  assert.equal(found("CREATE ROLE x PASSWORD 'part-one'\n  'part-two';", "sql"), ["part-one'\n  'part-two"]);
  assert.equal(found("CREATE USER 'u'@'%' IDENTIFIED BY 'My-Sql-Pw';", "sql"), ["My-Sql-Pw"]);
  assert.equal(found("ALTER ROLE x PASSWORD NULL; SELECT password, password_hash FROM users;", "sql"), []);
  assert.equal(found('{ "db": { "password": "Js0n-Pw\\"x", "user": "app" } }', "code"), ['Js0n-Pw\\"x']);
  assert.equal(found("DB_PASSWORD=Env-Pw-1\nexport PGPASSWORD='Env Pw 2'\nspring.datasource.password = Pa\\=ss\\\n   word\n"), ["Env-Pw-1", "Env Pw 2", "Pa\\=ss\\\n   word"]);
  assert.equal(found("PGPASSWORD=Sx30 psql -h db -c 'select 1'"), ["Sx30"]);
  // placeholders and uses are not values
  assert.equal(found("password: ${DB_PASSWORD}\nPGPASSWORD=$PGPASSWORD psql\npassword: '{{ .Values.pw }}'"), []);
  // in code, a line `password = x` is code, not a value
  assert.equal(found("password = input.value;\nconst p = { password: 'Code-Pw' };", "code"), ["Code-Pw"]);
});

test("inputs built to be slow are scanned to the end", () => {
  // (no timing: a quadratic scan shows as a suite far over its time budget; these took minutes)
  const inputs = [
    "token=a ".repeat(50_000),
    "x".repeat(1000) + "a.token = b; ".repeat(50_000),
    "PASSWORD '".repeat(20_000),
    "password='".repeat(30_000),
    'password="\\'.repeat(30_000),
    "IDENTIFIED BY ".repeat(30_000),
    "password: x\\\n".repeat(30_000),
    "CREATE USER MAPPING FOR a SERVER s OPTIONS (" + "/* ".repeat(20_000),
  ];
  for (const text of inputs) {
    for (const kind of ["sql", "code", "config"] as const) for (const [a, b] of findCredentials(text, kind)) assert.ok(a >= 0 && b <= text.length);
  }
});

test("the masked view keeps every offset; runs of masked units show as ****", () => {
  const text = "a secret: hunter22; next\nline";
  const view = maskView(text, [[10, 18]]);
  assert.is(view.length, text.length);
  assert.is(showMasked(view), "a secret: ****; next\nline");
  assert.is(showMasked(view.slice(0, 14)), "a secret: ****", "a cut inside the secret");
  // a line break inside a secret stays, so frames keep their lines
  assert.is(showMasked(maskView("pw='ab\ncd'", [[4, 9]])), "pw='****\n****'");
  // a document nobody told finds its own credentials
  const doc = new SqlDocument("CREATE ROLE r PASSWORD 'Doc-Pw-1';");
  assert.is(showMasked(doc.quote(0, 30)), "CREATE ROLE r PASSWORD '****");
});

test("require-where: the always-true excerpt cut inside a password shows ****", () => {
  const r = lint("UPDATE settings SET x = 1 WHERE 1 = 1 OR dsn = 'postgres://app:Xk9vQ2mLpW7@db.internal.example.com/x';\n");
  const m = r.messages.find((x) => x.ruleId === "require-where")!;
  assert.is(m.message, "WHERE 1 = 1 OR dsn = 'postgres://app:****… is always true: UPDATE changes every row of settings");
  assertHidden(printed(r), ["Xk9v", "Q2mL", "LpW7"], "require-where");
  const e = eslint("db.query(\"UPDATE settings SET x = 1 WHERE 1 = 1 OR dsn = 'postgres://app:Xk9vQ2mLpW7@db.internal.example.com/x'\");", "a.ts");
  assert.is(e.find((x) => x.ruleId === "sqlguard/require-where")?.message, m.message);
});

test("ambiguous-statement-split: the quoted chunk shows the password as ****", () => {
  const text = "UPDATE accounts SET note = 'host=localhost password=Qw7-Split-Pw'\n\nWHERE id = 1;\n";
  const r = lint(text);
  const m = r.messages.find((x) => x.ruleId === "ambiguous-statement-split")!;
  assert.match(m.message, "`UPDATE accounts SET note = 'host=localhost password=****'`");
  assertHidden(printed(r), ["Qw7-", "Split-Pw"], "ambiguous-statement-split");
  assertHidden(JSON.stringify(eslint(text, "a.sql")), ["Qw7-", "Split-Pw"], "eslint");
});

test("syntax-error: the token the parser stopped at is rebuilt from the masked text", () => {
  const text = "SELECT 1;\nSELECT dblink_exec('password='correct horse battery'');\n";
  const r = lint(text);
  const m = r.messages.find((x) => x.ruleId === "syntax-error")!;
  assert.is(m.message, 'syntax error at or near "****"');
  assertHidden(printed(r), ["correct", "horse", "battery"], "syntax-error");
  const e = eslint(text, "a.sql").find((x) => x.ruleId === "sqlguard/syntax-error")!;
  assert.is(e.message, m.message);
  // a role's password the parser quotes whole
  const role = lint("CREATE ROLE r LOGIN PASSWORD 'Sx-abc1' 'Sx-def2';\n");
  assertHidden(printed(role), ["Sx-abc1", "Sx-def2"], "role");
});

test("CREATE/ALTER ROLE passwords, and forms that were not found, never show in a code frame around another finding", () => {
  const lines = [
    "CREATE ROLE app LOGIN PASSWORD 'R0le-Pw-2024';",
    "ALTER USER ops WITH ENCRYPTED PASSWORD 'Op$-Pw-9';",
    "-- dsn: postgres://app:S3cr@et#Tail99@db.internal.example.com/x",
    "-- dsn: postgres://app:2024/Winter-Key@db.internal.example.com/x",
    "-- conn: host=localhost password='multi",
    "--   Line-Pw'",
    "CREATE USER MAPPING FOR app SERVER local_srv OPTIONS (user 'app', /* c */ password 'Map-Pw-7');",
  ];
  for (let i = 0; i < lines.length; i++) {
    const text = [...lines.slice(0, i), lines[i], "DELETE FROM t;", ...lines.slice(i + 1)].join("\n") + "\n";
    const r = lint(text);
    assert.ok(r.messages.some((m) => m.ruleId === "require-where"));
    assertHidden(printed(r), ["R0le-Pw", "Pw-2024", "Op$-Pw", "Tail99", "et#T", "Winter-Key", "Line-Pw", "Map-Pw"], `line ${i + 1}`);
  }
});

test("SQL in code: a password inside a template is masked in the excerpt (the document text is the cooked string)", () => {
  const code = "const q = sql`UPDATE settings SET x = 1 WHERE true OR dsn = 'postgres://app:Tpl\\`Pw-Quote9@db.internal.example.com/x'`;\n";
  const r = lint(code, { filePath: "q.ts" });
  const m = r.messages.find((x) => x.ruleId === "require-where")!;
  assert.match(m.message, "postgres://app:****");
  assertHidden(printed(r), ["Tpl`", "Pw-Quote9", "Quote9"], "cli");
  assertHidden(JSON.stringify(eslint(code, "q.ts")), ["Tpl`", "Pw-Quote9", "Quote9"], "eslint");
});

test("a fix or suggestion holding any piece of a password is never shown, whatever the password's length; --fix still applies it", () => {
  for (const pw of ["a", "Zq", "Zq7", "Zq7-long-password"]) {
    // require-transaction's suggestion wraps the writes: its text holds the role's password
    const text = `UPDATE t SET a = 1 WHERE id = 1;\nCREATE ROLE r LOGIN PASSWORD '${pw}';\nUPDATE t SET a = 2 WHERE id = 2;\n`;
    const r = lint(text);
    for (const m of r.messages) {
      assert.not.ok(m.fix && m.fix.text.includes(`'${pw}'`), `fix shown for ${pw}`);
      for (const s of m.suggestions ?? []) assert.not.ok(s.fix.text.includes(`'${pw}'`), `suggestion shown for ${pw}`);
    }
    const e = eslint(text, "a.sql");
    assert.ok(e.some((m) => m.ruleId === "sqlguard/require-transaction"));
    for (const m of e) {
      assert.not.ok(m.fix?.text.includes(`'${pw}'`), `ESLint fix for ${pw}`);
      for (const s of m.suggestions ?? []) assert.not.ok(s.fix.text.includes(`'${pw}'`), `ESLint suggestion for ${pw}`);
    }
  }
  // ambiguous-statement-split's fix keeps the text between two blank lines: applied, not shown
  const split = "UPDATE accounts SET note = 'x'\n\n, pw = 'host=localhost password=Fx-Pw-12'\n\nWHERE id = 1;\n";
  const shown = lint(split);
  assert.ok(shown.messages.some((m) => m.ruleId === "ambiguous-statement-split"));
  assert.not.ok(JSON.stringify(shown.messages).includes("Fx-Pw-12"));
  assert.not.ok(reporters.json!([shown], { cwd: root, color: false, rules: builtinRules }).includes("Fx-Pw"));
  assert.not.ok(JSON.stringify(eslint(split, "a.sql")).includes("Fx-Pw"));
  const fixed = lint(split, { fix: true });
  assert.is(fixed.output, "UPDATE accounts SET note = 'x'\n, pw = 'host=localhost password=Fx-Pw-12'\nWHERE id = 1;\n");
});

test("a dev password masks its place, not every word that shares its letters", () => {
  const text = "-- local: postgres://shop:shop@localhost/shop\nDELETE FROM shop_app;\nUPDATE shop_orders SET x = 1 WHERE true;\n";
  const r = lint(text);
  assert.equal(
    r.messages.filter((m) => m.ruleId === "require-where").map((m) => m.message),
    ["DELETE without WHERE removes every row of shop_app", "WHERE true is always true: UPDATE changes every row of shop_orders"],
  );
  const frame = reporters.stylish!([r], { cwd: root, color: false, rules: builtinRules });
  assert.match(frame, "postgres://shop:****@localhost/shop");
  assert.match(frame, "DELETE FROM shop_app;");
});

test("SQL in code: a credential in an interpolation glued to a name reaches no output through the name that stands for it", () => {
  // the name quotes the expression's text in SQL's way (`""`), which moves every unit after the
  // quote away from the host character it maps to: the last characters of the password used to
  // show (`a****w@x.e…`)
  const secret = "Kx7Vb2NpQr8sTw";
  const code = [
    "export async function f(db: any, conn: any) {",
    `  await db.query(\`DELETE FROM \${conn("postgresql://a:${secret}@x.example.com/a")}_users\`);`,
    `  await db.query(\`DELETE FROM "old_\${conn("postgresql://a:${secret}@x.example.com/a")}"\`);`,
    `  await db.query(\`UPDATE \${auth({ password: "${secret}" })}_t SET a = 1\`);`,
    "}",
    "",
  ].join("\n");
  const r = lint(code, { filePath: "names.ts" });
  assert.ok(r.messages.some((m) => m.ruleId === "require-where"), "the statements are read and reported");
  const pieces = [secret.slice(-1) + "@x", secret.slice(-1) + "}_", secret.slice(-1) + '""'];
  for (let i = 0; i + 3 <= secret.length; i++) pieces.push(secret.slice(i, i + 3));
  assertHidden(printed(r), pieces, "cli");
  assertHidden(JSON.stringify(eslint(code, "names.ts")), pieces, "eslint");
});

test.run();

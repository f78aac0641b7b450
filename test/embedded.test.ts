/**
 * SQL embedded in TypeScript/JavaScript: which strings are SQL, placeholders and fragments, exact
 * host positions through escapes, directives in code, transaction wrappers, files that do not parse.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { Config, ConfigError, type UserConfig } from "../src/engine/config.js";
import { extractCode, isTestFile, looksMinified, resolveEmbedded, type CodeSql } from "../src/extract/embedded.js";
import { fileKind } from "../src/extract/index.js";
import { isMigrationRun } from "../src/run-model/index.js";
import { brief, lint } from "./helpers.js";
import { builtin } from "../rules/index.js";

/** Findings of a code file, as `line:col-endLine:endCol rule message`. */
function found(code: string, options: { file?: string; config?: UserConfig } = {}): string[] {
  return brief(lint(code, { filePath: options.file ?? "src/db.ts", ...(options.config ? { config: options.config } : {}) }).messages);
}

/** Just the lines and columns of require-where findings. */
function where(code: string, file = "src/db.ts", config?: UserConfig): string[] {
  return lint(code, { filePath: file, ...(config ? { config } : {}) })
    .messages.filter((m) => m.ruleId === "require-where")
    .map((m) => `${m.line}:${m.column}-${m.endLine}:${m.endColumn}`);
}

function extracted(code: string, file = "src/db.ts", config: UserConfig = {}): CodeSql {
  const settings = new Config(config, "/", "test", builtin).embedded;
  return extractCode(code, file, { settings });
}

const test = suite("embedded SQL");

test("code files are a file kind of their own", () => {
  for (const f of ["a.ts", "a.tsx", "a.mts", "a.cts", "a.js", "a.jsx", "a.mjs", "a.CJS"]) assert.is(fileKind(f), "code", f);
  assert.is(fileKind("a.sql"), "sql");
  assert.is(fileKind("a.json"), "text");
});

test("tagged templates: every default tag form", () => {
  const forms = [
    "sql`DELETE FROM t`",
    "SQL`DELETE FROM t`",
    "db.sql`DELETE FROM t`",
    "sql.unsafe`DELETE FROM t`",
    "sql.fragment`DELETE FROM t`",
    "sql.type(z.object({}))`DELETE FROM t`",
    "sql.typeAlias('void')`DELETE FROM t`",
    "Prisma.sql`DELETE FROM t`",
    "prisma.$queryRaw`DELETE FROM t`",
    "this.prisma.$executeRaw`DELETE FROM t`",
    "tx.$executeRaw<number>`DELETE FROM t`",
    "$queryRaw`DELETE FROM t`",
  ];
  for (const f of forms) {
    const code = `await ${f};\n`;
    const col = code.indexOf("DELETE") + 1;
    assert.equal(where(code), [`1:${col}-1:${col + 13}`], f);
  }
  // a tag that is not SQL decides what its text is
  assert.equal(where("const q = gql`DELETE FROM t`;\nconst s = css`DELETE FROM t`;\n"), []);
});

test("calls: the first argument of every default function", () => {
  const forms = [
    "pool.query('DELETE FROM t')",
    'client.query("DELETE FROM t", [])',
    "conn.execute(`DELETE FROM t`)",
    "knex.raw('DELETE FROM t')",
    "sql.unsafe('DELETE FROM t')",
    "prisma.$queryRawUnsafe('DELETE FROM t')",
    "tx.$executeRawUnsafe(`DELETE FROM t`, 1)",
    "db.none('DELETE FROM t')",
    "db.one('DELETE FROM t RETURNING id')",
    "db.many('DELETE FROM t RETURNING id')",
    "db.any('DELETE FROM t RETURNING id')",
    "db.oneOrNone('DELETE FROM t RETURNING id')",
    "db.manyOrNone('DELETE FROM t RETURNING id')",
    "db.result('DELETE FROM t')",
    "pool.query({ text: 'DELETE FROM t', values: [] })",
    "conn.query({ sql: 'DELETE FROM t' })",
    "pool.query('DELETE FROM t' as string)",
    "pool.query<Row>('DELETE FROM t')",
    "this.pool?.query('DELETE FROM t')",
  ];
  for (const f of forms) {
    const code = `await ${f};\n`;
    const col = code.indexOf("DELETE") + 1;
    assert.equal(where(code), [`1:${col}-1:${col + 13}`], f);
  }
  // not the first argument, not a string
  assert.equal(where("await pool.query(text, 'DELETE FROM t');\nawait pool.query(build('x'));\n", "src/db.ts", { embedded: { literals: false } }), []);
});

test("a const of the same file holding the SQL", () => {
  const code = ["const PURGE = `", "  DELETE FROM sessions`;", "export async function purge() {", "  await pool.query(PURGE);", "}", ""].join("\n");
  assert.equal(where(code), ["2:3-2:23"]);
  // shadowed or reassigned names are not followed
  const shadowed = ["const q = 'SELECT 1';", "function f(q: string) { return pool.query(q); }", "const r = 'DELETE FROM a ' + where;", "pool.query(r);", ""].join("\n");
  assert.equal(where(shadowed), []);
  // one const used by two calls is one string
  const twice = ["const q = 'DELETE FROM t';", "await a.query(q);", "await b.query(q);", ""].join("\n");
  assert.equal(where(twice), ["1:12-1:25"]);
  // names resolve by scope: the same name in two functions, a module const declared below its use
  const scoped = [
    "function a() { const q = 'DELETE FROM one WHERE id = 1'; return pool.query(q); }",
    "function b() { const q = 'DELETE FROM two'; return pool.query(q); }",
    "function c() { return pool.query(LATER); }",
    "function d(LATER: string) { return pool.query(LATER); }",
    "const LATER = `UPDATE three SET x = 1`;",
    "",
  ].join("\n");
  assert.equal(where(scoped, "src/db.ts", { embedded: { literals: false } }), ["2:27-2:42", "5:16-5:28"]);
  // `let` is not a const
  assert.equal(where("let q = 'DELETE FROM t' + suffix;\nawait pool.query(q);\n"), []);
});

test("string concatenation: pieces join, expressions become placeholders", () => {
  const code = ["await pool.query('UPDATE accounts ' +", "  'SET balance = 0');", "await pool.query('DELETE FROM t WHERE id = ' + id);", ""].join("\n");
  assert.equal(where(code), ["1:19-1:34"]);
  // a piece that is only the start of a statement is not SQL of its own
  assert.equal(where("const base = 'DELETE FROM orders';\nawait pool.query(base + ' WHERE id = $1', [id]);\n"), []);
});

test("configurable tags and functions; '!' removes a default; bad names are config errors", () => {
  const config: UserConfig = { embedded: { tags: ["pgsql", "db.q"], functions: ["runSql", "!raw"] } };
  const code = [
    "await pgsql`DELETE FROM a`;",
    "await db.q`DELETE FROM b`;",
    "await runSql('DELETE FROM c');",
    "await knex.raw('DELETE FROM d');",
    "await other.q`DELETE FROM e`;",
    "",
  ].join("\n");
  assert.equal(
    where(code, "src/db.ts", { ...config, embedded: { ...config.embedded, literals: false } }),
    ["1:13-1:26", "2:12-2:25", "3:15-3:28"],
  );
  assert.throws(() => new Config({ embedded: { tags: ["not a name"] } }, "/", "test", builtin), (e: unknown) => e instanceof ConfigError && /embedded\.tags\[0\]: "not a name" is not a name/.test((e as Error).message));
  assert.throws(() => new Config({ embedded: { functions: ["!nope"] } }, "/", "test", builtin), /"!nope" removes nothing \(the defaults are: query, execute/);
  assert.throws(() => new Config({ embedded: { tag: ["x"] } } as unknown as UserConfig, "/", "test", builtin), /embedded\.tag: unknown option \(known: tags, functions, transactions, literals\)/);
  assert.throws(() => new Config({ embedded: { literals: "yes" } } as unknown as UserConfig, "/", "test", builtin), /embedded\.literals: must be true or false/);
  assert.equal(resolveEmbedded({ tags: ["sql"] }).settings.tags.filter((t) => t.text === "sql").length, 1, "no duplicates");
});

test("other literals: SQL only when they start with a keyword and parse completely", () => {
  const code = [
    "const a = 'DELETE FROM carts';", // 1: SQL
    "const b = 'update available';", // not SQL: does not parse
    "const c = 'Delete from cart';", // sentence case: a label
    "const d = 'select';", // one word
    "console.log('DELETE FROM logs');", // a log line
    "throw new Error('DELETE FROM x failed');",
    "logger.info('UPDATE t SET a = 1');",
    "const e = t('delete from cart');", // i18n
    "const f = <Button label={'DELETE FROM t'} />;", // JSX
    "type G = 'DELETE FROM t';", // a type
    "const h = { 'DELETE FROM t': 1 };", // a key
    "const i = `UPDATE orders SET x = ${x}`;", // 12: SQL with a placeholder
    "const j = 'lock screen';", // weak keyword in lower case
    "const k = 'VACUUM orders';", // weak keyword in upper case: SQL (no rule on it here)
    "expect(q.sql).toBe('delete from person');", // an expectation
    "",
  ].join("\n");
  assert.equal(where(code, "src/app.tsx"), ["1:12-1:29", "12:12-12:25"]);
  const ex = extracted(code, "src/app.tsx");
  assert.equal(ex.parts.map((p) => p.doc.sql), ["DELETE FROM carts", "UPDATE orders SET x = $1", "VACUUM orders"]);
  // literals can be switched off, and are not read in test files
  assert.equal(where(code, "src/app.tsx", { embedded: { literals: false } }), []);
  assert.equal(where(code, "src/app.test.tsx"), []);
  assert.ok(isTestFile("a/__tests__/x.ts") && isTestFile("x.spec.mjs") && !isTestFile("src/contest.ts"));
});

test("placeholders: values are $n, identifiers are retried, the position is the ${…}", () => {
  const code = "await sql`DELETE FROM ${sql(table)} WHERE id = ${id}`;\nawait sql`DELETE FROM ${sql(table)}`;\n";
  const ex = extracted(code);
  assert.equal(ex.parts.map((p) => p.doc.sql), ['DELETE FROM "${sql(table)}" WHERE id = $2', 'DELETE FROM "${sql(table)}"']);
  // the finding covers DELETE FROM ${sql(table)} exactly
  assert.equal(found(code), ['2:11-2:36 require-where DELETE without WHERE removes every row of ${sql(table)}']);
  // lists and subqueries
  const more = extracted("await sql`DELETE FROM t WHERE id IN ${sql(ids)}`;\nawait sql`SELECT * FROM (${inner}) AS x`;\n");
  assert.equal(more.parts.map((p) => p.doc.sql), ["DELETE FROM t WHERE id IN ($1)", "SELECT * FROM (SELECT $1) AS x"]);
  // two interpolations side by side stay two tokens
  assert.equal(extracted("await sql`SELECT ${a}${b} FROM t`;").parts.map((p) => p.doc.sql), ['SELECT $1 "${b}" FROM t']);
  // a clause where the rows of a write are chosen is not read as an alias
  assert.equal(extracted("await sql`UPDATE t SET a = 1 FROM u ${join}`;\nawait sql`DELETE FROM t USING u ${where}`;").parts, []);
  assert.equal(extracted("await sql`SELECT * FROM (${query}) ${alias} WHERE x = ${y}`;").parts.map((p) => p.doc.sql), ['SELECT * FROM (SELECT $1) "${alias}" WHERE x = $3']);
  // text glued to a name at the very end may be the name's end or the rest of the statement
  assert.equal(extracted("await db.query('DELETE FROM logs_' + month);").parts, []);
  assert.equal(extracted("await db.query(`DELETE FROM p_${i + 1}`);").parts.map((p) => p.doc.sql), ["DELETE FROM p_$1"]);
  // ... elsewhere it is a piece of that one name, which holds the code's own text
  assert.equal(extracted("await db.query(`DELETE FROM logs_${month} WHERE day < $1`, [d]);").parts.map((p) => p.doc.sql), ['DELETE FROM "logs_${month}" WHERE day < $1']);
  // a placeholder inside a SQL string is just text
  assert.equal(extracted("await sql`SELECT * FROM t WHERE name LIKE '%${q}%'`;").parts.map((p) => p.doc.sql), ["SELECT * FROM t WHERE name LIKE '%$1%'"]);
  // an expression longer than an identifier may be is shortened
  const long = extracted("await sql`DELETE FROM ${tenant.schema}.${tables.forTenant(tenant.id, { archived: true }).name}`;");
  assert.equal(long.parts[0]!.doc.sql, 'DELETE FROM "${tenant.schema}"."${tables.forTenant(tenant.id, { archived:…}"');
});

test("fragments are skipped, never reported; WHERE from an interpolation is not a finding", () => {
  const code = [
    "const cond = sql`AND x = ${y}`;",
    "const a = sql`${withSql}delete from ${table}${whereSql}${returningSql}`;", // drizzle's builder
    "const b = sql`update ${table} set ${setSql}${whereSql}`;",
    "const c = sql`DELETE FROM users ${where}`;",
    "const d = sql`UPDATE users SET a = 1 ${where}`;",
    "const e = sql`DELETE FROM users ${sql.raw('WHERE id = 1')}`;",
    "const f = sql`SELECT ${sql.raw('DELETE FROM t')} FROM t WHERE x`;", // the raw DELETE is a piece
    "const g = sql`ORDER BY ${col} ${dir}`;",
    "",
  ].join("\n");
  assert.equal(found(code), []);
  const ex = extracted(code);
  assert.equal(ex.parts.map((p) => p.doc.sql), ["SELECT $1 FROM t WHERE x"]);
  assert.equal(ex.skipped.map((s) => `${s.reason} ${code.slice(s.start, s.end).slice(0, 12)}`).sort(), [
    "fragment `${withSql}d",
    "fragment `AND x = ${y",
    "fragment `DELETE FROM",
    "fragment `DELETE FROM",
    "fragment `ORDER BY ${",
    "fragment `UPDATE user",
    "fragment `update ${ta",
    "nested 'DELETE FROM",
    "nested 'WHERE id = ",
  ]);
  // a column alias is fine when written with AS
  assert.equal(extracted("await sql`SELECT a AS ${name} FROM t`;").parts.length, 1);
});

test("SQL inside an interpolation is read in place: nested tags and conditional clauses", () => {
  const consts = [
    "const keyset = after === null ? Prisma.empty : Prisma.sql`AND (start > ${after} OR id > ${id})`;",
    "const page = dir === 'fwd' ? (cursor ? Prisma.sql`AND id < ${cursor}` : Prisma.empty) : Prisma.empty;",
    "await prisma.$queryRaw`SELECT * FROM events WHERE trace = ${trace} ${keyset} ${page} LIMIT ${n}`;",
    "const where = 'WHERE id = $1';",
    "await pool.query(`DELETE FROM t ${where}`, [id]);",
    "const base = 'DELETE FROM u';",
    "await pool.query(base + ' WHERE id = $1', [id]);",
    "",
  ].join("\n");
  assert.equal(extracted(consts).parts.map((p) => p.doc.sql), [
    "SELECT * FROM events WHERE trace = $1 AND (start > $2 OR id > $3) AND id < $4 LIMIT $5",
    "DELETE FROM t WHERE id = $1",
    "DELETE FROM u WHERE id = $1",
  ]);
  assert.equal(found(consts), []);
  const code = [
    "await prisma.$queryRaw`",
    "  SELECT * FROM events WHERE trace = ${traceId}",
    "  ${debug ? Prisma.sql`AND kind <> 'LOG'` : Prisma.empty}",
    "  ORDER BY start`;",
    "await sql`DELETE FROM jobs ${all ? sql`` : sql`WHERE id = ${id}`}`;",
    "await pool.query(`DELETE FROM t ${id ? `WHERE id = ${id}` : ''}`);",
    "",
  ].join("\n");
  const ex = extracted(code);
  assert.equal(
    ex.parts.map((p) => p.doc.sql.replace(/\s+/g, " ").trim()),
    ["SELECT * FROM events WHERE trace = $1 AND kind <> 'LOG' ORDER BY start", "DELETE FROM jobs WHERE id = $1", "DELETE FROM t WHERE id = $1"],
  );
  assert.equal(found(code), []);
  // positions inside the inlined part map to it
  const bad = "await sql`SELECT 1; ${sql`DELETE FROM t`}`;\n";
  assert.equal(where(bad), ["1:27-1:40"]);
});

test("positions through escapes, line continuations, multi-byte text and CRLF", () => {
  const cases: [string, string][] = [
    ["await pool.query('SELECT 1;\\nDELETE FROM t');", "1:30-1:43"],
    ["await pool.query(\"SELECT '\\\\' AS \\\"b\\\"; DELETE FROM t\");", "1:41-1:54"],
    ["await pool.query(`SELECT '\\`'; DELETE FROM t`);", "1:32-1:45"],
    ["await pool.query('SELECT \\u{1F600}; DELETE FROM t');", "1:37-1:50"],
    ["await pool.query('SELECT \\x41; DELETE FROM t');", "1:32-1:45"],
    ["await pool.query('SELECT 1; \\\nDELETE FROM t');", "2:1-2:14"],
    ["await pool.query('SELECT \\'é😀\\'; DELETE FROM t');", "1:35-1:48"],
    ["const x = '😀'; await pool.query('DELETE FROM \"café😀\"');", "1:35-1:55"],
    ["await pool.query(`SELECT 1;\r\n  DELETE FROM t`);\r\n", "2:3-2:16"],
    ["await pool.query(`SELECT 1;\r  DELETE FROM t`);", "2:3-2:16"],
    ["await pool.query('\\x44ELETE FROM t');", "1:19-1:35"],
    ["await pool.query('DELETE\\u0020FROM\\tt');", "1:19-1:38"],
    ["await pool.query('\\u{44}ELETE FROM t');", "1:19-1:37"],
    ["await pool.query(`\n\n    DELETE\n    FROM t`);", "3:5-4:11"],
  ];
  for (const [code, want] of cases) assert.equal(where(code), [want], JSON.stringify(code));
});

test("directives in code: //, /* */, and -- inside the SQL string", () => {
  const code = [
    "// sqlguard-disable-next-line require-where -- nightly purge",
    "await sql`",
    "  DELETE FROM sessions`;",
    "/* sqlguard-disable-next-line require-where */",
    "await pool.query(",
    "  'DELETE FROM carts');",
    "await pool.query('DELETE FROM a'); // sqlguard-disable-line require-where",
    "await pool.query(`",
    "  -- sqlguard-disable-next-line require-where",
    "  DELETE FROM b;",
    "  DELETE FROM c`);",
    "await pool.query('-- sqlguard-disable-next-line require-where\\nDELETE FROM d');",
    "// sqlguard-disable require-where",
    "await pool.query('DELETE FROM e');",
    "// sqlguard-enable require-where",
    "await pool.query('DELETE FROM f');",
    "",
  ].join("\n");
  assert.equal(found(code), [
    "11:3-11:16 require-where DELETE without WHERE removes every row of c",
    "16:19-16:32 require-where DELETE without WHERE removes every row of f",
  ]);
  // a JSDoc-style block comment is a directive too
  assert.equal(found("/** sqlguard-disable-next-line require-where -- reviewed */\nawait pool.query('DELETE FROM users');\n"), []);
  // an unused directive in code is reported like one in SQL
  assert.equal(found("// sqlguard-disable-next-line require-where\nawait pool.query('SELECT 1');\n"), [
    "1:1-1:44 - unused sqlguard-disable-next-line directive (no require-where problem to suppress here)",
  ]);
  // the comment covers the string whose code starts on the next line, not the one after
  assert.equal(where("// sqlguard-disable-next-line require-where\nconst ok = 1;\nawait pool.query('DELETE FROM t');\n"), ["3:19-3:32"]);
});

test("transaction wrappers mark the SQL inside their callbacks", () => {
  const code = [
    "await sql.begin(async (sql) => { await sql`UPDATE a SET x = 1 WHERE id = ${id}`; });",
    "await db.transaction(async (tx) => { await tx.execute(sql`DELETE FROM b WHERE id = 1`); });",
    "await prisma.$transaction([prisma.$executeRaw`DELETE FROM c WHERE id = 1`]);",
    "await prisma.$transaction(async (tx) => tx.$executeRawUnsafe('DELETE FROM d WHERE id = 1'));",
    "await knex.transaction((trx) => trx.raw('DELETE FROM e WHERE id = 1'));",
    "await db.transaction().setIsolationLevel('serializable').execute(async (trx) => { await sql`DELETE FROM f WHERE id = 1`.execute(trx); });",
    "await pool.query('DELETE FROM g WHERE id = 1');",
    "await sql.begin('read write', async (sql) => sql`DELETE FROM h WHERE id = 1`);",
    "",
  ].join("\n");
  const ex = extracted(code);
  assert.equal(
    ex.parts.map((p) => `${/FROM (\w)/.exec(p.doc.sql)?.[1] ?? "a"}:${p.doc.assumeInTransaction}`),
    ["a:true", "b:true", "c:true", "d:true", "e:true", "f:true", "g:false", "h:true"],
  );
  // configurable
  const custom = extracted("await withTx(async (c) => c.query('DELETE FROM t WHERE id = 1'));", "src/db.ts", { embedded: { transactions: ["withTx"] } });
  assert.is(custom.parts[0]!.doc.assumeInTransaction, true);
  // a file the config says runs in a transaction
  const config = new Config({ assumeInTransaction: ["migrations/**"] }, "/", "test", builtin);
  const mig = extractCode("await knex.raw('DELETE FROM t WHERE a = 1');", "/migrations/1.ts", { settings: config.embedded, assumeInTransaction: config.assumeInTransaction("/migrations/1.ts") });
  assert.is(mig.parts[0]!.doc.assumeInTransaction, true);
  // the file directives of SQL scripts, in a code comment
  const assumed = extracted("// sqlguard-assume-in-transaction -- knex wraps each migration\nawait knex.raw('DELETE FROM t WHERE a = 1');");
  assert.is(assumed.parts[0]!.doc.assumeInTransaction, true);
  const opted = extractCode("/* sqlguard-no-transaction */\nawait knex.raw('DELETE FROM t WHERE a = 1');", "/migrations/2.ts", { settings: config.embedded, assumeInTransaction: true });
  assert.is(opted.parts[0]!.doc.assumeInTransaction, false);
});

test("a transaction the code opens makes its SQL run wrapped, not a migration", () => {
  // application code that builds a table's index inside db.transaction(…): the index is on a
  // table the same transaction made, and nothing says a migration runner sends this file
  const code = "await db.transaction(async (trx) => {\n  await trx.raw('CREATE TABLE IF NOT EXISTS p1 (a int)');\n  await trx.raw('CREATE INDEX IF NOT EXISTS p1_a ON p1 (a)');\n});\n";
  const part = extracted(code).parts[1]!;
  assert.is(part.doc.assumeInTransaction, true);
  assert.is(part.doc.run.source, "code-transaction");
  assert.is(part.doc.run.transactionName, "the transaction the code opens around this SQL");
  assert.is(isMigrationRun(part.doc.run), false);
  assert.equal(found(code), []);
  // the file directive and the config still make it a migration's SQL
  const said = extracted("// sqlguard-assume-in-transaction\n" + code).parts[1]!;
  assert.is(isMigrationRun(said.doc.run), true);
  assert.ok(found("// sqlguard-assume-in-transaction\n" + code.replace("CREATE INDEX IF NOT EXISTS p1_a ON p1", "CREATE INDEX IF NOT EXISTS q_a ON q")).some((f) => f.includes("require-concurrent-index")));
});

test("a code file that does not parse: one located fatal message, no rule id", () => {
  const r = lint("await pool.query('DELETE FROM t');\nconst x = ;\n", { filePath: "src/broken.ts" });
  assert.equal(
    r.messages.map((m) => ({ ruleId: m.ruleId, line: m.line, column: m.column, fatal: m.fatal, message: m.message, severity: m.severity })),
    [{ ruleId: null, line: 2, column: 11, fatal: true, message: "Parsing error: Expression expected.", severity: 2 }],
  );
  // JSX is fine in .tsx/.jsx/.js, a type assertion in .ts
  assert.equal(found("const a = <div>{pool.query('SELECT 1')}</div>;", { file: "a.tsx" }), []);
  assert.equal(found("const a = <div>{pool.query('SELECT 1')}</div>;", { file: "a.js" }), []);
  assert.equal(found("const a = <string>pool.query('SELECT 1');", { file: "a.ts" }), []);
  assert.match(found("const a = <string>pool.query('SELECT 1');", { file: "a.tsx" })[0] ?? "", /Parsing error/);
});

test("files that cannot hold SQL are not parsed; minified bundles are skipped", () => {
  assert.is(extracted("export const add = (a: number, b: number) => a + b;\nconst x = ;\n").parsed, false);
  const bundle = "var a=" + "1+".repeat(4000) + "1;pool.query('DELETE FROM t');\n";
  assert.ok(looksMinified(bundle));
  assert.ok(extracted(bundle).minified);
  assert.equal(where(bundle, "dist/app.min.js"), []);
});

/** `line:column-line:endColumn` of the first `needle` in `code` (UTF-16 columns, as findings give them). */
function spanOf(code: string, needle: string): string {
  const at = code.indexOf(needle);
  assert.ok(at >= 0, `${needle} is in the code`);
  const pos = (o: number) => {
    const before = code.slice(0, o);
    return `${before.split("\n").length}:${o - before.lastIndexOf("\n")}`;
  };
  return `${pos(at)}-${pos(at + needle.length)}`;
}

test("a name written around an interpolation is one name, holding the code's own text", () => {
  // n8n's migrations: `${tablePrefix}` glued to the table's name, in and out of double quotes
  const code = [
    "// sqlguard-assume-in-transaction",
    'await queryRunner.query(`CREATE INDEX "IDX_${tablePrefix}x" ON ${tablePrefix}execution_entity ("stoppedAt")`);',
    "await queryRunner.query(`DELETE FROM ${tablePrefix}execution_entity`);",
    'await queryRunner.query(`DELETE FROM "${tablePrefix}execution_entity"`);',
    "",
  ].join("\n");
  assert.equal(
    extracted(code).parts.map((p) => p.doc.sql),
    [
      'CREATE INDEX "IDX_${tablePrefix}x" ON "${tablePrefix}execution_entity" ("stoppedAt")',
      'DELETE FROM "${tablePrefix}execution_entity"',
      'DELETE FROM "${tablePrefix}execution_entity"',
    ],
  );
  assert.equal(
    found(code).filter((f) => / (require-where|require-concurrent-index) /.test(f)),
    [
      `${spanOf(code, 'CREATE INDEX "IDX_${tablePrefix}x" ON ${tablePrefix}execution_entity ("stoppedAt")')} require-concurrent-index CREATE INDEX without CONCURRENTLY holds a SHARE lock on \${tablePrefix}execution_entity for the whole build: every INSERT, UPDATE and DELETE on it waits until the index is done`,
      `${spanOf(code, "DELETE FROM ${tablePrefix}execution_entity")} require-where DELETE without WHERE removes every row of \${tablePrefix}execution_entity`,
      `${spanOf(code, 'DELETE FROM "${tablePrefix}execution_entity"')} require-where DELETE without WHERE removes every row of \${tablePrefix}execution_entity`,
    ],
  );
});

test("a name around an interpolation: exact columns through escapes and wide characters, letters folded", () => {
  // a non-BMP character before (two UTF-16 units), an escape inside the name (`\u0041` is `A`)
  const code = "await db.query(`/* é😀 */ DELETE FROM IDX_${p}\\u0041bc_${n} WHERE ${id} = ${id} OR true`);\n";
  const ex = extracted(code);
  assert.equal(ex.parts.map((p) => p.doc.sql), ['/* é😀 */ DELETE FROM "idx_${p}abc_${n}" WHERE $3 = $4 OR true']);
  // the finding covers `DELETE FROM IDX_${p}\u0041bc_${n}` as written, and names the table as PostgreSQL reads it
  assert.equal(found(code), [
    `${spanOf(code, "DELETE FROM IDX_${p}\\u0041bc_${n}")} require-where WHERE \${id} = \${id} OR true is always true: DELETE removes every row of idx_\${p}abc_\${n}`,
  ]);
  // side by side inside quotes: one name, no space put between them
  assert.equal(extracted('await sql`ALTER TABLE "${tablePrefix}${tableName}" ADD COLUMN x int`;').parts.map((p) => p.doc.sql), [
    'ALTER TABLE "${tablePrefix}${tableName}" ADD COLUMN x int',
  ]);
  // not a name: side by side with no letter of their own, or in a string, or a number glued to digits
  assert.equal(extracted("await sql`SELECT ${a}${b} FROM t WHERE x LIKE 'a${q}b'`;").parts.map((p) => p.doc.sql), [`SELECT $1 "\${b}" FROM t WHERE x LIKE 'a$3b'`]);
  // a name longer than PostgreSQL keeps: its interpolations are shortened to fit 63 bytes
  const written = "_a_table_name_long_enough_to_leave_little_room_for_more";
  const long = extracted(`await sql\`DELETE FROM \${this.settings.database.tablePrefix}${written} WHERE id = 1\`;`).parts[0]!.doc.sql;
  const name = /"(.*)"/.exec(long)![1]!;
  assert.ok(name.endsWith(written) && name.startsWith("${th") && name.includes("…}") && Buffer.byteLength(name) <= 63, name);
});

test("messages quote the code's own text where a stand-in stood", () => {
  const code = [
    "// sqlguard-assume-in-transaction",
    'const alter = `ALTER TABLE "${tablePrefix}${tableName}" ALTER COLUMN "${columnName}"`;',
    "await queryRunner.query(`${alter} TYPE TIMESTAMP(3) WITH TIME ZONE`);",
    "await db.query(`DELETE FROM t WHERE ${flag} OR true OR name LIKE '%${q}%'`);",
    // a parameter written in the SQL keeps its own $1: that one is left as it is
    "await db.query(`DELETE FROM t WHERE ${flag} OR true OR a = $1`, [a]);",
    "",
  ].join("\n");
  const messages = found(code).map((f) => f.slice(f.indexOf(" ") + 1));
  assert.ok(messages.includes("no-column-type-change ALTER COLUMN ${columnName} TYPE timestamptz(3): PostgreSQL rewrites ${tablePrefix}${tableName} and rebuilds its indexes while holding an ACCESS EXCLUSIVE lock, so reads and writes wait until it is done"), messages.join("\n"));
  assert.ok(messages.includes("require-where WHERE ${flag} OR true OR name LIKE '%${q}%' is always true: DELETE removes every row of t"), messages.join("\n"));
  assert.ok(messages.includes("require-where WHERE $1 OR true OR a = $1 is always true: DELETE removes every row of t"), messages.join("\n"));
  assert.not.ok(messages.some((m) => /\$[23]\b|"\$\{/.test(m)), messages.join("\n"));
});

test("one SQL text sent by two calls: each of its findings once, suppressed once, counted once", () => {
  // n8n's MigrateToTimestampTz: a `const` holding the ALTER TABLE, sent with two different endings
  const body = [
    'const alter = `ALTER TABLE "${tablePrefix}${tableName}" ALTER COLUMN "${columnName}"`;',
    "await queryRunner.query(`${alter} TYPE TIMESTAMP(3) WITH TIME ZONE`);",
    "await queryRunner.query(`${alter} SET DEFAULT CURRENT_TIMESTAMP(3)`);",
    "",
  ];
  const code = ["// sqlguard-assume-in-transaction", ...body].join("\n");
  const r = lint(code, { filePath: "src/db.ts" });
  const lockTimeout = r.messages.filter((m) => m.ruleId === "require-lock-timeout");
  assert.is(lockTimeout.length, 1, brief(r.messages).join("\n"));
  assert.is(lockTimeout[0]!.line, 2);
  assert.is(r.warningCount, r.messages.filter((m) => m.severity === 1).length);
  // a directive before the const covers it, and is used (not reported as unused)
  const quiet = lint(["// sqlguard-assume-in-transaction", "// sqlguard-disable-next-line require-lock-timeout -- the table is small", ...body].join("\n"), { filePath: "src/db.ts" });
  assert.equal(quiet.messages.filter((m) => m.ruleId === "require-lock-timeout" || m.ruleId === null), []);
});

test.run();

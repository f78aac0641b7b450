/**
 * The ESLint rules `sqlguard/<id>` through ESLint's own RuleTester: SQL in TypeScript parsed by
 * @typescript-eslint/parser (and JavaScript by espree), `.sql` files through the `sqlguard/sql`
 * language, with exact positions (line, column, endLine, endColumn in ESLint's numbering), fixes,
 * suggestions, settings and directives.
 */
import tsParser from "@typescript-eslint/parser";
import { RuleTester } from "eslint";
import { suite } from "uvu";
import plugin from "../src/eslint/index.js";

const test = suite("eslint rules (RuleTester)");
const names: string[] = [];
RuleTester.describe = (name: string, fn: () => void) => {
  names.push(name);
  try {
    fn();
  } finally {
    names.pop();
  }
};
RuleTester.it = (name: string, fn: () => void) => test(`${names.join(" › ")} › ${name.replace(/\s+/g, " ").slice(0, 90)}`, fn);
RuleTester.itOnly = RuleTester.it;

const code = new RuleTester({ languageOptions: { parser: tsParser as never } });
const js = new RuleTester();
const sql = new RuleTester({ plugins: { sqlguard: plugin }, language: "sqlguard/sql" });
const rule = (id: string) => plugin.rules[id]!;

// --- SQL in TypeScript and JavaScript ------------------------------------------------------------

code.run("require-where", rule("require-where"), {
  valid: [
    { code: "await sql`DELETE FROM sessions WHERE id = ${id}`;", filename: "a.ts" },
    { code: "const total = items.reduce((a, b) => a + b, 0);", filename: "a.ts" },
    { name: "the WHERE comes from an interpolation", code: "await db.query(`DELETE FROM t ${where}`);", filename: "a.ts" },
    { name: "a label is not SQL", code: "const label = 'Delete from cart';", filename: "a.tsx" },
    {
      name: "sqlguard-disable-next-line covers the whole multi-line template",
      code: "// sqlguard-disable-next-line require-where -- nightly reset\nawait sql`\n  UPDATE counters\n  SET n = 0`;",
      filename: "a.ts",
    },
    {
      name: "a directive in a SQL comment inside the string",
      code: "await db.query(`\n  -- sqlguard-disable-next-line require-where -- all rows on purpose\n  DELETE FROM cache`);",
      filename: "a.ts",
    },
    { name: "always-true allowed by option", code: "await sql`UPDATE t SET a = 1 WHERE true`;", options: [{ alwaysTrue: false }], filename: "a.ts" },
    {
      name: "settings.sqlguard.embedded: a tag removed from the defaults",
      code: "await sql`DELETE FROM t`;",
      settings: { sqlguard: { embedded: { tags: ["!sql"], literals: false } } },
      filename: "a.ts",
    },
  ],
  invalid: [
    {
      name: "a tagged template",
      code: 'const q = sql`DELETE FROM "sessions"`;',
      filename: "a.ts",
      errors: [{ messageId: "missing", data: { verb: "DELETE", effect: "removes", table: '"sessions"' }, line: 1, column: 15, endLine: 1, endColumn: 37 }],
    },
    {
      name: "after escapes in the same template (\\u00e9, \\n)",
      code: "db.query(`SELECT 'caf\\u00e9\\n';\\nDELETE FROM logs`);",
      filename: "a.ts",
      errors: [{ message: "DELETE without WHERE removes every row of logs", line: 1, column: 34, endLine: 1, endColumn: 50 }],
    },
    {
      name: "CRLF line breaks and multi-byte text before the template",
      code: "/* 🚀 é */ await sql`\r\n  UPDATE accounts\r\n  SET balance = ${amount}`;\r\n",
      filename: "a.ts",
      errors: [{ message: "UPDATE without WHERE changes every row of accounts", line: 2, column: 3, endLine: 2, endColumn: 18 }],
    },
    {
      name: "UTF-16 columns: an emoji is two",
      code: 'const a = "🚀🚀"; db.query("DELETE FROM t");',
      filename: "a.ts",
      errors: [{ message: "DELETE without WHERE removes every row of t", line: 1, column: 29, endLine: 1, endColumn: 42 }],
    },
    {
      name: "an always-true WHERE across a concatenation",
      code: "pool.query('UPDATE t SET a = 1 WHERE ' +\n  'id = id');",
      filename: "a.ts",
      errors: [{ message: "WHERE id = id is always true: UPDATE changes every row of t", line: 1, column: 13, endLine: 1, endColumn: 21 }],
    },
    {
      name: "an interpolation is a placeholder; the statement after it is found",
      code: "await sql`INSERT INTO log VALUES (${msg}); DELETE FROM queue`;",
      filename: "a.ts",
      errors: [{ message: "DELETE without WHERE removes every row of queue", line: 1, column: 44, endLine: 1, endColumn: 61 }],
    },
    {
      name: "a secret in the condition never reaches the message",
      code: "db.query(\"UPDATE t SET a = 1 WHERE 'password=hunter22 host=a.rds.amazonaws.com' = 'x' OR true\");",
      filename: "a.ts",
      errors: [{ message: "WHERE 'password=**** host=a.rds.amazonaws… is always true: UPDATE changes every row of t", line: 1, column: 11, endColumn: 19 }],
    },
  ],
});

js.run("require-where (espree, JavaScript)", rule("require-where"), {
  valid: [{ code: "client.query('SELECT * FROM t')", filename: "a.js" }],
  invalid: [
    {
      code: "pool.query('UPDATE t SET a = 1 WHERE ' + 'true');\nconst s = `x`;",
      filename: "a.js",
      errors: [{ messageId: "alwaysTrue", line: 1, column: 13, endLine: 1, endColumn: 21 }],
    },
    {
      name: "espree's template ranges; a string interpolated in a plain template is read in place",
      code: "await db.query(`\n  DELETE FROM ${'sessions'}`);",
      filename: "a.mjs",
      errors: [{ message: "DELETE without WHERE removes every row of sessions", line: 2, column: 3, endLine: 2, endColumn: 26 }],
    },
  ],
});

code.run("unbalanced-transaction", rule("unbalanced-transaction"), {
  valid: [{ code: "await sql`BEGIN; UPDATE t SET a = 1 WHERE id = 1; COMMIT`;", filename: "a.ts" }],
  invalid: [{ code: "await sql`BEGIN; BEGIN; COMMIT`;", filename: "a.ts", errors: [{ messageId: "nested", line: 1, column: 18, endLine: 1, endColumn: 23 }] }],
});

code.run("transaction-incompatible-statement", rule("transaction-incompatible-statement"), {
  valid: [{ code: 'await pool.query("CREATE INDEX CONCURRENTLY i ON t (a)");', filename: "a.ts" }],
  invalid: [
    {
      code: 'await db.transaction(async (tx) => {\n  await tx.query("CREATE INDEX CONCURRENTLY i ON t (a)");\n});',
      filename: "a.ts",
      errors: [{ messageId: "inAssumed", line: 2, column: 19, endLine: 2, endColumn: 55 }],
    },
  ],
});

code.run("no-prod-connection-string", rule("no-prod-connection-string"), {
  valid: [
    { code: 'const url = process.env.DATABASE_URL ?? "postgres://app:app@localhost:5432/app";', filename: "a.ts" },
    { name: "placeholders", code: "const u = `postgres://${user}:${password}@${host}:5432/app`;", filename: "a.ts" },
    { name: "not in a string, template or comment", code: "const re = /postgres:\\/\\/u:pw12345@db.rds.amazonaws.com\\/x/;", filename: "a.ts" },
    {
      name: "a development host from settings.sqlguard.localHosts",
      code: 'const u = "postgres://dev:devpass1@db.staging.internal/app";',
      settings: { sqlguard: { localHosts: ["*.staging.internal"] } },
      filename: "a.ts",
    },
  ],
  invalid: [
    {
      name: "a string literal",
      code: 'const url = "postgres://admin:hunter22@orders.cluster-c9akciq32xyz.eu-west-1.rds.amazonaws.com:5432/app";',
      filename: "a.ts",
      errors: [
        {
          message: "PostgreSQL URI with an inline password points at production host orders.cluster-c9akciq32xyz.eu-west-1.rds.amazonaws.com (an Amazon RDS / Aurora database)",
          line: 1,
          column: 14,
          endLine: 1,
          endColumn: 104,
        },
      ],
    },
    {
      name: "a template with an interpolation in the password",
      code: "const u = `postgres://admin:${'x'}hunter22@orders.cluster-abc.eu-west-1.rds.amazonaws.com/db`;",
      filename: "a.ts",
      errors: [{ messageId: "productionPassword", line: 1, column: 12, endLine: 1, endColumn: 93 }],
    },
    {
      name: "a comment, after CRLF and multi-byte text",
      code: "const é = '🚀';\r\n// postgres://root:s3cretpw@prod-db.c1.us-east-1.rds.amazonaws.com/app\r\n",
      filename: "a.ts",
      errors: [{ messageId: "productionPassword", line: 2, column: 4, endLine: 2, endColumn: 71 }],
    },
    {
      name: "JSX text",
      code: 'const el = <code>postgres://u:pw12345@db.c9akciq32xyz.us-east-1.rds.amazonaws.com/x</code>;',
      filename: "a.tsx",
      errors: [{ messageId: "productionPassword", line: 1, column: 18, endLine: 1, endColumn: 84 }],
    },
    {
      name: "settings.sqlguard.prodHosts",
      code: 'const u = "postgres://app@db7.acme.internal/app";',
      settings: { sqlguard: { prodHosts: ["db*.acme.internal"] } },
      filename: "a.ts",
      errors: [{ messageId: "production", line: 1, column: 12, endLine: 1, endColumn: 48 }],
    },
  ],
});

// --- .sql files: the sqlguard/sql language -----------------------------------------------------------

sql.run("require-where", rule("require-where"), {
  valid: [
    { code: "DELETE FROM t WHERE id = 1;", filename: "m.sql" },
    { name: "sqlguard-disable-next-line", code: "-- sqlguard-disable-next-line require-where -- backfill\nDELETE FROM t;", filename: "m.sql" },
    { name: "sqlguard-disable … sqlguard-enable", code: "-- sqlguard-disable require-where\nDELETE FROM t;\n-- sqlguard-enable require-where\nSELECT 1;", filename: "m.sql" },
    { name: "options", code: "DELETE FROM staging_orders;", options: [{ ignoreTables: ["staging_*"] }], filename: "m.sql" },
  ],
  invalid: [
    {
      code: "DELETE FROM orders;",
      filename: "m.sql",
      errors: [{ messageId: "missing", data: { verb: "DELETE", effect: "removes", table: "orders" }, line: 1, column: 1, endLine: 1, endColumn: 19 }],
    },
    {
      name: "CRLF and multi-byte",
      code: "SELECT 'é🚀';\r\nUPDATE t SET a = 1;\r\n",
      filename: "m.sql",
      errors: [{ messageId: "missing", line: 2, column: 1, endLine: 2, endColumn: 9 }],
    },
    {
      name: "inside a function body",
      code: "CREATE FUNCTION purge() RETURNS void LANGUAGE sql AS $$\n  DELETE FROM sessions\n$$;",
      filename: "m.pgsql",
      errors: [{ messageId: "missing", line: 2, column: 3, endLine: 2, endColumn: 23 }],
    },
    {
      name: "a statement after a syntax error is still linted",
      code: "SELEC 1;\nDELETE FROM t;",
      filename: "m.sql",
      errors: [{ messageId: "missing", line: 2, column: 1 }],
    },
    {
      name: "sqlguard-disable-next-line for another rule does not hide it",
      code: "-- sqlguard-disable-next-line require-semicolon\nDELETE FROM t;",
      filename: "m.sql",
      errors: [{ messageId: "missing", line: 2, column: 1 }],
    },
  ],
});

sql.run("syntax-error", rule("syntax-error"), {
  valid: ["SELECT 1;", { code: "\\set x 1\nSELECT :x;", filename: "m.psql" }],
  invalid: [
    {
      code: "SELECT 1;\nSELEC 2;\nSELECT 3;",
      filename: "m.sql",
      errors: [{ message: 'syntax error at or near "SELEC"', line: 2, column: 1, endLine: 2, endColumn: 6 }],
    },
  ],
});

sql.run("require-semicolon", rule("require-semicolon"), {
  valid: ["SELECT 1;"],
  invalid: [{ code: "SELECT 1;\nSELECT 2", filename: "m.sql", output: "SELECT 1;\nSELECT 2;", errors: [{ messageId: "missing", line: 2, column: 9, endLine: 2, endColumn: 9 }] }],
});

sql.run("unbalanced-transaction", rule("unbalanced-transaction"), {
  valid: ["BEGIN;\nUPDATE t SET a = 1 WHERE id = 1;\nCOMMIT;"],
  invalid: [
    {
      code: "BEGIN;\nUPDATE t SET a = 1 WHERE id = 1;\n",
      filename: "m.sql",
      errors: [
        {
          messageId: "unclosed",
          line: 1,
          column: 1,
          endLine: 1,
          endColumn: 6,
          suggestions: [
            { desc: "Add COMMIT; at the end of the script", output: "BEGIN;\nUPDATE t SET a = 1 WHERE id = 1;\nCOMMIT;\n" },
            { desc: "Add ROLLBACK; at the end of the script (a dry run)", output: "BEGIN;\nUPDATE t SET a = 1 WHERE id = 1;\nROLLBACK;\n" },
          ],
        },
      ],
    },
  ],
});

sql.run("require-transaction", rule("require-transaction"), {
  valid: [
    "BEGIN;\nUPDATE t SET a = 1 WHERE id = 1;\nINSERT INTO t VALUES (1);\nCOMMIT;",
    {
      name: "settings.sqlguard.assumeInTransaction (globs from the working directory)",
      code: "UPDATE t SET a = 1 WHERE id = 1;\nINSERT INTO t VALUES (1);\n",
      filename: "migrations/001.sql",
      settings: { sqlguard: { assumeInTransaction: ["migrations/**"] } },
    },
    {
      name: "settings.sqlguard.assumeInTransaction: true",
      code: "UPDATE t SET a = 1 WHERE id = 1;\nINSERT INTO t VALUES (1);\n",
      filename: "m.sql",
      settings: { sqlguard: { assumeInTransaction: true } },
    },
  ],
  invalid: [
    {
      code: "UPDATE t SET a = 1 WHERE id = 1;\nINSERT INTO t VALUES (1);\n",
      filename: "m.sql",
      errors: [
        {
          messageId: "several",
          line: 1,
          column: 1,
          endLine: 1,
          endColumn: 32,
          suggestions: [{ desc: "Wrap the writes in BEGIN; … COMMIT;", output: "BEGIN;\nUPDATE t SET a = 1 WHERE id = 1;\nINSERT INTO t VALUES (1);\nCOMMIT;\n" }],
        },
      ],
    },
  ],
});

sql.run("ambiguous-statement-split", rule("ambiguous-statement-split"), {
  valid: ["SELECT 1;\n\nSELECT 2;", "UPDATE t SET a = 1 WHERE id = 1;"],
  invalid: [
    {
      code: "UPDATE t SET a = 1\n\nWHERE id = 1;\n",
      filename: "m.sql",
      output: "UPDATE t SET a = 1\nWHERE id = 1;\n",
      errors: [{ message: "a client that splits on blank lines would run `UPDATE t SET a = 1` — every row of t", line: 2, column: 1, endLine: 2, endColumn: 1 }],
    },
  ],
});

sql.run("transaction-incompatible-statement", rule("transaction-incompatible-statement"), {
  valid: ["CREATE INDEX CONCURRENTLY i ON t (a);"],
  invalid: [{ code: "BEGIN;\nCREATE INDEX CONCURRENTLY i ON t (a);\nCOMMIT;", filename: "m.sql", errors: [{ messageId: "inBlock", line: 2, column: 1, endLine: 2, endColumn: 37 }] }],
});

sql.run("no-prod-connection-string", rule("no-prod-connection-string"), {
  valid: ["SELECT dblink_connect('postgres://app:app@localhost/app');"],
  invalid: [
    {
      code: "SELECT dblink_connect('postgres://u:pw12345@x1.c9akciq32xyz.eu-west-1.rds.amazonaws.com/db');",
      filename: "m.sql",
      errors: [
        {
          message: "PostgreSQL URI with an inline password points at production host x1.c9akciq32xyz.eu-west-1.rds.amazonaws.com (an Amazon RDS / Aurora database)",
          line: 1,
          column: 24,
          endLine: 1,
          endColumn: 91,
        },
      ],
    },
  ],
});

test.run();

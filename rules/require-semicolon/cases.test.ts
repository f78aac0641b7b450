import { ruleTester } from "../../test/rule-tester.js";

const message =
  'missing `;` after the last statement: clients that run "up to the next `;`" (and scripts joined end to end) would run it together with whatever follows';

ruleTester("require-semicolon", {
  valid: [
    "SELECT 1;",
    "SELECT 1;\n",
    { name: "comments after the last ;", code: "UPDATE orders SET is_deleted = true WHERE id = 1;\n-- done\n/* really */\n" },
    { name: "only earlier statements lack nothing", code: "SELECT 1;\nSELECT 2;" },
    { name: "an empty file", code: "" },
    { name: "a file of comments", code: "-- nothing to run yet\n" },
    { name: "sent by psql's \\g", code: "SELECT 1\n\\g\n" },
    { name: "sent by \\gx on the same line", code: "SELECT 1 \\gx" },
    { name: "sent by \\gexec", code: "SELECT format('VACUUM %I', relname) FROM pg_class WHERE relkind = 'r'\n\\gexec\n" },
    { name: "a meta-command after the last ;", code: "SELECT 1;\n\\echo done\n" },
    { name: "COPY data after the last statement", code: "COPY t (a) FROM stdin;\n1\n2\n\\.\n" },
    { name: "an unterminated string is syntax-error's", code: "SELECT 'abc", syntaxErrors: true },
    { name: "a ; inside a BEGIN ATOMIC body is not the end", code: "CREATE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC\n  SELECT 1;\nEND;" },
  ],
  invalid: [
    {
      code: "SELECT 1",
      errors: [{ messageId: "missing", message, line: 1, column: 9, endLine: 1, endColumn: 9, help: "end the statement with `;`" }],
      output: "SELECT 1;",
    },
    {
      name: "the last of several statements",
      code: "SELECT 1;\nDELETE FROM orders WHERE id = 1\n",
      errors: [{ line: 2, column: 32, endLine: 2, endColumn: 32 }],
      output: "SELECT 1;\nDELETE FROM orders WHERE id = 1;\n",
    },
    {
      name: "the ; goes after the last token, before a trailing comment",
      code: "DELETE FROM orders WHERE id = 1 -- done\n",
      errors: [{ line: 1, column: 32 }],
      output: "DELETE FROM orders WHERE id = 1; -- done\n",
    },
    {
      name: "after a block comment too",
      code: "SELECT 1 /* x */",
      errors: [{ line: 1, column: 9 }],
      output: "SELECT 1; /* x */",
    },
    {
      name: "a DO block (supabase-auth's migrations end this way)",
      code: "do $$ begin\nalter table flow_state add column if not exists auth_code_issued_at timestamptz null;\nend $$",
      errors: [{ line: 3, column: 7 }],
      output: "do $$ begin\nalter table flow_state add column if not exists auth_code_issued_at timestamptz null;\nend $$;",
    },
    {
      name: "a meta-command typed inside the statement does not send it",
      code: "SELECT 1\n\\echo x\n",
      errors: [{ line: 1, column: 9 }],
      output: "SELECT 1;\n\\echo x\n",
    },
    {
      name: "CRLF and a multi-line last statement",
      code: "SELECT 1;\r\nUPDATE orders\r\nSET is_deleted = true\r\nWHERE id = 1\r\n",
      errors: [{ line: 4, column: 13 }],
      output: "SELECT 1;\r\nUPDATE orders\r\nSET is_deleted = true\r\nWHERE id = 1;\r\n",
    },
    {
      // The tester runs every case set to "error", set to "warn" and not configured (the default,
      // warn): a rule or an engine that always reports errors, or always warnings, fails.
      name: "set to error it reports an error; by default a warning",
      code: "SELECT 1",
      errors: [{ line: 1, column: 9, severity: 2 }],
    },
  ],
});

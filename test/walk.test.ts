/**
 * Which files a directory walk reads (SQL, code, configuration, docs), how it treats binary and
 * non-UTF-8 files it only walked into, and directives in the comments of plain text files.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { isWalked } from "../src/extract/index.js";
import { textComments } from "../src/extract/text-comments.js";
import { brief, lint, tempDir } from "./helpers.js";
import { cli } from "./in-process.js";

const test = suite("walk");

test("isWalked: one list of walked text types", () => {
  const yes = [
    "a.sql", "a.psql", "a.pgsql",
    "a.ts", "a.tsx", "a.mts", "a.cts", "a.js", "a.jsx", "a.mjs", "a.cjs",
    ".env", ".env.production", ".env.local", ".envrc", "prod.env",
    "config.yml", "config.YAML", "settings.json", "Cargo.toml", "application.properties", "php.ini", "pgbouncer.conf",
    "deploy.sh", "x.bash", "x.zsh",
    "Dockerfile", "dockerfile", "Dockerfile.prod", "api.dockerfile", "Containerfile",
    "README.md", "notes.markdown",
    "deep/dir/.env.staging",
  ];
  const no = ["notes.txt", "logo.png", "Makefile", "package-lock.json", "pnpm-lock.yaml", "a.sqlx", "env", "x.envy.txt", "a.rb"];
  for (const f of yes) assert.ok(isWalked(f), f);
  for (const f of no) assert.not.ok(isWalked(f), f);
});

const PROD = "postgres://app:W4lkPw@db.prod.acme.com/app";

test("a folder walk reads every walked type, respects .gitignore, skips binary files quietly", async () => {
  const files: Record<string, string | Buffer> = {
    ".git/HEAD": "ref: refs/heads/main\n",
    ".gitignore": ".env.local\nbuild/\n",
    ".env": `DATABASE_URL=${PROD}\n`,
    ".env.local": `DATABASE_URL=${PROD}\n`,
    "build/out.js": `const u = "${PROD}";\n`,
    "config/database.yml": `production:\n  url: ${PROD}\n`,
    "config/settings.json": `{ "db": "${PROD}" }\n`,
    "Cargo.toml": `db = "${PROD}"\n`,
    "src/main/resources/application.properties": `spring.datasource.url=jdbc:postgresql://db.prod.acme.com/app\n`,
    "php.ini": `pdo.dsn = "${PROD}"\n`,
    "scripts/restore.sh": `psql "${PROD}"\n`,
    "Dockerfile.migrate": `ENV DATABASE_URL=${PROD}\n`,
    "docs/setup.md": `Run against \`${PROD}\`.\n`,
    "src/db.ts": `export const url = "${PROD}";\n`,
    "migrations/001.sql": `SELECT dblink_connect('host=db.prod.acme.com dbname=app');\n`,
    "notes.txt": `${PROD}\n`,
    "assets/blob.json": Buffer.from([0x7b, 0x00, 0x01, 0x02, 0x00, 0x7d]),
    "legacy/app.properties": Buffer.concat([Buffer.from("name=Caf"), Buffer.from([0xe9]), Buffer.from(`\ndb.url=${PROD}\n`)]),
  };
  const dir = tempDir(files);
  const r = await cli(["-f", "compact", "."], { cwd: dir });
  assert.is(r.code, 1);
  assert.is(r.stderr, "");
  const reported = [...new Set(r.stdout.split("\n").filter((l) => l.includes("(no-prod-connection-string)")).map((l) => l.split(":")[0]))].sort();
  assert.equal(reported, [
    ".env",
    "Cargo.toml",
    "Dockerfile.migrate",
    "config/database.yml",
    "config/settings.json",
    "docs/setup.md",
    "legacy/app.properties",
    "migrations/001.sql",
    "php.ini",
    "scripts/restore.sh",
    "src/db.ts",
    "src/main/resources/application.properties",
  ]);
  // nothing about the binary JSON or the ISO-8859-1 .properties it only walked into
  assert.not.match(r.stdout, /blob\.json|not a text file|not valid UTF-8/);
  assert.not.match(r.stdout, /W4lkPw/);
  // named explicitly, the same files are reported
  const explicit = await cli(["-f", "compact", "assets/blob.json", "legacy/app.properties", "notes.txt"], { cwd: dir });
  assert.match(explicit.stdout, /assets\/blob\.json: line 1, col 1, Error - not a text file/);
  assert.match(explicit.stdout, /legacy\/app\.properties: line 1, col 9, Warning - not valid UTF-8/);
  assert.match(explicit.stdout, /notes\.txt: line 1, col 1, Error - PostgreSQL URI with an inline password points at production host db\.prod\.acme\.com/);
});

test("the walk of a real git repository skips what git ignores", async () => {
  const dir = tempDir({ ".gitignore": "secrets/\n", "secrets/.env": `X=${PROD}\n`, "app/.env": `X=${PROD}\n` });
  spawnSync("git", ["init", "-q"], { cwd: dir });
  const r = await cli(["-f", "compact"], { cwd: dir });
  assert.equal(
    r.stdout.split("\n").filter((l) => l.includes("Error")).map((l) => l.split(":")[0]),
    [path.join("app", ".env").split(path.sep).join("/")],
  );
});

test("directives in the comments of text files, in each type's comment syntax", () => {
  const comments = (file: string, text: string) =>
    textComments(text, (o) => text.slice(0, o).split("\n").length, file).map((c) => `${c.line}:${c.text.trim()}`);
  const env = [
    "# sqlguard-disable-next-line no-prod-connection-string -- staging",
    "URL=x # sqlguard-disable-line no-prod-connection-string",
    "password=abc#sqlguard-disable-line",
    "not a directive: sqlguard-disable",
    "// sqlguard-disable",
    "-- sqlguard-enable",
  ].join("\n");
  assert.equal(comments(".env", env), ["1:sqlguard-disable-next-line no-prod-connection-string -- staging", "2:sqlguard-disable-line no-prod-connection-string"]);
  assert.equal(comments("config.yml", env), comments(".env", env));
  assert.equal(comments("deploy.sh", env), comments(".env", env));
  assert.equal(comments("Dockerfile", env), comments(".env", env));
  assert.equal(comments("php.ini", "; sqlguard-disable-next-line\n# sqlguard-disable\n"), ["1:sqlguard-disable-next-line", "2:sqlguard-disable"]);
  assert.equal(comments("app.properties", "! sqlguard-disable-next-line\n"), ["1:sqlguard-disable-next-line"]);
  // Markdown: HTML comments only, so SQL samples in a fenced block stay samples
  assert.equal(
    comments("README.md", "```sql\n-- sqlguard-disable-next-line require-where -- backfill\n# sqlguard-disable\n```\n<!-- sqlguard-disable-next-line no-prod-connection-string -- old docs --> text\n"),
    ["5:sqlguard-disable-next-line no-prod-connection-string -- old docs"],
  );
  // none in JSON, none here for code (code files get theirs from their own parser)
  assert.equal(comments("settings.json", "# sqlguard-disable\n"), []);
  assert.equal(comments("db.ts", "// sqlguard-disable\nconst help = '# sqlguard-disable-line x';\n"), []);

  // they work, and an unused one is reported like in SQL
  const text = `# sqlguard-disable-next-line no-prod-connection-string -- a staging replica, read-only\nA=${PROD}\n# sqlguard-disable-next-line no-prod-connection-string\nB=postgres://localhost/x\n`;
  assert.equal(brief(lint(text, { filePath: ".env" }).messages), [
    "3:1-3:55 - unused sqlguard-disable-next-line directive (no no-prod-connection-string problem to suppress here)",
  ]);
  const md = `<!-- sqlguard-disable-next-line no-prod-connection-string -- documentation of the old setup -->\n\`${PROD}\`\n`;
  assert.equal(lint(md, { filePath: "docs/old.md" }).messages, []);
});

test.run();

/**
 * One list of file kinds (src/extract/extensions.ts): a folder walk, `sqlguard init`'s lint-staged
 * entries, the pre-commit hook definition and this repository's own lint-staged config all pick
 * the same files. The two static files are compared with what the list generates, and every
 * filter is run against the walk's own answer on names of every kind and on this repository's files.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import picomatch from "picomatch";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { LINT_STAGED_ENTRIES } from "../src/cli/init.js";
import { isWalked, lintStagedGlobs, NOT_WALKED, preCommitFilter, WALKED_EXTENSIONS, WALKED_NAMES } from "../src/extract/extensions.js";

const test = suite("file kinds");
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Walked and not walked, written as people write them (lint-staged globs tell case apart). */
const NAMES = [
  "a.sql", "db/migrations/001_init.psql", "x.pgsql",
  "a.ts", "a.tsx", "a.mts", "a.cts", "a.js", "a.jsx", "a.mjs", "a.cjs",
  ".env", ".env.production", "deep/dir/.env.staging", ".envrc", "prod.env",
  "config.yml", "k8s/deploy.yaml", "settings.json", "Cargo.toml", "application.properties", "php.ini", "pgbouncer.conf",
  "deploy.sh", "x.bash", "x.zsh",
  "Dockerfile", "dockerfile", "Dockerfile.prod", "ops/Dockerfile.migrate", "api.dockerfile", "Containerfile", "containerfile",
  "README.md", "notes.markdown",
  // not walked
  "package-lock.json", "web/package-lock.json", "npm-shrinkwrap.json", "pnpm-lock.yaml", "composer.lock", "yarn.lock",
  "tsconfig.jsonc", "setup.cfg", "notes.txt", "logo.png", "Makefile", "a.sqlx", "env", "x.envy.txt", "a.rb", "Containerfile.prod",
];
/** The walk reads these in any case; so does the pre-commit hook (its filter ignores case). */
const ANY_CASE = ["CONFIG.YAML", "Migrate.SQL", "DOCKERFILE", ".ENV.LOCAL", "PACKAGE-LOCK.JSON"];

/** Every file of this repository but dependencies and build output: real names. */
function repositoryFiles(dir = root, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === "node_modules" || e.name === "dist" || e.name === ".git") continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) repositoryFiles(p, out);
    else out.push(path.relative(root, p).split(path.sep).join("/"));
  }
  return out;
}

/** A lint-staged glob as lint-staged 16 matches it (lib/matchFiles.js). */
function lintStagedMatcher(globs: string[]): (file: string) => boolean {
  // (lint-staged also sets posixSlashes, which changes nothing for these `/`-separated names)
  const ms = globs.map((g) => picomatch(g, { dot: true, matchBase: !g.includes("/"), strictBrackets: true }));
  return (file) => ms.some((m) => m(file));
}

/** The pre-commit framework's filter: Python regular expressions searched in the path; `(?i)` as the i flag. */
function preCommitMatcher(filter: { files: string; exclude: string }): (file: string) => boolean {
  const re = (s: string) => (s.startsWith("(?i)") ? new RegExp(s.slice(4), "i") : new RegExp(s));
  const files = re(filter.files);
  const exclude = re(filter.exclude);
  return (file) => files.test(file) && !exclude.test(file);
}

function disagreements(match: (file: string) => boolean, names: string[]): string[] {
  return names.filter((f) => match(f) !== isWalked(f)).map((f) => `${f}: walked ${isWalked(f)}, filter ${match(f)}`);
}

test("the generated lint-staged globs pick the files a walk reads", () => {
  const match = lintStagedMatcher(lintStagedGlobs());
  assert.equal(disagreements(match, NAMES), []);
  assert.equal(disagreements(match, repositoryFiles()), []);
});

test("the generated pre-commit filter picks the files a walk reads, in any case", () => {
  const match = preCommitMatcher(preCommitFilter());
  assert.equal(disagreements(match, [...NAMES, ...ANY_CASE]), []);
  assert.equal(disagreements(match, repositoryFiles()), []);
});

test("sqlguard init writes the generated globs", () => {
  assert.equal(Object.keys(LINT_STAGED_ENTRIES), lintStagedGlobs());
  assert.ok(Object.values(LINT_STAGED_ENTRIES).every((v) => v === "sqlguard"));
});

test(".pre-commit-hooks.yaml: files and exclude are the generated filter", () => {
  const yaml = readFileSync(path.join(root, ".pre-commit-hooks.yaml"), "utf8");
  const value = (key: string) => new RegExp(`^  ${key}: '([^']*)'$`, "m").exec(yaml)?.[1];
  const expected = preCommitFilter();
  assert.is(value("files"), expected.files, "files: in .pre-commit-hooks.yaml differs from preCommitFilter()");
  assert.is(value("exclude"), expected.exclude, "exclude: in .pre-commit-hooks.yaml differs from preCommitFilter()");
});

test("lint-staged.config.js: the globs that run sqlguard are the generated ones", async () => {
  const config = (await import(pathToFileURL(path.join(root, "lint-staged.config.js")).href)).default as Record<string, unknown>;
  // sqlguard's entries are functions (they leave test data out); ESLint's is a command line
  const sqlguard = Object.entries(config).filter(([, v]) => typeof v === "function").map(([k]) => k);
  assert.equal(sqlguard, lintStagedGlobs());
});

test("docs/pre-commit.md names every kind the hooks lint, and the lockfiles they skip", () => {
  const doc = readFileSync(path.join(root, "docs/pre-commit.md"), "utf8");
  const named = [...WALKED_EXTENSIONS, ...WALKED_NAMES.map((n) => n.written), ...NOT_WALKED.filter((f) => isWalked(f.replace(/^.*\./, "x.")))];
  assert.equal(named.filter((k) => !doc.includes(`\`${k}`)), []);
});

test.run();

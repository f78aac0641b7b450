/**
 * `sqlguard init` end to end, in real git repositories: real husky and lint-staged (this
 * repository's own copies, linked into the temporary project, so no network is needed), a real
 * `git commit` that the hook blocks or lets through. One test installs them from the npm
 * registry with the real npm; when the registry cannot be reached it is skipped, and said so in the
 * summary (never counted as a pass).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { HUSKY_RANGE, LINT_STAGED_ENTRIES, LINT_STAGED_RANGE } from "../src/cli/init.js";
import { bin, root, skip, tempDir } from "./helpers.js";
import { cli } from "./in-process.js";
import { commitAll, git, gitEnv, repo, write } from "./git.js";

const test = suite("sqlguard init");

const PKG = JSON.stringify({ name: "app", version: "1.0.0", private: true }, null, 2) + "\n";

function project(files: Record<string, string> = {}): string {
  return repo({ "package.json": PKG, ".gitignore": "node_modules/\n", ...files });
}

const init = (dir: string, args: string[] = [], env: Record<string, string | undefined> = {}) => cli(["init", ...args], { cwd: dir, env: gitEnv(env) });

/** A `sqlguard` command in node_modules/.bin that runs this repository's build. */
function linkSqlguard(dir: string): void {
  const binDir = path.join(dir, "node_modules", ".bin");
  mkdirSync(binDir, { recursive: true });
  writeFileSync(path.join(binDir, "sqlguard"), `#!/bin/sh\nexec "${process.execPath}" "${bin}" "$@"\n`);
  chmodSync(path.join(binDir, "sqlguard"), 0o755);
}

/** This repository's husky and lint-staged, linked as if installed (their dependencies resolve from here). */
function linkTools(dir: string): void {
  linkSqlguard(dir);
  const nm = path.join(dir, "node_modules");
  for (const name of ["husky", "lint-staged"]) symlinkSync(path.join(root, "node_modules", name), path.join(nm, name));
  symlinkSync("../husky/bin.js", path.join(nm, ".bin", "husky"));
  symlinkSync("../lint-staged/bin/lint-staged.js", path.join(nm, ".bin", "lint-staged"));
}

const read = (dir: string, file: string) => readFileSync(path.join(dir, file), "utf8");
const pkgOf = (dir: string) => JSON.parse(read(dir, "package.json")) as Record<string, Record<string, unknown>>;
const hooksPath = (dir: string) => git(dir, ["config", "--get", "core.hooksPath"], { allowFail: true }).stdout.trim();

test("end to end: init wires husky + lint-staged; a commit adding DELETE FROM orders; is blocked, a clean one passes", async () => {
  const dir = project({ "README.md": "# app\n" });
  commitAll(dir, "start");
  linkTools(dir);

  const first = await init(dir, ["--no-install"]);
  assert.is(first.code, 0, first.stderr);
  assert.match(first.stdout, /package\.json: added devDependencies husky@\^9\.1\.7, lint-staged@\^16\.4\.0/);
  assert.match(first.stdout, /package\.json: "prepare" script runs husky \("husky"\)/);
  assert.match(first.stdout, /package\.json: "lint-staged" runs sqlguard on staged SQL, code and config files/);
  assert.match(first.stdout, /\.husky\/pre-commit: created; runs lint-staged/);
  assert.match(first.stdout, /git config core\.hooksPath \.husky\/_ \(husky\)/);
  assert.match(first.stdout, /sqlguard\.config\.json: created, with "\$schema" for editors/);
  assert.equal(JSON.parse(read(dir, "sqlguard.config.json")), { $schema: "./node_modules/sqlguard/sqlguard.config.schema.json", rules: {} });
  assert.match(first.stdout, /note: sqlguard is not a dependency of package\.json/);

  const pkg = pkgOf(dir);
  assert.equal(pkg.devDependencies, { husky: HUSKY_RANGE, "lint-staged": LINT_STAGED_RANGE });
  assert.is(pkg.scripts!.prepare, "husky");
  assert.equal(pkg["lint-staged"], LINT_STAGED_ENTRIES);
  assert.match(read(dir, ".husky/pre-commit"), /^npx --no -- lint-staged$/m);
  assert.is(hooksPath(dir), ".husky/_");

  // A second run changes nothing.
  const snapshot = [read(dir, "package.json"), read(dir, ".husky/pre-commit"), read(dir, "sqlguard.config.json")];
  const second = await init(dir, ["--no-install"]);
  assert.is(second.code, 0);
  assert.match(second.stdout, /nothing to change/);
  assert.equal([read(dir, "package.json"), read(dir, ".husky/pre-commit"), read(dir, "sqlguard.config.json")], snapshot);

  commitAll(dir, "wire sqlguard"); // --no-verify: the hook's own files

  write(dir, { "db/cleanup.sql": "DELETE FROM orders;\n" });
  git(dir, ["add", "db/cleanup.sql"]);
  const blocked = git(dir, ["commit", "-m", "cleanup"], { allowFail: true });
  assert.is.not(blocked.code, 0, "the commit is blocked");
  assert.match(blocked.stdout + blocked.stderr, /DELETE without WHERE removes every row of orders/);
  assert.is(git(dir, ["rev-list", "--count", "HEAD"]).stdout.trim(), "2");

  write(dir, { "db/cleanup.sql": "DELETE FROM orders WHERE created_at < now() - interval '1 year';\n" });
  git(dir, ["add", "db/cleanup.sql"]);
  const passed = git(dir, ["commit", "-m", "cleanup"], { allowFail: true });
  assert.is(passed.code, 0, passed.stdout + passed.stderr);
  assert.is(git(dir, ["rev-list", "--count", "HEAD"]).stdout.trim(), "3");
});

test("--dry-run prints the plan with the package manager the lockfile names, and writes nothing", async () => {
  const npm = /run `npm install --save-dev husky@\^9\.1\.7 lint-staged@\^16\.4\.0`/;
  const cases: [Record<string, string>, RegExp, RegExp][] = [
    [{}, npm, /package manager: npm, from no lockfile/],
    [{ "package-lock.json": "{}" }, npm, /package manager: npm, from package-lock\.json/],
    [{ "pnpm-lock.yaml": "lockfileVersion: '9.0'\n" }, /run `pnpm add --save-dev husky@\^9\.1\.7 lint-staged@\^16\.4\.0`/, /package manager: pnpm, from pnpm-lock\.yaml/],
    [{ "yarn.lock": "" }, /run `yarn add --dev husky@\^9\.1\.7 lint-staged@\^16\.4\.0`/, /package manager: yarn, from yarn\.lock/],
    [{ "package.json": JSON.stringify({ name: "app", packageManager: "pnpm@9.12.0" }) }, /run `pnpm add --save-dev /, /package manager: pnpm, from "packageManager": "pnpm@9\.12\.0"/],
  ];
  for (const [files, expected, why] of cases) {
    const dir = project(files);
    const before = git(dir, ["status", "--porcelain", "--ignored"]).stdout;
    const r = await init(dir, ["--dry-run"]);
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, expected);
    assert.match(r.stdout, why);
    assert.match(r.stdout, /create \.husky\/pre-commit running `(npx --no -- |pnpm exec |yarn )lint-staged`/);
    assert.match(r.stdout, /Nothing was written\./);
    assert.is(git(dir, ["status", "--porcelain", "--ignored"]).stdout, before);
    assert.is(hooksPath(dir), "");
  }
  const pnpm = project({ "pnpm-lock.yaml": "" });
  await init(pnpm, ["--no-install"]);
  assert.match(read(pnpm, ".husky/pre-commit"), /^pnpm exec lint-staged$/m);
});

test("existing hook, prepare script and lint-staged configs are extended, not clobbered; the install command is injectable", async () => {
  const dir = project({
    "package.json": JSON.stringify({ name: "app", scripts: { prepare: "tsc -p ." }, devDependencies: { typescript: "5.9.3" } }, null, "\t") + "\n",
    ".husky/pre-commit": "npm test\nexit 0\n",
    ".lintstagedrc.json": JSON.stringify({ "*.ts": "eslint --fix" }, null, 4) + "\n",
  });
  const r = await init(dir, [], { SQLGUARD_INIT_INSTALL: "echo installing >> install.log" });
  assert.is(r.code, 0, r.stderr);
  assert.is(read(dir, "install.log"), "installing\n", "the replacement install command ran in the project folder");
  const text = read(dir, "package.json");
  assert.ok(text.includes('\n\t"scripts"'), "tab indentation kept");
  const pkg = JSON.parse(text) as Record<string, Record<string, string>>;
  assert.equal(pkg.devDependencies, { husky: HUSKY_RANGE, "lint-staged": LINT_STAGED_RANGE, typescript: "5.9.3" });
  assert.is(pkg.scripts!.prepare, "tsc -p . && husky");
  assert.is(pkg["lint-staged"], undefined, "the existing .lintstagedrc.json is used");
  assert.equal(JSON.parse(read(dir, ".lintstagedrc.json")), { "*.ts": "eslint --fix", ...LINT_STAGED_ENTRIES });
  assert.is(read(dir, ".husky/pre-commit"), "npm test\n# sqlguard init: lint the staged files\nnpx --no -- lint-staged\nexit 0\n");
  assert.match(r.stdout, /note: husky is not installed yet/);
  assert.match((await init(dir, [], { SQLGUARD_INIT_INSTALL: "exit 1" })).stdout, /nothing to change/, "idempotent (husky left to `npm install`)");

  // YAML config: entries appended.
  const yaml = project({ ".lintstagedrc.yml": "'*.md': prettier --write\n" });
  assert.is((await init(yaml, ["--no-install"])).code, 0);
  assert.is(read(yaml, ".lintstagedrc.yml"), `'*.md': prettier --write\n${Object.keys(LINT_STAGED_ENTRIES).map((k) => `"${k}": sqlguard`).join("\n")}\n`);

  // A pre-commit hook that git already runs keeps running once husky takes over the hooks.
  const legacy = project();
  mkdirSync(path.join(legacy, ".git", "hooks"), { recursive: true });
  writeFileSync(path.join(legacy, ".git", "hooks", "pre-commit"), "#!/bin/sh\necho legacy\n", { mode: 0o755 });
  const l = await init(legacy, ["--no-install"]);
  assert.match(l.stdout, /\.git\/hooks\/pre-commit keeps running/);
  assert.match(read(legacy, ".husky/pre-commit"), /"\$\(git rev-parse --git-common-dir\)\/hooks\/pre-commit" "\$@"\n/);
});

test("$schema: added to a JSON config that lacks it, pointing at the installed package; a config in code is left alone", async () => {
  const dir = project({ "sqlguard.config.json": JSON.stringify({ rules: { "require-where": "warn" } }, null, 4) + "\n" });
  mkdirSync(path.join(dir, "node_modules", "sqlguard"), { recursive: true });
  writeFileSync(path.join(dir, "node_modules", "sqlguard", "sqlguard.config.schema.json"), "{}");
  const r = await init(dir, ["--no-install", "--dry-run"]);
  assert.match(r.stdout, /add "\$schema": "\.\/node_modules\/sqlguard\/sqlguard\.config\.schema\.json" to sqlguard\.config\.json/);
  assert.is((await init(dir, ["--no-install"])).code, 0);
  const text = read(dir, "sqlguard.config.json");
  assert.is(text, JSON.stringify({ $schema: "./node_modules/sqlguard/sqlguard.config.schema.json", rules: { "require-where": "warn" } }, null, 4) + "\n", "first key, the file's indent kept");
  // the command reads the config with its "$schema"
  write(dir, { "a.sql": "DELETE FROM t;\n" });
  const lint = await cli(["a.sql"], { cwd: dir });
  assert.is(lint.code, 0, lint.stderr);
  assert.match(lint.stdout, /warning {2}DELETE without WHERE/);

  const js = project({ "sqlguard.config.mjs": "export default { rules: {} };\n" });
  assert.not.match((await init(js, ["--no-install", "--dry-run"])).stdout, /schema/);
  const inPackage = project({ "package.json": JSON.stringify({ name: "app", sqlguard: { rules: {} } }) });
  assert.not.match((await init(inPackage, ["--no-install", "--dry-run"])).stdout, /schema/);
});

test("errors exit 2 and change nothing: not a git repository, no package.json, a config or hook manager it will not edit", async () => {
  const noGit = tempDir({ "package.json": PKG });
  const a = await init(noGit);
  assert.is(a.code, 2);
  assert.match(a.stderr, /sqlguard init: .* is not inside a git repository: run `git init` first/);

  const noPkg = repo({ "a.sql": "SELECT 1;\n" });
  const b = await init(noPkg);
  assert.is(b.code, 2);
  assert.match(b.stderr, /sqlguard init: no package\.json in .*: create one first \(`npm init -y`\)/);

  const jsConfig = project({ "lint-staged.config.js": "export default { '*.ts': 'eslint' };\n" });
  const c = await init(jsConfig, ["--no-install"]);
  assert.is(c.code, 2);
  assert.match(c.stderr, /lint-staged\.config\.js is code that sqlguard init will not rewrite; add these entries to it yourself/);
  assert.is(read(jsConfig, "package.json"), PKG);
  assert.not.ok(existsSync(path.join(jsConfig, ".husky")));

  const other = project();
  git(other, ["config", "core.hooksPath", ".githooks"]);
  const d = await init(other, ["--no-install"]);
  assert.is(d.code, 2);
  assert.match(d.stderr, /core\.hooksPath is "\.githooks": another tool runs this repository's hooks/);
  assert.is(read(other, "package.json"), PKG);

  const bad = project({ "package.json": "{ not json" });
  assert.match((await init(bad)).stderr, /package\.json: not valid JSON/);
  assert.is((await init(project(), ["--bogus"])).code, 2);
  assert.match((await init(project(), ["--help"])).stdout, /Usage: sqlguard init/);
});

test("a package in a subfolder of the repository: husky's documented subfolder set-up", async () => {
  const dir = repo({ "web/package.json": PKG });
  const r = await init(path.join(dir, "web"), ["--no-install"]);
  assert.is(r.code, 0, r.stderr);
  assert.is(pkgOf(path.join(dir, "web")).scripts!.prepare, "cd .. && husky web/.husky");
  assert.match(read(dir, "web/.husky/pre-commit"), /^cd web && npx --no -- lint-staged$/m);
});

/**
 * Why the registry test cannot run here, or null. Asked before the test, not guessed from npm's
 * errors after it: once the registry answers, a failed install is a failure.
 */
async function registryProblem(): Promise<string | null> {
  if (process.env.SQLGUARD_TEST_OFFLINE) return "SQLGUARD_TEST_OFFLINE is set";
  const registry = (process.env.npm_config_registry || "https://registry.npmjs.org/").replace(/\/?$/, "/");
  try {
    const r = await fetch(`${registry}husky`, { method: "HEAD", signal: AbortSignal.timeout(10_000) });
    return r.ok ? null : `the npm registry ${registry} answers ${r.status}`;
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    return `the npm registry ${registry} cannot be reached (${err.cause?.code ?? err.message})`;
  }
}

const REAL_NPM = "with the real npm and the npm registry: init installs husky and lint-staged and the hook works";
const registry = await registryProblem();
if (registry) skip(test, REAL_NPM, registry);
else test(REAL_NPM, async () => {
  const dir = project({ "package-lock.json": JSON.stringify({ name: "app", version: "1.0.0", lockfileVersion: 3, requires: true, packages: { "": { name: "app", version: "1.0.0" } } }, null, 2) + "\n" });
  commitAll(dir, "start");
  linkSqlguard(dir);
  const r = await init(dir, [], { npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /installed husky@\^9\.1\.7 and lint-staged@\^16\.4\.0 as devDependencies \(npm install --save-dev/);
  assert.equal(pkgOf(dir).devDependencies, { husky: HUSKY_RANGE, "lint-staged": LINT_STAGED_RANGE });
  assert.ok(existsSync(path.join(dir, "node_modules", ".bin", "lint-staged")));
  assert.is(hooksPath(dir), ".husky/_");
  commitAll(dir, "wire");
  write(dir, { "x.sql": "UPDATE accounts SET balance = 0;\n" });
  git(dir, ["add", "x.sql"]);
  const blocked = git(dir, ["commit", "-m", "x"], { allowFail: true });
  assert.is.not(blocked.code, 0);
  assert.match(blocked.stdout + blocked.stderr, /UPDATE without WHERE changes every row of accounts/);
});

test.run();

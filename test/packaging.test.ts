/**
 * What a user gets: the files `npm pack` puts in the package (the CLI bundle, the library, the
 * docs, every rule's README, the LICENSE, the config schema — no tests, fixtures or dev tools),
 * the README's two set-up commands, and docs that pin no version or tag that does not exist.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import nodeModule from "node:module";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { builtinRules } from "../rules/index.js";
import { root } from "./helpers.js";

const test = suite("packaging");

const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { license: string; bin: Record<string, string>; exports: Record<string, { default?: string }> };

/** The files `npm pack` would put in the tarball (scripts not run: dist/ is the build the tests run). */
function packed(): string[] {
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const r = spawnSync(npm, ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root, encoding: "utf8", env: { ...process.env, npm_config_loglevel: "silent" } });
  assert.is(r.status, 0, r.stderr);
  const [info] = JSON.parse(r.stdout) as { files: { path: string }[] }[];
  return info!.files.map((f) => f.path).sort();
}

test("npm pack ships the CLI, the library, the ESLint plugin, docs, rule READMEs, LICENSE and the schema", () => {
  const files = new Set(packed());
  const must = [
    "package.json",
    "README.md",
    "LICENSE",
    "sqlguard.config.schema.json",
    ...Object.values(pkg.bin),
    // the CLI the command loads, also its worker threads' script, and its code cache (made by the
    // build; not on a Node with its own compile cache, 22.1+: see src/build/code-cache.ts)
    "dist/bundle/cli.cjs",
    ...(typeof (nodeModule as { enableCompileCache?: unknown }).enableCompileCache === "function" ? [] : ["dist/bundle/cli.cache"]),
    // sqlguard verify, bundled apart
    "dist/bundle/verify.js",
    "dist/bundle/verify-child.js",
    "dist/bundle/verify-worker.js",
    ...Object.values(pkg.exports).flatMap((e) => (e.default ? [e.default.replace(/^\.\//, "")] : [])),
    "dist/src/eslint/index.d.ts",
    ...readdirSync(path.join(root, "docs")).map((f) => `docs/${f}`),
    ...builtinRules.flatMap((r) => [`rules/${r.id}/README.md`, `dist/rules/${r.id}/index.js`]),
  ];
  for (const f of must) assert.ok(files.has(f), `${f} is not in the package`);
});

test("npm pack ships no tests, fixtures, snapshots, benchmarks or build and dev tools", () => {
  const shipped = packed();
  const wrong = shipped.filter(
    (f) =>
      /(^|\/)(test|tests|__tests__|fixtures|bench|\.ci|\.husky)\//.test(f) ||
      /\.(test|spec)\.[cm]?[jt]s(\.map)?$/.test(f) ||
      /\.snap$/.test(f) ||
      /^dist\/src\/(dev|build|docs)\//.test(f) ||
      /^(src|rules)\/.*\.ts$/.test(f) ||
      /^examples\//.test(f),
  );
  assert.equal(wrong, []);
});

test("LICENSE: the MIT license package.json names, held by the project's contributors", () => {
  assert.is(pkg.license, "MIT");
  const text = readFileSync(path.join(root, "LICENSE"), "utf8");
  assert.match(text, /^MIT License\n\nCopyright \(c\) \d{4} sqlguard contributors\n/);
  assert.match(text, /THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND/);
});

test("the README's set-up: two commands, the first runs the examples without npx installing the clone", () => {
  const readme = readFileSync(path.join(root, "README.md"), "utf8");
  const block = /## Try it[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
  const commands = block
    .split("\n")
    .map((l) => l.replace(/\s+#.*$/, "").trim())
    .filter(Boolean);
  assert.equal(commands, ["npm ci && node bin/sqlguard.js examples", "npm test"]);
  // the first one's sqlguard: the build the tests run, the examples' findings, exit 1
  const r = spawnSync(process.execPath, ["bin/sqlguard.js", "examples"], { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stdout, /examples\/delete-without-where\.sql\n/);
  assert.match(r.stdout, /✖ \d+ problems \(\d+ errors, \d+ warnings\)/);
});

test("docs pin no version or tag that does not exist", () => {
  const tags = new Set(
    spawnSync("git", ["tag", "--list"], { cwd: root, encoding: "utf8" })
      .stdout.split("\n")
      .filter(Boolean),
  );
  const docs = ["README.md", "CONTRIBUTING.md", ".pre-commit-hooks.yaml", ...readdirSync(path.join(root, "docs")).map((f) => `docs/${f}`)];
  for (const file of docs) {
    const text = readFileSync(path.join(root, file), "utf8");
    // pre-commit's rev: a tag that exists, or the branch autoupdate --freeze replaces
    for (const m of text.matchAll(/^[ \t]*(?:#[ \t]*)?rev:[ \t]*([^\s#]+)/gm)) assert.ok(m[1] === "main" || tags.has(m[1]!), `${file}: rev: ${m[1]} is not a tag of this repository`);
    // sqlguard itself at a version: only one that exists as a tag
    for (const m of text.matchAll(/\bsqlguard@v?(\d+\.\d+\.\d+)/g)) assert.ok(tags.has(`v${m[1]}`) || tags.has(m[1]!), `${file}: sqlguard@${m[1]} pins a version with no tag`);
    for (const m of text.matchAll(/sqlguard\/sqlguard(?:\/releases\/tag\/|\/tree\/|@)(v?\d[\w.-]*)/g)) assert.ok(tags.has(m[1]!), `${file}: ${m[0]} names a tag that does not exist`);
  }
});

test.run();

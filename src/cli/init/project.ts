/**
 * What init finds before it plans anything: the git repository, the package (the nearest
 * package.json), the package manager it uses and its commands, where lint-staged's config is, and
 * who runs the repository's hooks. Reads only; nothing here writes.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { repoRoot, runGit } from "../../sources/git.js";
import { UsageError } from "../../sources/files.js";
import { readPackageJson } from "./package-json.js";
import { InitError, type LintStagedConfig, type PackageManager, type Project } from "./types.js";

const LOCKFILES: [string, PackageManager][] = [
  ["package-lock.json", "npm"],
  ["npm-shrinkwrap.json", "npm"],
  ["pnpm-lock.yaml", "pnpm"],
  ["yarn.lock", "yarn"],
  ["bun.lock", "bun"],
  ["bun.lockb", "bun"],
];

/** The repository and the package around `cwd`; an InitError when either is missing. */
export async function findProject(cwd: string, env: NodeJS.ProcessEnv): Promise<Project> {
  let root: string;
  try {
    root = await repoRoot(cwd, env, "sqlguard init");
  } catch (e) {
    if (e instanceof UsageError && /not inside a git repository/.test(e.message)) {
      throw new InitError(`${cwd} is not inside a git repository: run \`git init\` first (husky installs the hook into git)`);
    }
    throw e;
  }

  // The package: the nearest package.json from here up to the repository root.
  let projectDir: string | null = null;
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json"))) {
      projectDir = dir;
      break;
    }
    if (dir === root || path.dirname(dir) === dir) break;
  }
  if (!projectDir) {
    throw new InitError(`no package.json in ${cwd}${cwd === root ? "" : " or above it up to the repository root"}: create one first (\`npm init -y\`), then run sqlguard init again`);
  }
  const rel = path.relative(root, projectDir).split(path.sep).join("/");
  const pkg = readPackageJson(path.join(projectDir, "package.json"));
  const { pm, why } = detectPackageManager(projectDir, root, pkg.data);
  const hooks = await runGit(["config", "--get", "core.hooksPath"], root, env);
  const hooksPath = hooks.code === 0 ? hooks.stdout.toString("utf8").trim() : "";
  return { cwd, root, projectDir, rel, huskyDir: rel ? `${rel}/.husky` : ".husky", pkg, pm, pmWhy: why, hooksPath, env };
}

/** The package manager: the `packageManager` field, else the nearest lockfile up to the repository root, else npm. */
function detectPackageManager(projectDir: string, root: string, data: Record<string, unknown>): { pm: PackageManager; why: string } {
  const field = typeof data.packageManager === "string" ? data.packageManager : "";
  const named = /^(npm|pnpm|yarn|bun)@/.exec(field)?.[1] as PackageManager | undefined;
  if (named) return { pm: named, why: `"packageManager": "${field}"` };
  for (let dir = projectDir; ; dir = path.dirname(dir)) {
    for (const [file, pm] of LOCKFILES) if (existsSync(path.join(dir, file))) return { pm, why: path.relative(projectDir, path.join(dir, file)) };
    if (dir === root || path.dirname(dir) === dir) break;
  }
  return { pm: "npm", why: "no lockfile" };
}

/** The command that adds devDependencies with this package manager. */
export function addCommand(pm: PackageManager, specs: string[]): string[] {
  switch (pm) {
    case "npm":
      return ["npm", "install", "--save-dev", ...specs];
    case "pnpm":
      return ["pnpm", "add", "--save-dev", ...specs];
    case "yarn":
      return ["yarn", "add", "--dev", ...specs];
    case "bun":
      return ["bun", "add", "--dev", ...specs];
  }
}

/** The hook's command line that runs lint-staged with this package manager. */
export function runLintStaged(pm: PackageManager): string {
  switch (pm) {
    case "npm":
      return "npx --no -- lint-staged";
    case "pnpm":
      return "pnpm exec lint-staged";
    case "yarn":
      return "yarn lint-staged";
    case "bun":
      return "bunx lint-staged";
  }
}

const LINT_STAGED_FILES = [
  ".lintstagedrc",
  ".lintstagedrc.json",
  ".lintstagedrc.yaml",
  ".lintstagedrc.yml",
  ".lintstagedrc.mjs",
  ".lintstagedrc.cjs",
  ".lintstagedrc.js",
  ".lintstagedrc.mts",
  ".lintstagedrc.cts",
  ".lintstagedrc.ts",
  "lint-staged.config.mjs",
  "lint-staged.config.cjs",
  "lint-staged.config.js",
  "lint-staged.config.mts",
  "lint-staged.config.cts",
  "lint-staged.config.ts",
];

/** The project's lint-staged config: the package.json key, else the first config file lint-staged would read. */
export function findLintStagedConfig(projectDir: string, data: Record<string, unknown>): LintStagedConfig {
  if (data["lint-staged"] !== undefined) return { kind: "package.json", file: path.join(projectDir, "package.json") };
  for (const name of LINT_STAGED_FILES) {
    const file = path.join(projectDir, name);
    if (!existsSync(file)) continue;
    if (name === ".lintstagedrc") {
      const text = readFileSync(file, "utf8");
      try {
        JSON.parse(text);
        return { kind: "json", file };
      } catch {
        return { kind: "yaml", file };
      }
    }
    if (name.endsWith(".json")) return { kind: "json", file };
    if (name.endsWith(".yaml") || name.endsWith(".yml")) return { kind: "yaml", file };
    return { kind: "code", file };
  }
  return { kind: "package.json", file: path.join(projectDir, "package.json") };
}

/** A file inside an installed package, looked up in node_modules from the project up to the repository root. */
export function findPackage(projectDir: string, root: string, inner: string): string | null {
  for (let dir = projectDir; ; dir = path.dirname(dir)) {
    const p = path.join(dir, "node_modules", inner);
    if (existsSync(p)) return p;
    if (dir === root || path.dirname(dir) === dir) return null;
  }
}

/**
 * `sqlguard init`: wires sqlguard into the repository's pre-commit hook with husky and
 * lint-staged, the way most JavaScript projects already run their linters:
 *
 * 1. adds husky and lint-staged as devDependencies when they are missing, with the package
 *    manager the project uses (the `packageManager` field, else the lockfile: npm, pnpm, yarn,
 *    bun; npm when there is none);
 * 2. makes the `prepare` script run husky (so a fresh clone's `npm install` activates the hook);
 * 3. adds a lint-staged entry running `sqlguard` on staged SQL, code and config files (in the
 *    package.json "lint-staged" key, or in an existing .lintstagedrc / .lintstagedrc.json /
 *    YAML file);
 * 4. creates `.husky/pre-commit` running lint-staged, or adds that line to an existing hook;
 * 5. activates husky now (git config core.hooksPath), so the very next commit is checked.
 *
 * Everything is checked before anything is written: an error (not a git repository, no
 * package.json, a config it cannot edit, another hook manager owning core.hooksPath) changes
 * nothing and exits 2. A second run changes nothing. `--dry-run` prints the plan and writes
 * nothing; `--no-install` edits package.json instead of running the package manager (then
 * `npm install` finishes the job). The install command can be replaced for tests and unusual
 * setups with SQLGUARD_INIT_INSTALL (a shell command; "skip" = --no-install).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { lintStagedGlobs } from "../extract/extensions.js";
import { repoRoot, runGit } from "../sources/git.js";
import { UsageError } from "../sources/files.js";
import type { CliIO } from "./types.js";

/** Versions known to work together on Node 20 (lint-staged 17 needs Node 22). */
export const HUSKY_RANGE = "^9.1.7";
export const LINT_STAGED_RANGE = "^16.4.0";

/** lint-staged entries: sqlguard on the files a walk reads, SQL and code, then config files (see `lintStagedGlobs`). */
export const LINT_STAGED_ENTRIES: Record<string, string> = Object.fromEntries(lintStagedGlobs().map((glob) => [glob, "sqlguard"]));

const HELP = `Usage: sqlguard init [--dry-run] [--no-install]

Wires sqlguard into this repository's pre-commit hook (husky + lint-staged):
devDependencies, the "prepare" script, a lint-staged entry and .husky/pre-commit.
Run it from the folder of your package.json. A second run changes nothing.

Options:
  --dry-run      print what would change; write nothing, install nothing
  --no-install   add the devDependencies to package.json without running the package manager
  -h, --help     print this help
`;

type PackageManager = "npm" | "pnpm" | "yarn" | "bun";

const LOCKFILES: [string, PackageManager][] = [
  ["package-lock.json", "npm"],
  ["npm-shrinkwrap.json", "npm"],
  ["pnpm-lock.yaml", "pnpm"],
  ["yarn.lock", "yarn"],
  ["bun.lock", "bun"],
  ["bun.lockb", "bun"],
];

class InitError extends Error {}

interface Step {
  /** What it does, in the past tense once done ("would …" in a dry run). */
  done: string;
  would: string;
  apply(): Promise<void>;
}

interface PackageJson {
  file: string;
  data: Record<string, unknown>;
  indent: string | number;
  eol: string;
}

function readPackageJson(file: string): PackageJson {
  const text = readFileSync(file, "utf8");
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InitError(`${file}: not valid JSON (${(e as Error).message}); fix it first`);
  }
  if (!data || typeof data !== "object" || Array.isArray(data)) throw new InitError(`${file}: expected a JSON object`);
  const m = /^[{[][ \t]*\r?\n([ \t]+)/.exec(text);
  const indent = m ? (m[1]!.includes("\t") ? "\t" : m[1]!.length) : 2;
  return { file, data: data as Record<string, unknown>, indent, eol: text.includes("\r\n") ? "\r\n" : "\n" };
}

/** Adds devDependencies to package.json (re-read now: a step before may have changed it), sorted. */
function addDevDependencies(file: string, entries: string[][]): void {
  const fresh = readPackageJson(file);
  const dev = { ...((fresh.data.devDependencies as Record<string, string> | undefined) ?? {}) };
  for (const [name, range] of entries) dev[name!] = range!;
  fresh.data.devDependencies = Object.fromEntries(Object.entries(dev).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  writeJson(fresh);
}

function writeJson(pkg: PackageJson): void {
  const text = JSON.stringify(pkg.data, null, pkg.indent) + "\n";
  writeFileSync(pkg.file, pkg.eol === "\n" ? text : text.replace(/\n/g, pkg.eol));
}

function deps(data: Record<string, unknown>): Set<string> {
  const names = new Set<string>();
  for (const key of ["dependencies", "devDependencies", "optionalDependencies"]) {
    const d = data[key];
    if (d && typeof d === "object") for (const n of Object.keys(d)) names.add(n);
  }
  return names;
}

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

function addCommand(pm: PackageManager, specs: string[]): string[] {
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

function runLintStaged(pm: PackageManager): string {
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

function shellQuote(s: string): string {
  return /^[\w@%+=:,./^~-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function mentionsSqlguard(value: unknown): boolean {
  if (typeof value === "string") return /\bsqlguard\b/.test(value);
  if (Array.isArray(value)) return value.some(mentionsSqlguard);
  return false;
}

/** Runs a command, its output going to our stderr; resolves with the exit code. */
function runCommand(command: string[] | string, cwd: string, io: CliIO): Promise<number> {
  return new Promise((resolve, reject) => {
    const useShell = typeof command === "string" || process.platform === "win32";
    const [file, ...args] = typeof command === "string" ? [command] : command;
    const child = spawn(file!, args, { cwd, env: io.env, shell: useShell, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (d: Buffer) => io.stderr(d.toString("utf8")));
    child.stderr.on("data", (d: Buffer) => io.stderr(d.toString("utf8")));
    child.on("error", (e: NodeJS.ErrnoException) => reject(e.code === "ENOENT" ? new InitError(`${file} is not installed or not on PATH`) : e));
    child.on("close", (code) => resolve(code ?? 1));
  });
}

interface LintStagedConfig {
  kind: "package.json" | "json" | "yaml" | "code";
  file: string;
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

function findLintStagedConfig(projectDir: string, data: Record<string, unknown>): LintStagedConfig {
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

function yamlKey(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

export async function init(argv: string[], io: CliIO): Promise<number> {
  let opts;
  try {
    opts = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: { "dry-run": { type: "boolean" }, "no-install": { type: "boolean" }, help: { type: "boolean", short: "h" } },
    }).values;
  } catch (e) {
    io.stderr(`sqlguard init: ${(e as Error).message.replace(/\. To specify a positional argument.*$/s, ".")}\n${HELP}`);
    return 2;
  }
  if (opts.help) {
    io.stdout(HELP);
    return 0;
  }
  try {
    return await run(io, opts["dry-run"] ?? false, opts["no-install"] ?? false);
  } catch (e) {
    if (e instanceof InitError || e instanceof UsageError) {
      io.stderr(`sqlguard init: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

async function run(io: CliIO, dryRun: boolean, noInstallFlag: boolean): Promise<number> {
  const cwd = path.resolve(io.cwd);
  const env = io.env;
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
  const huskyDir = rel ? `${rel}/.husky` : ".husky";
  const show = (p: string) => path.relative(cwd, p).split(path.sep).join("/") || ".";

  const pkg = readPackageJson(path.join(projectDir, "package.json"));
  const { pm, why } = detectPackageManager(projectDir, root, pkg.data);
  const installOverride = env.SQLGUARD_INIT_INSTALL;
  const noInstall = noInstallFlag || installOverride === "skip";

  const steps: Step[] = [];
  const notes: string[] = [];

  // 1. devDependencies.
  const have = deps(pkg.data);
  const missing = [
    ["husky", HUSKY_RANGE],
    ["lint-staged", LINT_STAGED_RANGE],
  ].filter(([name]) => !have.has(name!));
  const specs = missing.map(([name, range]) => `${name}@${range}`);
  if (missing.length > 0) {
    if (noInstall) {
      steps.push({
        done: `package.json: added devDependencies ${specs.join(", ")} (run \`${pm} install\` to install them)`,
        would: `add devDependencies ${specs.join(", ")} to package.json`,
        apply: async () => addDevDependencies(pkg.file, missing),
      });
    } else {
      const command = installOverride ?? addCommand(pm, specs).map(shellQuote).join(" ");
      steps.push({
        done: `installed ${specs.join(" and ")} as devDependencies (${command})`,
        would: `run \`${command}\``,
        apply: async () => {
          const code = await runCommand(installOverride ?? addCommand(pm, specs), projectDir!, io);
          if (code !== 0) {
            throw new InitError(
              `\`${command}\` failed (exit code ${code}); nothing else was changed. Fix the install, or run \`sqlguard init --no-install\` and install them yourself`,
            );
          }
          // A package manager records what it installed; a replacement command may not.
          const now = deps(readPackageJson(pkg.file).data);
          const left = missing.filter(([name]) => !now.has(name!));
          if (left.length > 0) addDevDependencies(pkg.file, left);
        },
      });
    }
  }

  // 2. The prepare script.
  const scripts = (pkg.data.scripts && typeof pkg.data.scripts === "object" ? pkg.data.scripts : {}) as Record<string, unknown>;
  const prepare = typeof scripts.prepare === "string" ? scripts.prepare : "";
  const huskyCommand = rel ? `cd ${shellQuote(path.relative(projectDir, root).split(path.sep).join("/"))} && husky ${shellQuote(huskyDir)}` : "husky";
  if (!/\bhusky\b/.test(prepare)) {
    const next = prepare ? `${prepare} && ${huskyCommand}` : huskyCommand;
    steps.push({
      done: `package.json: "prepare" script runs husky ("${next}")`,
      would: `set the package.json "prepare" script to "${next}"`,
      apply: async () => {
        const fresh = readPackageJson(pkg.file);
        const s = (fresh.data.scripts && typeof fresh.data.scripts === "object" ? fresh.data.scripts : {}) as Record<string, unknown>;
        s.prepare = next;
        fresh.data.scripts = s;
        writeJson(fresh);
      },
    });
  }

  // 3. The lint-staged entry.
  const config = findLintStagedConfig(projectDir, pkg.data);
  const entriesText = Object.keys(LINT_STAGED_ENTRIES).map((k) => `"${k}": "sqlguard"`).join(", ");
  if (config.kind === "package.json") {
    const current = pkg.data["lint-staged"];
    if (current !== undefined && (typeof current !== "object" || current === null || Array.isArray(current))) {
      throw new InitError(`package.json: "lint-staged" is not an object; add ${entriesText} to it yourself`);
    }
    if (!Object.values((current as Record<string, unknown>) ?? {}).some(mentionsSqlguard)) {
      steps.push({
        done: `package.json: "lint-staged" runs sqlguard on staged SQL, code and config files`,
        would: `add to package.json "lint-staged": ${entriesText}`,
        apply: async () => {
          const fresh = readPackageJson(pkg.file);
          fresh.data["lint-staged"] = { ...((fresh.data["lint-staged"] as Record<string, unknown> | undefined) ?? {}), ...LINT_STAGED_ENTRIES };
          writeJson(fresh);
        },
      });
    }
  } else {
    const text = readFileSync(config.file, "utf8");
    const name = show(config.file);
    if (config.kind === "json") {
      const current = readPackageJson(config.file);
      if (!Object.values(current.data).some(mentionsSqlguard)) {
        steps.push({
          done: `${name}: runs sqlguard on staged SQL, code and config files`,
          would: `add to ${name}: ${entriesText}`,
          apply: async () => {
            const fresh = readPackageJson(config.file);
            Object.assign(fresh.data, LINT_STAGED_ENTRIES);
            writeJson(fresh);
          },
        });
      }
    } else if (!/\bsqlguard\b/.test(text)) {
      if (config.kind === "code") {
        throw new InitError(`${name} is code that sqlguard init will not rewrite; add these entries to it yourself, then run init again:\n  ${entriesText}`);
      }
      const body = text.replace(/#.*$/gm, "").trim();
      if (body.startsWith("{") || body.startsWith("[")) {
        throw new InitError(`${name} is written in YAML flow style, which sqlguard init will not rewrite; add these entries to it yourself:\n  ${entriesText}`);
      }
      const lines = Object.keys(LINT_STAGED_ENTRIES).map((k) => `${yamlKey(k)}: sqlguard`);
      steps.push({
        done: `${name}: runs sqlguard on staged SQL, code and config files`,
        would: `add to ${name}: ${entriesText}`,
        apply: async () => {
          const now = readFileSync(config.file, "utf8");
          writeFileSync(config.file, now + (now === "" || now.endsWith("\n") ? "" : "\n") + lines.join("\n") + "\n");
        },
      });
    }
  }

  // 4. The hook. Another hook manager owning core.hooksPath is not ours to replace.
  const hooksPathRun = await runGit(["config", "--get", "core.hooksPath"], root, env);
  const hooksPath = hooksPathRun.code === 0 ? hooksPathRun.stdout.toString("utf8").trim() : "";
  const clean = (p: string) => p.replace(/^\.\//, "").replace(/\/+$/, "");
  const expectedHooksPath = `${huskyDir}/_`;
  if (hooksPath && clean(hooksPath) !== expectedHooksPath) {
    throw new InitError(
      `git config core.hooksPath is "${hooksPath}": another tool runs this repository's hooks. ` +
        `sqlguard init leaves it alone; add \`${runLintStaged(pm)}\` (or \`sqlguard --staged\`) to ${hooksPath}/pre-commit yourself`,
    );
  }
  const hookFile = path.join(projectDir, ".husky", "pre-commit");
  const hookLine = (rel ? `cd ${shellQuote(rel)} && ` : "") + runLintStaged(pm);
  if (!existsSync(hookFile)) {
    const lines = ["# sqlguard init: lint the staged files (lint-staged runs sqlguard and your other linters on them)", hookLine];
    const commonDir = (await runGit(["rev-parse", "--git-common-dir"], root, env)).stdout.toString("utf8").trim();
    const legacy = path.resolve(root, commonDir, "hooks", "pre-commit");
    if (!hooksPath && isExecutable(legacy)) {
      lines.unshift(`# the pre-commit hook this repository had before husky (git stops running it once husky sets core.hooksPath)`, `"$(git rev-parse --git-common-dir)/hooks/pre-commit" "$@"`, "");
      notes.push(`${show(legacy)} keeps running: .husky/pre-commit calls it`);
    }
    steps.push({
      done: `${show(hookFile)}: created; runs lint-staged`,
      would: `create ${show(hookFile)} running \`${hookLine}\``,
      apply: async () => {
        mkdirSync(path.dirname(hookFile), { recursive: true });
        writeFileSync(hookFile, lines.join("\n") + "\n", { mode: 0o755 });
      },
    });
  } else {
    const text = readFileSync(hookFile, "utf8");
    if (!/\blint-staged\b/.test(text) && !/\bsqlguard\b/.test(text)) {
      steps.push({
        done: `${show(hookFile)}: added \`${hookLine}\` (the hook's other commands are kept)`,
        would: `add \`${hookLine}\` to ${show(hookFile)}`,
        apply: async () => {
          const now = readFileSync(hookFile, "utf8");
          const lines = now.replace(/\n$/, "").split("\n");
          // Before a final `exit`, or the line would never run.
          let at = lines.length;
          while (at > 0 && lines[at - 1]!.trim() === "") at--;
          if (at > 0 && /^exit\b/.test(lines[at - 1]!.trim())) at--;
          lines.splice(at, 0, "# sqlguard init: lint the staged files", hookLine);
          writeFileSync(hookFile, lines.join("\n") + "\n");
        },
      });
    }
  }

  // 5. Activate husky now (npm does not run "prepare" on `npm install <package>`).
  const active = clean(hooksPath) === expectedHooksPath && existsSync(path.join(root, huskyDir, "_", "h"));
  const willInstall = missing.some(([name]) => name === "husky") && !noInstall;
  const later = `husky is not installed yet: \`${pm} install\` runs the "prepare" script, which activates the hook`;
  if (!active && !willInstall && !findPackage(projectDir, root, "husky/bin.js")) {
    notes.push(later);
  } else if (!active) {
    steps.push({
      done: `git config core.hooksPath ${expectedHooksPath} (husky)`,
      would: `activate the hook: git config core.hooksPath ${expectedHooksPath} (husky)`,
      apply: async () => {
        const bin = findPackage(projectDir!, root, "husky/bin.js");
        if (!bin) {
          notes.push(later);
          return;
        }
        const code = await runCommand([process.execPath, bin, ...(rel ? [huskyDir] : [])], root, io);
        if (code !== 0) throw new InitError(`husky failed (exit code ${code})`);
        const now = await runGit(["config", "--get", "core.hooksPath"], root, env);
        if (clean(now.stdout.toString("utf8").trim()) !== expectedHooksPath) {
          notes.push(`husky did not set core.hooksPath (HUSKY=0?): the hook is not active yet; run \`npx husky\` to activate it`);
        }
      },
    });
  }

  if (!have.has("sqlguard") && pkg.data.name !== "sqlguard") {
    notes.push(`sqlguard is not a dependency of ${show(pkg.file)}: the hook runs it from node_modules/.bin, so add it: \`${addCommand(pm, ["sqlguard"]).join(" ")}\``);
  }

  const where = show(projectDir);
  if (steps.length === 0) {
    io.stdout(`sqlguard init: nothing to change in ${where}: husky and lint-staged already run sqlguard before each commit.\n`);
    for (const n of notes) io.stdout(`note: ${n}\n`);
    return 0;
  }
  if (dryRun) {
    io.stdout(`sqlguard init --dry-run: in ${where} (package manager: ${pm}, from ${why}), sqlguard init would:\n`);
    for (const s of steps) io.stdout(`  - ${s.would}\n`);
    io.stdout("Nothing was written.\n");
    return 0;
  }
  io.stdout(`sqlguard init: wiring sqlguard into the pre-commit hook of ${where} (package manager: ${pm}, from ${why})\n`);
  for (const s of steps) {
    await s.apply();
    io.stdout(`  ✔ ${s.done}\n`);
  }
  for (const n of notes) io.stdout(`note: ${n}\n`);
  io.stdout("Done: the next `git commit` runs sqlguard on the staged files.\n");
  return 0;
}

function isExecutable(file: string): boolean {
  try {
    const st = statSync(file);
    return st.isFile() && (st.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

/** A file inside an installed package, looked up in node_modules from the project up to the repository root. */
function findPackage(projectDir: string, root: string, inner: string): string | null {
  for (let dir = projectDir; ; dir = path.dirname(dir)) {
    const p = path.join(dir, "node_modules", inner);
    if (existsSync(p)) return p;
    if (dir === root || path.dirname(dir) === dir) return null;
  }
}

/**
 * The changes init makes, planned before any is applied: devDependencies, the `prepare` script,
 * the lint-staged entries, the pre-commit hook, husky's activation, and a sqlguard.config.json
 * with `$schema`. What is in place already
 * is no step; what init will not edit stops the plan with an InitError, so nothing is written.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { CONFIG_FILES, findConfigFile, SCHEMA_FILE } from "../../engine/config.js";
import { lintStagedGlobs } from "../../extract/extensions.js";
import { relativeWithin } from "../../util/paths.js";
import { runGit } from "../../sources/git.js";
import type { CliIO } from "../types.js";
import { addDevDependencies, deps, readPackageJson, writeJson } from "./package-json.js";
import { addCommand, findLintStagedConfig, findPackage, runLintStaged } from "./project.js";
import { InitError, type Plan, type Project, type Step } from "./types.js";

/** Versions known to work together on Node 20 (lint-staged 17 needs Node 22). */
export const HUSKY_RANGE = "^9.1.7";
export const LINT_STAGED_RANGE = "^16.4.0";

/** lint-staged entries: sqlguard on the files a walk reads, SQL and code, then config files (see `lintStagedGlobs`). */
export const LINT_STAGED_ENTRIES: Record<string, string> = Object.fromEntries(lintStagedGlobs().map((glob) => [glob, "sqlguard"]));

export interface PlanOptions {
  /** Add the devDependencies to package.json instead of running the package manager. */
  noInstall: boolean;
  /** A shell command that replaces the install (SQLGUARD_INIT_INSTALL). */
  installOverride: string | undefined;
}

/** Plans every change, in the order they are applied. */
export async function planInit(project: Project, io: CliIO, options: PlanOptions): Promise<Plan> {
  const plan: Plan = { steps: [], notes: [] };
  const add = (step: Step | null) => {
    if (step) plan.steps.push(step);
  };
  const { pkg, pm } = project;
  const have = deps(pkg.data);
  const missing = [
    ["husky", HUSKY_RANGE],
    ["lint-staged", LINT_STAGED_RANGE],
  ].filter(([name]) => !have.has(name!));
  add(devDependenciesStep(project, io, options, missing));
  add(prepareStep(project));
  add(lintStagedStep(project));
  add(await hookStep(project, plan.notes));
  add(activationStep(project, io, plan.notes, missing.some(([name]) => name === "husky") && !options.noInstall));
  add(configStep(project));
  if (!have.has("sqlguard") && pkg.data.name !== "sqlguard") {
    plan.notes.push(`sqlguard is not a dependency of ${show(project, pkg.file)}: the hook runs it from node_modules/.bin, so add it: \`${addCommand(pm, ["sqlguard"]).join(" ")}\``);
  }
  return plan;
}

/** A path as the user sees it: relative to where init was run, `/`-separated. */
export function show(project: Project, p: string): string {
  return path.relative(project.cwd, p).split(path.sep).join("/") || ".";
}

/** 1. husky and lint-staged as devDependencies: installed with the package manager, or written to package.json. */
function devDependenciesStep(project: Project, io: CliIO, options: PlanOptions, missing: string[][]): Step | null {
  if (missing.length === 0) return null;
  const { pkg, pm } = project;
  const specs = missing.map(([name, range]) => `${name}@${range}`);
  if (options.noInstall) {
    return {
      done: `package.json: added devDependencies ${specs.join(", ")} (run \`${pm} install\` to install them)`,
      would: `add devDependencies ${specs.join(", ")} to package.json`,
      apply: async () => addDevDependencies(pkg.file, missing),
    };
  }
  const override = options.installOverride;
  const command = override ?? addCommand(pm, specs).map(shellQuote).join(" ");
  return {
    done: `installed ${specs.join(" and ")} as devDependencies (${command})`,
    would: `run \`${command}\``,
    apply: async () => {
      const code = await runCommand(override ?? addCommand(pm, specs), project.projectDir, io);
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
  };
}

/** 2. The `prepare` script runs husky, so every fresh clone's install activates the hook. */
function prepareStep(project: Project): Step | null {
  const { pkg, rel } = project;
  const scripts = (pkg.data.scripts && typeof pkg.data.scripts === "object" ? pkg.data.scripts : {}) as Record<string, unknown>;
  const prepare = typeof scripts.prepare === "string" ? scripts.prepare : "";
  if (/\bhusky\b/.test(prepare)) return null;
  const huskyCommand = rel ? `cd ${shellQuote(path.relative(project.projectDir, project.root).split(path.sep).join("/"))} && husky ${shellQuote(project.huskyDir)}` : "husky";
  const next = prepare ? `${prepare} && ${huskyCommand}` : huskyCommand;
  return {
    done: `package.json: "prepare" script runs husky ("${next}")`,
    would: `set the package.json "prepare" script to "${next}"`,
    apply: async () => {
      const fresh = readPackageJson(pkg.file);
      const s = (fresh.data.scripts && typeof fresh.data.scripts === "object" ? fresh.data.scripts : {}) as Record<string, unknown>;
      s.prepare = next;
      fresh.data.scripts = s;
      writeJson(fresh);
    },
  };
}

/** 3. The lint-staged entries, in the package.json key or the project's JSON or YAML config file. */
function lintStagedStep(project: Project): Step | null {
  const { pkg } = project;
  const config = findLintStagedConfig(project.projectDir, pkg.data);
  const entriesText = Object.keys(LINT_STAGED_ENTRIES).map((k) => `"${k}": "sqlguard"`).join(", ");
  if (config.kind === "package.json") {
    const current = pkg.data["lint-staged"];
    if (current !== undefined && (typeof current !== "object" || current === null || Array.isArray(current))) {
      throw new InitError(`package.json: "lint-staged" is not an object; add ${entriesText} to it yourself`);
    }
    if (Object.values((current as Record<string, unknown>) ?? {}).some(mentionsSqlguard)) return null;
    return {
      done: `package.json: "lint-staged" runs sqlguard on staged SQL, code and config files`,
      would: `add to package.json "lint-staged": ${entriesText}`,
      apply: async () => {
        const fresh = readPackageJson(pkg.file);
        fresh.data["lint-staged"] = { ...((fresh.data["lint-staged"] as Record<string, unknown> | undefined) ?? {}), ...LINT_STAGED_ENTRIES };
        writeJson(fresh);
      },
    };
  }
  const text = readFileSync(config.file, "utf8");
  const name = show(project, config.file);
  if (config.kind === "json") {
    const current = readPackageJson(config.file);
    if (Object.values(current.data).some(mentionsSqlguard)) return null;
    return {
      done: `${name}: runs sqlguard on staged SQL, code and config files`,
      would: `add to ${name}: ${entriesText}`,
      apply: async () => {
        const fresh = readPackageJson(config.file);
        Object.assign(fresh.data, LINT_STAGED_ENTRIES);
        writeJson(fresh);
      },
    };
  }
  if (/\bsqlguard\b/.test(text)) return null;
  if (config.kind === "code") {
    throw new InitError(`${name} is code that sqlguard init will not rewrite; add these entries to it yourself, then run init again:\n  ${entriesText}`);
  }
  const body = text.replace(/#.*$/gm, "").trim();
  if (body.startsWith("{") || body.startsWith("[")) {
    throw new InitError(`${name} is written in YAML flow style, which sqlguard init will not rewrite; add these entries to it yourself:\n  ${entriesText}`);
  }
  const lines = Object.keys(LINT_STAGED_ENTRIES).map((k) => `${yamlKey(k)}: sqlguard`);
  return {
    done: `${name}: runs sqlguard on staged SQL, code and config files`,
    would: `add to ${name}: ${entriesText}`,
    apply: async () => {
      const now = readFileSync(config.file, "utf8");
      writeFileSync(config.file, now + (now === "" || now.endsWith("\n") ? "" : "\n") + lines.join("\n") + "\n");
    },
  };
}

const cleanHooksPath = (p: string) => p.replace(/^\.\//, "").replace(/\/+$/, "");

/**
 * 4. `.husky/pre-commit` runs lint-staged: created (calling the hook git ran before husky, if
 * any), or the line added to the hook there is. Another hook manager owning core.hooksPath is
 * not ours to replace.
 */
async function hookStep(project: Project, notes: string[]): Promise<Step | null> {
  const { hooksPath, root, rel, pm } = project;
  if (hooksPath && cleanHooksPath(hooksPath) !== `${project.huskyDir}/_`) {
    throw new InitError(
      `git config core.hooksPath is "${hooksPath}": another tool runs this repository's hooks. ` +
        `sqlguard init leaves it alone; add \`${runLintStaged(pm)}\` (or \`sqlguard --staged\`) to ${hooksPath}/pre-commit yourself`,
    );
  }
  const hookFile = path.join(project.projectDir, ".husky", "pre-commit");
  const hookLine = (rel ? `cd ${shellQuote(rel)} && ` : "") + runLintStaged(pm);
  if (!existsSync(hookFile)) {
    const lines = ["# sqlguard init: lint the staged files (lint-staged runs sqlguard and your other linters on them)", hookLine];
    const commonDir = (await runGit(["rev-parse", "--git-common-dir"], root, project.env)).stdout.toString("utf8").trim();
    const legacy = path.resolve(root, commonDir, "hooks", "pre-commit");
    if (!hooksPath && isExecutable(legacy)) {
      lines.unshift(`# the pre-commit hook this repository had before husky (git stops running it once husky sets core.hooksPath)`, `"$(git rev-parse --git-common-dir)/hooks/pre-commit" "$@"`, "");
      notes.push(`${show(project, legacy)} keeps running: .husky/pre-commit calls it`);
    }
    return {
      done: `${show(project, hookFile)}: created; runs lint-staged`,
      would: `create ${show(project, hookFile)} running \`${hookLine}\``,
      apply: async () => {
        mkdirSync(path.dirname(hookFile), { recursive: true });
        writeFileSync(hookFile, lines.join("\n") + "\n", { mode: 0o755 });
      },
    };
  }
  const text = readFileSync(hookFile, "utf8");
  if (/\blint-staged\b/.test(text) || /\bsqlguard\b/.test(text)) return null;
  return {
    done: `${show(project, hookFile)}: added \`${hookLine}\` (the hook's other commands are kept)`,
    would: `add \`${hookLine}\` to ${show(project, hookFile)}`,
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
  };
}

/** 5. husky activated now (npm does not run "prepare" on `npm install <package>`), when it is installed. */
function activationStep(project: Project, io: CliIO, notes: string[], willInstall: boolean): Step | null {
  const { root, projectDir, rel, huskyDir, env } = project;
  const expected = `${huskyDir}/_`;
  const active = cleanHooksPath(project.hooksPath) === expected && existsSync(path.join(root, huskyDir, "_", "h"));
  if (active) return null;
  const later = `husky is not installed yet: \`${project.pm} install\` runs the "prepare" script, which activates the hook`;
  if (!willInstall && !findPackage(projectDir, root, "husky/bin.js")) {
    notes.push(later);
    return null;
  }
  return {
    done: `git config core.hooksPath ${expected} (husky)`,
    would: `activate the hook: git config core.hooksPath ${expected} (husky)`,
    apply: async () => {
      const bin = findPackage(projectDir, root, "husky/bin.js");
      if (!bin) {
        notes.push(later);
        return;
      }
      const code = await runCommand([process.execPath, bin, ...(rel ? [huskyDir] : [])], root, io);
      if (code !== 0) throw new InitError(`husky failed (exit code ${code})`);
      const now = await runGit(["config", "--get", "core.hooksPath"], root, env);
      if (cleanHooksPath(now.stdout.toString("utf8").trim()) !== expected) {
        notes.push(`husky did not set core.hooksPath (HUSKY=0?): the hook is not active yet; run \`npx husky\` to activate it`);
      }
    },
  };
}

/**
 * 6. sqlguard.config.json with `$schema`, so editors complete and check it: created when the
 * project has no sqlguard config, or the key added to a JSON config that lacks it. A config in
 * code (`.js`, `.mjs`) or in package.json is left alone.
 */
function configStep(project: Project): Step | null {
  const { projectDir, root, pkg } = project;
  let found = findConfigFile(projectDir);
  // a config above the repository is not the project's: one of its own goes in the project
  if (found && relativeWithin(root, found.file) === null) found = null;
  if (found && (found.packageJson || !found.file.endsWith(".json"))) return null;
  const file = found ? found.file : path.join(projectDir, CONFIG_FILES[0]);
  const schema = schemaReference(path.dirname(file), projectDir, root, pkg.data.name === "sqlguard");
  if (!found) {
    return {
      done: `${show(project, file)}: created, with "$schema" for editors`,
      would: `create ${show(project, file)} with "$schema": "${schema}"`,
      apply: async () => writeFileSync(file, JSON.stringify({ $schema: schema, rules: {} }, null, 2) + "\n", { flag: "wx" }),
    };
  }
  const current = readPackageJson(file);
  if (Object.hasOwn(current.data, "$schema")) return null;
  return {
    done: `${show(project, file)}: added "$schema" for editors`,
    would: `add "$schema": "${schema}" to ${show(project, file)}`,
    apply: async () => {
      const fresh = readPackageJson(file);
      fresh.data = { $schema: schema, ...fresh.data };
      writeJson(fresh);
    },
  };
}

/** `$schema` as a path from the config's folder to the schema in the installed package (or where it will be installed). */
function schemaReference(configDir: string, projectDir: string, root: string, isSqlguard: boolean): string {
  const target = isSqlguard
    ? path.join(projectDir, SCHEMA_FILE)
    : (findPackage(projectDir, root, path.join("sqlguard", SCHEMA_FILE)) ?? path.join(projectDir, "node_modules", "sqlguard", SCHEMA_FILE));
  const rel = path.relative(configDir, target).split(path.sep).join("/");
  return rel.startsWith("../") ? rel : `./${rel}`;
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./^~-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function mentionsSqlguard(value: unknown): boolean {
  if (typeof value === "string") return /\bsqlguard\b/.test(value);
  if (Array.isArray(value)) return value.some(mentionsSqlguard);
  return false;
}

function yamlKey(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

function isExecutable(file: string): boolean {
  try {
    const st = statSync(file);
    return st.isFile() && (st.mode & 0o111) !== 0;
  } catch {
    return false;
  }
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

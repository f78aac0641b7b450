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
 *
 * In parts: init/project.ts finds the repository, the package and its package manager (reading
 * only); init/plan.ts plans the steps; this file prints the plan or applies it and reports.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { UsageError } from "../sources/files.js";
import type { CliIO } from "./types.js";
import { planInit, show } from "./init/plan.js";
import { findProject } from "./init/project.js";
import { InitError } from "./init/types.js";

export { HUSKY_RANGE, LINT_STAGED_ENTRIES, LINT_STAGED_RANGE } from "./init/plan.js";

const HELP = `Usage: sqlguard init [--dry-run] [--no-install]

Wires sqlguard into this repository's pre-commit hook (husky + lint-staged):
devDependencies, the "prepare" script, a lint-staged entry and .husky/pre-commit.
Run it from the folder of your package.json. A second run changes nothing.

Options:
  --dry-run      print what would change; write nothing, install nothing
  --no-install   add the devDependencies to package.json without running the package manager
  -h, --help     print this help
`;

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

/** Finds the project, plans every change, then prints the plan (--dry-run) or applies it step by step. */
async function run(io: CliIO, dryRun: boolean, noInstallFlag: boolean): Promise<number> {
  const project = await findProject(path.resolve(io.cwd), io.env);
  const installOverride = io.env.SQLGUARD_INIT_INSTALL;
  const { steps, notes } = await planInit(project, io, { noInstall: noInstallFlag || installOverride === "skip", installOverride });

  const where = show(project, project.projectDir);
  const pm = `package manager: ${project.pm}, from ${project.pmWhy}`;
  if (steps.length === 0) {
    io.stdout(`sqlguard init: nothing to change in ${where}: husky and lint-staged already run sqlguard before each commit.\n`);
    for (const n of notes) io.stdout(`note: ${n}\n`);
    return 0;
  }
  if (dryRun) {
    io.stdout(`sqlguard init --dry-run: in ${where} (${pm}), sqlguard init would:\n`);
    for (const s of steps) io.stdout(`  - ${s.would}\n`);
    io.stdout("Nothing was written.\n");
    return 0;
  }
  io.stdout(`sqlguard init: wiring sqlguard into the pre-commit hook of ${where} (${pm})\n`);
  for (const s of steps) {
    await s.apply();
    io.stdout(`  ✔ ${s.done}\n`);
  }
  for (const n of notes) io.stdout(`note: ${n}\n`);
  io.stdout("Done: the next `git commit` runs sqlguard on the staged files.\n");
  return 0;
}

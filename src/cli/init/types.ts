/** What the parts of `sqlguard init` hand each other: the project found, and the steps planned. */

/** A problem that stops init before anything is written (exit 2). */
export class InitError extends Error {}

export type PackageManager = "npm" | "pnpm" | "yarn" | "bun";

/** A package.json as read: its data, and how it is written (indent, line breaks) to write it back alike. */
export interface PackageJson {
  file: string;
  data: Record<string, unknown>;
  indent: string | number;
  eol: string;
}

/** Where the project keeps its lint-staged config, and in what form. */
export interface LintStagedConfig {
  kind: "package.json" | "json" | "yaml" | "code";
  file: string;
}

/** The repository and package init works in, as found before anything is planned. */
export interface Project {
  /** Where init was run. */
  cwd: string;
  /** The git repository's top folder. */
  root: string;
  /** The folder of the nearest package.json, from `cwd` up to `root`. */
  projectDir: string;
  /** `projectDir` relative to `root`, `/`-separated ("" when it is the root). */
  rel: string;
  /** husky's folder relative to `root` (`.husky`, or `web/.husky` for a package in a subfolder). */
  huskyDir: string;
  pkg: PackageJson;
  pm: PackageManager;
  /** Why that package manager: the `packageManager` field, a lockfile, or none. */
  pmWhy: string;
  /** git's core.hooksPath ("" when unset). */
  hooksPath: string;
  env: NodeJS.ProcessEnv;
}

/** One change init makes. */
export interface Step {
  /** What it did, once done. */
  done: string;
  /** What it would do (a dry run). */
  would: string;
  apply(): Promise<void>;
}

export interface Plan {
  steps: Step[];
  /** Said after the steps; a step may add to them as it is applied. */
  notes: string[];
}

/**
 * Real projects for the end-to-end checks of the ESLint plugin (`npm run e2e:eslint`, run by
 * .ci/run; too slow for `npm test`): a small TypeScript app with a folder of SQL migrations,
 * installed from the npm registry as a user installs it — first the app's own tools (ESLint,
 * @eslint/js, TypeScript, typescript-eslint), then sqlguard, from `npm pack` of this checkout.
 *
 * Installs are kept between runs in one folder per set of versions (SQLGUARD_E2E_DIR, default
 * <tmp>/sqlguard-e2e); sqlguard is installed again whenever the packed tarball changes.
 */
import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const cacheDir = path.resolve(process.env.SQLGUARD_E2E_DIR ?? path.join(os.tmpdir(), "sqlguard-e2e"));
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const npx = process.platform === "win32" ? "npx.cmd" : "npx";

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a command (no shell), with a generous timeout; never throws for a non-zero exit. */
export function run(command: string, args: string[], options: SpawnSyncOptions & { cwd: string }): Run {
  const t0 = performance.now();
  const r = spawnSync(command, args, {
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    timeout: 15 * 60 * 1000,
    ...options,
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", npm_config_fund: "false", npm_config_audit: "false", npm_config_update_notifier: "false", ...options.env },
  });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: String(r.stdout), stderr: String(r.stderr), ms: Math.round(performance.now() - t0) };
}

function must(r: Run, what: string): Run {
  if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code}):\n${r.stderr.slice(-4000)}\n${r.stdout.slice(-2000)}`);
  return r;
}

export const npmRun = (args: string[], cwd: string): Run => run(npm, args, { cwd });
export const npxRun = (args: string[], cwd: string): Run => run(npx, ["--no-install", ...args], { cwd });

/** A field of a package's registry entry (`npm view <spec> <field>`); for a range, the newest version's. */
export function registryField(spec: string, field: string): string {
  mkdirSync(cacheDir, { recursive: true });
  const r = must(npmRun(["view", spec, field, "--json"], cacheDir), `npm view ${spec} ${field}`);
  const v = JSON.parse(r.stdout) as string | string[];
  if (!Array.isArray(v)) return v;
  // one value per matching version, in no useful order: the newest release
  const num = (s: string) => s.split(".").map(Number);
  const newer = (a: string, b: string) => {
    const [x, y] = [num(a), num(b)];
    for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! > y[i]!;
    return false;
  };
  if (field !== "version") return v[v.length - 1]!;
  return v.filter((s) => !s.includes("-")).reduce((a, b) => (newer(b, a) ? b : a));
}

/** The newest version the registry has for a range (`eslint@^9`). */
export const newest = (spec: string): string => registryField(spec, "version");

/** `npm pack` of this checkout (built beforehand), named by its content so an unchanged package is not reinstalled. */
export function packSqlguard(): string {
  const dir = path.join(cacheDir, "pack");
  mkdirSync(dir, { recursive: true });
  if (!existsSync(path.join(root, "dist/src/eslint/index.js"))) throw new Error("build first: npm run build");
  const r = must(npmRun(["pack", "--ignore-scripts", "--json", "--pack-destination", dir], root), "npm pack");
  const file = path.join(dir, (JSON.parse(r.stdout) as { filename: string }[])[0]!.filename);
  const sha = createHash("sha256").update(readFileSync(file)).digest("hex").slice(0, 12);
  const named = path.join(dir, `sqlguard-${sha}.tgz`);
  renameSync(file, named);
  for (const old of readdirSync(dir)) if (old.endsWith(".tgz") && path.join(dir, old) !== named) rmSync(path.join(dir, old));
  return named;
}

export interface Versions {
  eslint: string;
  eslintJs: string;
  typescript: string;
  typescriptEslint: string;
}

export const label = (v: Versions) => `eslint ${v.eslint} · typescript ${v.typescript} · typescript-eslint ${v.typescriptEslint}`;

/** The app: typescript-eslint's typed findings in src/, sqlguard's in src/ and migrations/. */
export const APP_FILES: Record<string, string> = {
  "tsconfig.json": JSON.stringify({ compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true, skipLibCheck: true }, include: ["src"] }, null, 2) + "\n",
  "src/db.ts": [
    "export interface Pool {",
    "  query(text: string): Promise<{ rows: unknown[] }>;",
    "}",
    "",
    "export const pool: Pool = {",
    "  query: (text) => Promise.resolve({ rows: [text] }),",
    "};",
    "",
    "export function sql(strings: TemplateStringsArray, ...values: unknown[]): Promise<unknown[]> {",
    '  return pool.query(strings.join("?") + String(values.length)).then((r) => r.rows);',
    "}",
    "",
  ].join("\n"),
  "src/orders.ts": [
    'import { pool, sql } from "./db.js";',
    "",
    "export async function archive(id: number): Promise<void> {",
    "  await pool.query(`UPDATE orders SET archived = true WHERE id = ${id}`);",
    "}",
    "",
    "export function cancelAll(): void {",
    "  pool.query(\"UPDATE orders SET status = 'cancelled'\");",
    "}",
    "",
    "export function onClick(handler: () => void): void {",
    "  handler();",
    "}",
    "onClick(async () => {",
    "  await archive(1);",
    "});",
    "",
    "export function total(json: string): number {",
    "  const data: any = JSON.parse(json);",
    "  return data.total;",
    "}",
    "",
    "export const My_Bad_Name = 1;",
    "export const purge = () => sql`DELETE FROM orders`;",
    "",
  ].join("\n"),
  "migrations/001_create_orders.sql": [
    "CREATE TABLE orders (",
    "  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,",
    "  status text NOT NULL,",
    "  archived boolean NOT NULL DEFAULT false",
    ");",
    "",
    "UPDATE orders SET status = 'open'",
    "",
    "WHERE status = '';",
    "DELETE FROM orders;",
    "",
  ].join("\n"),
  "migrations/002_orders_status.sql": "CREATE INDEX orders_status ON orders (status);\n",
};

function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
}

/**
 * The app for these versions, its tools installed (kept between runs), sqlguard installed from
 * the tarball (again when it changed). Returns the project folder.
 */
export function app(v: Versions, tarball: string, log: (s: string) => void): string {
  const dir = path.join(cacheDir, `app-eslint${v.eslint}-ts${v.typescript}-tseslint${v.typescriptEslint}`);
  const marker = path.join(dir, ".e2e-installed.json");
  const state = existsSync(marker) ? (JSON.parse(readFileSync(marker, "utf8")) as { base?: boolean; sqlguard?: string }) : {};
  if (!state.base) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "shop", version: "1.0.0", private: true, type: "module" }, null, 2) + "\n");
    log(`  installing the app's tools (${label(v)})…`);
    const r = must(
      npmRun(["install", "-D", `eslint@${v.eslint}`, `@eslint/js@${v.eslintJs}`, `typescript@${v.typescript}`, `typescript-eslint@${v.typescriptEslint}`], dir),
      "npm install (app)",
    );
    log(`  … ${Math.round(r.ms / 1000)} s`);
    state.base = true;
    writeFileSync(marker, JSON.stringify(state));
  }
  writeFiles(dir, APP_FILES);
  const tgz = path.basename(tarball);
  if (state.sqlguard !== tgz) {
    log(`  installing sqlguard (${tgz})…`);
    const r = must(npmRun(["install", "-D", tarball], dir), "npm install sqlguard");
    log(`  … ${Math.round(r.ms / 1000)} s`);
    state.sqlguard = tgz;
    writeFileSync(marker, JSON.stringify(state));
  }
  return dir;
}

/** Every installed copy of a package in the project's node_modules (nested ones too). */
export function copiesOf(dir: string, name: string): { path: string; version: string }[] {
  const out: { path: string; version: string }[] = [];
  const visit = (nm: string) => {
    if (!existsSync(nm)) return;
    const pkg = path.join(nm, name, "package.json");
    if (existsSync(pkg)) out.push({ path: path.relative(dir, path.dirname(pkg)), version: (JSON.parse(readFileSync(pkg, "utf8")) as { version: string }).version });
    for (const entry of readdirSync(nm)) {
      if (entry.startsWith(".")) continue;
      const sub = entry.startsWith("@") ? readdirSync(path.join(nm, entry)).map((s) => path.join(nm, entry, s)) : [path.join(nm, entry)];
      for (const p of sub) visit(path.join(p, "node_modules"));
    }
  };
  visit(path.join(dir, "node_modules"));
  return out;
}

export interface Finding {
  file: string;
  rule: string;
  at: string;
  message: string;
}

interface JsonResult {
  filePath: string;
  messages: { ruleId: string | null; line: number; column: number; endLine?: number; endColumn?: number; message: string; fatal?: boolean }[];
}

/** Findings of ESLint's (or the CLI's) JSON output, files relative to the project. */
export function findingsOf(dir: string, json: string, prefix = ""): Finding[] {
  const results = JSON.parse(json) as JsonResult[];
  return results.flatMap((r) =>
    r.messages.map((m) => ({
      file: path.relative(dir, r.filePath).split(path.sep).join("/"),
      rule: m.ruleId === null ? (m.fatal ? "(fatal)" : "(directive)") : `${prefix}${m.ruleId}`,
      at: `${m.line}:${m.column}-${m.endLine ?? "?"}:${m.endColumn ?? "?"}`,
      message: m.message,
    })),
  );
}

export const show = (f: Finding) => `${f.file} ${f.at} ${f.rule}`;

// --- eslint.config.mjs ------------------------------------------------------------------------------

/** typescript-eslint's type-aware rules cannot read SQL: the one line the docs give typed configs. */
export const SQL_LINE = '{ files: ["**/*.sql", "**/*.psql", "**/*.pgsql"], ...tseslint.configs.disableTypeChecked }';

const PART: Record<string, string> = {
  js: "js.configs.recommended",
  typed: "...tseslint.configs.recommendedTypeChecked",
  strictTyped: "...tseslint.configs.strictTypeChecked,\n  ...tseslint.configs.stylisticTypeChecked",
  projectService: "{ languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } } }",
  recommended: "...tseslint.configs.recommended",
  strictStylistic: "...tseslint.configs.strict,\n  ...tseslint.configs.stylistic",
  naming: '{ rules: { "@typescript-eslint/naming-convention": "error" } }',
  coreStrict: '{ rules: { strict: ["error", "global"] } }',
  base: "tseslint.configs.base",
  sqlguard: "...sqlguard.configs.recommended",
  line: SQL_LINE,
};

/** An eslint.config.mjs made of the parts named (in that order). */
export function configText(parts: string[]): string {
  const imports = ['import js from "@eslint/js";', 'import tseslint from "typescript-eslint";'];
  if (parts.includes("sqlguard")) imports.push('import sqlguard from "sqlguard/eslint";');
  const body = ['{ ignores: ["eslint.config.mjs"] }, // the project service does not know this file'];
  for (const p of parts) body.push(`${PART[p]!},${p === "line" ? " // type-aware rules cannot read SQL" : ""}`);
  return `${imports.join("\n")}\n\nexport default [\n${body.map((l) => `  ${l}`).join("\n")}\n];\n`;
}

/** The config the README and docs/editors.md give to typescript-eslint users (typed linting). */
export const DOCUMENTED = ["js", "typed", "projectService", "sqlguard", "line"];

/**
 * The ESLint plugin in real TypeScript projects (issue 17), against real installs: for each ESLint
 * (9.7.0, the newest 9, the newest) and TypeScript (the newest 5.x, the newest typescript-eslint
 * supports), with the newest typescript-eslint, a small app with a folder of SQL migrations runs
 * `npx eslint .` with the configs people use, with and without sqlguard's, in both orders, and
 * `npx sqlguard`. For every config with sqlguard:
 *
 * - ESLint does not stop (exit 0 or 1, nothing fatal), on `.ts` or `.sql` files;
 * - every finding that is not sqlguard's is exactly the one the same config without sqlguard gives
 *   (so typescript-eslint's parser, program and TypeScript stayed the project's), and nothing but
 *   sqlguard reports on `.sql` files;
 * - sqlguard's findings are exactly the CLI's (`npx sqlguard`), file by file, at the same places;
 * - the parser in charge of the `.ts` files is the project's (`--print-config`).
 *
 * And in each project: one copy of `typescript` and of `@typescript-eslint/parser` on disk.
 *
 *   npm run e2e:eslint                      (builds, then this, then the language server check)
 *   node dist/test/e2e/eslint-matrix.js [--eslint 9.7.0,10.16.0] [--typescript 5.9.3] [--variants a,b] [--all] [--tarball x.tgz]
 *
 * Every config runs in the newest ESLint × newest TypeScript; the other cells run the ones marked
 * `everywhere` (the documented config in both orders, the crash it prevents, the untyped configs).
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { app, cacheDir, configText, copiesOf, findingsOf, label, newest, npxRun, packSqlguard, registryField, show, type Finding, type Versions } from "./project.js";

const argv = process.argv.slice(2);
const opt = (name: string): string[] | null => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1]!.split(",") : null;
};
const log = (s: string) => console.log(s);

// --- the configs (parts in project.ts) ------------------------------------------------------------

interface Variant {
  name: string;
  parts: string[];
  /** The same config without sqlguard (the baseline). */
  baseline?: string;
  /**
   * What must happen: `ok` (the checks above; without a baseline, nothing but sqlguard's findings),
   * `typed-crash` (ESLint stops on a .sql file with typescript-eslint's message), `no-ts-parser`
   * (no TypeScript parser configured: ESLint's parsing error on each .ts file, sqlguard's findings
   * on the .sql files).
   */
  expect: "ok" | "typed-crash" | "no-ts-parser" | "baseline";
  /** Run in every cell; the others only in the newest ESLint × newest TypeScript (or with --all). */
  everywhere?: boolean;
}

const VARIANTS: Variant[] = [
  { name: "typed", parts: ["js", "typed", "projectService"], expect: "baseline", everywhere: true },
  { name: "typed + sqlguard + line (documented)", parts: ["js", "typed", "projectService", "sqlguard", "line"], baseline: "typed", expect: "ok", everywhere: true },
  { name: "sqlguard first + typed + line", parts: ["sqlguard", "js", "typed", "projectService", "line"], baseline: "typed", expect: "ok", everywhere: true },
  { name: "typed + line + sqlguard", parts: ["js", "typed", "projectService", "line", "sqlguard"], baseline: "typed", expect: "ok" },
  { name: "typed + sqlguard, no line", parts: ["js", "typed", "projectService", "sqlguard"], baseline: "typed", expect: "typed-crash", everywhere: true },
  { name: "strictTyped", parts: ["js", "strictTyped", "projectService"], expect: "baseline" },
  { name: "strictTyped + sqlguard + line", parts: ["js", "strictTyped", "projectService", "sqlguard", "line"], baseline: "strictTyped", expect: "ok" },
  { name: "recommended", parts: ["js", "recommended"], expect: "baseline", everywhere: true },
  { name: "recommended + sqlguard", parts: ["js", "recommended", "sqlguard"], baseline: "recommended", expect: "ok", everywhere: true },
  { name: "sqlguard + recommended", parts: ["sqlguard", "js", "recommended"], baseline: "recommended", expect: "ok" },
  { name: "strictStylistic", parts: ["js", "strictStylistic"], expect: "baseline" },
  { name: "strictStylistic + sqlguard", parts: ["js", "strictStylistic", "sqlguard"], baseline: "strictStylistic", expect: "ok" },
  { name: "naming", parts: ["recommended", "naming"], expect: "baseline", everywhere: true },
  { name: "naming + sqlguard", parts: ["recommended", "naming", "sqlguard"], baseline: "naming", expect: "ok", everywhere: true },
  { name: "tseslint base + sqlguard", parts: ["base", "sqlguard"], expect: "ok", everywhere: true },
  { name: "sqlguard only", parts: ["sqlguard"], expect: "no-ts-parser" },
  { name: "coreStrict", parts: ["recommended", "coreStrict"], expect: "baseline", everywhere: true },
  { name: "coreStrict + sqlguard", parts: ["recommended", "coreStrict", "sqlguard"], baseline: "coreStrict", expect: "ok", everywhere: true },
];

// --- one project --------------------------------------------------------------------------------

interface Lint {
  code: number;
  findings: Finding[];
  stderr: string;
  parser: string | null;
  ms: number;
}

function lint(dir: string, parts: string[]): Lint {
  writeFileSync(path.join(dir, "eslint.config.mjs"), configText(parts));
  const r = npxRun(["eslint", "--format", "json", "."], dir);
  let findings: Finding[] = [];
  try {
    findings = findingsOf(dir, r.stdout);
  } catch {
    // no JSON: ESLint stopped (its message is on stderr)
  }
  let parser: string | null = null;
  if (r.code !== 2) {
    const printed = npxRun(["eslint", "--print-config", "src/orders.ts"], dir);
    try {
      parser = ((JSON.parse(printed.stdout) as { languageOptions?: { parser?: string } }).languageOptions?.parser as string | undefined) ?? null;
    } catch {
      parser = null;
    }
  }
  return { code: r.code, findings, stderr: r.stderr, parser, ms: r.ms };
}

interface Row {
  cell: string;
  variant: string;
  ok: boolean;
  notes: string[];
}

const sortShow = (fs: Finding[]) => fs.map((f) => `${show(f)} ${f.message}`).sort();

function diff(a: string[], b: string[]): string[] {
  const out: string[] = [];
  const rest = [...b];
  for (const x of a) {
    const i = rest.indexOf(x);
    if (i >= 0) rest.splice(i, 1);
    else out.push(`- ${x}`);
  }
  return [...out, ...rest.map((x) => `+ ${x}`)];
}

function cell(v: Versions, tarball: string, variants: Variant[]): Row[] {
  const name = label(v);
  log(`\n== ${name}`);
  const rows: Row[] = [];
  const dir = app(v, tarball, log);

  // one TypeScript, one parser: the project's
  const ts = copiesOf(dir, "typescript");
  const parsers = copiesOf(dir, "@typescript-eslint/parser");
  const deps: string[] = [
    `typescript: ${ts.map((c) => `${c.path}@${c.version}`).join(", ")}`,
    `@typescript-eslint/parser: ${parsers.map((c) => `${c.path}@${c.version}`).join(", ")}`,
  ];
  rows.push({ cell: name, variant: "one typescript, one parser (npm)", ok: ts.length === 1 && ts[0]!.version === v.typescript && parsers.length === 1, notes: deps });
  log(`  ${deps.join("; ")}`);

  // the CLI, as the hook and CI run it
  const cliRun = npxRun(["sqlguard", "--format", "json", "src", "migrations"], dir);
  const cli = findingsOf(dir, cliRun.stdout, "sqlguard/");
  log(`  npx sqlguard: exit ${cliRun.code}, ${cli.length} findings (${cliRun.ms} ms)`);
  const cliOk = cliRun.code === 1 && cli.some((f) => f.file.endsWith(".sql")) && cli.some((f) => f.file.endsWith(".ts"));
  rows.push({ cell: name, variant: "npx sqlguard finds SQL problems in .sql and .ts", ok: cliOk, notes: cliOk ? [] : [cliRun.stderr.slice(0, 500)] });

  const results = new Map<string, Lint>();
  for (const variant of variants) {
    const r = lint(dir, variant.parts);
    results.set(variant.name, r);
    const notes: string[] = [];
    let ok = true;
    const fail = (why: string) => {
      ok = false;
      notes.push(why);
    };
    if (variant.expect === "baseline") {
      if (r.code === 2) fail(`ESLint stopped: ${r.stderr.split("\n").find((l) => l.trim()) ?? ""}`);
      if (r.findings.some((f) => f.rule.startsWith("sqlguard/"))) fail("sqlguard findings without sqlguard");
      // the typed findings the issue saw disappear
      for (const rule of ["no-floating-promises", "no-misused-promises"]) {
        if (variant.parts.includes("projectService") && !r.findings.some((f) => f.rule === `@typescript-eslint/${rule}`)) fail(`no @typescript-eslint/${rule} finding in the baseline`);
      }
    } else if (variant.expect === "typed-crash") {
      if (!(r.code === 2 && /requires type information/.test(r.stderr) && /\.sql/.test(r.stderr))) fail(`expected ESLint to stop on a .sql file with typescript-eslint's message; exit ${r.code}`);
    } else if (variant.expect === "no-ts-parser") {
      const ts = r.findings.filter((f) => f.file.endsWith(".ts"));
      if (r.code !== 1 || ts.length === 0 || !ts.every((f) => f.rule === "(fatal)" && /^Parsing error/.test(f.message))) fail(`expected ESLint's parsing error on each .ts file: ${ts.map(show).join(", ")}`);
      const sql = diff(sortShow(cli.filter((f) => f.file.endsWith(".sql"))), sortShow(r.findings.filter((f) => f.file.endsWith(".sql"))));
      if (sql.length > 0) fail(`.sql files, against npx sqlguard:\n      ${sql.join("\n      ")}`);
      notes.push(`${ts.length} parsing errors on .ts: ${ts[0]?.message ?? ""}`);
    } else {
      const base: Lint = variant.baseline ? results.get(variant.baseline)! : { code: 0, findings: [], stderr: "", parser: `typescript-eslint/parser@${parserVersion(dir)}`, ms: 0 };
      if (r.code === 2) fail(`ESLint stopped: ${r.stderr.split("\n").filter((l) => l.trim()).slice(0, 3).join(" | ")}`);
      const fatal = r.findings.filter((f) => f.rule === "(fatal)");
      if (fatal.length > 0) fail(`fatal: ${fatal.map(show).join(", ")}`);
      // everything that is not sqlguard's: exactly the baseline's
      const others = diff(sortShow(base.findings), sortShow(r.findings.filter((f) => !f.rule.startsWith("sqlguard/"))));
      if (others.length > 0) fail(`not sqlguard's, against the same config without sqlguard:\n      ${others.join("\n      ")}`);
      // sqlguard's: exactly the CLI's
      const ours = diff(sortShow(cli), sortShow(r.findings.filter((f) => f.rule.startsWith("sqlguard/"))));
      if (ours.length > 0) fail(`sqlguard's, against npx sqlguard:\n      ${ours.join("\n      ")}`);
      if (!r.findings.some((f) => f.file.endsWith(".sql"))) fail("no findings on .sql files");
      // the parser in charge of the .ts files is the project's
      if (r.parser !== base.parser) fail(`parser for src/orders.ts: ${r.parser} (without sqlguard: ${base.parser})`);
      notes.push(`${r.findings.length} findings (${base.findings.length} + ${cli.length}), parser ${r.parser ?? "default"}`);
    }
    rows.push({ cell: name, variant: variant.name, ok, notes });
    log(`  ${ok ? "pass" : "FAIL"}  ${variant.name}  (exit ${r.code}, ${r.ms} ms)${notes.length ? `\n      ${notes.join("\n      ")}` : ""}`);
  }
  return rows;
}

/** The version of the project's own @typescript-eslint/parser. */
function parserVersion(dir: string): string {
  return copiesOf(dir, "@typescript-eslint/parser")[0]?.version ?? "?";
}

// --- the matrix -------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const t0 = performance.now();
  log(`sqlguard's ESLint plugin in real projects (installs kept in ${cacheDir})`);
  const tseslint = opt("typescript-eslint")?.[0] ?? newest("typescript-eslint");
  // the newest TypeScript typescript-eslint supports (its peer range): npm's newest (7.x, the native
  // port) has no compiler API for typescript-eslint to use
  const tsRange = registryField(`typescript-eslint@${tseslint}`, "peerDependencies.typescript");
  const eslints = opt("eslint") ?? ["9.7.0", newest("eslint@^9"), newest("eslint")];
  const typescripts = opt("typescript") ?? [...new Set([newest("typescript@^5"), newest(`typescript@${tsRange}`)])];
  const only = opt("variants");
  log(`typescript-eslint ${tseslint} (TypeScript ${tsRange}); ESLint ${eslints.join(", ")}; TypeScript ${typescripts.join(", ")}`);
  // --tarball: another package (an older sqlguard, to see the matrix catch what it got wrong)
  const tarball = opt("tarball")?.[0] ? path.resolve(opt("tarball")![0]!) : packSqlguard();
  log(`sqlguard: ${path.basename(tarball)}`);
  const all = argv.includes("--all");
  const chosen = (primary: boolean) => {
    const picked = VARIANTS.filter((v) => (only ? only.includes(v.name) : all || primary || v.everywhere));
    // with the baselines they are compared with
    return VARIANTS.filter((v) => picked.includes(v) || picked.some((p) => p.baseline === v.name));
  };

  const rows: Row[] = [];
  for (const eslint of eslints) {
    const eslintJs = eslint.startsWith("9.") ? eslint : newest(`@eslint/js@^${eslint.split(".")[0]}`);
    for (const typescript of typescripts) {
      try {
        const primary = eslint === eslints[eslints.length - 1] && typescript === typescripts[typescripts.length - 1];
        rows.push(...cell({ eslint, eslintJs, typescript, typescriptEslint: tseslint }, tarball, chosen(primary)));
      } catch (e) {
        rows.push({ cell: label({ eslint, eslintJs, typescript, typescriptEslint: tseslint }), variant: "(setup)", ok: false, notes: [String((e as Error).message).slice(0, 2000)] });
        log(`  FAIL setup: ${(e as Error).message}`);
      }
    }
  }
  const failed = rows.filter((r) => !r.ok);
  writeFileSync(path.join(cacheDir, "eslint-matrix.json"), JSON.stringify({ tseslint, eslints, typescripts, rows }, null, 2));
  log(`\n${rows.length - failed.length} passed, ${failed.length} failed (${Math.round((performance.now() - t0) / 1000)} s; details: ${path.join(cacheDir, "eslint-matrix.json")})`);
  for (const f of failed) log(`  FAIL ${f.cell} · ${f.variant}`);
  return failed.length > 0 ? 1 : 0;
}

process.exitCode = await main();

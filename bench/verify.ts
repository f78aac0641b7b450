/**
 * `npm run bench:verify`: how long `sqlguard verify` takes on a project of the size issue 19 names
 * (about 800 migrations and 200 files of SQL in code), cold and warm, and its peak memory; writes
 * the "sqlguard verify" section of bench/RESULTS.md (`--quick`: prints only).
 *
 * The project is made in a temporary folder at run time: trigger.dev's 820 Prisma migrations from
 * ../shared/corpus (read, never copied into the repository), and 200 TypeScript files whose queries
 * (SELECT, UPDATE, INSERT, a few naming columns that do not exist) are written from the schema
 * those migrations build. Runs:
 * - cold: an empty cache folder (PGlite's initdb, every migration applied, the dump written);
 * - warm: the same again (the migrated database loaded from the cache, the queries prepared);
 * - one new migration: the cache holds all but the last (the dump loaded, one migration applied).
 * Wall, CPU (user + system, the PGlite process included) and peak RSS (the largest process) come
 * from GNU time.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { filesUnder } from "./files.js";
import { Runner } from "../src/verify/runner.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const source = path.resolve(root, "../shared/corpus/migrations/trigger.dev");
const bin = path.join(root, "dist/bundle/bin.cjs");
const quick = process.argv.includes("--quick");
const START = "<!-- verify:start -->";
const END = "<!-- verify:end -->";

interface Run {
  wall: number;
  cpu: number;
  rss: number;
  code: number;
  stderr: string;
}

function timeIt(argv: string[], cwd: string): Run {
  const out = path.join(os.tmpdir(), `sqlguard-bench-verify-${process.pid}.txt`);
  const r = spawnSync("/usr/bin/time", ["-o", out, "-f", "%e %U %S %M", process.execPath, bin, ...argv], {
    cwd,
    env: { ...process.env, CI: "true" },
    encoding: "utf8",
    maxBuffer: 1 << 30,
  });
  const [e, u, s, m] = readFileSync(out, "utf8").trim().split("\n").pop()!.split(/\s+/).map(Number) as [number, number, number, number];
  return { wall: e, cpu: u + s, rss: m / 1024, code: r.status ?? -1, stderr: r.stderr };
}

const fmt = (x: number) => (x >= 10 ? x.toFixed(1) : x.toFixed(2));

/** 200 files of queries on the migrated schema: mostly right, some naming a column that is not there. */
function writeCode(dir: string, columns: { table: string; column: string; type: string }[]): number {
  const byTable = new Map<string, string[]>();
  for (const c of columns) {
    let list = byTable.get(c.table);
    if (!list) byTable.set(c.table, (list = []));
    list.push(c.column);
  }
  const tables = [...byTable.keys()].sort();
  let wrong = 0;
  for (let i = 0; i < 200; i++) {
    const t = tables[i % tables.length]!;
    const cols = byTable.get(t)!;
    const pick = (k: number) => cols[(i + k) % cols.length]!;
    const q = (s: string) => JSON.stringify(s);
    const lines = [
      'import { pool } from "./db";',
      "",
      `export const list${i} = (id: string) => pool.query(${q(`SELECT "${pick(0)}", "${pick(1)}" FROM "${t}" WHERE "${pick(0)}" = $1 LIMIT 50`)}, [id]);`,
      `export const count${i} = () => pool.query(${q(`SELECT count(*) FROM "${t}"`)});`,
      `export const touch${i} = (id: string) => pool.query(${q(`UPDATE "${t}" SET "${pick(2)}" = "${pick(2)}" WHERE "${pick(0)}" = $1`)}, [id]);`,
    ];
    if (i % 10 === 0) {
      wrong++;
      lines.push(`export const stale${i} = (id: string) => pool.query(${q(`SELECT "${pick(0)}_old" FROM "${t}" WHERE "${pick(0)}" = $1`)}, [id]);`);
    }
    writeFileSync(path.join(dir, "src", `queries${String(i).padStart(3, "0")}.ts`), `${lines.join("\n")}\n`);
  }
  return wrong;
}

async function main(): Promise<void> {
  if (!existsSync(source)) {
    console.error(`bench:verify needs ${path.relative(root, source)} (the shared corpus)`);
    process.exit(1);
  }
  if (!existsSync("/usr/bin/time")) {
    console.error("bench:verify needs GNU time (/usr/bin/time)");
    process.exit(1);
  }
  const project = mkdtempSync(path.join(os.tmpdir(), "sqlguard-bench-verify-"));
  const migrations = path.join(source, "internal-packages/database/prisma/migrations");
  const target = path.join(project, "prisma/migrations");
  const files = filesUnder(migrations, /\.(sql|toml)$/);
  for (const f of files) {
    const to = path.join(target, path.relative(migrations, f));
    mkdirSync(path.dirname(to), { recursive: true });
    copyFileSync(f, to);
  }
  const count = files.filter((f) => f.endsWith("migration.sql")).length;
  mkdirSync(path.join(project, "src"), { recursive: true });
  writeFileSync(path.join(project, "package.json"), '{ "private": true }\n');

  // The schema the queries are written from: a first run, then the columns of its tables.
  const setup = path.join(project, "setup-cache");
  console.log(`applying ${count} migrations once to learn the schema…`);
  const first = timeIt(["verify", "--cache-dir", setup, "-f", "json"], project);
  const dump = filesUnder(setup, /\.tar\.gz$/).find((f) => !path.basename(f).startsWith("base-"));
  if (!dump) throw new Error(`no migrated database was cached:\n${first.stderr}`);
  const r = await Runner.start({ load: dump, extensions: [], timeoutMs: 120_000 });
  const columns = await r.rows<{ table: string; column: string; type: string }>(
    "select table_name as table, column_name as column, data_type as type from information_schema.columns where table_schema = 'public' order by table_name, ordinal_position",
  );
  await r.close();
  const wrong = writeCode(project, columns);
  rmSync(setup, { recursive: true, force: true });

  const cache = path.join(project, "cache");
  const args = ["verify", "--cache-dir", cache, "-f", "json"];
  console.log("cold…");
  const cold = timeIt(args, project);
  const summary = cold.stderr.split("\n").filter((l) => l.startsWith("sqlguard verify:"));
  console.log(summary.join("\n"));
  console.log("warm…");
  const warm = [timeIt(args, project), timeIt(args, project), timeIt(args, project)].sort((a, b) => a.wall - b.wall)[1]!;
  // one new migration on top of the cached set
  const extra = path.join(target, "29990101000000_bench_new_column", "migration.sql");
  mkdirSync(path.dirname(extra), { recursive: true });
  const someTable = columns[0]!.table;
  writeFileSync(extra, `ALTER TABLE "${someTable}" ADD COLUMN "benchNote" TEXT;\n`);
  console.log("one new migration…");
  const added = timeIt(args, project);
  rmSync(project, { recursive: true, force: true });

  const loadNow = os.loadavg()[0]!.toFixed(1);
  const machine = `${os.cpus()[0]?.model.trim() ?? "?"}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}`;
  const rows = [
    ["cold: empty cache (initdb, every migration applied, dump written)", cold],
    ["warm: unchanged migrations (median of 3)", warm],
    ["one new migration (the rest loaded from the cache)", added],
  ] as const;
  const text = [
    START,
    "## sqlguard verify",
    "",
    `Measured by \`npm run bench:verify\` on ${new Date().toISOString().slice(0, 10)}; machine: ${machine}; load average ${loadNow} at the end of the run.`,
    `Project: trigger.dev's ${count} Prisma migrations (../shared/corpus) and 200 generated TypeScript files with ${200 * 3 + wrong} queries`,
    `(${wrong} name a column that does not exist). Wall, CPU (user + system, PGlite's process included) and peak RSS`,
    "(the largest process) from GNU time. PGlite runs in a child process. On a machine shared with other work the wall",
    "time is several times the CPU time: the CPU time is the steadier measure of the cost.",
    "",
    "| run | wall (s) | CPU (s) | peak RSS (MB) |",
    "| --- | --- | --- | --- |",
    ...rows.map(([what, r]) => `| ${what} | ${fmt(r.wall)} | ${fmt(r.cpu)} | ${Math.round(r.rss)} |`),
    "",
    ...summary.map((l) => `- ${l.replace(/^sqlguard verify: /, "")}`),
    END,
  ].join("\n");
  console.log(`\n${text}`);
  if (quick) return;
  const file = path.join(root, "bench/RESULTS.md");
  const old = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmark results\n";
  const a = old.indexOf(START);
  const b = old.indexOf(END);
  const next = a >= 0 && b > a ? `${old.slice(0, a)}${text}${old.slice(b + END.length)}` : `${old.trimEnd()}\n\n${text}\n`;
  writeFileSync(file, next);
  console.log("\nwrote the verify section of bench/RESULTS.md");
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

/**
 * External conformance: runs sqlguard's transaction rules on squawk's own test cases
 * (../shared/peers/squawk/rule-cases, read at run time, never copied) and prints where we agree
 * and every deliberate difference with its reason. `npm run conformance`; not part of `npm test`.
 * Exits 0 when ../shared is absent, 1 when a difference is not a known, deliberate one.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Config, type RuleSetting } from "../../src/engine/config.js";
import { lintText } from "../../src/lint/lint-text.js";
import type { Diagnostic } from "../../src/engine/types.js";
import { loadParser } from "../../src/sql/parser.js";
import { builtin } from "../../rules/index.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const casesDir = process.env.SQUAWK_RULE_CASES ?? path.resolve(root, "../shared/peers/squawk/rule-cases");

interface Case {
  file: string;
  test: string;
  expect: "ok" | "error";
  assume_in_transaction: boolean;
}

/** squawk rule → the part of sqlguard that answers the same question. */
const MAPPING: Record<string, { rule: string; what: string; matches: (m: Diagnostic) => boolean }> = {
  transaction_nesting: {
    rule: "unbalanced-transaction",
    what: "unbalanced-transaction, except the block-left-open finding",
    matches: (m) => !/never closed/.test(m.message),
  },
  ban_uncommitted_transaction: {
    rule: "unbalanced-transaction",
    what: "unbalanced-transaction's block-left-open finding",
    matches: (m) => /never closed/.test(m.message),
  },
  ban_concurrent_index_creation_in_transaction: {
    rule: "transaction-incompatible-statement",
    what: "transaction-incompatible-statement on CREATE INDEX CONCURRENTLY",
    matches: (m) => m.message.startsWith("CREATE INDEX CONCURRENTLY"),
  },
};

/** Differences we keep on purpose, by case file, with the reason printed beside them. */
const DELIBERATE: Record<string, string> = {
  "ban_concurrent_index_creation_in_transaction/assuming_in_transaction_ok.sql":
    "a lone CREATE INDEX CONCURRENTLY in a file the migration tool wraps: a runner that opens the transaction with BEGIN " +
    "(graphile-worker, node-pg-migrate, Flyway, Rails) makes PostgreSQL refuse it; squawk assumes the statement runs alone. " +
    "That is true of runners that send the file as one query (Prisma Migrate), which sqlguard models with implicitTransaction: " +
    "with it we agree (checked below). Mark such a file -- sqlguard-no-transaction.",
};

async function main(): Promise<number> {
  if (!existsSync(path.join(casesDir, "manifest.json"))) {
    console.log(`squawk conformance: skipped (${path.relative(process.cwd(), casesDir) || casesDir} not found)`);
    return 0;
  }
  await loadParser();
  const manifest = JSON.parse(readFileSync(path.join(casesDir, "manifest.json"), "utf8")) as Case[];
  let unexpected = 0;
  let total = 0;
  let agreed = 0;
  for (const [squawkRule, map] of Object.entries(MAPPING)) {
    const cases = manifest.filter((c) => c.file.startsWith(`${squawkRule}/`));
    console.log(`\n${squawkRule} (${cases.length} cases) ↔ ${map.what}`);
    let same = 0;
    for (const c of cases) {
      const raw = readFileSync(path.join(casesDir, c.file), "utf8");
      // squawk's file directive has a sqlguard twin: translate it, and say so.
      const sql = raw.replace(/--\s*squawk-disable-assume-in-transaction/g, "-- sqlguard-no-transaction");
      const run = (options?: unknown) => {
        const rules: Record<string, RuleSetting> = { [map.rule]: options === undefined ? "error" : ["error", options] };
        for (const other of ["require-where", "syntax-error", "require-transaction", "unbalanced-transaction", "transaction-incompatible-statement"]) {
          if (other !== map.rule) rules[other] = "off";
        }
        const config = new Config({ rules, ...(c.assume_in_transaction ? { assumeInTransaction: ["**"] } : {}) }, root, "conformance", builtin);
        return lintText(sql, config, { filePath: path.join(root, "case.sql") }).messages.filter((m) => m.ruleId === map.rule && map.matches(m));
      };
      const found = run();
      const ours = found.length > 0 ? "error" : "ok";
      total++;
      const settings = c.assume_in_transaction ? " [assume_in_transaction]" : "";
      if (ours === c.expect) {
        same++;
        agreed++;
        console.log(`  ✓ ${c.test}${settings}: both ${ours}${found.length ? ` (${found.map((m) => `${m.line}:${m.column}`).join(", ")})` : ""}`);
        continue;
      }
      const reason = DELIBERATE[c.file];
      if (!reason) unexpected++;
      console.log(`  ${reason ? "≠" : "✗"} ${c.test}${settings}: squawk ${c.expect}, sqlguard ${ours}${found.length ? ` — ${found[0]!.line}:${found[0]!.column} ${found[0]!.message}` : ""}`);
      console.log(`      ${reason ? `deliberate: ${reason}` : "NOT A KNOWN DIFFERENCE"}`);
      if (reason && map.rule === "transaction-incompatible-statement") {
        const alt = run({ implicitTransaction: true }).length > 0 ? "error" : "ok";
        console.log(`      with implicitTransaction: sqlguard ${alt}${alt === c.expect ? " — agrees" : ""}`);
      }
    }
    console.log(`  agreement: ${same}/${cases.length}`);
  }
  console.log(`\nsquawk conformance: ${agreed}/${total} cases agree; ${total - agreed - unexpected} deliberate differences; ${unexpected} unexpected`);
  console.log(
    "Also deliberate, beyond these cases: a ROLLBACK ends a transaction for every rule (squawk resets only on COMMIT, so " +
      "BEGIN; …; ROLLBACK; BEGIN; …; COMMIT; is nesting there and not here).",
  );
  return unexpected > 0 ? 1 : 0;
}

process.exitCode = await main();

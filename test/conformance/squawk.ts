/**
 * External conformance: runs sqlguard on squawk's own rule cases (../shared/peers/squawk/rule-cases,
 * read at run time, never copied), each with the sqlguard rules that answer the squawk rule the case
 * tests and with the case's settings, and lists every difference with its reason.
 *
 * `npm run conformance` prints the table and exits 1 when a difference is not in EXPECTED (or an
 * expected one no longer differs) or fewer than 97 % of the cases agree; exits 0 when the cases
 * are absent. test/conformance.test.ts runs the same function in-process.
 *
 * squawk's manifest names, for each case, the rule its test enables (`rule_in_test`); that decides
 * the mapping, not the folder: `require_timeout_settings` holds cases for its lock and statement
 * parts. Case settings: `assume_in_transaction` → the config's `assumeInTransaction` (squawk's file
 * directive `-- squawk-disable-assume-in-transaction` → `-- sqlguard-no-transaction`),
 * `pg_version` → `postgresVersion`. Two cases are placeholders whose SQL squawk's test builds at
 * run time: they are rebuilt here. Five are unit tests of squawk's lock table whose file holds only
 * their first statement: squawk's binary reports an error on each, so that is the expectation.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Config, type RuleSetting } from "../../src/engine/config.js";
import { lintText } from "../../src/lint/lint-text.js";
import { builtin, builtinRules as rules } from "../../rules/index.js";
import type { Diagnostic } from "../../src/engine/types.js";
import { loadParser } from "../../src/sql/parser.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const casesDir = process.env.SQUAWK_RULE_CASES ?? path.resolve(root, "../shared/peers/squawk/rule-cases");

/** The agreement the issue asks for. */
export const THRESHOLD = 0.97;

interface ManifestCase {
  file: string;
  test: string;
  expect: "ok" | "error" | "unknown" | "constructed-at-runtime";
  assume_in_transaction: boolean;
  pg_version: string | null;
  rule_in_test: string;
}

/** The sqlguard rules (with options) answering a squawk rule, and which of their findings count. */
interface Answer {
  rules: Record<string, unknown>;
  /** Only these findings count (default: all of the rules'). */
  matches?: (m: Diagnostic) => boolean;
  what?: string;
}

const one = (id: string, options?: unknown): Answer => ({ rules: { [id]: options } });

/** squawk's rule (the manifest's `rule_in_test`) → the sqlguard rules answering it. */
export const MAPPING: Record<string, Answer> = {
  AddingFieldWithDefault: one("no-add-column-rewrite"),
  AddingForeignKeyConstraint: one("require-not-valid-foreign-key"),
  AddingNotNullableField: one("no-set-not-null-scan"),
  AddingSerialPrimaryKeyField: one("require-primary-key-using-index"),
  AddingRequiredField: one("no-add-required-column"),
  BanAlterDomainWithAddConstraint: one("no-alter-domain-add-constraint"),
  BanCharField: one("no-char-type"),
  BanConcurrentIndexCreationInTransaction: {
    rules: { "transaction-incompatible-statement": undefined },
    matches: (m) => m.message.startsWith("CREATE INDEX CONCURRENTLY"),
    what: "transaction-incompatible-statement on CREATE INDEX CONCURRENTLY",
  },
  BanCreateDomainWithConstraint: one("no-domain-constraint"),
  BanDropColumn: one("no-drop-column"),
  BanDropDatabase: one("no-drop-database"),
  BanDropNotNull: one("no-drop-not-null"),
  BanDropTable: one("no-drop-table"),
  BanDuplicateColumnAssignments: one("no-duplicate-column"),
  BanTruncateCascade: one("no-truncate-cascade"),
  BanUncommittedTransaction: {
    rules: { "unbalanced-transaction": undefined },
    matches: (m) => /never closed/.test(m.message),
    what: "unbalanced-transaction's block-left-open finding",
  },
  ChangingColumnType: one("no-column-type-change"),
  // One finding, one rule: a foreign key without NOT VALID belongs to require-not-valid-foreign-key.
  ConstraintMissingNotValid: { rules: { "require-not-valid-constraint": undefined, "require-not-valid-foreign-key": undefined } },
  DisallowedUniqueConstraint: one("require-unique-using-index"),
  IdentifierTooLong: one("no-long-identifier"),
  PreferBigintOverInt: one("prefer-bigint-over-int"),
  PreferBigintOverSmallint: one("prefer-bigint-over-smallint"),
  PreferIdentity: one("prefer-identity-column"),
  PreferRepack: one("prefer-repack-concurrently"),
  PreferRobustStmts: one("require-idempotent-ddl"),
  PreferTextField: one("prefer-text-over-varchar"),
  PreferTimestampTz: one("prefer-timestamptz"),
  RenamingColumn: one("no-rename-column"),
  RenamingTable: one("no-rename-table"),
  RequireConcurrentIndexCreation: one("require-concurrent-index"),
  RequireConcurrentIndexDeletion: one("require-concurrent-drop-index"),
  RequireConcurrentPartitionDetach: one("require-concurrent-detach-partition"),
  RequireConcurrentReindex: one("require-concurrent-reindex"),
  RequireEnumValueOrdering: one("require-enum-value-position"),
  RequireTableSchema: one("require-schema-qualified-table"),
  // squawk's deprecated require-timeout-settings is both codes; each code alone is one part.
  RequireTimeoutSettings: { rules: { "require-lock-timeout": { statementTimeout: true } }, what: "require-lock-timeout with statementTimeout" },
  RequireLockTimeout: {
    rules: { "require-lock-timeout": { statementTimeout: false } },
    matches: (m) => /lock_timeout/.test(m.message),
    what: "require-lock-timeout, lock_timeout findings",
  },
  RequireStatementTimeout: {
    rules: { "require-lock-timeout": { statementTimeout: true } },
    matches: (m) => /statement_timeout/.test(m.message) && !/\block_timeout\b/.test(m.message.replace(/statement_timeout/g, "")),
    what: "require-lock-timeout with statementTimeout, statement_timeout findings",
  },
  TransactionNesting: {
    rules: { "unbalanced-transaction": undefined },
    matches: (m) => !/never closed/.test(m.message),
    what: "unbalanced-transaction, except the block-left-open finding",
  },
};

/** Placeholder files whose SQL squawk's test builds at run time (`format!` with a 63-byte prefix). */
const CONSTRUCTED: Record<string, { sql: string; expect: "ok" | "error" }> = {
  "ban_duplicate_column_assignments/names_use_postgres_truncation_rules.sql": {
    sql: `update k set ${"a".repeat(63)}x = 1, ${"a".repeat(63)}y = 2;\n`,
    expect: "error",
  },
  "identifier_too_long/quoted_identifier_with_escaped_quotes_message_unescapes_quotes.sql": {
    sql: `create table "${"a".repeat(63)}""b" (id bigint);\n`,
    expect: "error",
  },
};

/**
 * Differences kept on purpose, by case file, each with its reason. A case listed here that agrees
 * is reported too (the entry is stale).
 */
export const EXPECTED: Record<string, string> = {
  "ban_concurrent_index_creation_in_transaction/assuming_in_transaction_ok.sql":
    "a lone CREATE INDEX CONCURRENTLY in a file the tool wraps with BEGIN is refused by PostgreSQL; squawk assumes a runner that sends the file as one query (sqlguard: implicitTransaction agrees)",
  "ban_char_field/all_the_types.sql":
    "not PostgreSQL: `m int array[]` is a syntax error (PostgreSQL 18 and libpg-query agree), so sqlguard reports syntax-error and lints nothing else; squawk's own parser accepts it",
  "adding_field_with_default/docs_example_error_on_pg_11.sql":
    "PostgreSQL 11 stores a constant DEFAULT without a rewrite; squawk compares the version `> 11`, so it treats 11 like 10",
  "prefer_robust_stmts/enable_row_level_security_err.sql":
    "ENABLE ROW LEVEL SECURITY gives the same result when run again: there is nothing to make re-runnable (squawk issue #308)",
  "prefer_robust_stmts/enable_row_level_security_without_exists_check_err.sql":
    "ENABLE ROW LEVEL SECURITY gives the same result when run again: there is nothing to make re-runnable (squawk issue #308)",
  "prefer_robust_stmts/disable_row_level_security_err.sql":
    "DISABLE ROW LEVEL SECURITY gives the same result when run again: there is nothing to make re-runnable",
  "prefer_robust_stmts/alter_column_set_not_null.sql": "SET NOT NULL gives the same result when run again: there is nothing to make re-runnable",
  "require_timeout_settings/err_other_ddl_operations.sql":
    "CREATE TYPE … AS ENUM takes no lock on any existing table, so there is nothing for lock_timeout to bound",
  "require_timeout_settings/fix_multiple_ddl_statements.sql":
    "the ALTER TABLE is on a table created earlier in the same file: no other session can hold a lock on it yet",
};

export interface CaseResult {
  file: string;
  test: string;
  squawkRule: string;
  expect: "ok" | "error";
  ours: "ok" | "error" | null;
  /** agree / expected difference / unexpected / the rule does not exist yet / an expected difference that agrees now */
  status: "agree" | "expected" | "unexpected" | "missing" | "stale";
  reason?: string;
  findings: Diagnostic[];
  settings: string;
}

export interface ConformanceResult {
  cases: CaseResult[];
  /** squawk rules (folders) whose every case has a mapping. */
  squawkRules: number;
  mapped: number;
  agree: number;
  expected: number;
  missing: number;
  unexpected: number;
  missingRules: string[];
}

/** Runs every case; null when the cases are not there. */
export async function runSquawkConformance(dir = casesDir): Promise<ConformanceResult | null> {
  if (!existsSync(path.join(dir, "manifest.json"))) return null;
  await loadParser();
  const manifest = JSON.parse(readFileSync(path.join(dir, "manifest.json"), "utf8")) as ManifestCase[];
  const cases: CaseResult[] = [];
  const missingRules = new Set<string>();
  for (const c of manifest) {
    const answer = MAPPING[c.rule_in_test];
    const constructed = CONSTRUCTED[c.file];
    const expect: "ok" | "error" = constructed ? constructed.expect : c.expect === "ok" ? "ok" : "error"; // unknown: the binary says error
    const settings = [c.assume_in_transaction ? "assume_in_transaction" : "", c.pg_version ? `pg ${c.pg_version}` : ""].filter(Boolean).join(", ");
    const base = { file: c.file, test: c.test, squawkRule: c.rule_in_test, expect, settings };
    if (!answer) {
      cases.push({ ...base, ours: null, status: "unexpected", reason: `no sqlguard rule mapped to squawk's ${c.rule_in_test}`, findings: [] });
      continue;
    }
    const absent = Object.keys(answer.rules).filter((id) => !builtin.has(id));
    if (absent.length > 0) {
      for (const id of absent) missingRules.add(id);
      cases.push({ ...base, ours: null, status: "missing", reason: `not yet implemented: ${absent.join(", ")}`, findings: [] });
      continue;
    }
    const raw = constructed ? constructed.sql : readFileSync(path.join(dir, c.file), "utf8");
    // squawk's file directive has a sqlguard twin
    const sql = raw.replace(/--\s*squawk-disable-assume-in-transaction/g, "-- sqlguard-no-transaction");
    const findings = lintCase(sql, answer, c);
    const ours = findings.length > 0 ? "error" : "ok";
    const reason = EXPECTED[c.file];
    const status = ours === expect ? (reason ? "stale" : "agree") : reason ? "expected" : "unexpected";
    cases.push({ ...base, ours, status, ...(reason ? { reason } : {}), findings });
  }
  const folders = new Map<string, boolean>();
  for (const c of manifest) {
    const folder = c.file.split("/")[0]!;
    folders.set(folder, (folders.get(folder) ?? true) && MAPPING[c.rule_in_test] !== undefined);
  }
  const count = (s: CaseResult["status"]) => cases.filter((c) => c.status === s).length;
  return {
    cases,
    squawkRules: folders.size,
    mapped: [...folders.values()].filter(Boolean).length,
    agree: count("agree"),
    expected: count("expected"),
    missing: count("missing"),
    unexpected: count("unexpected") + count("stale"),
    missingRules: [...missingRules].sort(),
  };
}

function lintCase(sql: string, answer: Answer, c: ManifestCase): Diagnostic[] {
  const settings: Record<string, RuleSetting> = {};
  for (const r of rules) settings[r.id] = "off";
  for (const [id, options] of Object.entries(answer.rules)) settings[id] = options === undefined ? "error" : ["error", options];
  const version = c.pg_version ? Number.parseInt(c.pg_version, 10) : undefined;
  const config = new Config(
    { rules: settings, ...(c.assume_in_transaction ? { assumeInTransaction: ["**"] } : {}), ...(version ? { postgresVersion: version } : {}) },
    root,
    "conformance",
    builtin,
  );
  const ids = new Set(Object.keys(answer.rules));
  return lintText(sql, config, { filePath: path.join(root, "case.sql") }).messages.filter(
    (m) => m.ruleId !== null && ids.has(m.ruleId) && (!answer.matches || answer.matches(m)),
  );
}

/** The report `npm run conformance` prints; returns the exit code. */
export function printReport(result: ConformanceResult, log: (line: string) => void = console.log): number {
  const bySquawk = new Map<string, CaseResult[]>();
  for (const c of result.cases) {
    const list = bySquawk.get(c.squawkRule) ?? [];
    list.push(c);
    bySquawk.set(c.squawkRule, list);
  }
  for (const [squawkRule, list] of bySquawk) {
    const answer = MAPPING[squawkRule];
    const ours = answer ? (answer.what ?? Object.keys(answer.rules).join(" + ")) : "(no mapping)";
    const same = list.filter((c) => c.status === "agree").length;
    log(`\n${squawkRule} (${list.length} case${list.length === 1 ? "" : "s"}) ↔ ${ours}: ${same}/${list.length} agree`);
    for (const c of list) {
      const settings = c.settings ? ` [${c.settings}]` : "";
      if (c.status === "agree") continue;
      if (c.status === "missing") {
        log(`  … ${c.test}${settings}: squawk ${c.expect}; ${c.reason}`);
        continue;
      }
      const first = c.findings[0];
      const mark = c.status === "expected" ? "≠" : "✗";
      log(`  ${mark} ${c.test}${settings}: squawk ${c.expect}, sqlguard ${c.ours}${first ? ` — ${first.line}:${first.column} ${first.message}` : ""}`);
      if (c.status === "expected") log(`      expected: ${c.reason}`);
      else if (c.status === "stale") log(`      listed as an expected difference but both say ${c.ours} now: remove it from EXPECTED`);
      else log(`      UNEXPECTED${c.reason ? `: ${c.reason}` : ""}`);
    }
  }
  const total = result.cases.length;
  const pct = total === 0 ? 0 : (100 * result.agree) / total;
  log("");
  if (result.missingRules.length > 0) {
    log(`not yet implemented (${result.missing} cases, counted as differences): ${result.missingRules.join(", ")}`);
  }
  log(
    `${result.mapped} squawk rules mapped, ${result.agree}/${total} agree (${pct.toFixed(1)}%), ${result.expected + result.missing} expected differences, ${result.unexpected} unexpected`,
  );
  const ok = result.unexpected === 0 && result.mapped === result.squawkRules && result.agree >= THRESHOLD * total;
  if (!ok && result.unexpected === 0) log(`agreement below ${THRESHOLD * 100}%`);
  return ok ? 0 : 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const result = await runSquawkConformance();
  if (!result) {
    console.log(`squawk conformance: skipped (${path.relative(process.cwd(), casesDir) || casesDir} not found)`);
  } else {
    process.exitCode = printReport(result);
  }
}

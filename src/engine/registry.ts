/** Every rule sqlguard ships, by id. A test checks that each folder of rules/ is listed here. */
import ambiguousStatementSplit from "../../rules/ambiguous-statement-split/index.js";
import requireSemicolon from "../../rules/require-semicolon/index.js";
import noProdConnectionString from "../../rules/no-prod-connection-string/index.js";
import requireTransaction from "../../rules/require-transaction/index.js";
import requireWhere from "../../rules/require-where/index.js";
import syntaxError from "../../rules/syntax-error/index.js";
import transactionIncompatibleStatement from "../../rules/transaction-incompatible-statement/index.js";
import unbalancedTransaction from "../../rules/unbalanced-transaction/index.js";
// migration safety: locks, rewrites and scans (issue 18)
import noAddColumnRewrite from "../../rules/no-add-column-rewrite/index.js";
import requireNotValidForeignKey from "../../rules/require-not-valid-foreign-key/index.js";
import noSetNotNullScan from "../../rules/no-set-not-null-scan/index.js";
import requirePrimaryKeyUsingIndex from "../../rules/require-primary-key-using-index/index.js";
import noAddRequiredColumn from "../../rules/no-add-required-column/index.js";
import noColumnTypeChange from "../../rules/no-column-type-change/index.js";
import requireNotValidConstraint from "../../rules/require-not-valid-constraint/index.js";
import requireUniqueUsingIndex from "../../rules/require-unique-using-index/index.js";
import requireConcurrentIndex from "../../rules/require-concurrent-index/index.js";
import requireConcurrentDropIndex from "../../rules/require-concurrent-drop-index/index.js";
import requireConcurrentDetachPartition from "../../rules/require-concurrent-detach-partition/index.js";
import requireConcurrentReindex from "../../rules/require-concurrent-reindex/index.js";
import requireLockTimeout from "../../rules/require-lock-timeout/index.js";
import requireIdempotentDdl from "../../rules/require-idempotent-ddl/index.js";
import preferRepackConcurrently from "../../rules/prefer-repack-concurrently/index.js";
import noAlterDomainAddConstraint from "../../rules/no-alter-domain-add-constraint/index.js";
import noDomainConstraint from "../../rules/no-domain-constraint/index.js";
import type { Rule } from "./rule.js";

export const rules: readonly Rule[] = [
  requireWhere,
  noProdConnectionString,
  ambiguousStatementSplit,
  requireSemicolon,
  requireTransaction,
  unbalancedTransaction,
  transactionIncompatibleStatement,
  syntaxError,
  // migration safety: locks, rewrites and scans (issue 18)
  noAddColumnRewrite,
  requireNotValidForeignKey,
  noSetNotNullScan,
  requirePrimaryKeyUsingIndex,
  noAddRequiredColumn,
  noColumnTypeChange,
  requireNotValidConstraint,
  requireUniqueUsingIndex,
  requireConcurrentIndex,
  requireConcurrentDropIndex,
  requireConcurrentDetachPartition,
  requireConcurrentReindex,
  requireLockTimeout,
  requireIdempotentDdl,
  preferRepackConcurrently,
  noAlterDomainAddConstraint,
  noDomainConstraint,
];

export const ruleById: ReadonlyMap<string, Rule> = new Map(rules.map((r) => [r.id, r]));

/** The closest known rule id, for "did you mean" hints. */
export function suggestRule(id: string): string | null {
  let best: string | null = null;
  let bestScore = Infinity;
  for (const r of rules) {
    const d = distance(id, r.id);
    if (d < bestScore) {
      bestScore = d;
      best = r.id;
    }
  }
  return bestScore <= Math.max(2, Math.floor(id.length / 3)) ? best : null;
}

function distance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!;
      dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length]!;
}

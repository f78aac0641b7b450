/** Every rule sqlguard ships, by id. A test checks that each folder of rules/ is listed here. */
import ambiguousStatementSplit from "../../rules/ambiguous-statement-split/index.js";
import requireSemicolon from "../../rules/require-semicolon/index.js";
import noProdConnectionString from "../../rules/no-prod-connection-string/index.js";
import requireTransaction from "../../rules/require-transaction/index.js";
import requireWhere from "../../rules/require-where/index.js";
import syntaxError from "../../rules/syntax-error/index.js";
import transactionIncompatibleStatement from "../../rules/transaction-incompatible-statement/index.js";
import unbalancedTransaction from "../../rules/unbalanced-transaction/index.js";
import noCharType from "../../rules/no-char-type/index.js";
import noDropColumn from "../../rules/no-drop-column/index.js";
import noDropDatabase from "../../rules/no-drop-database/index.js";
import noDropNotNull from "../../rules/no-drop-not-null/index.js";
import noDropTable from "../../rules/no-drop-table/index.js";
import noDuplicateColumn from "../../rules/no-duplicate-column/index.js";
import noTruncateCascade from "../../rules/no-truncate-cascade/index.js";
import noLongIdentifier from "../../rules/no-long-identifier/index.js";
import preferBigintOverInt from "../../rules/prefer-bigint-over-int/index.js";
import preferBigintOverSmallint from "../../rules/prefer-bigint-over-smallint/index.js";
import preferIdentityColumn from "../../rules/prefer-identity-column/index.js";
import preferTextOverVarchar from "../../rules/prefer-text-over-varchar/index.js";
import preferTimestamptz from "../../rules/prefer-timestamptz/index.js";
import noRenameColumn from "../../rules/no-rename-column/index.js";
import noRenameTable from "../../rules/no-rename-table/index.js";
import requireEnumValuePosition from "../../rules/require-enum-value-position/index.js";
import requireSchemaQualifiedTable from "../../rules/require-schema-qualified-table/index.js";
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
  noCharType,
  noDropColumn,
  noDropDatabase,
  noDropNotNull,
  noDropTable,
  noDuplicateColumn,
  noTruncateCascade,
  noLongIdentifier,
  preferBigintOverInt,
  preferBigintOverSmallint,
  preferIdentityColumn,
  preferTextOverVarchar,
  preferTimestamptz,
  noRenameColumn,
  noRenameTable,
  requireEnumValuePosition,
  requireSchemaQualifiedTable,
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

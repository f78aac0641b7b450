/**
 * The rules sqlguard ships, assembled once: the CLI, the ESLint plugin, the docs and the public
 * API take their rule set from here. The engine knows no concrete rule. `npm run new-rule -- <id>`
 * adds a line to each list below.
 */
import type { Rule } from "../src/engine/rule.js";
import { RuleSet } from "../src/engine/rule-set.js";
import ambiguousStatementSplit from "./ambiguous-statement-split/index.js";
import noProdConnectionString from "./no-prod-connection-string/index.js";
import requireSemicolon from "./require-semicolon/index.js";
import requireTransaction from "./require-transaction/index.js";
import requireWhere from "./require-where/index.js";
import syntaxError from "./syntax-error/index.js";
import transactionIncompatibleStatement from "./transaction-incompatible-statement/index.js";
import unbalancedTransaction from "./unbalanced-transaction/index.js";
import noAddColumnRewrite from "./no-add-column-rewrite/index.js";
import requireNotValidForeignKey from "./require-not-valid-foreign-key/index.js";
import noSetNotNullScan from "./no-set-not-null-scan/index.js";
import requirePrimaryKeyUsingIndex from "./require-primary-key-using-index/index.js";
import noAddRequiredColumn from "./no-add-required-column/index.js";
import noColumnTypeChange from "./no-column-type-change/index.js";
import requireNotValidConstraint from "./require-not-valid-constraint/index.js";
import requireUniqueUsingIndex from "./require-unique-using-index/index.js";
import requireConcurrentIndex from "./require-concurrent-index/index.js";
import requireConcurrentDropIndex from "./require-concurrent-drop-index/index.js";
import requireConcurrentDetachPartition from "./require-concurrent-detach-partition/index.js";
import requireConcurrentReindex from "./require-concurrent-reindex/index.js";
import requireLockTimeout from "./require-lock-timeout/index.js";
import requireIdempotentDdl from "./require-idempotent-ddl/index.js";
import preferRepackConcurrently from "./prefer-repack-concurrently/index.js";
import noAlterDomainAddConstraint from "./no-alter-domain-add-constraint/index.js";
import noDomainConstraint from "./no-domain-constraint/index.js";
import noCharType from "./no-char-type/index.js";
import noDropColumn from "./no-drop-column/index.js";
import noDropDatabase from "./no-drop-database/index.js";
import noDropNotNull from "./no-drop-not-null/index.js";
import noDropTable from "./no-drop-table/index.js";
import noDuplicateColumn from "./no-duplicate-column/index.js";
import noTruncateCascade from "./no-truncate-cascade/index.js";
import noLongIdentifier from "./no-long-identifier/index.js";
import preferBigintOverInt from "./prefer-bigint-over-int/index.js";
import preferBigintOverSmallint from "./prefer-bigint-over-smallint/index.js";
import preferIdentityColumn from "./prefer-identity-column/index.js";
import preferTextOverVarchar from "./prefer-text-over-varchar/index.js";
import preferTimestamptz from "./prefer-timestamptz/index.js";
import noRenameColumn from "./no-rename-column/index.js";
import noRenameTable from "./no-rename-table/index.js";
import requireEnumValuePosition from "./require-enum-value-position/index.js";
import requireSchemaQualifiedTable from "./require-schema-qualified-table/index.js";
import verifyLimit from "./verify-limit/index.js";
import verifyLock from "./verify-lock/index.js";
import verifyMigrationError from "./verify-migration-error/index.js";
import verifyQuery from "./verify-query/index.js";
import verifyRewrite from "./verify-rewrite/index.js";

export const builtinRules: readonly Rule[] = [
  requireWhere,
  noProdConnectionString,
  ambiguousStatementSplit,
  requireSemicolon,
  requireTransaction,
  unbalancedTransaction,
  transactionIncompatibleStatement,
  syntaxError,
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
  verifyMigrationError,
  verifyLock,
  verifyRewrite,
  verifyQuery,
  verifyLimit,
];

/** The built-in rules as the engine takes them. */
export const builtin = new RuleSet(builtinRules);

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
  verifyMigrationError,
  verifyLock,
  verifyRewrite,
  verifyQuery,
  verifyLimit,
];

/** The built-in rules as the engine takes them. */
export const builtin = new RuleSet(builtinRules);

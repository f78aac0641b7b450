/**
 * A set of rules the engine runs: the built-in ones (rules/index.ts), or any other list. The engine
 * and the config know rules only through it, never by importing them.
 */
import type { Rule } from "./rule.js";

export class RuleSet {
  readonly rules: readonly Rule[];
  private readonly byId: ReadonlyMap<string, Rule>;

  constructor(rules: readonly Rule[]) {
    this.rules = rules;
    this.byId = new Map(rules.map((r) => [r.id, r]));
  }

  get(id: string): Rule | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** The closest known rule id, for "did you mean" hints. */
  suggest(id: string): string | null {
    let best: string | null = null;
    let bestScore = Infinity;
    for (const r of this.rules) {
      const d = distance(id, r.id);
      if (d < bestScore) {
        bestScore = d;
        best = r.id;
      }
    }
    return bestScore <= Math.max(2, Math.floor(id.length / 3)) ? best : null;
  }
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

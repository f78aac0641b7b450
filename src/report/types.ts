/** What every reporter is: a pure function from lint results to text. */
import type { Rule } from "../engine/rule.js";
import type { FileResult } from "../engine/types.js";

export interface ReportContext {
  /** Paths are shown relative to this folder. */
  cwd: string;
  color: boolean;
  /**
   * For `--format github`: the folder GitHub's paths are relative to (the workspace, the
   * repository's checkout: $GITHUB_WORKSPACE in Actions). Defaults to `cwd`.
   */
  workspace?: string;
  /** Every rule the run knew (SARIF lists them all, so rule indexes are stable from run to run). */
  rules: readonly Rule[];
}

export type Reporter = (results: FileResult[], context: ReportContext) => string;

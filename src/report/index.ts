/** Reporters: pure functions from lint results to text. */
import type { FileResult } from "../engine/types.js";
import type { Format } from "./load.js";
import { compact } from "./compact.js";
import { github } from "./github.js";
import { json } from "./json.js";
import { sarif } from "./sarif.js";
import { stylish } from "./stylish.js";

export interface ReportContext {
  /** Paths are shown relative to this folder. */
  cwd: string;
  color: boolean;
  /**
   * For `--format github`: the folder GitHub's paths are relative to (the workspace, the
   * repository's checkout: $GITHUB_WORKSPACE in Actions). Defaults to `cwd`.
   */
  workspace?: string;
}

export type Reporter = (results: FileResult[], context: ReportContext) => string;

/** Every format, loaded at once (the library API and tests); a missing one fails to compile. */
const all: Record<Format, Reporter> = { stylish, json, sarif, github, compact };
export const reporters: Record<string, Reporter> = all;

export { FORMATS } from "./load.js";

/** Reporters: pure functions from lint results to text. */
import type { FileResult } from "../engine/types.js";
import { compact } from "./compact.js";
import { github } from "./github.js";
import { json } from "./json.js";
import { sarif } from "./sarif.js";
import { stylish } from "./stylish.js";

export interface ReportContext {
  /** Paths are shown relative to this folder. */
  cwd: string;
  color: boolean;
}

export type Reporter = (results: FileResult[], context: ReportContext) => string;

export const reporters: Record<string, Reporter> = { stylish, json, sarif, github, compact };

export { FORMATS } from "./load.js";

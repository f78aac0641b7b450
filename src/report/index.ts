/** Reporters: pure functions from lint results to text. */
import type { Format } from "./load.js";
import { compact } from "./compact.js";
import { github } from "./github.js";
import { html } from "./html.js";
import { json } from "./json.js";
import { sarif } from "./sarif.js";
import { stylish } from "./stylish.js";
import type { Reporter } from "./types.js";

export type { ReportContext, Reporter } from "./types.js";

/** Every format, loaded at once (the library API and tests); a missing one fails to compile. */
const all: Record<Format, Reporter> = { stylish, json, sarif, github, compact, html };
export const reporters: Record<string, Reporter> = all;

export { FORMATS } from "./load.js";

/**
 * The playground's link to the engine: the page's two files and its config, linted by the CLI's own
 * `lintText` with the built-in rules. Nothing here touches the page (no DOM), so the tests run it in
 * Node with the real parser, and the page and the tests agree on what the engine says.
 *
 * The page has no disk: its files live in a folder that exists nowhere (/playground), the config
 * comes from the panel's JSON (read and checked by the same code as sqlguard.config.json, with the
 * same messages), and the project around the files is empty: the migration tool is detected from
 * the file itself (`-- +goose Up`, `-- migrate:up`…) or set in the panel.
 */
import { Config, ConfigError, parseConfigJson, type UserConfig } from "../engine/config.js";
import { docsUrl } from "../engine/rule.js";
import type { FileResult } from "../engine/types.js";
import { lintText } from "../lint/lint-text.js";
import { builtin } from "../../rules/index.js";
import { memoryView, projectOf } from "../run-model/index.js";

export { loadParser } from "../sql/parser.js";
export { builtin as ruleSet, docsUrl };

/** The folder the page's files are in (a name only: nothing is read from it). */
export const FOLDER = "/playground";

export type Tab = "sql" | "ts";

/** Each tab's file. The names decide how it is read: a SQL script, or TypeScript holding SQL. */
export const FILES: Record<Tab, string> = { sql: `${FOLDER}/script.sql`, ts: `${FOLDER}/queries.ts` };

export const CONFIG_NAME = "sqlguard.config.json";

export type ConfigOutcome = { ok: true; config: Config; user: UserConfig } | { ok: false; message: string };

/**
 * The panel's JSON as a config, or the message the command line would print for it (and exit 2):
 * `sqlguard.config.json: rules.require-where: severity must be "off", "warn" or "error" (got "on")`.
 */
export function readConfig(text: string): ConfigOutcome {
  try {
    const user = parseConfigJson(text, CONFIG_NAME);
    return { ok: true, config: new Config(user, FOLDER, `${FOLDER}/${CONFIG_NAME}`, builtin), user };
  } catch (e) {
    if (e instanceof ConfigError) return { ok: false, message: e.message };
    throw e;
  }
}

/** The empty project around the page's files (no package.json, no lockfile, no migrations folder). */
const project = projectOf(memoryView({}));

/**
 * Lints one tab's text. Findings carry their fix (the one `--fix` would apply) and suggestions, to be
 * applied from the page one at a time; the text itself is never changed here. Fixes that would
 * write a credential into the text are left out, as they are from every output.
 */
export function lintTab(tab: Tab, text: string, config: Config): FileResult {
  return lintText(text, config, {
    filePath: FILES[tab],
    project,
    fix: true,
    // one pass that applies nothing: the findings keep their fixes, and the text stays as typed
    applyFixes: (unchanged) => unchanged,
  });
}

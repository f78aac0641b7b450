/**
 * Linting a file's text with a project's config: the file's documents are extracted (with the run
 * model of its migration tool), the config picks the rules for the file, and the engine's
 * `lintDocuments` does the rest. Fixes are always worked out (a result's messages carry them, but
 * never one holding a credential); with `fix`, they are applied and the file linted again, up to
 * ten passes, as ESLint does. The CLI, the public API and the tests lint through here.
 */
import type { Config } from "../engine/config.js";
import { lintDocuments, withoutSecretFixes } from "../engine/linter.js";
import { FileSecrets } from "../engine/masking.js";
import type { SharedSettings } from "../engine/rule.js";
import type { Pending, RuleRun } from "../engine/run-rules.js";
import type { EditFix, FileNotice, FileResult } from "../engine/types.js";
import { extract, fileKind } from "../extract/index.js";
import { isMigrationRun, type ProjectIndex } from "../run-model/index.js";
import type { TextKind } from "../secrets/credentials.js";
import { lineIndex, type LineIndex } from "../sql/text.js";
import { applyFixes } from "./fixes.js";

export { applyFixes } from "./fixes.js";

export interface LintTextOptions {
  /** Path used for config lookups and shown in output (absolute or relative to cwd). */
  filePath: string;
  notices?: FileNotice[];
  /** Compute fixes, apply them, and return the fixed text in `output`. */
  fix?: boolean;
  /** Only report the notices (the file could not be read as text). */
  noRules?: boolean;
  /**
   * Applies one pass of fixes (default `applyFixes`). The CLI passes one that also follows each
   * edit back to the file's bytes; returning the text unchanged ends the fixing there.
   */
  applyFixes?: (text: string, fixes: EditFix[]) => string;
  /**
   * Where the run model reads the project around the file (package.json, lockfiles, migration
   * folders). Default: the disk, read once for the whole process. A caller that runs more than once
   * (the CLI's `main`, called again in one process) passes one per run, so a run never sees what
   * the disk held during an earlier one.
   */
  project?: ProjectIndex;
  /**
   * Findings measured outside the rules (`sqlguard verify`), in file offsets. When given, no rule
   * runs: these are the findings, kept where their rule is enabled for the file, at its configured
   * severity.
   */
  measured?: Pending[];
  /**
   * The fixed text will be shown, not written (`--fix-dry-run`): a file whose fixed text holds a
   * credential is not fixed at all (no `output`), and its result is that of the file as it is,
   * whose fixes are shown one by one (those that hold no credential), as without `fix`.
   */
  showOutput?: boolean;
}

/** Lints one file's text. The SQL parser must already be loaded (see `loadParser`). */
export function lintText(text: string, config: Config, options: LintTextOptions): FileResult {
  const first = lintOnce(text, config, options);
  if (!options.fix) return withoutSecretFixes(first.result);
  let last = first;
  let current = text;
  for (let pass = 0; pass < 10; pass++) {
    const fixes = last.result.messages.filter((m) => m.fix).map((m) => m.fix!);
    if (fixes.length === 0) break;
    const next = (options.applyFixes ?? applyFixes)(current, fixes);
    if (next === current) break;
    current = next;
    last = lintOnce(current, config, options);
  }
  if (current === text) return withoutSecretFixes(last.result);
  if (options.showOutput && last.secrets.hostAll().length > 0) return withoutSecretFixes(first.result);
  last.result.output = current;
  return withoutSecretFixes(last.result);
}

/** The project-wide settings rules read, from the config. */
export function sharedSettings(config: Config): SharedSettings {
  return { prodHosts: config.prodHosts, localHosts: config.localHosts, postgresVersion: config.postgresVersion };
}

/** What the credential finder should expect of a file's text. */
export function textKind(filePath: string): TextKind {
  const kind = fileKind(filePath);
  return kind === "text" ? "config" : kind;
}

/** One pass: the result, and the credentials of the text linted (found once, for the result's frames and for `showOutput`). */
function lintOnce(text: string, config: Config, options: LintTextOptions): { result: FileResult; secrets: FileSecrets } {
  const filePath = options.filePath;
  let lines: LineIndex | null = null;
  const lineOf = (offset: number) => (lines ??= lineIndex(text)).lineOf(offset) + 1;
  const notices = [...(options.notices ?? [])];
  let runs: RuleRun[] = [];
  let measured: Pending[] | undefined;
  let documents = null;
  if (!options.noRules) {
    const migrationTool = config.migrationTool(filePath);
    documents = extract(filePath, text, {
      assumeInTransaction: config.assumeInTransaction(filePath),
      ...(migrationTool ? { migrationTool } : {}),
      lineOf,
      embedded: config.embedded,
      ...(options.project ? { project: options.project } : {}),
    });
    notices.push(...(documents.notices ?? []));
    // Migration-safety rules are on by default in files detected as migrations.
    const migration = documents.sql.some((p) => isMigrationRun(p.doc.run));
    const enabled = config.rulesFor(filePath, { migration });
    runs = [...enabled.values()].map((r) => ({ rule: r.rule, options: r.options, severity: r.severity === "error" ? 2 : 1 }));
    if (options.measured) {
      measured = [];
      for (const p of options.measured) {
        const r = enabled.get(p.rule.id);
        if (r) measured.push({ ...p, severity: r.severity === "error" ? 2 : 1 });
      }
    }
  }
  const settings = sharedSettings(config);
  const kind = textKind(filePath);
  const found = documents;
  // as lintDocuments would make them, kept here to ask whether the text holds any
  const secrets = new FileSecrets(text, kind, () => found?.sql ?? [], found ? () => found.text.connectionStrings(settings) : undefined);
  const result = lintDocuments(
    { filePath, text, documents, kind, notices, secrets },
    {
      runs,
      settings,
      ruleSet: config.ruleSet,
      // fixes are always worked out, to be shown (JSON's `fix`, "potentially fixable"); only --fix applies them
      fix: true,
      reportUnusedDirectives: config.reportUnusedDirectives,
      eslintDirectives: true,
      ...(measured ? { measured } : {}),
    },
  );
  return { result, secrets };
}

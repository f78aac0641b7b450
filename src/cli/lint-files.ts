/**
 * Lints a list of files: reads each (or takes the bytes a source already has, such as a staged
 * blob or standard input), lints it, and returns the results in the order given. The one place
 * the CLI turns files into results, so every source (paths, git index, stdin) shares it.
 */
import type { Config } from "../engine/config.js";
import { lintText } from "../lint/lint-text.js";
import { countMessages, recount } from "../engine/counts.js";
import type { Diagnostic, FileResult } from "../engine/types.js";
import { fileKind } from "../extract/index.js";
import { decodeSource, overLimit, readSource, type ReadResult } from "../sources/files.js";
import { isStackOverflow, loadParser } from "../sql/parser.js";
import { LineIndex } from "../sql/text.js";
import { stampOf, type ReadStamp } from "../util/write.js";
import type { LintedFile, LintFilesOptions, SourceFile } from "./types.js";

export type { LintedFile, LintFilesOptions, SourceFile } from "./types.js";
import { ByteFixer } from "./fix-bytes.js";
import { lintInParallel, threadCount, type Concurrency } from "./pool.js";

/**
 * Lints files, in order, on one thread or several. `onResult` sees each result as soon as it is
 * ready (--fix writes the file there and drops the fixed text, so a run never holds the text of
 * every file it fixed); the run waits for every `onResult` before it returns.
 */
export async function lintFiles(
  files: SourceFile[],
  config: Config,
  options: LintFilesOptions & { concurrency?: Concurrency },
  onResult?: (result: LintedFile, file: SourceFile) => Promise<void>,
): Promise<LintedFile[]> {
  const concurrency = options.concurrency ?? "auto";
  const threads = threadCount(files, concurrency);
  const { concurrency: _concurrency, ...perFile } = options;
  if (threads > 1) {
    const settled: Promise<void>[] = [];
    const results = await lintInParallel(
      files,
      config,
      perFile,
      threads,
      lintFile,
      (i, r) => {
        if (onResult) settled.push(onResult(r, files[i]!));
      },
      failedFile,
      concurrency === "auto",
    );
    await Promise.all(settled);
    return results;
  }
  const results: LintedFile[] = [];
  for (const file of files) {
    const r = await lintFile(file, config, perFile);
    if (onResult) await onResult(r, file);
    results.push(r);
  }
  return results;
}

/**
 * Lints one file. Never throws: whatever goes wrong while reading, extracting or linting this file
 * becomes a message on it, and the other files of the run keep their results (see `failedFile`).
 */
export async function lintFile(file: SourceFile, config: Config, options: LintFilesOptions): Promise<LintedFile> {
  try {
    return await lintFileOrThrow(file, config, options);
  } catch (e) {
    return failedFile(file, e);
  }
}

/**
 * The result of a file whose linting failed unexpectedly. Running out of stack is a limit of the
 * input (nesting too deep for some walk), not a bug to report: an error on the file, exit 1. Any
 * other failure is a bug in sqlguard: an internal error on the file (exit 2), with the other
 * files' results reported all the same. Never remembered by --cache (the message is fatal).
 */
export function failedFile(file: SourceFile, e: unknown): LintedFile {
  const deep = isStackOverflow(e);
  const reason = String((e as Error)?.message ?? e).split("\n")[0];
  const message = deep
    ? "nested too deeply to analyse (sqlguard ran out of stack); the file was not linted"
    : `internal error while linting this file: ${reason}; the file was not linted — please report this at https://github.com/sqlguard/sqlguard/issues`;
  const messages: Diagnostic[] = [{ ruleId: null, severity: 2, message, line: 1, column: 1, endLine: 1, endColumn: 1, start: 0, end: 0, fatal: true, ...(deep ? {} : { internal: true }) }];
  return { filePath: file.path, messages, ...countMessages(messages), lines: {} };
}

async function lintFileOrThrow(file: SourceFile, config: Config, options: LintFilesOptions): Promise<LintedFile> {
  const requireText = fileKind(file.path) === "sql" || file.explicit;
  let read: ReadResult;
  let hash: string | undefined;
  /** The bytes read from disk, kept with --fix: the fixed file is made from them. */
  let original: Uint8Array | undefined;
  let stamp: ReadStamp | undefined;
  // node:crypto is loaded only by runs that hash (--cache): every other run starts faster.
  const contentHash = options.hash ? (await import("./cache.js")).contentHash : null;
  if (file.bytes || file.size !== undefined) {
    const size = file.bytes?.length ?? file.size!;
    read = !file.bytes || size > options.maxFileSize ? overLimit(size, options.maxFileSize) : decodeSource(file.bytes, requireText);
    if (contentHash && file.bytes) hash = contentHash(file.bytes);
  } else {
    const wantBytes = contentHash !== null || options.fix || options.fixDryRun === true;
    read = readSource(
      file.path,
      options.maxFileSize,
      requireText,
      wantBytes
        ? (bytes, st) => {
            if (contentHash) hash = contentHash(bytes);
            if (options.fix || options.fixDryRun) {
              original = bytes;
              stamp = stampOf(st);
            }
          }
        : undefined,
    );
  }
  let result: LintedFile;
  const project = options.project ? { project: options.project } : {};
  if (read.text === null) result = lintText("", config, { filePath: file.path, notices: read.notices, noRules: true });
  else {
    if (fileKind(file.path) !== "text") await loadParser();
    // Only a file read from disk is fixed (staged blobs and standard input are not written back);
    // --fix-dry-run works out the fixed file from whatever bytes it has, and writes nothing.
    const bytes = options.fixDryRun ? (file.bytes ?? original) : options.fix && !file.bytes ? original : undefined;
    const fixer = bytes ? new ByteFixer(bytes, read.text) : null;
    result = lintText(read.text, config, {
      filePath: file.path,
      notices: read.notices,
      fix: fixer !== null,
      ...(fixer ? { applyFixes: fixer.apply } : {}),
      ...(options.fixDryRun ? { showOutput: true } : {}),
      ...project,
    });
    const changed = result.output !== undefined;
    delete result.output; // the text; what is written (or shown) is made from the bytes
    if (fixer) {
      const fixed = changed ? fixer.output() : null;
      if (fixed && options.fixDryRun) result.output = new TextDecoder("utf-8", { ignoreBOM: true }).decode(fixed);
      else if (fixed) {
        result.fixed = fixed;
        if (stamp) result.stamp = stamp;
      }
      // (a dry run that was not fixed after all, its fixed text holding a credential, reports the file as it is)
      if (fixer.refusal && (changed || fixer.text === read.text)) addError(result, fixer.text, fixer.refusal.offset, fixer.refusal.message);
    }
  }
  if (hash !== undefined) result.contentHash = hash;
  return result;
}


/** Adds an error of sqlguard's own (no rule) at `offset` of `text`, the text the result is for. */
function addError(result: FileResult, text: string, offset: number, message: string): void {
  const at = new LineIndex(text).position(offset);
  const m = { ruleId: null, severity: 2 as const, message, line: at.line, column: at.column, endLine: at.line, endColumn: at.column, start: offset, end: offset };
  const i = result.messages.findIndex((x) => x.start > offset);
  result.messages.splice(i < 0 ? result.messages.length : i, 0, m);
  recount(result);
}

/**
 * Lints a list of files: reads each (or takes the bytes a source already has, such as a staged
 * blob or standard input), lints it, and returns the results in the order given. The one place
 * the CLI turns files into results, so every source (paths, git index, stdin) shares it.
 */
import type { Config } from "../engine/config.js";
import { lintText } from "../engine/linter.js";
import type { FileResult } from "../engine/types.js";
import { fileKind } from "../extract/index.js";
import { decodeSource, overLimit, readSource, type ReadResult } from "../sources/files.js";
import { loadParser } from "../sql/parser.js";
import { lintInParallel, threadCount, type Concurrency } from "./pool.js";

export interface SourceFile {
  /** Absolute path (for a staged blob: where it will be in the working tree). */
  path: string;
  /** Named on the command line: always linted, and reported when it is not text. */
  explicit: boolean;
  /** Content already in hand (git index, stdin); read from disk when absent. */
  bytes?: Uint8Array;
  /** Size of content that is not on disk and was not read because it is over the limit (a staged blob). */
  size?: number;
}

export interface LintFilesOptions {
  cwd: string;
  fix: boolean;
  maxFileSize: number;
  /** Return the hash of the exact bytes linted in `contentHash` (for --cache). */
  hash?: boolean;
}

/** A result, and the hash of the bytes it is the result of (when asked for). */
export type LintedFile = FileResult & { contentHash?: string };

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
  const threads = threadCount(files, options.concurrency ?? "auto");
  const { concurrency: _concurrency, ...perFile } = options;
  if (threads > 1) {
    const settled: Promise<void>[] = [];
    const results = await lintInParallel(files, config, perFile, threads, lintFile, (i, r) => {
      if (onResult) settled.push(onResult(r, files[i]!));
    });
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

export async function lintFile(file: SourceFile, config: Config, options: LintFilesOptions): Promise<LintedFile> {
  const requireText = fileKind(file.path) === "sql" || file.explicit;
  let read: ReadResult;
  let hash: string | undefined;
  // node:crypto is loaded only by runs that hash (--cache): every other run starts faster.
  const contentHash = options.hash ? (await import("./cache.js")).contentHash : null;
  if (file.bytes || file.size !== undefined) {
    const size = file.bytes?.length ?? file.size!;
    read = !file.bytes || size > options.maxFileSize ? overLimit(size, options.maxFileSize) : decodeSource(file.bytes, requireText);
    if (contentHash && file.bytes) hash = contentHash(file.bytes);
  } else {
    read = await readSource(file.path, options.maxFileSize, requireText, contentHash ? (bytes) => (hash = contentHash(bytes)) : undefined);
  }
  let result: LintedFile;
  if (read.text === null) result = lintText("", config, { filePath: file.path, notices: read.notices, noRules: true });
  else {
    if (fileKind(file.path) !== "text") await loadParser();
    result = lintText(read.text, config, { filePath: file.path, notices: read.notices, fix: options.fix && !file.bytes });
    if (result.output !== undefined && read.bom) result.output = "\ufeff" + result.output;
  }
  if (hash !== undefined) result.contentHash = hash;
  return result;
}


/**
 * Lints a list of files: reads each (or takes the bytes a source already has, such as a staged
 * blob or standard input), lints it, and returns the results in the order given. The one place
 * the CLI turns files into results, so every source (paths, git index, stdin) shares it.
 */
import path from "node:path";
import type { Config } from "../engine/config.js";
import { lintText } from "../engine/linter.js";
import type { FileResult } from "../engine/types.js";
import { fileKind } from "../extract/index.js";
import { decodeSource, readSource, type ReadResult } from "../sources/files.js";
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
}

export async function lintFiles(files: SourceFile[], config: Config, options: LintFilesOptions & { concurrency?: Concurrency }): Promise<FileResult[]> {
  const threads = threadCount(files, options.concurrency ?? "auto");
  if (threads > 1) return lintInParallel(files, config, options, threads, lintFile);
  const results: FileResult[] = [];
  for (const file of files) results.push(await lintFile(file, config, options));
  return results;
}

export async function lintFile(file: SourceFile, config: Config, options: LintFilesOptions): Promise<FileResult> {
  const requireText = fileKind(file.path) === "sql" || file.explicit;
  let read: ReadResult;
  if (file.bytes || file.size !== undefined) {
    const size = file.bytes?.length ?? file.size!;
    read =
      !file.bytes || size > options.maxFileSize
        ? { text: null, notices: [{ offset: 0, severity: 2, fatal: true, message: "over the --max-file-size limit; not linted" }] }
        : decodeSource(file.bytes, requireText);
  } else {
    read = await readSource(file.path, options.maxFileSize, requireText);
  }
  const displayPath = path.relative(options.cwd, file.path).split(path.sep).join("/") || file.path;
  if (read.text === null) return lintText("", config, { filePath: file.path, displayPath, notices: read.notices, noRules: true });
  if (fileKind(file.path) !== "text") await loadParser();
  const result = lintText(read.text, config, { filePath: file.path, displayPath, notices: read.notices, fix: options.fix && !file.bytes });
  if (result.output !== undefined && read.bom) result.output = "\ufeff" + result.output;
  return result;
}

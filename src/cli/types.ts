/** Types the command line's modules share. */
import type { SerializedConfig } from "../engine/config.js";
import type { FileResult } from "../engine/types.js";
import type { WasmModule } from "../sql/wasm.js";
import type { ProjectIndex } from "../run-model/index.js";
import type { ReadStamp } from "../util/write.js";

/** The command's world: where it runs, where it writes, what it reads. Tests pass their own. */
export interface CliIO {
  cwd: string;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** Whether stdout is a terminal (colour). */
  isTTY: boolean;
  /** Whether stderr is a terminal (progress lines of `verify`). */
  stderrIsTTY?: boolean;
  /** The width of that terminal (a progress line must fit on one line). */
  stderrColumns?: number;
  env: NodeJS.ProcessEnv;
  readStdin?: () => Promise<Uint8Array>;
}

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
  /** `--fix-dry-run`: work out the fixed file and report it in `output`; write nothing. */
  fixDryRun?: boolean;
  maxFileSize: number;
  /** Return the hash of the exact bytes linted in `contentHash` (for --cache). */
  hash?: boolean;
  /** The project files read for this run (see `LintTextOptions.project`); not sent to worker threads, which read their own. */
  project?: ProjectIndex;
}

/**
 * A result, the hash of the bytes it is the result of (when asked for), and with --fix the bytes
 * to write (the file as read, with only the fixes' edits changed; see fix-bytes.ts).
 */
export type LintedFile = FileResult & { contentHash?: string; fixed?: Uint8Array; stamp?: ReadStamp };

/**
 * In a lint worker's process.argv (see pool.ts): tells the bundle's start that it runs a worker,
 * without loading node:worker_threads in every run to ask (see start.ts).
 */
export const WORKER_ARG = "--sqlguard-lint-worker";

/** What the pool hands a lint worker thread (see worker.ts); here, not there, so that pool.ts and worker.ts do not import each other. */
export interface WorkerInit {
  /** Marks the bundle's start as a worker's (the bundled CLI is its own worker script). */
  sqlguardWorker: true;
  config: SerializedConfig;
  options: LintFilesOptions;
  files: SourceFile[];
  /** Indexes of `files`, in the order they are taken. */
  order: Int32Array;
  /** [0]: next place in `order`; [slot]: the file this worker is on. */
  shared: Int32Array;
  slot: number;
  wasm: WasmModule;
}

export type WorkerMessage = { index: number; result: FileResult } | { index: number; error: string };

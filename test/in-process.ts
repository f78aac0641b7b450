/**
 * Runs the CLI's `main` in this process: the fast way to test the CLI (no child process, no bundle
 * start-up, no second WebAssembly compile). It hands `main` the same world `bin.ts` hands it in a
 * child started by `spawnCli` (helpers.ts): the working folder, the environment (this process's,
 * with the same changes), standard input (empty unless given), stdout/stderr, whether stdout is a
 * terminal. Nothing global is touched: `main` reads the folder and the environment from `io` only
 * (process.chdir is never used), so tests cannot leak state into each other through them.
 *
 * What only a real process can show (the bundle starts, exit codes reach the shell, stdin is a
 * real stream, a FIFO does not hang the run, a reader closing the pipe early) stays in the few
 * tests that use `spawnCli`.
 */
import { main } from "../src/cli/main.js";
import { cliEnv, root, type CliOptions, type CliRun } from "./helpers.js";

export type { CliOptions, CliRun } from "./helpers.js";

/** Runs `sqlguard <args>` in this process; resolves with its exit code and output. */
export async function cli(args: string[], options: CliOptions & { isTTY?: boolean } = {}): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const input = options.input === undefined ? new Uint8Array(0) : typeof options.input === "string" ? Buffer.from(options.input) : options.input;
  const code = await main(args, {
    cwd: options.cwd ?? root,
    stdout: (s) => void (stdout += s),
    stderr: (s) => void (stderr += s),
    isTTY: options.isTTY ?? false,
    env: cliEnv(options.env),
    readStdin: async () => input,
  });
  return { code, stdout, stderr };
}

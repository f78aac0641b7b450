/** Runs the CLI's `main` in this process (no child, no bundle start-up): the fast way to test the CLI. */
import { main } from "../src/cli/main.js";

export interface MainRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runMain(argv: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<MainRun> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    cwd,
    stdout: (s) => void (stdout += s),
    stderr: (s) => void (stderr += s),
    isTTY: false,
    env: { NO_COLOR: "1", ...env },
  });
  return { code, stdout, stderr };
}

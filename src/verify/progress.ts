/**
 * One line of progress on a terminal ("applying 312/820 prisma/migrations/…"), for runs that last
 * more than a second. Nothing at all in CI or when standard error is not a terminal: logs get
 * the summary, not a stream of carriage returns.
 */

export function isCI(env: NodeJS.ProcessEnv): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== "" && ci !== "0" && ci !== "false";
}

export class Progress {
  private readonly started = Date.now();
  private last = 0;
  private shown = false;

  constructor(
    private readonly write: (s: string) => void,
    private readonly enabled: boolean,
    private readonly columns = 100,
  ) {}

  update(what: string, done: number, total: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.started < 1000 || now - this.last < 100) return;
    this.last = now;
    const count = total > 0 ? `${done}/${total} ` : "";
    let line = `sqlguard verify: ${count}${what}`;
    if (line.length > this.columns - 1) line = `${line.slice(0, this.columns - 2)}…`;
    this.write(`\r\x1b[K${line}`);
    this.shown = true;
  }

  /** Clears the line (before the report is printed). */
  clear(): void {
    if (this.shown) this.write("\r\x1b[K");
    this.shown = false;
  }
}

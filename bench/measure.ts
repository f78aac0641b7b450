/** Measuring helpers the bench scripts share. */
import { execFileSync } from "node:child_process";

/** CPU time (user + system, ms) of this thread's process while `f` runs. */
export function cpuMs(f: () => void): number {
  const t0 = process.cpuUsage();
  f();
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / 1000;
}

/** What a bench script run in a child process (`node <args>`) prints last: one line of JSON. */
export function childJson<T>(args: string[], cwd?: string): T {
  const out = execFileSync(process.execPath, args, { ...(cwd ? { cwd } : {}), encoding: "utf8", maxBuffer: 1 << 26 });
  return JSON.parse(out.trim().split("\n").pop()!) as T;
}

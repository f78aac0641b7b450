/**
 * How many cores the machine left idle lately: the operating system's idle time of all cores
 * between two samples. The first sample is taken when the CLI starts (one read of the kernel's
 * counters, a tenth of a millisecond).
 */
import { readFileSync } from "node:fs";
import { cpus } from "node:os";

interface Sample {
  idle: number;
  total: number;
  cores: number;
}

function sample(): Sample {
  if (process.platform === "linux") {
    // the kernel's counters directly: a fifth of what os.cpus() costs (it reads /proc/cpuinfo too)
    const first = readFileSync("/proc/stat", "latin1");
    const line = first.slice(0, first.indexOf("\n")).trim().split(/\s+/);
    let cores = 0;
    for (let i = first.indexOf("\ncpu"); i >= 0; i = first.indexOf("\ncpu", i + 4)) cores++;
    if (line[0] === "cpu" && line.length >= 5 && cores > 0) {
      // user nice system idle iowait irq softirq steal: in 1/100 s; idle and iowait are idle
      const ticks = line.slice(1, 9).map(Number);
      const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
      return { idle: idle * 10, total: ticks.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0) * 10, cores };
    }
  }
  let idle = 0;
  let total = 0;
  const all = cpus();
  for (const c of all) {
    idle += c.times.idle;
    total += c.times.user + c.times.nice + c.times.sys + c.times.idle + c.times.irq;
  }
  return { idle, total, cores: all.length };
}

let last: Sample | null = null;
try {
  last = sample();
} catch {
  last = null; // no counters: see idleCores
}

/**
 * Cores idle on average since the previous call (or the CLI's start), or null when that cannot be
 * told: no counters, or too short a time (the counters move in steps of 10 ms).
 */
export function idleCores(): number | null {
  let now: Sample;
  try {
    now = sample();
  } catch {
    return null;
  }
  const before = last;
  if (!before || now.cores !== before.cores) {
    last = now;
    return null;
  }
  const total = now.total - before.total;
  if (total < 40 * now.cores) return null; // under 40 ms: keep the earlier sample and wait
  last = now;
  return (now.cores * (now.idle - before.idle)) / total;
}

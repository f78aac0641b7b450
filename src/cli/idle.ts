/**
 * How many cores the machine left idle lately: the operating system's idle time of all cores
 * between two samples. The first sample is taken when the CLI starts (one read of the kernel's
 * counters, a tenth of a millisecond).
 */
import { cpus } from "node:os";

interface Sample {
  idle: number;
  total: number;
  cores: number;
}

function sample(): Sample {
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

// CPU time of processes from /proc/<pid>/stat (utime + stime), for "share of a core" figures.
import { readFileSync } from 'node:fs';

const CLK_TCK = 100;

/** utime + stime of a process in seconds; undefined when it is gone. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / CLK_TCK;
  } catch {
    return undefined;
  }
}

/** The summed CPU seconds of `pids` (gone ones count 0). */
export function totalCpuSeconds(pids: readonly number[]): number {
  return pids.reduce((a, p) => a + (cpuSeconds(p) ?? 0), 0);
}

/** Runs `fn` and returns its result with the CPU share (% of one core) `pids` used meanwhile. */
export async function cpuShareDuring<T>(pids: readonly number[], fn: () => Promise<T>): Promise<{ pct: number; secs: number; value: T }> {
  const c0 = totalCpuSeconds(pids);
  const t0 = performance.now();
  const value = await fn();
  const secs = (performance.now() - t0) / 1000;
  return { pct: ((totalCpuSeconds(pids) - c0) / secs) * 100, secs, value };
}

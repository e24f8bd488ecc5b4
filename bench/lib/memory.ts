// Memory of processes and cgroups from /proc and /sys/fs/cgroup (Linux only). RSS counts shared
// pages (libc, node's binary) fully in every process; PSS splits them among the sharers, so a sum
// of PSS over many processes is the memory they really cost together.
import { promises as fsp } from 'node:fs';

export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** The short name from /proc/PID/comm (at most 15 characters). */
  comm: string;
  argv: string[];
}

/** Every process visible now; processes that exit while we read are skipped. */
export async function listProcesses(): Promise<ProcessInfo[]> {
  const entries = await fsp.readdir('/proc');
  const found: ProcessInfo[] = [];
  await Promise.all(
    entries
      .filter((e) => /^\d+$/.test(e))
      .map(async (e) => {
        try {
          const [comm, cmdline, stat] = await Promise.all(['comm', 'cmdline', 'stat'].map((f) => fsp.readFile(`/proc/${e}/${f}`, 'utf8')));
          // stat is "PID (COMM) STATE PPID …"; COMM may hold spaces and parentheses.
          const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
          found.push({ pid: Number(e), ppid, comm: comm.trim(), argv: cmdline.split('\0').filter(Boolean) });
        } catch {
          /* gone */
        }
      }),
  );
  return found.sort((a, b) => a.pid - b.pid);
}

/** `roots` and every process below them in the process tree. */
export function withDescendants(all: readonly ProcessInfo[], roots: readonly number[]): number[] {
  const children = new Map<number, number[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const seen = new Set<number>();
  const queue = [...roots];
  while (queue.length) {
    const pid = queue.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return [...seen];
}

/** A "Name:   123 kB" field of /proc/PID/status or smaps_rollup, in bytes; undefined if absent. */
async function procKbField(file: string, field: string): Promise<number | undefined> {
  try {
    const text = await fsp.readFile(file, 'utf8');
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

export const rssBytes = (pid: number) => procKbField(`/proc/${pid}/status`, 'VmRSS');
export const pssBytes = (pid: number) => procKbField(`/proc/${pid}/smaps_rollup`, 'Pss');

/** Sum of PSS over `pids` (processes that vanished count 0). */
export async function totalPss(pids: readonly number[]): Promise<number> {
  const values = await Promise.all(pids.map((p) => pssBytes(p)));
  return values.reduce<number>((a, b) => a + (b ?? 0), 0);
}

async function readNumber(file: string): Promise<number | undefined> {
  try {
    const n = Number((await fsp.readFile(file, 'utf8')).trim());
    return Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

async function statField(file: string, field: string): Promise<number> {
  try {
    const m = new RegExp(`^${field} (\\d+)$`, 'm').exec(await fsp.readFile(file, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * The memory charged to the cgroup of process `pid`, as `docker stats` shows it: usage minus
 * inactive page cache. Uses the v1 memory controller when the host mounts one (hybrid hosts),
 * else the unified v2 hierarchy.
 */
export async function cgroupMemoryBytes(pid: number): Promise<number | undefined> {
  let text: string;
  try {
    text = await fsp.readFile(`/proc/${pid}/cgroup`, 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n').map((l) => l.split(':'));
  const v1 = lines.find((f) => f.length >= 3 && f[1].split(',').includes('memory'));
  if (v1) {
    const dir = `/sys/fs/cgroup/memory${v1.slice(2).join(':')}`;
    const usage = await readNumber(`${dir}/memory.usage_in_bytes`);
    if (usage === undefined) return undefined;
    return usage - (await statField(`${dir}/memory.stat`, 'total_inactive_file'));
  }
  const v2 = lines.find((f) => f[0] === '0' && f[1] === '');
  if (!v2) return undefined;
  const dir = `/sys/fs/cgroup${v2.slice(2).join(':')}`;
  const current = await readNumber(`${dir}/memory.current`);
  if (current === undefined) return undefined;
  return current - (await statField(`${dir}/memory.stat`, 'inactive_file'));
}

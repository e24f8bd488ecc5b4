// Containers' cgroups: where they live (under berthd's own, as Docker nests them under its own)
// and how many OOM kills they saw, on v1 hierarchies or v2 unified (stats: cgroup-stats.ts).
import { promises as fsp, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Containers' cgroups go under berthd's own (v1: the memory controller's path; v2: the unified one). */
export function ownCgroupParent(): string {
  try {
    const lines = readFileSync('/proc/self/cgroup', 'utf8').split('\n');
    const line = lines.find((l) => /^\d+:([^:]*\bmemory\b[^:]*):/.test(l)) ?? lines.find((l) => l.startsWith('0::'));
    const p = line ? line.split(':').slice(2).join(':') : '/';
    // On v2 a cgroup with processes cannot have children with controllers: use the parent's.
    const base = line?.startsWith('0::') ? path.dirname(p) : p;
    return path.join(base === '.' ? '/' : base, 'berth');
  } catch {
    return '/berth';
  }
}

const V2 = existsSync('/sys/fs/cgroup/cgroup.controllers');

async function readKv(p: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  try {
    for (const line of (await fsp.readFile(p, 'utf8')).split('\n')) {
      const [k, v] = line.trim().split(/\s+/);
      if (k && v !== undefined) out[k] = Number(v);
    }
  } catch {}
  return out;
}

/** How many processes the kernel's OOM killer took from the cgroup (read before the runtime deletes it). */
export async function oomKills(cgroupPath: string): Promise<number> {
  const file = V2 ? path.join('/sys/fs/cgroup', cgroupPath, 'memory.events') : path.join('/sys/fs/cgroup/memory', cgroupPath, 'memory.oom_control');
  return (await readKv(file)).oom_kill ?? 0;
}

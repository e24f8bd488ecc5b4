// Containers' cgroups: where they live (under berthd's own, as Docker nests them under its own)
// and what their files say (stats in Docker's shape, OOM kills), on v1 hierarchies or v2 unified.
import { promises as fsp, existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
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

async function readNum(p: string): Promise<number | undefined> {
  try {
    const s = (await fsp.readFile(p, 'utf8')).trim();
    if (s === 'max') return undefined;
    const n = Number(s);
    return Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

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

async function systemCpuNs(): Promise<number> {
  // Docker: the sum of all CPU times in /proc/stat, in nanoseconds.
  const stat = await fsp.readFile('/proc/stat', 'utf8');
  const line = stat.split('\n')[0].trim().split(/\s+/).slice(1, 8).map(Number);
  const ticks = line.reduce((a, b) => a + b, 0);
  return Math.round((ticks / 100) * 1e9);
}

export interface CpuSample {
  cpu_usage: { total_usage: number; usage_in_kernelmode: number; usage_in_usermode: number; percpu_usage?: number[] };
  system_cpu_usage: number;
  online_cpus: number;
  throttling_data: { periods: number; throttled_periods: number; throttled_time: number };
}

/** How many processes the kernel's OOM killer took from the cgroup (read before the runtime deletes it). */
export async function oomKills(cgroupPath: string): Promise<number> {
  const file = V2 ? path.join('/sys/fs/cgroup', cgroupPath, 'memory.events') : path.join('/sys/fs/cgroup/memory', cgroupPath, 'memory.oom_control');
  return (await readKv(file)).oom_kill ?? 0;
}

export async function readStats(cgroupPath: string, pid: number, prev?: { read: string; cpu: CpuSample }): Promise<{ stats: Record<string, unknown>; cpu: CpuSample; read: string }> {
  const read = new Date().toISOString();
  const cpus = os.cpus().length;
  let memUsage: number;
  let memLimit = os.totalmem();
  let memStats: Record<string, number>;
  let total: number;
  let user: number;
  let sys: number;
  let pids: number;
  if (V2) {
    const d = path.join('/sys/fs/cgroup', cgroupPath);
    memUsage = (await readNum(path.join(d, 'memory.current'))) ?? 0;
    memLimit = (await readNum(path.join(d, 'memory.max'))) ?? memLimit;
    memStats = await readKv(path.join(d, 'memory.stat'));
    const cpu = await readKv(path.join(d, 'cpu.stat'));
    total = (cpu.usage_usec ?? 0) * 1000;
    user = (cpu.user_usec ?? 0) * 1000;
    sys = (cpu.system_usec ?? 0) * 1000;
    pids = (await readNum(path.join(d, 'pids.current'))) ?? 0;
  } else {
    const mem = path.join('/sys/fs/cgroup/memory', cgroupPath);
    memUsage = (await readNum(path.join(mem, 'memory.usage_in_bytes'))) ?? 0;
    const lim = await readNum(path.join(mem, 'memory.limit_in_bytes'));
    if (lim !== undefined && lim < memLimit) memLimit = lim;
    memStats = await readKv(path.join(mem, 'memory.stat'));
    total = (await readNum(path.join('/sys/fs/cgroup/cpuacct', cgroupPath, 'cpuacct.usage'))) ?? 0;
    const ua = await readKv(path.join('/sys/fs/cgroup/cpuacct', cgroupPath, 'cpuacct.stat'));
    user = ((ua.user ?? 0) / 100) * 1e9;
    sys = ((ua.system ?? 0) / 100) * 1e9;
    pids = (await readNum(path.join('/sys/fs/cgroup/pids', cgroupPath, 'pids.current'))) ?? 0;
  }
  const cpu: CpuSample = {
    cpu_usage: { total_usage: total, usage_in_kernelmode: sys, usage_in_usermode: user },
    system_cpu_usage: await systemCpuNs(),
    online_cpus: cpus,
    throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
  };
  void pid;
  const stats = {
    read,
    preread: prev?.read ?? '0001-01-01T00:00:00Z',
    pids_stats: { current: pids },
    blkio_stats: { io_service_bytes_recursive: null, io_serviced_recursive: null, io_queue_recursive: null, io_service_time_recursive: null, io_wait_time_recursive: null, io_merged_recursive: null, io_time_recursive: null, sectors_recursive: null },
    num_procs: 0,
    storage_stats: {},
    cpu_stats: cpu,
    precpu_stats: prev?.cpu ?? { cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 }, throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 } },
    memory_stats: { usage: memUsage, stats: memStats, limit: memLimit },
  };
  return { stats, cpu, read };
}

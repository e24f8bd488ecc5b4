// What a stats sample means in numbers, computed as docker's stats helpers compute it (CPU share
// of the host between the sample and its precpu reading; memory less the inactive page cache, for
// cgroup v1 and v2). One home for the rule: `berth stats` prints it, the dashboard graphs it.
import type { ContainerStats } from '../api-types/containers.js';

export interface StatsUsage {
  /** Percent of one CPU (100 = one full core), as docker stats prints it. */
  cpuPercent: number;
  memUsage: number;
  memLimit: number;
  netRx: number;
  netTx: number;
  blockRead: number;
  blockWrite: number;
  pids: number;
}

export function statsUsage(s: ContainerStats): StatsUsage {
  const cpuDelta = (s.cpu_stats?.cpu_usage?.total_usage ?? 0) - (s.precpu_stats?.cpu_usage?.total_usage ?? 0);
  const sysDelta = (s.cpu_stats?.system_cpu_usage ?? 0) - (s.precpu_stats?.system_cpu_usage ?? 0);
  const cpus = s.cpu_stats?.online_cpus || s.cpu_stats?.cpu_usage?.percpu_usage?.length || 1;
  const cpuPercent = sysDelta > 0 && cpuDelta > 0 ? (cpuDelta / sysDelta) * cpus * 100 : 0;
  const ms = s.memory_stats ?? {};
  const cache = ms.stats?.total_inactive_file ?? ms.stats?.inactive_file ?? 0;
  const memUsage = Math.max((ms.usage ?? 0) - (cache < (ms.usage ?? 0) ? cache : 0), 0);
  let netRx = 0;
  let netTx = 0;
  for (const n of Object.values(s.networks ?? {})) {
    netRx += n.rx_bytes ?? 0;
    netTx += n.tx_bytes ?? 0;
  }
  let blockRead = 0;
  let blockWrite = 0;
  for (const e of s.blkio_stats?.io_service_bytes_recursive ?? []) {
    if (e.op.toLowerCase() === 'read') blockRead += e.value;
    if (e.op.toLowerCase() === 'write') blockWrite += e.value;
  }
  return { cpuPercent, memUsage, memLimit: ms.limit ?? 0, netRx, netTx, blockRead, blockWrite, pids: s.pids_stats?.current ?? 0 };
}

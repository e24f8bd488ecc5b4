// The numbers the docker CLI derives from one GET /containers/{id}/stats sample (cli/command/
// container/stats_helpers.go): CPU % from the deltas against the previous reading, memory used
// without the page cache (cgroup v1 total_inactive_file, v2 inactive_file). One copy for
// `berth stats` and the compose live view.
import type { ContainerStats } from '../api-types/containers.js';

/** CPU use since the previous reading, in percent of one CPU (200 = two CPUs busy). */
export function cpuPercent(s: ContainerStats): number {
  const cpuDelta = (s.cpu_stats?.cpu_usage?.total_usage ?? 0) - (s.precpu_stats?.cpu_usage?.total_usage ?? 0);
  const sysDelta = (s.cpu_stats?.system_cpu_usage ?? 0) - (s.precpu_stats?.system_cpu_usage ?? 0);
  const cpus = s.cpu_stats?.online_cpus || s.cpu_stats?.cpu_usage?.percpu_usage?.length || 1;
  return sysDelta > 0 && cpuDelta > 0 ? (cpuDelta / sysDelta) * cpus * 100 : 0;
}

/** Memory in use, in bytes, the page cache left out. */
export function memoryUsed(s: ContainerStats): number {
  const ms = s.memory_stats ?? {};
  const usage = ms.usage ?? 0;
  const cache = ms.stats?.total_inactive_file ?? ms.stats?.inactive_file ?? 0;
  return Math.max(usage - (cache < usage ? cache : 0), 0);
}

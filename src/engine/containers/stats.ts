// GET /containers/{id}/stats: one sample (the CLI computes CPU% from consecutive ones, so the
// previous sample of each running container is kept).
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { readStats, type CpuSample } from './cgroups.js';
import type { ContainerService } from './service.js';

export type StatsSample = { read: string; cpu: CpuSample };

export async function containerStats(svc: ContainerService, ref: string): Promise<Record<string, unknown>> {
  const rec = svc.get(ref);
  const base = { name: '/' + rec.name, id: rec.id };
  if (!rec.state.Running) {
    return { ...base, read: '0001-01-01T00:00:00Z', preread: '0001-01-01T00:00:00Z', pids_stats: {}, blkio_stats: {}, num_procs: 0, storage_stats: {}, cpu_stats: { cpu_usage: { total_usage: 0 }, throttling_data: {} }, precpu_stats: { cpu_usage: { total_usage: 0 }, throttling_data: {} }, memory_stats: {} };
  }
  const r = await readStats(path.join(svc.cgroupParent, rec.id), rec.state.Pid, svc.lastStats.get(rec.id));
  svc.lastStats.set(rec.id, { read: r.read, cpu: r.cpu });
  const networks: Record<string, unknown> = {};
  return { ...r.stats, ...base, networks };
}

/** How often a streaming stats client gets a sample (dockerd's collector interval). */
export const STATS_INTERVAL_MS = 1000;

/**
 * The samples after the first of `docker stats`' stream: one every STATS_INTERVAL_MS until the
 * container is gone (a sample fails) or the client goes (`signal`). Samples never overlap.
 */
export async function watchStats(svc: ContainerService, ref: string, signal: AbortSignal, send: (sample: Record<string, unknown>) => void): Promise<void> {
  for (;;) {
    try {
      await delay(STATS_INTERVAL_MS, undefined, { signal });
    } catch {
      return; // the client went
    }
    let sample: Record<string, unknown>;
    try {
      sample = await containerStats(svc, ref);
    } catch {
      return; // the container is gone: the stream ends, as dockerd's does
    }
    if (signal.aborted) return;
    send(sample);
  }
}

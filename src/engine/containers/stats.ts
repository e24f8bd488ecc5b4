// GET /containers/{id}/stats as dockerd answers it (moby daemon/stats.go):
// - streaming: a sample now, then one a second; each frame's precpu_stats/preread are the previous
//   frame *of that stream*, so concurrent readers each get a right CPU %;
// - stream=false: two samples, the first only to fill precpu_stats (dockerd takes two of its
//   collector's; here a fresh one, then the collector's next at least MIN_GAP_MS later);
// - stream=false&one-shot=true: one fresh sample, precpu_stats empty.
// One collector (stats-collector.ts) samples each watched container once a tick for all readers.
import os from 'node:os';
import path from 'node:path';
import { emptyBlkio, emptyCpu, FileReader, readCgroup, readSystemCpu, type CgroupSample, type CpuStats } from './cgroup-stats.js';
import { readNetworks, type NetworkCounters } from './net-dev.js';
import type { ContainerRecord } from './types.js';
import type { ContainerService } from './service.js';

/** One sample without the per-reader fields (precpu_stats, preread). */
export interface StatsFrame extends CgroupSample {
  name: string;
  id: string;
  os_type: 'linux';
  read: string;
  num_procs: number;
  storage_stats: Record<string, never>;
  networks?: Record<string, NetworkCounters>;
}

/** A frame as a reader gets it. */
export type StatsResponse = StatsFrame & { preread: string; precpu_stats: CpuStats };

export interface SystemCpu {
  systemNs: number;
  onlineCpus: number;
}

/** How often a streaming stats client gets a sample (dockerd's collector interval). */
export const STATS_INTERVAL_MS = 1000;
/** stream=false: the least time between the two samples CPU % is computed from. */
const MIN_GAP_MS = 500;
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** The frame of a container that is not running: its name and id, every figure zero (dockerd's empty StatsResponse). */
function emptyFrame(rec: ContainerRecord): StatsFrame {
  return { name: '/' + rec.name, id: rec.id, os_type: 'linux', read: ZERO_TIME, pids_stats: {}, blkio_stats: emptyBlkio(), num_procs: 0, storage_stats: {}, cpu_stats: emptyCpu(), memory_stats: {} };
}

/** Whose network namespace a container's counters come from: none for host mode or a disabled network. */
function networkPid(svc: ContainerService, rec: ContainerRecord): number | undefined {
  if (rec.config.NetworkDisabled) return undefined;
  let mode = rec.hostConfig.NetworkMode ?? '';
  let pid = rec.state.Pid;
  // container:<ref> shares another's namespace; follow the chain as dockerd does.
  for (let hops = 0; mode.startsWith('container:') && hops < 8; hops++) {
    const other = svc.store.find(mode.slice('container:'.length));
    if (!other) return undefined;
    mode = other.hostConfig.NetworkMode ?? '';
    pid = other.state.Pid;
  }
  return mode === 'host' ? undefined : pid;
}

/** One sample of a container, read now; undefined when the container is gone. */
export function sampleContainer(svc: ContainerService, ref: string, system: SystemCpu, files: FileReader): StatsFrame | undefined {
  const rec = svc.store.find(ref);
  if (!rec) return undefined;
  if (!rec.state.Running || rec.state.Restarting) return emptyFrame(rec);
  const cg = readCgroup(files, path.join(svc.cgroupParent, rec.id), os.totalmem());
  const pid = networkPid(svc, rec);
  const networks = pid ? readNetworks(pid) : undefined;
  const frame: StatsFrame = {
    name: '/' + rec.name,
    id: rec.id,
    os_type: 'linux',
    read: new Date().toISOString(),
    pids_stats: cg.pids_stats,
    blkio_stats: cg.blkio_stats,
    num_procs: 0,
    storage_stats: {},
    cpu_stats: { ...cg.cpu_stats, system_cpu_usage: system.systemNs, online_cpus: system.onlineCpus },
    memory_stats: cg.memory_stats,
  };
  // omitempty: no interfaces (none, host) is no `networks` key.
  if (networks && Object.keys(networks).length) frame.networks = networks;
  return frame;
}

function withPrevious(frame: StatsFrame, prev: StatsFrame | undefined): StatsResponse {
  return { ...frame, preread: prev?.read ?? ZERO_TIME, precpu_stats: prev?.cpu_stats ?? emptyCpu() };
}

/** A fresh sample of one container (404 when it does not exist). */
function freshFrame(svc: ContainerService, ref: string): StatsFrame {
  const rec = svc.get(ref);
  const files = new FileReader();
  const frame = sampleContainer(svc, rec.id, readSystemCpu(), files);
  files.close();
  if (!frame) svc.get(ref); // removed meanwhile: the 404
  return frame!;
}

/** The first frame of a stream (precpu empty); throws 404 before the caller commits to a response. */
export function firstStatsFrame(svc: ContainerService, ref: string): StatsResponse {
  return withPrevious(freshFrame(svc, ref), undefined);
}

/**
 * stream=false: one-shot gives one fresh sample; otherwise dockerd's two samples, the response
 * carrying the second with the first as precpu_stats. A container that is not running answers its
 * empty frame at once; one removed meanwhile is a 404. Undefined when `signal` aborts first (the client went).
 */
export async function statsOnce(svc: ContainerService, ref: string, oneShot: boolean, signal: AbortSignal): Promise<StatsResponse | undefined> {
  const first = freshFrame(svc, ref);
  if (oneShot || first.read === ZERO_TIME) return withPrevious(first, undefined);
  const firstMs = Date.parse(first.read);
  const second = await new Promise<StatsResponse | 'gone' | undefined>((resolve) => {
    const done = (v: StatsResponse | 'gone' | undefined) => {
      unsubscribe();
      signal.removeEventListener('abort', onAbort);
      resolve(v);
    };
    const onAbort = () => done(undefined);
    const unsubscribe = svc.statsCollector.subscribe(first.id, (frame) => {
      if (!frame) return done('gone');
      if (frame.read === ZERO_TIME) return done(withPrevious(frame, first)); // stopped meanwhile
      if (Date.parse(frame.read) - firstMs >= MIN_GAP_MS) done(withPrevious(frame, first));
    });
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  if (second === 'gone') {
    svc.get(first.id); // removed meanwhile: its 404
    throw new Error(`stats: cannot sample container ${first.id}`);
  }
  return second;
}

/**
 * The frames of a stream after `first`: one a tick until the container is removed or the client
 * goes (`signal`). Each frame's precpu_stats is the frame this stream sent before it.
 */
export function watchStats(svc: ContainerService, first: StatsResponse, signal: AbortSignal, send: (frame: StatsResponse) => void): Promise<void> {
  let prev: StatsFrame = first;
  return new Promise((resolve) => {
    const done = () => {
      unsubscribe();
      signal.removeEventListener('abort', done);
      resolve();
    };
    const unsubscribe = svc.statsCollector.subscribe(first.id, (frame) => {
      if (!frame) return done(); // removed: the stream ends, as dockerd's does
      send(withPrevious(frame, prev));
      prev = frame;
    });
    if (signal.aborted) done();
    else signal.addEventListener('abort', done, { once: true });
  });
}

// What GET /system/df means in totals, computed as the docker CLI's formatter/disk_usage.go does:
// per kind the count, how many are in use, the size and what a prune could give back. One home
// for the rule: `berth system df` prints it, the dashboard's host page shows it.
import type { SystemDf } from '../api-types/system.js';

export type DiskUsageType = 'Images' | 'Containers' | 'Local Volumes' | 'Build Cache';

export interface DiskUsageKind {
  type: DiskUsageType;
  total: number;
  active: number;
  /** Bytes. */
  size: number;
  /** Bytes a prune could free. */
  reclaimable: number;
  /** Whether docker shows the reclaimable share as a percent (not for the build cache). */
  showPercent: boolean;
}

/** A container whose writable layer is in use: running, paused or restarting. */
export const activeState = (s: string | undefined) => s === 'running' || s === 'paused' || s === 'restarting';

/** The reclaimable share of the size in whole percent (Go's integer division), as docker prints it. */
export function reclaimablePercent(k: DiskUsageKind): number | undefined {
  return k.showPercent && k.size > 0 ? Math.trunc((k.reclaimable * 100) / k.size) : undefined;
}

export function diskUsage(df: SystemDf): DiskUsageKind[] {
  const images = df.Images ?? [];
  const imagesSize = df.LayersSize ?? 0;
  let usedImages = 0;
  for (const i of images) {
    if (!i.Containers || i.Size === -1 || i.SharedSize === undefined || i.SharedSize === -1) continue;
    usedImages += i.Size - i.SharedSize;
  }
  const containers = df.Containers ?? [];
  const ctrSize = containers.reduce((a, c) => a + (c.SizeRw ?? 0), 0);
  const ctrReclaim = containers.filter((c) => !activeState(c.State)).reduce((a, c) => a + (c.SizeRw ?? 0), 0);
  const volumes = df.Volumes ?? [];
  const counted = volumes.filter((v) => (v.UsageData?.Size ?? -1) !== -1);
  const volSize = counted.reduce((a, v) => a + v.UsageData!.Size, 0);
  const volReclaim = counted.filter((v) => v.UsageData!.RefCount === 0).reduce((a, v) => a + v.UsageData!.Size, 0);
  const cache = df.BuildCache ?? [];
  // Shared records are bytes images hold: not the cache's (the docker CLI's df.go).
  const cacheSize = cache.filter((c) => !c.Shared).reduce((a, c) => a + c.Size, 0);
  const cacheInUse = cache.filter((c) => c.InUse && !c.Shared).reduce((a, c) => a + c.Size, 0);
  return [
    { type: 'Images', total: images.length, active: images.filter((i) => (i.Containers ?? 0) > 0).length, size: imagesSize, reclaimable: imagesSize - usedImages, showPercent: true },
    { type: 'Containers', total: containers.length, active: containers.filter((c) => activeState(c.State)).length, size: ctrSize, reclaimable: ctrReclaim, showPercent: true },
    { type: 'Local Volumes', total: volumes.length, active: volumes.filter((v) => (v.UsageData?.RefCount ?? 0) > 0).length, size: volSize, reclaimable: volReclaim, showPercent: true },
    { type: 'Build Cache', total: cache.length, active: cache.filter((c) => c.InUse).length, size: cacheSize, reclaimable: cacheSize - cacheInUse, showPercent: false },
  ];
}

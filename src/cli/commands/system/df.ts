// berth system df: disk usage of images, containers, volumes and build cache.
import type { Cli, CommandSpec } from '../../cli.js';
import { renderRows } from '../../format/formatter.js';
import { humanSize } from '../../format/units.js';
import { FORMAT_FLAG } from '../helpers.js';
import type { SystemDf } from '../../../api-types/system.js';

export const spec: CommandSpec = {
  usage: 'system df [OPTIONS]',
  description: 'Show docker disk usage',
  flags: [FORMAT_FLAG, { name: 'verbose', short: 'v', kind: 'bool', desc: 'Show detailed information on space usage' }],
  maxArgs: 0,
};

type Df = SystemDf;

const HEADERS = { Type: 'TYPE', TotalCount: 'TOTAL', Active: 'ACTIVE', Size: 'SIZE', Reclaimable: 'RECLAIMABLE' };

/** The docker CLI's figure: amount, and its share of total (Go integer division) when total > 0. */
function reclaimable(amount: number, total: number, withPercent = true): string {
  if (!withPercent || total <= 0) return humanSize(amount);
  return `${humanSize(amount)} (${Math.trunc((amount * 100) / total)}%)`;
}

/** A container whose writable layer is in use: running, paused or restarting. */
const activeState = (s: string | undefined) => s === 'running' || s === 'paused' || s === 'restarting';

/** The summary table, computed as the docker CLI's formatter/disk_usage.go does. */
export function dfRows(df: Df): Record<string, string>[] {
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
    { Type: 'Images', TotalCount: String(images.length), Active: String(images.filter((i) => (i.Containers ?? 0) > 0).length), Size: humanSize(imagesSize), Reclaimable: reclaimable(imagesSize - usedImages, imagesSize) },
    { Type: 'Containers', TotalCount: String(containers.length), Active: String(containers.filter((c) => activeState(c.State)).length), Size: humanSize(ctrSize), Reclaimable: reclaimable(ctrReclaim, ctrSize) },
    { Type: 'Local Volumes', TotalCount: String(volumes.length), Active: String(volumes.filter((v) => (v.UsageData?.RefCount ?? 0) > 0).length), Size: humanSize(volSize), Reclaimable: reclaimable(volReclaim, volSize) },
    { Type: 'Build Cache', TotalCount: String(cache.length), Active: String(cache.filter((c) => c.InUse).length), Size: humanSize(cacheSize), Reclaimable: reclaimable(cacheSize - cacheInUse, cacheSize, false) },
  ];
}

export default async function df(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const data = await cli.client().system.df();
  cli.out(renderRows(flags.string('format'), 'table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}', dfRows(data), HEADERS));
  return 0;
}

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

function reclaimable(amount: number, total: number, withPercent = true): string {
  if (!withPercent) return humanSize(amount);
  const pct = total > 0 ? Math.round((amount * 100) / total) : 0;
  return `${humanSize(amount)} (${pct}%)`;
}

export function dfRows(df: Df): Record<string, string>[] {
  const images = df.Images ?? [];
  const activeImages = images.filter((i) => (i.Containers ?? 0) > 0);
  const imagesSize = df.LayersSize ?? images.reduce((a, i) => a + i.Size, 0);
  const usedImages = activeImages.reduce((a, i) => a + (i.Size - (i.SharedSize ?? 0)), 0);
  const containers = df.Containers ?? [];
  const ctrSize = containers.reduce((a, c) => a + (c.SizeRw ?? 0), 0);
  const ctrActive = containers.filter((c) => c.State === 'running');
  const ctrReclaim = containers.filter((c) => c.State !== 'running').reduce((a, c) => a + (c.SizeRw ?? 0), 0);
  const volumes = df.Volumes ?? [];
  const volSize = volumes.reduce((a, v) => a + Math.max(v.UsageData?.Size ?? 0, 0), 0);
  const volActive = volumes.filter((v) => (v.UsageData?.RefCount ?? 0) > 0);
  const volReclaim = volumes.filter((v) => (v.UsageData?.RefCount ?? 0) === 0).reduce((a, v) => a + Math.max(v.UsageData?.Size ?? 0, 0), 0);
  const cache = df.BuildCache ?? [];
  const cacheSize = cache.reduce((a, c) => a + c.Size, 0);
  const cacheReclaim = cache.filter((c) => !c.InUse && !c.Shared).reduce((a, c) => a + c.Size, 0);
  return [
    { Type: 'Images', TotalCount: String(images.length), Active: String(activeImages.length), Size: humanSize(imagesSize), Reclaimable: reclaimable(Math.max(imagesSize - usedImages, 0), imagesSize) },
    { Type: 'Containers', TotalCount: String(containers.length), Active: String(ctrActive.length), Size: humanSize(ctrSize), Reclaimable: reclaimable(ctrReclaim, ctrSize) },
    { Type: 'Local Volumes', TotalCount: String(volumes.length), Active: String(volActive.length), Size: humanSize(volSize), Reclaimable: reclaimable(volReclaim, volSize) },
    { Type: 'Build Cache', TotalCount: String(cache.length), Active: String(cache.filter((c) => c.InUse).length), Size: humanSize(cacheSize), Reclaimable: reclaimable(cacheReclaim, cacheSize, false) },
  ];
}

export default async function df(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const data = await cli.client().system.df();
  cli.out(renderRows(flags.string('format'), 'table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}', dfRows(data), HEADERS));
  return 0;
}

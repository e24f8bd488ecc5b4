// berth system df: disk usage of images, containers, volumes and build cache.
import type { Cli, CommandSpec } from '../../cli.js';
import { renderRows, shortId } from '../../format/formatter.js';
import { ago, humanDuration, humanSize } from '../../format/units.js';
import { containerRow } from '../container/ls.js';
import type { ContainerSummary } from '../../../api-types/containers.js';
import { FORMAT_FLAG } from '../helpers.js';
import type { SystemDf } from '../../../api-types/system.js';
import { diskUsage, reclaimablePercent } from '../../../client/disk-usage.js';

export const spec: CommandSpec = {
  usage: 'system df [OPTIONS]',
  description: 'Show docker disk usage',
  flags: [FORMAT_FLAG, { name: 'verbose', short: 'v', kind: 'bool', desc: 'Show detailed information on space usage' }],
  maxArgs: 0,
};

const HEADERS = { Type: 'TYPE', TotalCount: 'TOTAL', Active: 'ACTIVE', Size: 'SIZE', Reclaimable: 'RECLAIMABLE' };

/** The summary table: the figures of client/disk-usage.ts as the docker CLI prints them. */
export function dfRows(df: SystemDf): Record<string, string>[] {
  return diskUsage(df).map((k) => {
    const pct = reclaimablePercent(k);
    return {
      Type: k.type,
      TotalCount: String(k.total),
      Active: String(k.active),
      Size: humanSize(k.size),
      Reclaimable: pct === undefined ? humanSize(k.reclaimable) : `${humanSize(k.reclaimable)} (${pct}%)`,
    };
  });
}

/** The first tag of an image as repository and tag, as the docker CLI's verbose df shows it. */
function repoTag(tags: readonly string[] | null | undefined): [string, string] {
  const first = (tags ?? []).find((t) => t !== '<none>:<none>');
  if (!first) return ['<none>', '<none>'];
  const colon = first.lastIndexOf(':');
  return colon > first.lastIndexOf('/') ? [first.slice(0, colon), first.slice(colon + 1)] : ['<none>', '<none>'];
}

const size3 = (n: number) => humanSize(n, 3);

/** `df -v`: each kind's table under its title, as the docker CLI's DiskUsageContext.verboseWrite. */
export function dfVerbose(df: SystemDf, now = Date.now()): string {
  const images = (df.Images ?? []).map((i) => {
    const [repo, tag] = repoTag(i.RepoTags);
    const shared = i.SharedSize ?? -1;
    return {
      Repository: repo,
      Tag: tag,
      ID: shortId(i.Id ?? ''),
      CreatedSince: ago(i.Created ?? 0, now),
      Size: size3(i.Size),
      SharedSize: shared < 0 ? 'N/A' : size3(shared),
      UniqueSize: shared < 0 ? 'N/A' : humanSize(i.Size - shared),
      Containers: i.Containers === undefined || i.Containers < 0 ? 'N/A' : String(i.Containers),
    };
  });
  // The virtual size is not shown (docker sets SizeRootFs to 0 first).
  const containers = (df.Containers ?? []).map((c) => containerRow({ ...c, SizeRootFs: 0 } as ContainerSummary, true, true, now));
  const volumes = (df.Volumes ?? []).map((v) => ({
    Name: v.Name ?? '',
    Links: v.UsageData ? String(v.UsageData.RefCount) : 'N/A',
    Size: !v.UsageData || v.UsageData.Size === -1 ? 'N/A' : size3(v.UsageData.Size),
  }));
  const cache = df.BuildCache ?? [];
  const since = (t: string | null | undefined) => (t ? `${humanDuration(now - Date.parse(t))} ago` : '');
  const records = cache.map((b) => ({
    ID: shortId(b.ID) + (b.InUse ? '*' : ''),
    CacheType: b.Type,
    Size: size3(b.Size),
    CreatedSince: since(b.CreatedAt),
    LastUsedSince: since(b.LastUsedAt),
    UsageCount: String(b.UsageCount ?? 0),
    Shared: String(b.Shared),
  }));
  const builderSize = cache.reduce((n, b) => n + (b.Shared ? 0 : b.Size), 0);
  return [
    'Images space usage:\n\n',
    renderRows('', 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}\t{{.SharedSize}}\t{{.UniqueSize}}\t{{.Containers}}', images, {
      Repository: 'REPOSITORY', Tag: 'TAG', ID: 'IMAGE ID', CreatedSince: 'CREATED', Size: 'SIZE', SharedSize: 'SHARED SIZE', UniqueSize: 'UNIQUE SIZE', Containers: 'CONTAINERS',
    }),
    '\nContainers space usage:\n\n',
    renderRows('', 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.LocalVolumes}}\t{{.Size}}\t{{.RunningFor}}\t{{.Status}}\t{{.Names}}', containers, {
      ID: 'CONTAINER ID', Image: 'IMAGE', Command: 'COMMAND', LocalVolumes: 'LOCAL VOLUMES', Size: 'SIZE', RunningFor: 'CREATED', Status: 'STATUS', Names: 'NAMES',
    }),
    '\nLocal Volumes space usage:\n\n',
    renderRows('', 'table {{.Name}}\t{{.Links}}\t{{.Size}}', volumes, { Name: 'VOLUME NAME', Links: 'LINKS', Size: 'SIZE' }),
    `\nBuild cache usage: ${humanSize(builderSize)}\n\n`,
    renderRows('', 'table {{.ID}}\t{{.CacheType}}\t{{.Size}}\t{{.CreatedSince}}\t{{.LastUsedSince}}\t{{.UsageCount}}\t{{.Shared}}', records, {
      ID: 'CACHE ID', CacheType: 'CACHE TYPE', Size: 'SIZE', CreatedSince: 'CREATED', LastUsedSince: 'LAST USED', UsageCount: 'USAGE', Shared: 'SHARED',
    }),
  ].join('');
}

export default async function df(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const data = await cli.client().system.df();
  const format = flags.string('format');
  // As the docker CLI: -v with the default table prints every kind's own table.
  if (flags.bool('verbose') && (!format || format === 'table')) {
    cli.out(dfVerbose(data));
    return 0;
  }
  cli.out(renderRows(format, 'table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}', dfRows(data), HEADERS));
  return 0;
}

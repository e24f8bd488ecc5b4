// berth volume ls: list volumes.
import type { Cli, CommandSpec } from '../../cli.js';
import type { VolumeView } from '../../../api-types/volumes.js';
import { renderRows } from '../../format/formatter.js';
import { humanSize } from '../../format/units.js';
import { FILTER_FLAG, FORMAT_FLAG } from '../helpers.js';

export const spec: CommandSpec = {
  usage: 'volume ls [OPTIONS]',
  description: 'List volumes',
  flags: [{ name: 'cluster', kind: 'bool', hidden: true }, FILTER_FLAG, FORMAT_FLAG, { name: 'quiet', short: 'q', kind: 'bool', desc: 'Only display volume names' }],
  maxArgs: 0,
};

type ApiVolume = VolumeView;

const HEADERS = { Name: 'VOLUME NAME', Driver: 'DRIVER', Scope: 'SCOPE', Mountpoint: 'MOUNTPOINT', Labels: 'LABELS', Links: 'LINKS', Size: 'SIZE', Availability: 'AVAILABILITY', Group: 'GROUP' };

export function volumeRow(v: ApiVolume): Record<string, unknown> {
  const labels = v.Labels ?? {};
  const row: Record<string, unknown> = {
    Availability: 'N/A',
    Driver: v.Driver,
    Group: 'N/A',
    Labels: Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(','),
    Links: v.UsageData ? String(v.UsageData.RefCount) : 'N/A',
    Mountpoint: v.Mountpoint,
    Name: v.Name,
    Scope: v.Scope ?? 'local',
    Size: v.UsageData && v.UsageData.Size >= 0 ? humanSize(v.UsageData.Size) : 'N/A',
    Status: 'N/A',
  };
  Object.defineProperty(row, 'Label', { value: (name: string) => labels[name] ?? '', enumerable: false });
  return row;
}

export default async function ls(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const r = await cli.client().volumes.list({ filters: flags.list('filter') });
  const vols = (r.Volumes ?? []).sort((a, b) => a.Name.localeCompare(b.Name));
  const format = flags.bool('quiet') ? '{{.Name}}' : flags.string('format');
  cli.out(renderRows(format, 'table {{.Driver}}\t{{.Name}}', vols.map(volumeRow), HEADERS));
  return 0;
}

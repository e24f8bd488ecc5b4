// berth ps / container ls: list containers with docker's columns, filters and --format.
import type { Cli, CommandSpec } from '../../cli.js';
import type { ContainerSummary } from '../../../api-types/containers.js';
import { ellipsis, renderRows, shortId } from '../../format/formatter.js';
import { goTimeString } from '../../format/gotime.js';
import { displayablePorts } from '../../format/ports.js';
import { ago, humanSize } from '../../format/units.js';
import { FILTER_FLAG, FORMAT_FLAG } from '../helpers.js';

export const spec: CommandSpec = {
  usage: 'ps [OPTIONS]',
  description: 'List containers',
  flags: [
    { name: 'all', short: 'a', kind: 'bool', desc: 'Show all containers (default shows just running)' },
    FILTER_FLAG,
    FORMAT_FLAG,
    { name: 'last', short: 'n', kind: 'int', desc: 'Show n last created containers (includes all states)', default: '-1' },
    { name: 'latest', short: 'l', kind: 'bool', desc: 'Show the latest created container (includes all states)' },
    { name: 'no-trunc', kind: 'bool', desc: "Don't truncate output" },
    { name: 'quiet', short: 'q', kind: 'bool', desc: 'Only display container IDs' },
    { name: 'size', short: 's', kind: 'bool', desc: 'Display total file sizes' },
  ],
  maxArgs: 0,
};

export type ApiContainer = ContainerSummary;

const HEADERS = {
  ID: 'CONTAINER ID',
  Image: 'IMAGE',
  Command: 'COMMAND',
  CreatedAt: 'CREATED AT',
  RunningFor: 'CREATED',
  Ports: 'PORTS',
  State: 'STATE',
  Status: 'STATUS',
  Size: 'SIZE',
  Names: 'NAMES',
  Labels: 'LABELS',
  Label: 'LABEL',
  Mounts: 'MOUNTS',
  LocalVolumes: 'LOCAL VOLUMES',
  Networks: 'NETWORKS',
};

/** One row as docker's containerContext presents it; `trunc` is false with --no-trunc. */
export function containerRow(c: ApiContainer, trunc: boolean, withSize: boolean, now = Date.now()): Record<string, unknown> {
  let names = (c.Names ?? []).map((n) => n.replace(/^\//, ''));
  if (trunc) {
    const own = names.find((n) => !n.includes('/'));
    if (own !== undefined) names = [own];
  }
  let image = c.Image || '<no image>';
  if (trunc && image.startsWith('sha256:')) image = shortId(image);
  let command = c.Command ?? '';
  if (trunc) command = ellipsis(command, 20);
  const labels = c.Labels ?? {};
  const mounts = (c.Mounts ?? []).map((m) => {
    const name = m.Name || m.Source || '';
    return trunc ? ellipsis(name, 15) : name;
  });
  const row: Record<string, unknown> = {
    Command: JSON.stringify(command),
    CreatedAt: goTimeString(new Date(c.Created * 1000)),
    ID: trunc ? shortId(c.Id) : c.Id,
    Image: image,
    Labels: Object.keys(labels)
      .sort()
      .map((k) => `${k}=${labels[k]}`)
      .join(','),
    LocalVolumes: String((c.Mounts ?? []).filter((m) => m.Type === 'volume' && (m.Driver ?? 'local') === 'local').length),
    Mounts: mounts.join(','),
    Names: names.join(','),
    Networks: Object.keys(c.NetworkSettings?.Networks ?? {})
      .sort()
      .join(','),
    Ports: displayablePorts(c.Ports),
    RunningFor: ago(c.Created, now),
    State: c.State ?? '',
    Status: c.Status ?? '',
  };
  if (withSize) {
    const rw = humanSize(c.SizeRw ?? 0, 3);
    row.Size = c.SizeRootFs ? `${rw} (virtual ${humanSize(c.SizeRootFs, 3)})` : rw;
  }
  Object.defineProperty(row, 'Label', { value: (name: string) => labels[name] ?? '', enumerable: false });
  return row;
}

export default async function ps(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const trunc = !flags.bool('no-trunc');
  let format = flags.string('format');
  if (flags.bool('quiet')) format = '{{.ID}}';
  const withSize = flags.bool('size') || /\.Size\b/.test(format);
  let limit = flags.int('last');
  if (flags.bool('latest')) limit = 1;
  const containers = await cli.client().containers.list({
    all: flags.bool('all') || limit > 0,
    limit: limit > 0 ? limit : undefined,
    size: withSize,
    filters: flags.list('filter'),
  });
  const defaultTable = `table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}${flags.bool('size') ? '\t{{.Size}}' : ''}`;
  const now = Date.now();
  const rows = containers.map((c) => containerRow(c, trunc, withSize, now));
  cli.out(renderRows(format, defaultTable, rows, HEADERS));
  return 0;
}

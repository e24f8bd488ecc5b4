// berth network ls: list networks.
import type { Cli, CommandSpec } from '../../cli.js';
import type { NetworkInspect } from '../../../api-types/networks.js';
import { renderRows, shortId } from '../../format/formatter.js';
import { goTimeString } from '../../format/gotime.js';
import { FILTER_FLAG, FORMAT_FLAG } from '../helpers.js';

export const spec: CommandSpec = {
  usage: 'network ls [OPTIONS]',
  description: 'List networks',
  flags: [FILTER_FLAG, FORMAT_FLAG, { name: 'no-trunc', kind: 'bool', desc: "Do not truncate the output" }, { name: 'quiet', short: 'q', kind: 'bool', desc: 'Only display network IDs' }],
  maxArgs: 0,
};

type ApiNetwork = NetworkInspect;

const HEADERS = { ID: 'NETWORK ID', Name: 'NAME', Driver: 'DRIVER', Scope: 'SCOPE', IPv6: 'IPV6', Internal: 'INTERNAL', Labels: 'LABELS', CreatedAt: 'CREATED' };

export function networkRow(n: ApiNetwork, trunc: boolean): Record<string, unknown> {
  const labels = n.Labels ?? {};
  const row: Record<string, unknown> = {
    CreatedAt: n.Created ? goTimeString(new Date(n.Created)) : '',
    Driver: n.Driver,
    ID: trunc ? shortId(n.Id) : n.Id,
    IPv4: 'true',
    IPv6: String(Boolean(n.EnableIPv6)),
    Internal: String(Boolean(n.Internal)),
    Labels: Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(','),
    Name: n.Name,
    Scope: n.Scope,
  };
  Object.defineProperty(row, 'Label', { value: (name: string) => labels[name] ?? '', enumerable: false });
  return row;
}

export default async function ls(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const list = await cli.client().networks.list({ filters: flags.list('filter') });
  list.sort((a, b) => a.Name.localeCompare(b.Name));
  const format = flags.bool('quiet') ? '{{.ID}}' : flags.string('format');
  cli.out(renderRows(format, 'table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}', list.map((n) => networkRow(n, !flags.bool('no-trunc'))), HEADERS));
  return 0;
}

// berth port: a container's port mappings, or the host addresses of one private port.
import type { Cli, CommandSpec } from '../../cli.js';
import { StatusError } from '../../errors.js';
import type { PortBinding } from '../../../api-types/containers.js';

export const spec: CommandSpec = { usage: 'port CONTAINER [PRIVATE_PORT[/PROTO]]', description: 'List port mappings or a specific mapping for the container', flags: [], minArgs: 1, maxArgs: 2 };

function hostAddr(b: PortBinding): string {
  const ip = b.HostIp || '0.0.0.0';
  return `${ip.includes(':') ? `[${ip}]` : ip}:${b.HostPort ?? ''}`;
}

export default async function port(cli: Cli, argv: string[]): Promise<number> {
  const [c, want] = cli.parse(spec, argv).positionals;
  const info = await cli.client().containers.inspect(c);
  const ports = info.NetworkSettings?.Ports ?? {};
  if (want) {
    const key = want.includes('/') ? want : `${want}/tcp`;
    const bindings = ports[key];
    if (!bindings || bindings.length === 0) throw new StatusError(`Error: No public port '${key}' published for ${c}`, 1);
    for (const b of bindings) cli.out(`${hostAddr(b)}\n`);
    return 0;
  }
  const keys = Object.keys(ports).sort((a, b) => parseInt(a) - parseInt(b) || a.localeCompare(b));
  for (const k of keys) for (const b of ports[k] ?? []) cli.out(`${k} -> ${hostAddr(b)}\n`);
  return 0;
}

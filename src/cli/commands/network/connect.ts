// berth network connect: attach a container to a network.
import type { Cli, CommandSpec } from '../../cli.js';

export const spec: CommandSpec = {
  usage: 'network connect [OPTIONS] NETWORK CONTAINER',
  description: 'Connect a container to a network',
  flags: [
    { name: 'alias', kind: 'list', desc: 'Add network-scoped alias for the container' },
    { name: 'driver-opt', kind: 'list', desc: 'driver options for the network' },
    { name: 'gw-priority', kind: 'int', desc: 'Highest gw-priority provides the default gateway' },
    { name: 'ip', kind: 'string', desc: 'IPv4 address (e.g., "172.30.100.104")' },
    { name: 'ip6', kind: 'string', desc: 'IPv6 address (e.g., "2001:db8::33")' },
    { name: 'link', kind: 'list', desc: 'Add link to another container' },
    { name: 'link-local-ip', kind: 'list', desc: 'Add a link-local address for the container' },
  ],
  minArgs: 2,
  maxArgs: 2,
};

export default async function connect(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const [network, container] = flags.positionals;
  const ipam: { IPv4Address?: string; IPv6Address?: string; LinkLocalIPs?: string[] } = {};
  if (flags.string('ip')) ipam.IPv4Address = flags.string('ip');
  if (flags.string('ip6')) ipam.IPv6Address = flags.string('ip6');
  if (flags.list('link-local-ip').length) ipam.LinkLocalIPs = flags.list('link-local-ip');
  const driverOpts: Record<string, string> = {};
  for (const o of flags.list('driver-opt')) {
    const eq = o.indexOf('=');
    driverOpts[o.slice(0, eq)] = o.slice(eq + 1);
  }
  await cli.client().networks.connect(network, {
    Container: container,
    EndpointConfig: {
      IPAMConfig: Object.keys(ipam).length ? ipam : null,
      Links: flags.list('link').length ? flags.list('link') : null,
      Aliases: flags.list('alias').length ? flags.list('alias') : null,
      DriverOpts: Object.keys(driverOpts).length ? driverOpts : null,
      GwPriority: flags.int('gw-priority'),
    },
  });
  return 0;
}

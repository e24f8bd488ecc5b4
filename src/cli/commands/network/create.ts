// berth network create: make a network; prints its ID.
import type { Cli, CommandSpec } from '../../cli.js';
import { UsageError } from '../../errors.js';
import type { NetworkCreateBody } from '../../../api-types/networks.js';
import { parseLabels } from '../container/create-opts.js';

export const spec: CommandSpec = {
  usage: 'network create [OPTIONS] NETWORK',
  description: 'Create a network',
  flags: [
    { name: 'attachable', kind: 'bool', desc: 'Enable manual container attachment' },
    { name: 'aux-address', kind: 'list', desc: 'Auxiliary IPv4 or IPv6 addresses used by Network driver' },
    { name: 'config-from', kind: 'string', desc: 'The network from which to copy the configuration' },
    { name: 'config-only', kind: 'bool', desc: 'Create a configuration only network' },
    { name: 'driver', short: 'd', kind: 'string', desc: 'Driver to manage the Network', default: 'bridge' },
    { name: 'gateway', kind: 'list', desc: 'IPv4 or IPv6 Gateway for the master subnet' },
    { name: 'ingress', kind: 'bool', desc: 'Create swarm routing-mesh network' },
    { name: 'internal', kind: 'bool', desc: 'Restrict external access to the network' },
    { name: 'ip-range', kind: 'list', desc: 'Allocate container ip from a sub-range' },
    { name: 'ipam-driver', kind: 'string', desc: 'IP Address Management Driver', default: 'default' },
    { name: 'ipam-opt', kind: 'list', desc: 'Set IPAM driver specific options' },
    { name: 'ipv6', kind: 'bool', desc: 'Enable or disable IPv6 networking' },
    { name: 'label', kind: 'list', desc: 'Set metadata on a network' },
    { name: 'opt', short: 'o', kind: 'list', desc: 'Set driver specific options' },
    { name: 'scope', kind: 'string', desc: "Control the network's scope" },
    { name: 'subnet', kind: 'list', desc: 'Subnet in CIDR format that represents a network segment' },
  ],
  minArgs: 1,
  maxArgs: 1,
};

function kv(values: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    out[eq >= 0 ? v.slice(0, eq) : v] = eq >= 0 ? v.slice(eq + 1) : '';
  }
  return out;
}

/** IPAM config as the docker CLI groups it: one entry per subnet with its gateway and range. */
export function ipamConfig(subnets: string[], gateways: string[], ranges: string[], aux: string[]): Record<string, unknown>[] {
  if (gateways.length > subnets.length || ranges.length > subnets.length) throw new UsageError('every ip-range or gateway must have a corresponding subnet');
  return subnets.map((subnet, i) => {
    const c: Record<string, unknown> = { Subnet: subnet };
    if (ranges[i]) c.IPRange = ranges[i];
    if (gateways[i]) c.Gateway = gateways[i];
    if (aux.length && i === 0) c.AuxiliaryAddresses = kv(aux);
    return c;
  });
}

export default async function create(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const body: NetworkCreateBody = {
    Driver: flags.string('driver'),
    Scope: flags.string('scope'),
    EnableIPv6: flags.changed('ipv6') ? flags.bool('ipv6') : undefined,
    IPAM: {
      Driver: flags.string('ipam-driver'),
      Options: kv(flags.list('ipam-opt')),
      Config: ipamConfig(flags.list('subnet'), flags.list('gateway'), flags.list('ip-range'), flags.list('aux-address')),
    },
    Internal: flags.bool('internal'),
    Attachable: flags.bool('attachable'),
    Ingress: flags.bool('ingress'),
    ConfigOnly: flags.bool('config-only'),
    ConfigFrom: flags.string('config-from') ? { Network: flags.string('config-from') } : null,
    Options: kv(flags.list('opt')),
    Labels: parseLabels(flags.list('label')),
    Name: flags.positionals[0],
    CheckDuplicate: true,
  };
  const r = await cli.client().networks.create(body);
  if (r.Warning) cli.err(`${r.Warning}\n`);
  cli.out(`${r.Id}\n`);
  return 0;
}

// The networks every Docker host has and nobody can remove: `none`, `host` and the default
// `bridge` (berth0 here, docker0 in Docker), made at the first start of a data root.
import type { NetworkContext } from './context.js';
import { formatCidr, formatIPv4, maskOf, parseIPv4, type Cidr } from './ipv4.js';
import { pickSubnet } from './ipam.js';
import { newNetworkRecord } from './networks.js';
import { run } from './run.js';
import { orUndefined } from '../../util/best-effort.js';

export async function ensurePredefinedNetworks(ctx: NetworkContext): Promise<void> {
  const byName = (name: string) => [...ctx.networks.values()].find((n) => n.Name === name && n.predefined);
  if (!byName('none')) await ctx.addNetwork(newNetworkRecord('none', 'null', { predefined: true }));
  if (!byName('host')) await ctx.addNetwork(newNetworkRecord('host', 'host', { predefined: true }));
  if (!byName('bridge')) {
    const device = ctx.opts.defaultBridgeName ?? 'berth0';
    // A bridge device left by an earlier data root keeps its address (as dockerd adopts docker0's):
    // a second address on it would make the CNI bridge plugin refuse every container.
    const adopted = await existingBridgeAddress(device);
    const subnet = adopted?.subnet ?? (await pickSubnet(ctx));
    const gateway = adopted?.gateway ?? subnet.base + 1;
    const rec = newNetworkRecord('bridge', 'bridge', { predefined: true, defaultBridge: true, device });
    rec.IPAM = { Driver: 'default', Options: null, Config: [{ Subnet: formatCidr(subnet), Gateway: formatIPv4(gateway) }] };
    rec.Options = {
      'com.docker.network.bridge.default_bridge': 'true',
      'com.docker.network.bridge.enable_icc': 'true',
      'com.docker.network.bridge.enable_ip_masquerade': 'true',
      'com.docker.network.bridge.host_binding_ipv4': '0.0.0.0',
      'com.docker.network.bridge.name': device,
      'com.docker.network.driver.mtu': '1500',
    };
    await ctx.addNetwork(rec);
  }
}

/** The first IPv4 address of an existing device, as subnet and gateway; undefined when none. */
async function existingBridgeAddress(device: string): Promise<{ subnet: Cidr; gateway: number } | undefined> {
  const r = await orUndefined(run('ip', ['-4', '-o', 'addr', 'show', 'dev', device]), `reading the address of ${device}`);
  if (!r || r.code !== 0) return undefined;
  const m = /inet (\d+\.\d+\.\d+\.\d+)\/(\d+)/.exec(r.stdout);
  if (!m) return undefined;
  const ip = parseIPv4(m[1]);
  const prefix = Number(m[2]);
  if (ip === undefined) return undefined;
  return { subnet: { base: (ip & maskOf(prefix)) >>> 0, prefix } as Cidr, gateway: ip };
}

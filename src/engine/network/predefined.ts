// The networks every Docker host has and nobody can remove: `none`, `host` and the default
// `bridge` (berth0 here, docker0 in Docker), made at the first start of a data root.
import type { NetworkContext } from './context.js';
import { formatCidr, formatIPv4, maskOf, parseIPv4, type Cidr } from './ipv4.js';
import { pickSubnet } from './ipam.js';
import { newNetworkRecord } from './networks.js';
import { run } from './run.js';
import { bestEffort, orUndefined } from '../../util/best-effort.js';
import { ipamV6, pickSubnet6, validateIpam6 } from './ipam6.js';
import { formatCidr6, formatIPv6, parseCidr6, type Cidr6 } from './ipv6.js';
import type { NetworkRecord } from './types.js';

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
  await applyDefaultBridgeIPv6(ctx, byName('bridge')!);
}

/**
 * The default bridge's IPv6 follows the daemon configuration at every start, as dockerd's does:
 * `ipv6` adds `fixed-cidr-v6` (or the subnet it already has, or a /64 of the ULA pool), its
 * absence takes IPv6 away again (with the gateway address on the device).
 */
async function applyDefaultBridgeIPv6(ctx: NetworkContext, rec: NetworkRecord): Promise<void> {
  const want = ctx.opts.defaultBridgeIPv6;
  const current = ipamV6(rec);
  const v4 = rec.IPAM.Config.filter((c) => c !== current);
  if (!want) {
    if (!current && !rec.EnableIPv6) return;
    if (current?.Gateway && current.Subnet && rec.device) {
      await bestEffort(run('ip', ['-6', 'addr', 'del', `${current.Gateway}/${current.Subnet.split('/')[1]}`, 'dev', rec.device]), `removing the IPv6 gateway of ${rec.device}`);
    }
    rec.IPAM = { ...rec.IPAM, Config: v4 };
    rec.EnableIPv6 = false;
    await ctx.addNetwork(rec);
    return;
  }
  let subnet: Cidr6;
  if (want.fixedCidrV6) subnet = validateIpam6({ Subnet: want.fixedCidrV6 }).subnet!;
  else if (current?.Subnet) subnet = parseCidr6(current.Subnet)!;
  else subnet = pickSubnet6(ctx);
  const cfg6 = { Subnet: formatCidr6(subnet), Gateway: formatIPv6(subnet.base + 1n) };
  if (rec.EnableIPv6 && current?.Subnet === cfg6.Subnet && current.Gateway === cfg6.Gateway) return;
  if (current?.Gateway && current.Subnet && rec.device) {
    await bestEffort(run('ip', ['-6', 'addr', 'del', `${current.Gateway}/${current.Subnet.split('/')[1]}`, 'dev', rec.device]), `removing the old IPv6 gateway of ${rec.device}`);
  }
  rec.IPAM = { ...rec.IPAM, Config: [...v4, cfg6] };
  rec.EnableIPv6 = true;
  await ctx.addNetwork(rec);
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

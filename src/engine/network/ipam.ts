// Address management: berth is the IPAM of its networks (the CNI plugins get static addresses),
// with its records the only source of truth. Subnets for new networks, checks of user-given
// subnets, gateways and ranges, and the address of each new endpoint.
import type { NetworkContext } from './context.js';
import { EngineError, ForbiddenError, InvalidArgumentError } from '../errors.js';
import { cidrContains, cidrLast, cidrOverlaps, mustParseCidr, parseCidr, parseIPv4, type Cidr } from './ipv4.js';
import { hostRouteCidrs, pickFreeSubnet } from './subnets.js';
import type { IpamConfig, NetworkRecord } from './types.js';

/** A network create's IPAM config, checked and parsed; empty when it leaves everything to berth. */
export function validateIpam(c: IpamConfig | undefined): { subnet?: Cidr; gateway?: number; range?: Cidr } {
  if (!c) return {};
  if (!c.Subnet) {
    if (c.Gateway || c.IPRange) throw new InvalidArgumentError('invalid pool request: gateway or ip-range given without a subnet');
    return {};
  }
  const subnet = mustParseCidr(c.Subnet);
  if (subnet.prefix > 30) throw new InvalidArgumentError(`invalid subnet ${c.Subnet}: too small for containers`);
  let gateway: number | undefined;
  if (c.Gateway) {
    gateway = parseIPv4(c.Gateway);
    if (gateway === undefined) throw new InvalidArgumentError(`invalid gateway address ${c.Gateway}`);
    if (!cidrContains(subnet, gateway)) throw new InvalidArgumentError(`no matching subnet for gateway ${c.Gateway}`);
  }
  let range: Cidr | undefined;
  if (c.IPRange) {
    range = mustParseCidr(c.IPRange, 'ip-range');
    if (!cidrContains(subnet, range.base) || !cidrContains(subnet, cidrLast(range))) throw new InvalidArgumentError(`no matching subnet for range ${c.IPRange}`);
  }
  return { subnet, gateway, range };
}

function usedSubnets(ctx: NetworkContext): Cidr[] {
  const out: Cidr[] = [];
  for (const n of ctx.networks.values()) {
    for (const c of n.IPAM.Config) {
      const s = c.Subnet ? parseCidr(c.Subnet) : undefined;
      if (s) out.push(s);
    }
  }
  return out;
}

/** Another network's subnet or (for picked pools) a host route overlaps. */
export async function overlapsExisting(ctx: NetworkContext, subnet: Cidr, againstRoutes: boolean): Promise<boolean> {
  if (usedSubnets(ctx).some((s) => cidrOverlaps(s, subnet))) return true;
  if (!againstRoutes) return false;
  return (await hostRouteCidrs()).some((r) => cidrOverlaps(r, subnet));
}

/** A default-pool subnet no network and no host route uses. */
export async function pickSubnet(ctx: NetworkContext): Promise<Cidr> {
  const taken = [...usedSubnets(ctx), ...(await hostRouteCidrs())];
  const s = pickFreeSubnet(taken);
  if (!s) throw new ForbiddenError('could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network');
  return s;
}

/** The address for a new endpoint on net: the one asked for (checked), else the first free one in the range. */
export function allocateIp(ctx: NetworkContext, net: NetworkRecord, subnet: Cidr, want: string | undefined): number {
  const used = new Set<number>();
  for (const s of ctx.sandboxes.values()) {
    const e = s.endpoints[net.Id];
    if (e?.ipv4) used.add(parseIPv4(e.ipv4)!);
  }
  const gw = net.IPAM.Config[0].Gateway ? parseIPv4(net.IPAM.Config[0].Gateway) : undefined;
  if (gw !== undefined) used.add(gw);
  for (const aux of Object.values(net.IPAM.Config[0].AuxiliaryAddresses ?? {})) {
    const a = parseIPv4(aux);
    if (a !== undefined) used.add(a);
  }
  const first = subnet.base + 1;
  const last = cidrLast(subnet) - 1;
  if (want) {
    const ip = parseIPv4(want);
    if (ip === undefined) throw new InvalidArgumentError(`invalid IPv4 address: ${want}`);
    if (ip < first || ip > last) throw new InvalidArgumentError(`no configured subnet or ip-range contain the IP address ${want}`);
    if (used.has(ip)) throw new ForbiddenError(`Address already in use`); // libnetwork's ErrIPAlreadyAllocated: 403
    return ip;
  }
  const rangeCfg = net.IPAM.Config[0].IPRange ? parseCidr(net.IPAM.Config[0].IPRange) : undefined;
  const lo = rangeCfg ? Math.max(first, rangeCfg.base) : first;
  const hi = rangeCfg ? Math.min(last, cidrLast(rangeCfg)) : last;
  for (let ip = lo; ip <= hi; ip++) if (!used.has(ip)) return ip;
  throw new EngineError(503, 'no available addresses on this pool'); // libnetwork's ErrNoAvailableIPs
}

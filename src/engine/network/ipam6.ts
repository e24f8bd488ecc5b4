// The IPv6 half of berth's IPAM (ipam.ts is the IPv4 half): the IPv6 subnet of a dual-stack
// network (given, checked as dockerd's ValidateIPAM checks it, or picked as a /64 from the
// daemon's ULA pool), and each endpoint's IPv6 address.
import { createHash } from 'node:crypto';
import type { NetworkContext } from './context.js';
import { EngineError, ForbiddenError, InvalidArgumentError } from '../errors.js';
import { cidr6Contains, cidr6Last, cidr6Overlaps, formatCidr6, isMasked6, parseCidr6, parseIPv6, type Cidr6 } from './ipv6.js';
import type { IpamConfig, NetworkRecord } from './types.js';

/** A network's IPv6 IPAM entry (dockerd lists the IPv4 one first), if it has one. */
export function ipamV6(net: NetworkRecord): IpamConfig | undefined {
  return net.IPAM.Config.find((c) => c.Subnet?.includes(':'));
}

/** A network's IPv4 IPAM entry. */
export function ipamV4(net: NetworkRecord): IpamConfig | undefined {
  return net.IPAM.Config.find((c) => c.Subnet && !c.Subnet.includes(':'));
}

/**
 * dockerd's default IPv6 pool when none is configured (daemon.go deriveULABaseNetwork): a /48 in
 * fd00::/8 whose 40-bit global ID is the low 40 bits of the first 8 bytes of sha256(hostID),
 * cut into /64s.
 */
export function ulaBaseNetwork(hostId: string): Cidr6 {
  const sha = createHash('sha256').update(hostId).digest();
  const gid = sha.readBigUInt64BE(0) & ((1n << 40n) - 1n);
  return { base: (0xfdn << 120n) | (gid << 80n), prefix: 48 };
}

/** An IPv6 IPAM config checked as dockerd's ValidateIPAM does ("invalid network config:" and the reasons). */
export function validateIpam6(c: IpamConfig | undefined): { subnet?: Cidr6; gateway?: bigint; range?: Cidr6 } {
  if (!c?.Subnet) return {};
  const subnet = parseCidr6(c.Subnet);
  const errs: string[] = [];
  if (!subnet) throw invalidConfig([`invalid subnet ${c.Subnet}: invalid CIDR block notation`]);
  if (!isMasked6(c.Subnet)) errs.push(`invalid subnet ${c.Subnet}: it should be ${formatCidr6(subnet)}`);
  let range: Cidr6 | undefined;
  if (c.IPRange) {
    range = parseCidr6(c.IPRange);
    if (!range) errs.push(`invalid ip-range ${c.IPRange}: ${c.IPRange.includes(':') ? 'invalid CIDR block notation' : 'parent subnet is an IPv6 block'}`);
    else {
      if (range.prefix < subnet.prefix) errs.push(`invalid ip-range ${c.IPRange}: CIDR block is bigger than its parent subnet ${c.Subnet}`);
      if (!isMasked6(c.IPRange)) errs.push(`invalid ip-range ${c.IPRange}: it should be ${formatCidr6(range)}`);
      if (!cidr6Overlaps(subnet, range)) errs.push(`invalid ip-range ${c.IPRange}: parent subnet ${c.Subnet} doesn't contain ip-range`);
    }
  }
  let gateway: bigint | undefined;
  if (c.Gateway) {
    gateway = parseIPv6(c.Gateway);
    if (gateway === undefined) errs.push(`invalid gateway ${c.Gateway}: ${c.Gateway.includes('.') ? 'parent subnet is an IPv6 block' : 'invalid address'}`);
    else if (!cidr6Contains(subnet, gateway)) errs.push(`invalid gateway ${c.Gateway}: parent subnet ${c.Subnet} doesn't contain this address`);
  }
  if (errs.length) throw invalidConfig(errs);
  return { subnet, gateway, range };
}

function invalidConfig(errs: string[]): InvalidArgumentError {
  return new InvalidArgumentError(`invalid network config:\n${errs.join('\n')}`);
}

function usedSubnets6(ctx: NetworkContext): Cidr6[] {
  const out: Cidr6[] = [];
  for (const n of ctx.networks.values()) {
    const s = ipamV6(n)?.Subnet;
    const c = s ? parseCidr6(s) : undefined;
    if (c) out.push(c);
  }
  return out;
}

export function overlapsExisting6(ctx: NetworkContext, subnet: Cidr6): boolean {
  return usedSubnets6(ctx).some((s) => cidr6Overlaps(s, subnet));
}

/** The first /64 of the daemon's ULA pool no network holds. */
export function pickSubnet6(ctx: NetworkContext): Cidr6 {
  const pool = ulaBaseNetwork(ctx.hostId);
  const taken = usedSubnets6(ctx);
  for (let i = 0n; i < 1n << 16n; i++) {
    const s: Cidr6 = { base: pool.base | (i << 64n), prefix: 64 };
    if (!taken.some((t) => cidr6Overlaps(t, s))) return s;
  }
  throw new ForbiddenError('could not find an available, non-overlapping IPv6 address pool among the defaults to assign to the network');
}

/** An endpoint's IPv6 address on net: the one asked for (checked), else the first free one. */
export function allocateIp6(ctx: NetworkContext, net: NetworkRecord, want: string | undefined): bigint {
  const cfg = ipamV6(net)!;
  const subnet = parseCidr6(cfg.Subnet!)!;
  const used = new Set<bigint>();
  for (const s of ctx.sandboxes.values()) {
    const e = s.endpoints[net.Id];
    const a = e?.ipv6 ? parseIPv6(e.ipv6) : undefined;
    if (a !== undefined) used.add(a);
  }
  const gw = cfg.Gateway ? parseIPv6(cfg.Gateway) : undefined;
  if (gw !== undefined) used.add(gw);
  for (const aux of Object.values(cfg.AuxiliaryAddresses ?? {})) {
    const a = parseIPv6(aux);
    if (a !== undefined) used.add(a);
  }
  if (want) {
    const ip = parseIPv6(want);
    if (ip === undefined) throw new InvalidArgumentError(`invalid IPv6 address: ${want}`);
    if (!cidr6Contains(subnet, ip) || ip === subnet.base) throw new InvalidArgumentError(`no configured subnet or ip-range contain the IP address ${want}`);
    if (used.has(ip)) throw new ForbiddenError('Address already in use');
    return ip;
  }
  const range = cfg.IPRange ? parseCidr6(cfg.IPRange) : undefined;
  const lo = range && range.base > subnet.base ? range.base : subnet.base + 1n;
  const hi = range ? cidr6Last(range) : cidr6Last(subnet);
  // Taken addresses are few: the first free one is at most that many steps away.
  for (let ip = lo, n = 0; ip <= hi && n <= used.size + 1; ip++, n++) if (!used.has(ip)) return ip;
  throw new EngineError(503, 'no available addresses on this pool');
}

// Picks subnets for networks that do not name one, as Docker's default address pools do:
// 172.17–31.0.0/16, then 192.168.0.0/16 cut into /20s, skipping any pool that overlaps a route
// on the host (docker0, the LAN, VPNs …) or a subnet another network already holds.
import { promises as fsp } from 'node:fs';
import { cidrOverlaps, type Cidr } from './ipv4.js';

export function defaultPools(): Cidr[] {
  const pools: Cidr[] = [];
  for (let b = 17; b <= 31; b++) pools.push({ base: ((172 << 24) | (b << 16)) >>> 0, prefix: 16 });
  for (let c = 0; c < 256; c += 16) pools.push({ base: ((192 << 24) | (168 << 16) | (c << 8)) >>> 0, prefix: 20 });
  return pools;
}

/** Destinations of the host's IPv4 routes except the default route, from /proc/net/route. */
export async function hostRouteCidrs(routeFile = '/proc/net/route'): Promise<Cidr[]> {
  let text: string;
  try {
    text = await fsp.readFile(routeFile, 'utf8');
  } catch {
    return [];
  }
  return parseProcNetRoute(text);
}

/** /proc/net/route holds addresses as little-endian hex; a zero mask is the default route. */
export function parseProcNetRoute(text: string): Cidr[] {
  const out: Cidr[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const dest = leHexToNumber(f[1]);
    const mask = leHexToNumber(f[7]);
    if (mask === 0) continue;
    const prefix = popcount(mask);
    out.push({ base: (dest & mask) >>> 0, prefix });
  }
  return out;
}

function leHexToNumber(h: string): number {
  const n = parseInt(h, 16) >>> 0;
  return (((n & 255) << 24) | (((n >>> 8) & 255) << 16) | (((n >>> 16) & 255) << 8) | (n >>> 24)) >>> 0;
}

function popcount(n: number): number {
  let c = 0;
  for (let x = n >>> 0; x; x = (x & (x - 1)) >>> 0) c++;
  return c;
}

/** First pool that overlaps nothing in `taken`, or undefined when every pool is used. */
export function pickFreeSubnet(taken: Cidr[], pools: Cidr[] = defaultPools()): Cidr | undefined {
  return pools.find((p) => !taken.some((t) => cidrOverlaps(p, t)));
}

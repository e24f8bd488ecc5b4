// IPv6 address and CIDR arithmetic on bigints: parsing (with `::` and an embedded IPv4 tail),
// formatting as Go's netip prints (RFC 5952: lower case, longest zero run as `::`), containment
// and overlap. The IPv4 side is ipv4.ts.
import { InvalidArgumentError } from '../errors.js';

export interface Cidr6 {
  /** Network address (host bits cleared). */
  base: bigint;
  prefix: number;
}

const ALL = (1n << 128n) - 1n;

export function parseIPv6(s: string): bigint | undefined {
  let text = s.trim();
  if (!text.includes(':') || /[^0-9a-fA-F:.]/.test(text)) return undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    // An IPv4 tail (::ffff:1.2.3.4) stands for the last two groups.
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text.slice(lastColon + 1));
    if (!m) return undefined;
    const b = m.slice(1).map(Number);
    if (b.some((x) => x > 255)) return undefined;
    text = `${text.slice(0, lastColon + 1)}${((b[0] << 8) | b[1]).toString(16)}:${((b[2] << 8) | b[3]).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const group = (h: string): number[] | undefined => {
    if (h === '') return [];
    const parts = h.split(':');
    if (parts.some((p) => !/^[0-9a-fA-F]{1,4}$/.test(p))) return undefined;
    return parts.map((p) => parseInt(p, 16));
  };
  const head = group(halves[0]);
  const rest = halves.length === 2 ? group(halves[1]) : [];
  if (!head || !rest) return undefined;
  const given = head.length + rest.length;
  let groups: number[];
  if (halves.length === 2) {
    if (given > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - given).fill(0), ...rest];
  } else {
    groups = head;
    if (groups.length !== 8) return undefined;
  }
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/** Go's netip formatting: lower-case groups, the longest run (two or more) of zero groups as `::`. */
export function formatIPv6(n: bigint): string {
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((n >> BigInt(i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (g: number[]) => g.map((x) => x.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}

export function maskOf6(prefix: number): bigint {
  return prefix === 0 ? 0n : (ALL << BigInt(128 - prefix)) & ALL;
}

/** Parses `addr/n`; the base has its host bits cleared. */
export function parseCidr6(s: string): Cidr6 | undefined {
  const m = /^([0-9a-fA-F:.]+)\/(\d{1,3})$/.exec(s.trim());
  if (!m) return undefined;
  const addr = parseIPv6(m[1]);
  const prefix = Number(m[2]);
  if (addr === undefined || prefix > 128) return undefined;
  return { base: addr & maskOf6(prefix), prefix };
}

export function mustParseCidr6(s: string, what = 'subnet'): Cidr6 {
  const c = parseCidr6(s);
  if (!c) throw new InvalidArgumentError(`invalid ${what} ${s}: invalid CIDR block notation`);
  return c;
}

/** Host bits of `s` are zero (dockerd refuses a subnet or range that has some). */
export function isMasked6(s: string): boolean {
  const m = /^([0-9a-fA-F:.]+)\/(\d{1,3})$/.exec(s.trim());
  const addr = m ? parseIPv6(m[1]) : undefined;
  return addr !== undefined && (addr & maskOf6(Number(m![2]))) === addr;
}

export function formatCidr6(c: Cidr6): string {
  return `${formatIPv6(c.base)}/${c.prefix}`;
}

export function cidr6Last(c: Cidr6): bigint {
  return c.base | (~maskOf6(c.prefix) & ALL);
}

export function cidr6Contains(c: Cidr6, ip: bigint): boolean {
  return (ip & maskOf6(c.prefix)) === c.base;
}

export function cidr6Overlaps(a: Cidr6, b: Cidr6): boolean {
  return a.base <= cidr6Last(b) && b.base <= cidr6Last(a);
}

/** The textual address as Go prints it (`FD00:0::1` → `fd00::1`), or undefined when it is not IPv6. */
export function canonicalIPv6(s: string): string | undefined {
  const n = parseIPv6(s);
  return n === undefined ? undefined : formatIPv6(n);
}

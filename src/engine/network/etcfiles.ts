// Content of a container's /etc/resolv.conf and /etc/hosts, as Docker writes them.
import { promises as fsp } from 'node:fs';
import { isLoopback } from './ipv4.js';

export interface ResolvConf {
  nameservers: string[];
  search: string[];
  options: string[];
}

export function parseResolvConf(text: string): ResolvConf {
  const rc: ResolvConf = { nameservers: [], search: [], options: [] };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const [key, ...rest] = line.split(/\s+/);
    if (key === 'nameserver' && rest[0]) rc.nameservers.push(rest[0]);
    else if (key === 'search' || key === 'domain') rc.search = rest;
    else if (key === 'options') rc.options.push(...rest);
  }
  return rc;
}

export async function readHostResolvConf(file = '/etc/resolv.conf'): Promise<ResolvConf> {
  try {
    return parseResolvConf(await fsp.readFile(file, 'utf8'));
  } catch {
    return { nameservers: [], search: [], options: [] };
  }
}

/** Docker's fallback when the host has only loopback resolvers (unreachable from a container). */
export const DEFAULT_NAMESERVERS = ['8.8.8.8', '8.8.4.4'];

export interface DnsOverrides {
  dns?: string[];
  dnsSearch?: string[];
  dnsOptions?: string[];
}

export function renderResolvConf(rc: ResolvConf): string {
  const lines: string[] = [];
  if (rc.search.length) lines.push(`search ${rc.search.join(' ')}`);
  for (const ns of rc.nameservers) lines.push(`nameserver ${ns}`);
  if (rc.options.length) lines.push(`options ${rc.options.join(' ')}`);
  return lines.join('\n') + '\n';
}

/**
 * resolv.conf for a container. `embeddedDns` is the address of berth's DNS server in the
 * container (127.0.0.11 on user-defined networks), or undefined on the default bridge, where
 * the host's resolvers minus loopback ones are used.
 */
export function resolvConfFor(host: ResolvConf, o: DnsOverrides, embeddedDns?: string, how: { keepLoopback?: boolean } = {}): string {
  const search = o.dnsSearch?.length ? o.dnsSearch.filter((s) => s !== '.') : host.search;
  if (embeddedDns) {
    const opts = o.dnsOptions?.length ? o.dnsOptions : host.options;
    return renderResolvConf({ nameservers: [embeddedDns], search, options: opts.includes('ndots:0') ? opts : ['ndots:0', ...opts.filter((x) => !x.startsWith('ndots:'))] });
  }
  // A loopback resolver of the host is unreachable from a container's own netns; on the host's
  // network (keepLoopback) it is the container's too.
  let nameservers = o.dns?.length ? o.dns : host.nameservers.filter((n) => how.keepLoopback || !isLoopback(n));
  if (!nameservers.length) nameservers = DEFAULT_NAMESERVERS;
  return renderResolvConf({ nameservers, search, options: o.dnsOptions?.length ? o.dnsOptions : host.options });
}

export interface HostsEntry {
  ip: string;
  names: string[];
}

const HOSTS_HEADER = [
  '127.0.0.1\tlocalhost',
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::0\tip6-localnet',
  'ff00::0\tip6-mcastprefix',
  'ff02::1\tip6-allnodes',
  'ff02::2\tip6-allrouters',
];

/** /etc/hosts: the standard entries, --add-host, --link entries, then the container's own name. */
export function renderHosts(extra: HostsEntry[], links: HostsEntry[], self: HostsEntry | HostsEntry[] | undefined): string {
  const lines = [...HOSTS_HEADER];
  for (const e of [...extra, ...links, ...(Array.isArray(self) ? self : self ? [self] : [])]) lines.push(`${e.ip}\t${e.names.join(' ')}`);
  return lines.join('\n') + '\n';
}

/** Parses --add-host values ("name:ip" or "name=ip"); host-gateway becomes the given address. */
export function parseExtraHosts(values: string[] | undefined, hostGateway: string | undefined): HostsEntry[] {
  const out: HostsEntry[] = [];
  for (const v of values ?? []) {
    const i = v.search(/[:=]/);
    if (i <= 0) continue;
    const name = v.slice(0, i);
    let ip = v.slice(i + 1).replace(/^\[(.*)\]$/, '$1');
    if (ip === 'host-gateway') {
      if (!hostGateway) continue;
      ip = hostGateway;
    }
    out.push({ ip, names: [name] });
  }
  return out;
}

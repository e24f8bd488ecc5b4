// A container's /etc/hostname, /etc/hosts and /etc/resolv.conf, written at every start. Containers
// on a CNI network get their content from the network manager; the others (none, host,
// container:) from the host's files, built here.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { ContainerRecord } from './types.js';
import { HOST_DOCKER_INTERNAL } from '../network/container-etc.js';
import type { ContainerService } from './service.js';

export const LOCALHOST_HOSTS = `127.0.0.1\tlocalhost
::1\tlocalhost ip6-localhost ip6-loopback
fe00::0\tip6-localnet
ff00::0\tip6-mcastprefix
ff02::1\tip6-allnodes
ff02::2\tip6-allrouters
`;

export function hostsFile(opts: { hostname: string; ip?: string; extraHosts?: string[]; hostGateway?: string }): string {
  let s = LOCALHOST_HOSTS;
  for (const h of opts.extraHosts ?? []) {
    const i = h.lastIndexOf(':');
    const i2 = h.indexOf('=');
    const [name, addr] = i2 > 0 ? [h.slice(0, i2), h.slice(i2 + 1)] : [h.slice(0, i), h.slice(i + 1)];
    s += `${addr === 'host-gateway' ? (opts.hostGateway ?? '') : addr}\t${name}\n`;
  }
  if (opts.ip) s += `${opts.ip}\t${opts.hostname}\n`;
  return s;
}

/** The host's resolv.conf without loopback nameservers (unreachable from a container's own netns). */
export async function resolvConfFromHost(o: { dns?: string[] | null; dnsSearch?: string[] | null; dnsOptions?: string[] | null; keepLoopback?: boolean }): Promise<string> {
  const host = await fsp.readFile('/etc/resolv.conf', 'utf8').catch(() => '');
  let ns: string[] = [];
  let search: string[] = [];
  let options: string[] = [];
  for (const line of host.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[0] === 'nameserver' && f[1]) ns.push(f[1]);
    else if (f[0] === 'search' || f[0] === 'domain') search = f.slice(1);
    else if (f[0] === 'options') options.push(...f.slice(1));
  }
  if (!o.keepLoopback) ns = ns.filter((a) => !a.startsWith('127.') && a !== '::1');
  if (ns.length === 0 && !o.keepLoopback) ns = ['8.8.8.8', '8.8.4.4'];
  if (o.dns?.length) ns = o.dns;
  if (o.dnsSearch?.length) search = o.dnsSearch;
  if (o.dnsOptions?.length) options = o.dnsOptions;
  let out = ns.map((n) => `nameserver ${n}\n`).join('');
  if (search.length) out += `search ${search.join(' ')}\n`;
  if (options.length) out += `options ${options.join(' ')}\n`;
  return out;
}

/** The /etc files the spec bind-mounts must exist when the runtime creates the container; their content comes before start. */
export async function ensureEtcFiles(svc: ContainerService, rec: ContainerRecord): Promise<void> {
  const dir = svc.containerDir(rec.id);
  await Promise.all(['hostname', 'hosts', 'resolv.conf'].map((f) => fsp.writeFile(path.join(dir, f), '', { flag: 'a' })));
}

export async function writeEtcFiles(svc: ContainerService, rec: ContainerRecord): Promise<void> {
  const dir = svc.containerDir(rec.id);
  const hc = rec.hostConfig;
  const mode = hc.NetworkMode ?? 'bridge';
  const hostname = rec.config.Hostname + (rec.config.Domainname ? `.${rec.config.Domainname}` : '');
  let hosts: string;
  let resolv: string;
  if (mode === 'host') {
    hosts = await fsp.readFile('/etc/hosts', 'utf8').catch(() => hostsFile({ hostname }));
    resolv = await resolvConfFromHost({ dns: hc.Dns, dnsSearch: hc.DnsSearch, dnsOptions: hc.DnsOptions, keepLoopback: true });
    for (const h of hc.ExtraHosts ?? []) hosts += hostsFile({ hostname, extraHosts: [h] }).slice(hostsFile({ hostname }).length);
    // On the host's network the host is this very machine: host.docker.internal is loopback.
    if (!(hc.ExtraHosts ?? []).some((h) => h.startsWith(`${HOST_DOCKER_INTERNAL}:`) || h.startsWith(`${HOST_DOCKER_INTERNAL}=`))) hosts += `127.0.0.1\t${HOST_DOCKER_INTERNAL}\n`;
  } else if (mode === 'none' || mode.startsWith('container:')) {
    hosts = hostsFile({ hostname, extraHosts: hc.ExtraHosts ?? [] });
    resolv = await resolvConfFromHost({ dns: hc.Dns, dnsSearch: hc.DnsSearch, dnsOptions: hc.DnsOptions });
  } else {
    hosts = svc.o.networks.hostsFor(rec.id, { extraHosts: hc.ExtraHosts ?? [], hostname: rec.config.Hostname, domainname: rec.config.Domainname });
    resolv = await svc.o.networks.resolvConfFor(rec.id, { dns: hc.Dns ?? undefined, dnsSearch: hc.DnsSearch ?? undefined, dnsOptions: hc.DnsOptions ?? undefined });
  }
  // Regenerated at every start: written in place (the container bind-mounts these inodes).
  await Promise.all([
    fsp.writeFile(path.join(dir, 'hostname'), rec.config.Hostname + '\n'),
    fsp.writeFile(path.join(dir, 'hosts'), hosts),
    fsp.writeFile(path.join(dir, 'resolv.conf'), resolv),
  ]);
}

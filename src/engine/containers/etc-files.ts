// A container's /etc/hostname, /etc/hosts and /etc/resolv.conf, written at every start. Containers
// on a CNI network get their content from the network manager; the others (none, host,
// the host's files, built here; container: the other container's.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { ContainerRecord } from './types.js';
import { HOST_DOCKER_INTERNAL } from '../network/container-etc.js';
import { parseExtraHosts, readHostResolvConf, renderHosts, resolvConfFor } from '../network/etcfiles.js';
import type { ContainerService } from './service.js';

/** /etc/hosts for a container outside CNI networks: the standard entries and --add-host. */
function hostsFile(extraHosts: string[] = []): string {
  return renderHosts(parseExtraHosts(extraHosts, undefined), [], undefined);
}

/**
 * resolv.conf from the host's: without loopback nameservers (unreachable from a container's own
 * netns, so Docker's public fallback replaces them), except on the host's network (keepLoopback).
 */
async function resolvConfFromHost(o: { dns?: string[] | null; dnsSearch?: string[] | null; dnsOptions?: string[] | null; keepLoopback?: boolean }): Promise<string> {
  const host = await readHostResolvConf();
  const overrides = { dns: o.dns ?? undefined, dnsSearch: o.dnsSearch ?? undefined, dnsOptions: o.dnsOptions ?? undefined };
  return resolvConfFor(host, overrides, undefined, { keepLoopback: o.keepLoopback });
}

/** The /etc files the spec bind-mounts must exist when the runtime creates the container; their content comes before start. */
export async function ensureEtcFiles(svc: ContainerService, rec: ContainerRecord): Promise<void> {
  const dir = svc.containerDir(rec.id);
  const files = ['hostname', 'hosts', 'resolv.conf'].map((f) => path.join(dir, f));
  await Promise.all(files.map((f) => fsp.writeFile(f, '', { flag: 'a' })));
  // A remapped root owns them, as in dockerd (it may edit its /etc/hosts).
  const root = svc.remapFor(rec)?.root;
  if (root) await Promise.all(files.map((f) => fsp.chown(f, root.uid, root.gid)));
}

export async function writeEtcFiles(svc: ContainerService, rec: ContainerRecord): Promise<void> {
  const dir = svc.containerDir(rec.id);
  const hc = rec.hostConfig;
  const mode = hc.NetworkMode ?? 'bridge';
  let hosts: string;
  let resolv: string;
  if (mode === 'host') {
    hosts = await fsp.readFile('/etc/hosts', 'utf8').catch(() => hostsFile());
    resolv = await resolvConfFromHost({ dns: hc.Dns, dnsSearch: hc.DnsSearch, dnsOptions: hc.DnsOptions, keepLoopback: true });
    for (const e of parseExtraHosts(hc.ExtraHosts ?? [], undefined)) hosts += `${e.ip}\t${e.names.join(' ')}\n`;
    // On the host's network the host is this very machine: host.docker.internal is loopback.
    if (!(hc.ExtraHosts ?? []).some((h) => h.startsWith(`${HOST_DOCKER_INTERNAL}:`) || h.startsWith(`${HOST_DOCKER_INTERNAL}=`))) hosts += `127.0.0.1\t${HOST_DOCKER_INTERNAL}\n`;
  } else if (mode.startsWith('container:')) {
    // As dockerd: a container on another's network namespace shares its hostname, hosts and
    // resolv.conf (that container's DNS, 127.0.0.11 included, is in the namespace they share).
    const other = svc.get(mode.slice('container:'.length));
    const otherDir = svc.containerDir(other.id);
    const [h, r, n] = await Promise.all(['hosts', 'resolv.conf', 'hostname'].map((f) => fsp.readFile(path.join(otherDir, f), 'utf8')));
    await Promise.all([fsp.writeFile(path.join(dir, 'hostname'), n), fsp.writeFile(path.join(dir, 'hosts'), h), fsp.writeFile(path.join(dir, 'resolv.conf'), r)]);
    return;
  } else if (mode === 'none') {
    hosts = hostsFile(hc.ExtraHosts ?? []);
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

/** A running container's resolv.conf anew, in place (after a connect started its embedded DNS). */
export async function rewriteResolvConf(svc: ContainerService, rec: ContainerRecord): Promise<void> {
  const mode = rec.hostConfig.NetworkMode ?? 'bridge';
  if (mode === 'host' || mode === 'none' || mode.startsWith('container:')) return;
  const hc = rec.hostConfig;
  const resolv = await svc.o.networks.resolvConfFor(rec.id, { dns: hc.Dns ?? undefined, dnsSearch: hc.DnsSearch ?? undefined, dnsOptions: hc.DnsOptions ?? undefined });
  await fsp.writeFile(path.join(svc.containerDir(rec.id), 'resolv.conf'), resolv);
}

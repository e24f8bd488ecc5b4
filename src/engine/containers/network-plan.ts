// A container's place on the network: the namespace its spec names, attaching it to its networks
// at start, detaching at exit, and the NetworkSettings inspect shows.
import { ConflictError } from '../errors.js';
import type { ContainerRecord } from './types.js';
import type { ContainerService } from './service.js';
import { bestEffort } from '../../util/best-effort.js';
import { linksView } from './links.js';
import { rewriteResolvConf } from './etc-files.js';

export interface NetworkPlan {
  netns: { mode: 'private' | 'host' | 'path'; path?: string };
  /** A remapped container's user namespace when it must join one (the owner of its netns); else the runtime makes it. */
  userns?: { mode: 'path'; path: string };
  connect(): Promise<void>;
}

/**
 * The network namespace the container's spec names, and `connect()`, which attaches it to its
 * networks (the slow part, CNI ADD) and may run while the runtime creates the container.
 */
export async function planNetwork(svc: ContainerService, rec: ContainerRecord): Promise<NetworkPlan> {
  const mode = rec.hostConfig.NetworkMode ?? 'bridge';
  const nothingToConnect = async (): Promise<void> => {};
  if (mode === 'host') {
    rec.networkSettings = emptyNetworkSettings();
    rec.networkSettings.Networks = { host: endpointStub() };
    return { netns: { mode: 'host' }, connect: nothingToConnect };
  }
  if (mode === 'none') {
    rec.networkSettings = emptyNetworkSettings();
    rec.networkSettings.Networks = { none: endpointStub() };
    return { netns: { mode: 'private' }, connect: nothingToConnect };
  }
  if (mode.startsWith('container:')) {
    const other = svc.get(mode.slice(10));
    if (!other.state.Running) throw new ConflictError(`cannot join network of a non running container: ${other.id}`);
    rec.networkSettings = emptyNetworkSettings();
    // As dockerd: the joining container takes the other's name on the network it shares (its
    // /etc files are the other's too, see etc-files.ts).
    rec.config.Hostname = other.config.Hostname;
    rec.config.Domainname = other.config.Domainname;
    const nsPath = other.networkSettings.SandboxKey || `/proc/${other.state.Pid}/ns/net`;
    // To share a netns, remapped containers share the user namespace that owns it, as in dockerd.
    const userns = svc.remapFor(rec) && svc.remapFor(other) ? { mode: 'path' as const, path: `/proc/${other.state.Pid}/ns/user` } : undefined;
    return { netns: { mode: 'path', path: other.hostConfig.NetworkMode === 'host' ? undefined : nsPath }, userns, connect: nothingToConnect };
  }
  const remap = svc.remapFor(rec);
  const userns = remap && { file: remap.usernsFile(rec.id), mapping: remap.mapping };
  const netnsPath = await svc.o.networks.createNetns(rec.id, userns);
  return {
    netns: { mode: 'path', path: netnsPath },
    userns: userns && { mode: 'path', path: userns.file },
    connect: () => connectNetworks(svc, rec, mode, netnsPath),
  };
}

async function connectNetworks(svc: ContainerService, rec: ContainerRecord, mode: string, netnsPath: string): Promise<void> {
  const networks = svc.o.networks;
  const endpoints: Record<string, any> = { ...(rec.networkingConfig.EndpointsConfig ?? {}) };
  if (!Object.keys(endpoints).some((k) => k === mode || networks.resolve(k).Id === networks.resolve(mode).Id)) endpoints[mode] = {};
  try {
    const settings = await networks.attachContainer({
      containerId: rec.id,
      name: rec.name,
      hostname: rec.config.Hostname,
      netnsPath,
      endpoints,
      portBindings: rec.hostConfig.PortBindings as any,
      publishAll: rec.hostConfig.PublishAllPorts,
      exposedPorts: rec.config.ExposedPorts,
      // Legacy links on the default bridge; on a user-defined network the given ones (hosts entries).
      links: linksView(svc, rec) ?? (rec.links?.length ? undefined : (rec.hostConfig.Links ?? undefined)),
      dns: { dns: rec.hostConfig.Dns ?? undefined, dnsSearch: rec.hostConfig.DnsSearch ?? undefined, dnsOptions: rec.hostConfig.DnsOptions ?? undefined },
    });
    rec.networkSettings = settings as any;
  } catch (e) {
    await bestEffort(networks.detachContainer(rec.id), `network teardown after a failed connect of ${rec.id}`);
    throw e;
  }
}

export async function teardownNetwork(svc: ContainerService, rec: ContainerRecord): Promise<void> {
  const mode = rec.hostConfig.NetworkMode ?? 'bridge';
  if (mode === 'host' || mode === 'none' || mode.startsWith('container:')) return;
  await svc.o.networks.detachContainer(rec.id);
  await svc.remapFor(rec)?.releaseUserns(rec.id);
}

/**
 * After a connect or disconnect: remembered for the next start; a running container's view is
 * its live endpoints, and its resolv.conf follows (a first user-defined network brings the
 * embedded DNS, which dockerd writes into resolv.conf at once).
 */
export async function endpointsChanged(svc: ContainerService, id: string, network: string, settings: Record<string, any> | null): Promise<void> {
  const rec = svc.store.find(id);
  if (!rec) return;
  const eps = { ...(rec.networkingConfig.EndpointsConfig ?? {}) };
  if (settings) eps[network] = settings;
  else delete eps[network];
  rec.networkingConfig.EndpointsConfig = eps;
  // Disconnected from its primary network (settings null, network === NetworkMode): Docker leaves
  // the mode; the next start joins none.
  // inspect reads rec.networkSettings: a running container shows its live endpoints, a stopped
  // one the networks it will join (without addresses), as Docker does.
  const live = rec.state.Running ? svc.o.networks.networkSettings(id) : undefined;
  if (live) rec.networkSettings = live as any;
  else if (!rec.state.Running) {
    const nets = { ...(rec.networkSettings.Networks ?? {}) };
    // Never started: the view showed only the NetworkMode's network, keep showing it.
    const mode = rec.hostConfig.NetworkMode ?? 'bridge';
    if (!Object.keys(nets).length && !mode.startsWith('container:')) nets[mode] = endpointStub();
    if (settings) nets[network] = { ...endpointStub(), IPAMConfig: settings.IPAMConfig ?? null, Aliases: settings.Aliases ?? null, NetworkID: svc.o.networks.resolve(network).Id };
    else delete nets[network];
    rec.networkSettings = { ...emptyNetworkSettings(), ...rec.networkSettings, Networks: nets };
  }
  if (live && settings) await bestEffort(rewriteResolvConf(svc, rec), `rewriting the resolv.conf of ${id}`);
  await svc.store.save(rec);
}

export function emptyNetworkSettings(): Record<string, any> {
  return {
    Bridge: '', SandboxID: '', SandboxKey: '', Ports: {}, HairpinMode: false, LinkLocalIPv6Address: '', LinkLocalIPv6PrefixLen: 0,
    SecondaryIPAddresses: null, SecondaryIPv6Addresses: null, EndpointID: '', Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0,
    IPAddress: '', IPPrefixLen: 0, IPv6Gateway: '', MacAddress: '', Networks: {},
  };
}

export function endpointStub(): Record<string, any> {
  return {
    IPAMConfig: null, Links: null, Aliases: null, MacAddress: '', DriverOpts: null, GwPriority: 0, NetworkID: '', EndpointID: '', Gateway: '', IPAddress: '',
    IPPrefixLen: 0, IPv6Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0, DNSNames: null,
  };
}

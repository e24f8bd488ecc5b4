// The network subsystem: Docker networks (bridge by default, user-defined bridges with embedded
// DNS, macvlan, ipvlan, host, none) and the network side of containers. Real devices come from
// the CNI plugins (bridge/macvlan/ipvlan with static IPAM: berth is the IPAM, its records the only
// source of truth for addresses), iptables rules are rebuilt as a whole from the records
// (firewall-sync.ts), and every step that could leak is preceded by a record write, so a crash
// leaves something the startup sweep (sweep.ts) can undo.
//
// This class is the subsystem's front door; each verb lives in its own module:
//   networks.ts (find, list, inspect, remove, prune)   create-network.ts   predefined.ts
//   ipam.ts   network-devices.ts (bridges, dummy parents)   filters.ts
//   sandbox.ts (container netns, attach, detach)   endpoints.ts   connect.ts   netns-pool.ts
//   container-etc.ts (/etc/hosts, resolv.conf)   resolver.ts (embedded DNS answers)
//   sandbox-dns.ts (a container's embedded DNS: netns-sockets.ts, dns-nat.ts, dns.ts)
//   settings-view.ts   firewall-sync.ts   userland-proxy.ts   sweep.ts   context.ts (the state they share)
//   ipam6.ts, ipv6.ts (the IPv6 half of dual-stack networks)
//
// Container engine's order of calls for a container on a network:
//   createNetns(id) → attachContainer({...}) → resolvConfFor / hostsFor → runc start
//   … container exits … → detachContainer(id)   (safe to call twice, and after a crash)
import { promises as fsp } from 'node:fs';
import { log } from '../../util/log.js';
import { connectContainer, disconnectContainer } from './connect.js';
import { containerHosts, containerResolvConf, hostGateway } from './container-etc.js';
import { NetworkContext, type NetworkManagerOptions } from './context.js';
import { createNetwork } from './create-network.js';
import { readHostResolvConf, type DnsOverrides } from './etcfiles.js';
import { syncFirewall } from './firewall-sync.js';
import { setSysctl } from './links.js';
import { bringUpNetwork } from './network-devices.js';
import { listNetworks, networkView, pruneNetworks, removeNetwork, resolveNetwork } from './networks.js';
import { ensurePredefinedNetworks } from './predefined.js';
import type { IdMapping } from '../userns/id-mapping.js';
import { attachContainer, createContainerNetns, detachContainer, type AttachOptions } from './sandbox.js';
import { resumeContainerDns } from './sandbox-dns.js';
import { settingsView } from './settings-view.js';
import { sweepNetworkLeftovers } from './sweep.js';
import type { EndpointSettingsIn, NetworkCreateRequest, NetworkInspect, NetworkRecord, NetworkSettingsView } from './types.js';

export type { ContainerRef, NetworkManagerOptions } from './context.js';
export type { AttachOptions } from './sandbox.js';
export { NETNS_POOL_PREFIX } from './netns-pool.js';

export class NetworkManager {
  private readonly ctx: NetworkContext;

  constructor(opts: NetworkManagerOptions) {
    this.ctx = new NetworkContext(opts);
  }

  get netnsDir(): string {
    return this.ctx.netnsDir;
  }

  // ───────────────────────────── lifecycle ─────────────────────────────

  /** Loads networks and sandboxes, makes the predefined networks, brings bridges, rules and DNS up. */
  async init(): Promise<void> {
    const ctx = this.ctx;
    await ctx.store.init();
    await fsp.mkdir(ctx.netnsDir, { recursive: true, mode: 0o711 });
    ctx.hostResolv = await readHostResolvConf(ctx.opts.resolvConfPath);
    ctx.hostId = await ctx.store.hostId();
    for (const n of await ctx.store.loadNetworks()) ctx.networks.set(n.Id, n);
    for (const s of await ctx.store.loadSandboxes()) {
      ctx.sandboxes.set(s.containerId, s);
      for (const m of s.ports) ctx.ports.restore(s.containerId, m);
    }
    await ensurePredefinedNetworks(ctx);
    await setSysctl('net/ipv4/ip_forward', '1');
    for (const n of ctx.networks.values()) {
      // One broken network (a parent link gone) must not keep berthd down.
      await bringUpNetwork(n).catch((e: Error) => log.warn(`network ${n.Name}: ${e.message}`));
    }
    await syncFirewall(ctx);
  }

  /** Startup sweep (sweep.ts), then the embedded DNS of the containers that kept running. */
  async sweep(isRunning: (containerId: string) => boolean): Promise<{ sandboxes: number; netns: number }> {
    const swept = await sweepNetworkLeftovers(this.ctx, isRunning);
    await resumeContainerDns(this.ctx);
    return swept;
  }

  /** Stops the DNS listeners and drops the netns pool (berthd shutdown). Devices, rules and namespaces of running containers stay. */
  async close(): Promise<void> {
    await this.ctx.netnsPool.close();
    await this.ctx.dns.close();
    await this.ctx.userlandProxy.close();
  }

  // ───────────────────────────── networks ─────────────────────────────

  /** Finds a network by full ID, name, or unique ID prefix, as Docker does (ID first, then name). */
  resolve(idOrName: string): NetworkRecord {
    return resolveNetwork(this.ctx, idOrName);
  }

  create(req: NetworkCreateRequest): Promise<{ Id: string; Warning: string }> {
    return createNetwork(this.ctx, req);
  }

  list(filters: Map<string, string[]> = new Map()): NetworkInspect[] {
    return listNetworks(this.ctx, filters);
  }

  inspect(idOrName: string): NetworkInspect {
    return networkView(this.ctx, resolveNetwork(this.ctx, idOrName, 'inspect'));
  }

  remove(idOrName: string): Promise<void> {
    return removeNetwork(this.ctx, idOrName);
  }

  /** Removes user-defined networks without endpoints (label / until filters as Docker). */
  prune(filters: Map<string, string[]> = new Map()): Promise<{ NetworksDeleted: string[] }> {
    return pruneNetworks(this.ctx, filters);
  }

  // ───────────────────────────── containers ─────────────────────────────

  /** A fresh network namespace for a container, loopback up (sandbox.ts). */
  /** With `userns`, a netns owned by a new user namespace bind-mounted on `userns.file` (--userns-remap). */
  createNetns(containerId: string, userns?: { file: string; mapping: IdMapping }): Promise<string> {
    return createContainerNetns(this.ctx, containerId, userns);
  }

  /** Connects a started container's netns to its networks and publishes its ports; all or nothing. */
  attachContainer(o: AttachOptions): Promise<NetworkSettingsView> {
    return attachContainer(this.ctx, o);
  }

  /** Removes everything of a container's network side; safe to repeat and after a crash. */
  detachContainer(containerId: string): Promise<void> {
    return detachContainer(this.ctx, containerId);
  }

  /** POST /networks/{id}/connect. A container that is not running only has its configuration changed. */
  connect(networkIdOrName: string, containerIdOrName: string, cfg: EndpointSettingsIn = {}): Promise<void> {
    return connectContainer(this.ctx, networkIdOrName, containerIdOrName, cfg);
  }

  /** POST /networks/{id}/disconnect. */
  disconnect(networkIdOrName: string, containerIdOrName: string, force = false): Promise<void> {
    return disconnectContainer(this.ctx, networkIdOrName, containerIdOrName, force);
  }

  // ───────────────────────────── views and files ─────────────────────────────

  /** NetworkSettings of a container in Docker's inspect shape, or undefined when it has none. */
  networkSettings(containerId: string): NetworkSettingsView | undefined {
    const sb = this.ctx.sandboxes.get(containerId);
    return sb ? settingsView(this.ctx, sb) : undefined;
  }

  /** The address `host-gateway` stands for in --add-host: the default bridge's gateway. */
  hostGateway(): string {
    return hostGateway(this.ctx);
  }

  /** /etc/resolv.conf content; also remembers --dns servers as the container's upstreams. */
  resolvConfFor(containerId: string, o: DnsOverrides = {}): Promise<string> {
    return containerResolvConf(this.ctx, containerId, o);
  }

  /** /etc/hosts content: standard entries, --add-host (host-gateway resolved), links, own name. */
  hostsFor(containerId: string, o: { extraHosts?: string[]; hostname?: string; domainname?: string } = {}): string {
    return containerHosts(this.ctx, containerId, o);
  }
}

// The state every part of the network subsystem shares: the records (networks, sandboxes) in
// memory and on disk, the per-container lock, the port allocator, the firewall, the embedded DNS
// server and the namespace pool. The NetworkManager (manager.ts) builds one; the modules that
// implement its verbs (networks.ts, sandbox.ts, connect.ts, …) take it as their first argument.
import path from 'node:path';
import type { EventBus } from '../events.js';
import { KeyedLock } from '../../util/keyed-lock.js';
import { findCniPath } from './cni.js';
import { EmbeddedDns } from './dns.js';
import type { ResolvConf } from './etcfiles.js';
import { Firewall } from './firewall.js';
import { NetnsPool } from './netns-pool.js';
import { PortAllocator } from './ports.js';
import { embeddedDnsBackend } from './resolver.js';
import { NetworkStore } from './store.js';
import { UserlandProxy } from './userland-proxy.js';
import type { EndpointSettingsIn, NetworkRecord, SandboxRecord } from './types.js';

/** The container engine's view of a container. */
export interface ContainerRef {
  id: string;
  name: string;
  netnsPath?: string;
  running: boolean;
  /** Names of the networks a stopped container will join (its configuration). */
  networks?: string[];
}

export interface NetworkManagerOptions {
  dataRoot: string;
  execRoot: string;
  events: EventBus;
  /** The container engine's view of a container (connect/disconnect, --link, sweep). */
  lookupContainer?: (idOrName: string) => ContainerRef | undefined;
  /** Told when connect/disconnect changed a container's networks, so the engine can keep its config. */
  onEndpointsChanged?: (containerId: string, networkName: string, settings: EndpointSettingsIn | null) => Promise<void>;
  /** Device name of the default bridge (Docker: docker0). */
  defaultBridgeName?: string;
  /** IPv6 on the default bridge (daemon config `ipv6`, `fixed-cidr-v6`); absent: IPv4 only. */
  defaultBridgeIPv6?: { fixedCidrV6?: string };
  cniPath?: string;
  firewall?: Firewall;
  /** Network namespaces kept ready for the next starts (default 2; 0 makes each on demand). */
  netnsPoolSize?: number;
  resolvConfPath?: string;
}

export class NetworkContext {
  readonly store: NetworkStore;
  readonly firewall: Firewall;
  /** The same rules in ip6tables, for dual-stack networks. */
  readonly firewall6: Firewall;
  readonly cniPath: string;
  readonly dns: EmbeddedDns;
  readonly ports = new PortAllocator();
  /** Relays what NAT cannot publish: [::1], and IPv6 to IPv4-only containers (userland-proxy.ts). */
  readonly userlandProxy = new UserlandProxy();
  readonly networks = new Map<string, NetworkRecord>();
  readonly sandboxes = new Map<string, SandboxRecord>();
  /** Per-container operation queue: attach, connect, detach of one container never interleave. */
  readonly containerLock = new KeyedLock();
  /** Names of networks being created, taken before the first await (create-network.ts). */
  readonly namesBeingCreated = new Set<string>();
  /** Network creates run one at a time from subnet choice to saved record: two must not pick one subnet. */
  readonly createQueue = new KeyedLock();
  readonly netnsDir: string;
  readonly netnsPool: NetnsPool;
  hostResolv: ResolvConf = { nameservers: [], search: [], options: [] };
  /** This data root's random ID, from which the default IPv6 pool is derived (ipam6.ts); set by init. */
  hostId = '';

  constructor(readonly opts: NetworkManagerOptions) {
    this.store = new NetworkStore(opts.dataRoot);
    this.firewall = opts.firewall ?? new Firewall();
    this.firewall6 = new Firewall(this.firewall.prefix, 6);
    this.cniPath = opts.cniPath ?? findCniPath();
    this.netnsDir = path.join(opts.execRoot, 'netns');
    this.netnsPool = new NetnsPool(this.netnsDir, opts.netnsPoolSize ?? 2);
    this.dns = new EmbeddedDns(embeddedDnsBackend(this));
    this.ports.ownListener = (port) => this.userlandProxy.holds(port);
  }

  /** Writes a network's record, then makes it visible. */
  async addNetwork(n: NetworkRecord): Promise<void> {
    await this.store.saveNetwork(n);
    this.networks.set(n.Id, n);
  }

  /** Makes a sandbox visible and writes its record (the journal the startup sweep reads). */
  async saveSandbox(sb: SandboxRecord): Promise<void> {
    this.sandboxes.set(sb.containerId, sb);
    await this.store.saveSandbox(sb);
  }

  async dropSandbox(containerId: string): Promise<void> {
    this.sandboxes.delete(containerId);
    await this.store.deleteSandbox(containerId);
  }
}

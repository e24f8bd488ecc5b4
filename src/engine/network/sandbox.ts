// The network side of a container's life: its network namespace (createContainerNetns), its
// endpoints and published ports at start (attachContainer), and their removal when it exits or
// is removed (detachContainer). Every step runs under the container's lock and is journalled in
// its sandbox record first, so a crash leaves something the startup sweep can undo.
import path from 'node:path';
import type { NetworkContext } from './context.js';
import { ConflictError, InvalidArgumentError, SystemError } from '../errors.js';
import { exists } from '../../util/fs.js';
import { resolveLinks } from './container-links.js';
import { addEndpoint, delEndpoint } from './endpoints.js';
import type { DnsOverrides } from './etcfiles.js';
import { syncFirewall } from './firewall-sync.js';
import { createNetns, createNetnsInUserns, removeNetns } from './netns.js';
import type { IdMapping } from '../userns/id-mapping.js';
import { resolveNetwork } from './networks.js';
import { needsEmbeddedDns, startContainerDns, stopContainerDns } from './sandbox-dns.js';
import { portRequests, type PortBindings } from './ports.js';
import { settingsView } from './settings-view.js';
import type { EndpointSettingsIn, NetworkSettingsView, SandboxRecord } from './types.js';
import { bestEffort } from '../../util/best-effort.js';

export interface AttachOptions {
  containerId: string;
  name: string;
  hostname: string;
  netnsPath: string;
  /** Network name or ID → endpoint settings (NetworkingConfig.EndpointsConfig, NetworkMode). */
  endpoints: Record<string, EndpointSettingsIn>;
  portBindings?: PortBindings;
  publishAll?: boolean;
  exposedPorts?: Record<string, unknown>;
  /** HostConfig.Links: "name:alias" or "/name:/me/alias". */
  links?: string[];
  dns?: DnsOverrides;
}

/** The sandbox record of a container whose netns exists but has no endpoints yet. */
function emptySandbox(containerId: string, netnsPath: string): SandboxRecord {
  return { containerId, name: '', hostname: '', netnsPath, ownsNetns: true, endpoints: {}, ports: [], exposedPorts: {}, linkHosts: [], dns: {} };
}

/**
 * A fresh network namespace for a container, loopback up: one from the pool, else a new one at
 * <execRoot>/netns/<id>. Its sandbox record is written first, so a crash right after cannot
 * leak the netns file.
 */
export function createContainerNetns(ctx: NetworkContext, containerId: string, userns?: { file: string; mapping: IdMapping }): Promise<string> {
  return ctx.containerLock.run(containerId, async () => {
    const existing = ctx.sandboxes.get(containerId);
    if (existing?.ownsNetns && Object.keys(existing.endpoints).length === 0) {
      await removeNetns(existing.netnsPath);
    } else if (existing) {
      throw new ConflictError(`container ${containerId} already has a network namespace`);
    }
    const pooled = userns ? undefined : ctx.netnsPool.take();
    if (pooled) {
      // No record write yet: until addEndpoint journals one, a crash leaves a pool-named file
      // nobody claims, which the sweep removes.
      ctx.sandboxes.set(containerId, emptySandbox(containerId, pooled));
      return pooled;
    }
    ctx.netnsPool.refill();
    const file = path.join(ctx.netnsDir, containerId);
    await ctx.saveSandbox(emptySandbox(containerId, file));
    await removeNetns(file); // a leftover of a crash between record and mount
    if (userns) await removeNetns(userns.file);
    try {
      return userns ? await createNetnsInUserns(ctx.netnsDir, containerId, userns.file, userns.mapping) : await createNetns(ctx.netnsDir, containerId);
    } catch (e) {
      await ctx.dropSandbox(containerId);
      throw e;
    }
  });
}

/** Connects a started container's netns to its networks and publishes its ports; all or nothing. */
export function attachContainer(ctx: NetworkContext, o: AttachOptions): Promise<NetworkSettingsView> {
  return ctx.containerLock.run(o.containerId, async () => {
    const prior = ctx.sandboxes.get(o.containerId);
    const sb: SandboxRecord = {
      containerId: o.containerId,
      name: o.name.replace(/^\//, ''),
      hostname: o.hostname,
      netnsPath: o.netnsPath,
      ownsNetns: prior?.ownsNetns === true && prior.netnsPath === o.netnsPath,
      endpoints: prior?.endpoints ?? {},
      ports: [],
      exposedPorts: o.exposedPorts ?? {},
      linkHosts: [],
      dns: o.dns ?? {},
      // A retry in the same netns finds the NAT rules of the failed attempt there.
      dnsPorts: prior?.netnsPath === o.netnsPath ? prior.dnsPorts : undefined,
    };
    try {
      const entries = Object.entries(o.endpoints);
      const resolved = entries.map(([key, cfg]) => ({ net: resolveNetwork(ctx, key === 'default' ? 'bridge' : key), cfg }));
      if (resolved.some((r) => r.net.Driver === 'host') && resolved.length > 1) throw new InvalidArgumentError('container sharing network namespace with host cannot be connected to other networks');
      // The DNS listeners and their NAT rules (an iptables run) side by side with the endpoints.
      const dns = needsEmbeddedDns(resolved.map((r) => r.net)) ? startContainerDns(ctx, sb) : undefined;
      try {
        for (const { net, cfg } of resolved) await addEndpoint(ctx, sb, net, cfg);
      } finally {
        await dns;
      }
      if (sb.dnsPorts) await ctx.saveSandbox(sb);
      sb.linkHosts = resolveLinks(ctx, sb, o.links ?? []);
      const bridged = Object.values(sb.endpoints).find((e) => ctx.networks.get(e.networkId)?.Driver === 'bridge' && e.ipv4);
      const reqs = portRequests(o.portBindings, !!o.publishAll, o.exposedPorts, !!bridged?.ipv6);
      if (reqs.length && bridged) {
        sb.ports = await ctx.ports.allocate(o.containerId, reqs);
        await ctx.saveSandbox(sb);
        await syncFirewall(ctx);
      }
      return settingsView(ctx, sb);
    } catch (e) {
      // Undo the endpoints and ports; the netns stays for detachContainer (the engine's cleanup).
      await bestEffort(teardownSandbox(ctx, sb, false), `undoing the endpoints of ${sb.containerId}`);
      if (sb.ownsNetns) await bestEffort(ctx.saveSandbox({ ...sb, endpoints: {}, ports: [], linkHosts: [] }), `saving the emptied sandbox of ${sb.containerId}`);
      throw prefixAttachError(e, sb.name);
    }
  });
}

/**
 * Removes everything of a container's network side: CNI DEL per endpoint, published ports,
 * the netns file (when berth made it), the record. Safe to repeat and after a crash.
 */
export function detachContainer(ctx: NetworkContext, containerId: string): Promise<void> {
  return ctx.containerLock.run(containerId, async () => {
    const sb = ctx.sandboxes.get(containerId);
    if (!sb) {
      // Usually the second call (exit, then rm): skip the umount process when nothing is there.
      const file = path.join(ctx.netnsDir, containerId);
      if (await exists(file)) await removeNetns(file);
      return;
    }
    await teardownSandbox(ctx, sb, sb.ownsNetns);
    // A container just went: a quiet moment to make the next one's namespace.
    ctx.netnsPool.refill();
  });
}

async function teardownSandbox(ctx: NetworkContext, sb: SandboxRecord, removeNs: boolean): Promise<void> {
  await stopContainerDns(ctx, sb.containerId);
  const hadPorts = sb.ports.length > 0;
  ctx.ports.releaseOwner(sb.containerId);
  sb.ports = [];
  if (hadPorts) await syncFirewall(ctx);
  let firstError: unknown;
  // Side by side: unplugging veths and letting go of the netns do not depend on each other (a
  // CNI DEL that finds the netns gone counts as done, see delEndpoint).
  await Promise.all([
    ...Object.values(sb.endpoints).map((ep) =>
      delEndpoint(ctx, sb, ep, removeNs).catch((e: unknown) => {
        firstError ??= e;
      }),
    ),
    removeNs ? removeNetns(sb.netnsPath) : undefined,
  ]);
  if (firstError) {
    // Keep the record: the next sweep retries what failed.
    await ctx.saveSandbox(sb);
    throw firstError;
  }
  await ctx.dropSandbox(sb.containerId);
}

function prefixAttachError(e: unknown, name: string): unknown {
  if (e instanceof Error && /port is already allocated|userland proxy/.test(e.message)) {
    return new SystemError(`driver failed programming external connectivity on endpoint ${name}: ${e.message}`);
  }
  return e;
}

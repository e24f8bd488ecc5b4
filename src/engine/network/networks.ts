// Docker networks as records: find one (ID, name, ID prefix), list, inspect, remove, prune.
// Creating one is create-network.ts; the predefined ones are predefined.ts.
import type { NetworkContext } from './context.js';
import { ForbiddenError, InvalidArgumentError, NotFoundError } from '../errors.js';
import { newId, resolveByIdPrefix } from '../../util/ids.js';
import { networkListFilter, networkPruneFilter } from './filters.js';
import { syncFirewall } from './firewall-sync.js';
import { tearDownNetwork } from './network-devices.js';
import type { DriverName, NetworkInspect, NetworkRecord } from './types.js';

/** A network record with Docker's defaults; the caller fills in IPAM, options and devices. */
export function newNetworkRecord(name: string, driver: DriverName, extra: Partial<NetworkRecord> = {}): NetworkRecord {
  return {
    Id: newId(),
    Name: name,
    Created: new Date().toISOString(),
    Driver: driver,
    EnableIPv6: false,
    Internal: false,
    Attachable: false,
    Ingress: false,
    ConfigOnly: false,
    IPAM: { Driver: 'default', Options: null, Config: [] },
    Options: {},
    Labels: {},
    ...extra,
  };
}

/**
 * Finds a network by full ID, name, or unique ID prefix, as Docker does (ID first, then name).
 * An ambiguous prefix is dockerd's 400, worded as its inspect route words it (`inspect`) or as
 * every other verb does.
 */
export function resolveNetwork(ctx: NetworkContext, idOrName: string, wording: 'inspect' | 'find' = 'find'): NetworkRecord {
  const all = [...ctx.networks.values()];
  const exact = all.find((n) => n.Id === idOrName) ?? all.find((n) => n.Name === idOrName);
  if (exact) return exact;
  const { match, ambiguous } = resolveByIdPrefix(all, idOrName, (n) => n.Id);
  if (ambiguous) {
    const count = all.filter((n) => n.Id.startsWith(idOrName)).length;
    throw new InvalidArgumentError(
      wording === 'inspect' ? `${count} matches found based on ID prefix: network ${idOrName} is ambiguous` : `network ${idOrName} is ambiguous (${count} matches found based on ID prefix)`,
    );
  }
  if (!match) throw new NotFoundError(`network ${idOrName} not found`);
  return match;
}

export function listNetworks(ctx: NetworkContext, filters: Map<string, string[]>): NetworkInspect[] {
  const out: NetworkInspect[] = [];
  const wanted = networkListFilter(filters);
  for (const n of ctx.networks.values()) {
    if (!wanted(n, endpointCount(ctx, n.Id) > 0)) continue;
    // dockerd lists networks without their containers; inspect has them.
    out.push({ ...networkView(ctx, n), Containers: {} });
  }
  return out.sort((a, b) => a.Created.localeCompare(b.Created));
}

/** GET /networks/{id}: Docker's inspect shape, with the attached containers. */
export function networkView(ctx: NetworkContext, n: NetworkRecord): NetworkInspect {
  const containers: NetworkInspect['Containers'] = {};
  for (const s of ctx.sandboxes.values()) {
    const ep = s.endpoints[n.Id];
    if (!ep || ep.state !== 'attached') continue;
    containers[s.containerId] = {
      Name: s.name,
      EndpointID: ep.endpointId,
      MacAddress: ep.mac,
      IPv4Address: ep.ipv4 ? `${ep.ipv4}/${ep.prefixLen}` : '',
      IPv6Address: ep.ipv6 ? `${ep.ipv6}/${ep.prefixLen6}` : '',
    };
  }
  return {
    Name: n.Name,
    Id: n.Id,
    Created: n.Created,
    Scope: 'local',
    Driver: n.Driver,
    EnableIPv4: true,
    EnableIPv6: n.EnableIPv6,
    IPAM: n.IPAM,
    Internal: n.Internal,
    Attachable: n.Attachable,
    Ingress: n.Ingress,
    ConfigFrom: { Network: '' },
    ConfigOnly: n.ConfigOnly,
    Containers: containers,
    Options: n.Options,
    Labels: n.Labels,
  };
}

function endpointCount(ctx: NetworkContext, networkId: string): number {
  let c = 0;
  for (const s of ctx.sandboxes.values()) if (s.endpoints[networkId]) c++;
  return c;
}

export async function removeNetwork(ctx: NetworkContext, idOrName: string): Promise<void> {
  const n = resolveNetwork(ctx, idOrName);
  if (n.predefined) throw new ForbiddenError(`${n.Name} is a pre-defined network and cannot be removed`);
  if (endpointCount(ctx, n.Id) > 0) throw new ForbiddenError(`error while removing network: network ${n.Name} id ${n.Id} has active endpoints`);
  ctx.networks.delete(n.Id);
  await ctx.store.deleteNetwork(n.Id);
  await syncFirewall(ctx);
  await tearDownNetwork(n);
  ctx.opts.events.publish('network', 'destroy', n.Id, { name: n.Name, type: n.Driver });
}

/** Removes user-defined networks without endpoints (label / until filters as Docker). */
export async function pruneNetworks(ctx: NetworkContext, filters: Map<string, string[]>): Promise<{ NetworksDeleted: string[] }> {
  const deleted: string[] = [];
  const wanted = networkPruneFilter(filters);
  for (const n of [...ctx.networks.values()]) {
    if (n.predefined || endpointCount(ctx, n.Id) > 0) continue;
    if (!wanted(n)) continue;
    await removeNetwork(ctx, n.Id);
    deleted.push(n.Name);
  }
  ctx.opts.events.publish('network', 'prune', '', { reclaimed: '0' });
  return { NetworksDeleted: deleted };
}

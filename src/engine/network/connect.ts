// POST /networks/{id}/connect and /disconnect: one endpoint more or less on a running
// container (under its lock); for a container that is not running only its configuration changes.
import type { NetworkContext } from './context.js';
import { ForbiddenError, InvalidArgumentError, NotFoundError, SystemError } from '../errors.js';
import { addEndpoint, delEndpoint } from './endpoints.js';
import { syncFirewall } from './firewall-sync.js';
import { resolveNetwork } from './networks.js';
import { needsEmbeddedDns, startContainerDns } from './sandbox-dns.js';
import type { EndpointSettingsIn, NetworkRecord } from './types.js';
import { bestEffort } from '../../util/best-effort.js';

export async function connectContainer(ctx: NetworkContext, networkIdOrName: string, containerIdOrName: string, cfg: EndpointSettingsIn): Promise<void> {
  const net = resolveNetwork(ctx, networkIdOrName);
  const ref = ctx.opts.lookupContainer?.(containerIdOrName);
  if (!ref) throw new NotFoundError(`No such container: ${containerIdOrName}`);
  if (net.Driver === 'host' || net.Driver === 'null') throw new ForbiddenError(`container cannot be disconnected from host network or connected to host network`);
  const sb = ctx.sandboxes.get(ref.id);
  if (!ref.running || !sb) return connectConfigOnly(ctx, ref.id, net, cfg);
  if (Object.values(sb.endpoints).some((e) => ctx.networks.get(e.networkId)?.Driver === 'host' || ctx.networks.get(e.networkId)?.Driver === 'null')) {
    throw new ForbiddenError('container sharing network namespace with host or none network cannot be connected to other networks');
  }
  const connected = await ctx.containerLock.run(ref.id, async () => {
    // Looked at again under the lock: the container may have exited (its sandbox detached) while
    // this request waited; then, as for a stopped container, only its configuration changes.
    if (ctx.sandboxes.get(ref.id) !== sb) return false;
    if (sb.endpoints[net.Id]) throw new ForbiddenError(`endpoint with name ${ref.name.replace(/^\//, '')} already exists in network ${net.Name}`);
    try {
      await addEndpoint(ctx, sb, net, cfg);
      // As dockerd: the first user-defined network starts the container's embedded DNS.
      if (needsEmbeddedDns([net]) && !ctx.dns.serves(sb.containerId)) {
        await startContainerDns(ctx, sb);
        await ctx.saveSandbox(sb);
      }
    } catch (e) {
      const ep = sb.endpoints[net.Id];
      if (ep) await bestEffort(delEndpoint(ctx, sb, ep), `undoing the failed connect of ${sb.containerId} to ${net.Name}`);
      await bestEffort(ctx.saveSandbox(sb), `saving the sandbox of ${sb.containerId}`);
      throw e;
    }
    return true;
  });
  if (!connected) return connectConfigOnly(ctx, ref.id, net, cfg);
  // Awaited: the container's resolv.conf may change (its embedded DNS just started).
  await ctx.opts.onEndpointsChanged?.(ref.id, net.Name, cfg);
}

/** Connect of a container without a running network side: its configuration changes, for its next start. */
async function connectConfigOnly(ctx: NetworkContext, containerId: string, net: NetworkRecord, cfg: EndpointSettingsIn): Promise<void> {
  if (cfg.IPAMConfig?.IPv4Address && net.predefined) throw new InvalidArgumentError('user specified IP address is supported on user defined networks only');
  await ctx.opts.onEndpointsChanged?.(containerId, net.Name, cfg);
}

export async function disconnectContainer(ctx: NetworkContext, networkIdOrName: string, containerIdOrName: string, force: boolean): Promise<void> {
  const net = resolveNetwork(ctx, networkIdOrName);
  const ref = ctx.opts.lookupContainer?.(containerIdOrName);
  const containerId = ref?.id ?? [...ctx.sandboxes.values()].find((s) => s.containerId === containerIdOrName || s.name === containerIdOrName)?.containerId;
  if (!containerId) {
    if (force) return;
    throw new NotFoundError(`No such container: ${containerIdOrName}`);
  }
  // dockerd (DisconnectFromNetwork): not being on the network is an error, also with force; a
  // running container forced off a network it has no endpoint on fails finding the endpoint.
  const notConnected = async (running: boolean): Promise<void> => {
    if (!running) {
      if (ref && !ref.networks?.includes(net.Name)) throw new SystemError(`container ${containerId} is not connected to the network ${net.Name}`);
      await ctx.opts.onEndpointsChanged?.(containerId, net.Name, null);
      return;
    }
    if (force) throw new NotFoundError(`endpoint ${(ref?.name ?? containerIdOrName).replace(/^\//, '')} not found`);
    throw new SystemError(`container ${containerId} is not connected to network ${net.Name}`);
  };
  const sb = ctx.sandboxes.get(containerId);
  const ep = sb?.endpoints[net.Id];
  if (!sb || !ep) return notConnected(!(ref && !ref.running));
  const outcome = await ctx.containerLock.run(containerId, async () => {
    // Looked at again under the lock: a detach (the container exited) or another disconnect
    // may have run while this request waited.
    if (ctx.sandboxes.get(containerId) !== sb) return 'detached';
    if (sb.endpoints[net.Id] !== ep) return 'gone';
    if (sb.ports.length && ep.ipv4) {
      const stillBridged = Object.values(sb.endpoints).some((e) => e !== ep && e.ipv4 && ctx.networks.get(e.networkId)?.Driver === 'bridge');
      if (!stillBridged) {
        ctx.ports.releaseOwner(containerId);
        sb.ports = [];
      }
    }
    await delEndpoint(ctx, sb, ep);
    await ctx.saveSandbox(sb);
    await syncFirewall(ctx);
    return 'disconnected';
  });
  if (outcome !== 'disconnected') return notConnected(outcome === 'gone');
  await ctx.opts.onEndpointsChanged?.(containerId, net.Name, null);
}

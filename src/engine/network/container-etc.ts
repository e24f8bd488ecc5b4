// A container's /etc/resolv.conf and /etc/hosts contents (rendered by etcfiles.ts) from its
// sandbox: the embedded DNS server at 127.0.0.11 on user-defined networks, --dns/--add-host, links, own name.
import type { NetworkContext } from './context.js';
import { shortId } from '../../util/ids.js';
import { EMBEDDED_DNS_IP } from './dns-nat.js';
import { parseExtraHosts, readHostResolvConf, renderHosts, resolvConfFor, type DnsOverrides } from './etcfiles.js';
import type { SandboxRecord } from './types.js';

export const HOST_DOCKER_INTERNAL = 'host.docker.internal';

/** The address `host-gateway` stands for in --add-host: the default bridge's gateway. */
export function hostGateway(ctx: NetworkContext): string {
  const b = [...ctx.networks.values()].find((n) => n.defaultBridge);
  return b?.IPAM.Config[0]?.Gateway ?? '';
}

/** 127.0.0.11 when the embedded DNS serves the container (sandbox-dns.ts), else undefined (host resolvers). */
function embeddedDnsFor(ctx: NetworkContext, sb: SandboxRecord | undefined): string | undefined {
  return sb && ctx.dns.serves(sb.containerId) ? EMBEDDED_DNS_IP : undefined;
}

/** /etc/resolv.conf content; also remembers --dns servers as the container's upstreams. */
export async function containerResolvConf(ctx: NetworkContext, containerId: string, o: DnsOverrides): Promise<string> {
  ctx.hostResolv = await readHostResolvConf(ctx.opts.resolvConfPath);
  const sb = ctx.sandboxes.get(containerId);
  if (sb && (o.dns?.length || o.dnsSearch?.length || o.dnsOptions?.length)) sb.dns = { ...o };
  return resolvConfFor(ctx.hostResolv, o, embeddedDnsFor(ctx, sb));
}

/** /etc/hosts content: standard entries, --add-host (host-gateway resolved), links, own name. */
export function containerHosts(ctx: NetworkContext, containerId: string, o: { extraHosts?: string[]; hostname?: string; domainname?: string }): string {
  const sb = ctx.sandboxes.get(containerId);
  const gateway = hostGateway(ctx);
  const extra = parseExtraHosts(o.extraHosts, gateway);
  // Docker Desktop's name for the host, which dockerd on Linux leaves out (docker/for-linux#264):
  // berth gives it to every container, unless the user's --add-host names it otherwise.
  if (gateway && !extra.some((e) => e.names.includes(HOST_DOCKER_INTERNAL))) extra.push({ ip: gateway, names: [HOST_DOCKER_INTERNAL] });
  const hostname = o.hostname ?? sb?.hostname ?? shortId(containerId);
  const fqdn = o.domainname ? `${hostname}.${o.domainname}` : undefined;
  // As dockerd: the container's own name on its first address, and on its IPv6 address too.
  const own = sb && Object.values(sb.endpoints).find((e) => e.ipv4);
  const names = fqdn ? [fqdn, hostname] : [hostname];
  const self = own ? [{ ip: own.ipv4, names }, ...(own.ipv6 ? [{ ip: own.ipv6, names }] : [])] : undefined;
  return renderHosts(extra, sb?.linkHosts ?? [], self);
}

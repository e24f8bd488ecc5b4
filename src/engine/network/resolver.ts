// What the embedded DNS server (dns.ts) answers, from the sandbox records: a container on a
// user-defined network finds the others on its networks by name, alias or short ID; anything
// else goes to the container's --dns servers or the host's. The client is the container whose
// listener the query came in on (its ID).
import type { NetworkContext } from './context.js';
import type { DnsLookup } from './dns.js';
import { isLoopback } from './ipv4.js';
import type { SandboxRecord } from './types.js';

export function embeddedDnsBackend(ctx: NetworkContext): DnsLookup {
  return {
    lookup: (client, name) => lookup(ctx, client, name),
    reverse: (client, ip) => reverse(ctx, client, ip),
    upstreams: (client) => upstreams(ctx, client),
  };
}

function sandboxByIp(ctx: NetworkContext, ip: string): SandboxRecord | undefined {
  for (const s of ctx.sandboxes.values()) for (const e of Object.values(s.endpoints)) if (e.ipv4 === ip || (e.ipv6 && e.ipv6 === ip)) return s;
  return undefined;
}

function lookup(ctx: NetworkContext, clientId: string, name: string): { ipv4: string[]; ipv6: string[] } | undefined {
  const client = ctx.sandboxes.get(clientId);
  if (!client) return undefined;
  const ips: string[] = [];
  const ips6: string[] = [];
  for (const netId of Object.keys(client.endpoints)) {
    const net = ctx.networks.get(netId);
    if (!net || net.predefined) continue;
    // As Docker: "<name>.<network>" resolves <name> within that network only.
    const suffix = `.${net.Name.toLowerCase()}`;
    const wanted = name.endsWith(suffix) ? [name, name.slice(0, -suffix.length)] : [name];
    for (const s of ctx.sandboxes.values()) {
      const e = s.endpoints[netId];
      if (e?.state === 'attached' && e.ipv4 && e.dnsNames?.some((n) => wanted.includes(n.toLowerCase()))) {
        ips.push(e.ipv4);
        if (e.ipv6) ips6.push(e.ipv6);
      }
    }
  }
  return ips.length ? { ipv4: ips, ipv6: ips6 } : undefined;
}

function reverse(ctx: NetworkContext, clientId: string, ip: string): string | undefined {
  const client = ctx.sandboxes.get(clientId);
  if (!client) return undefined;
  const target = sandboxByIp(ctx, ip);
  if (!target) return undefined;
  const ep = Object.values(target.endpoints).find((e) => e.ipv4 === ip && client.endpoints[e.networkId]);
  const net = ep && ctx.networks.get(ep.networkId);
  return ep && net && !net.predefined ? `${target.name}.${net.Name}` : undefined;
}

function upstreams(ctx: NetworkContext, clientId: string): string[] {
  const client = ctx.sandboxes.get(clientId);
  if (client) {
    const nets = Object.keys(client.endpoints).map((id) => ctx.networks.get(id));
    if (nets.every((n) => n?.Internal)) return [];
    // A loopback --dns server means the container's own loopback; this forwarder runs in the
    // host's namespace, where that address is somebody else: such servers get nothing.
    if (client.dns.dns?.length) return client.dns.dns.filter((s) => !isLoopback(s));
  }
  return ctx.hostResolv.nameservers;
}

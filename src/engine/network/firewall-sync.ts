// The iptables rules follow the records: every change to a bridge network or a published port
// ends in syncFirewall(), which hands the whole wanted state to Firewall.sync (firewall.ts), for
// IPv4 and, while any network has IPv6, for IPv6 (else berth's ip6tables chains are removed), and
// the userland proxy's listeners for what NAT cannot serve.
import type { NetworkContext } from './context.js';
import type { FirewallNetwork, FirewallPort } from './firewall.js';
import type { ProxyTarget } from './userland-proxy.js';
import { ipamV4, ipamV6 } from './ipam6.js';

export async function syncFirewall(ctx: NetworkContext): Promise<void> {
  const nets: FirewallNetwork[] = [];
  const nets6: FirewallNetwork[] = [];
  for (const n of ctx.networks.values()) {
    if (n.Driver !== 'bridge' || !n.device) continue;
    const masquerade = n.Options['com.docker.network.bridge.enable_ip_masquerade'] !== 'false';
    const v4 = ipamV4(n)?.Subnet;
    if (v4) nets.push({ bridge: n.device, subnet: v4, internal: n.Internal, masquerade });
    const v6 = n.EnableIPv6 ? ipamV6(n)?.Subnet : undefined;
    if (v6) nets6.push({ bridge: n.device, subnet: v6, internal: n.Internal, masquerade });
  }
  const ports: FirewallPort[] = [];
  const ports6: FirewallPort[] = [];
  const proxied: ProxyTarget[] = [];
  for (const s of ctx.sandboxes.values()) {
    if (!s.ports.length) continue;
    const ep = Object.values(s.endpoints).find((e) => e.ipv4 && ctx.networks.get(e.networkId)?.Driver === 'bridge');
    const net = ep && ctx.networks.get(ep.networkId);
    if (!ep || !net?.device) continue;
    for (const m of s.ports) {
      if (!m.hostIp.includes(':')) ports.push({ ...m, containerIp: ep.ipv4, bridge: net.device });
      else if (ep.ipv6) {
        ports6.push({ ...m, containerIp: ep.ipv6, bridge: net.device });
        if (m.proto === 'tcp' && (m.hostIp === '::' || m.hostIp === '::1')) proxied.push({ listenIp: '::1', hostPort: m.hostPort, containerIp: ep.ipv6, containerPort: m.containerPort });
      } else if (m.proto === 'tcp') proxied.push({ listenIp: m.hostIp, hostPort: m.hostPort, containerIp: ep.ipv4, containerPort: m.containerPort });
    }
  }
  await Promise.all([
    ctx.firewall.sync(nets, ports),
    nets6.length ? ctx.firewall6.sync(nets6, ports6) : ctx.firewall6.removeUnused(),
    ctx.userlandProxy.sync(proxied),
  ]);
}

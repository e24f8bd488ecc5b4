// The iptables rules follow the records: every change to a bridge network or a published port
// ends in syncFirewall(), which hands the whole wanted state to Firewall.sync (firewall.ts).
import type { NetworkContext } from './context.js';
import type { FirewallNetwork, FirewallPort } from './firewall.js';

export function syncFirewall(ctx: NetworkContext): Promise<void> {
  const nets: FirewallNetwork[] = [];
  for (const n of ctx.networks.values()) {
    if (n.Driver !== 'bridge' || !n.device || !n.IPAM.Config[0]?.Subnet) continue;
    nets.push({
      bridge: n.device,
      subnet: n.IPAM.Config[0].Subnet,
      internal: n.Internal,
      masquerade: n.Options['com.docker.network.bridge.enable_ip_masquerade'] !== 'false',
    });
  }
  const ports: FirewallPort[] = [];
  for (const s of ctx.sandboxes.values()) {
    if (!s.ports.length) continue;
    const ep = Object.values(s.endpoints).find((e) => e.ipv4 && ctx.networks.get(e.networkId)?.Driver === 'bridge');
    const net = ep && ctx.networks.get(ep.networkId);
    if (!ep || !net?.device) continue;
    for (const m of s.ports) ports.push({ ...m, containerIp: ep.ipv4, bridge: net.device });
  }
  return ctx.firewall.sync(nets, ports);
}

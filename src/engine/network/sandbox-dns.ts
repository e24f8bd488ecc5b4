// The embedded DNS of one container: listeners in its netns at 127.0.0.11 (netns-sockets.ts) with
// the NAT rules that send 127.0.0.11:53 to them (dns-nat.ts), served by ctx.dns. As dockerd, a
// container gets one as soon as it has an endpoint on a user-defined network. Listeners live in
// berthd; their ports are kept in the sandbox record, so a restarted berthd binds the same ports
// again and the rules in the running container still hold (new ports, new rules, otherwise).
import type { NetworkContext } from './context.js';
import { EMBEDDED_DNS_IP, writeDnsNat } from './dns-nat.js';
import { closeUnadopted, openListenersInNetns } from './netns-sockets.js';
import type { NetworkRecord, SandboxRecord } from './types.js';
import { log } from '../../util/log.js';

/** Docker's rule: the embedded DNS serves containers on user-defined networks (any driver). */
export function needsEmbeddedDns(nets: (NetworkRecord | undefined)[]): boolean {
  return nets.some((n) => n !== undefined && !n.predefined);
}

/**
 * Starts serving the container's netns (idempotent). A failure is logged, not thrown: the
 * container then gets the host's resolvers in resolv.conf (containerResolvConf asks ctx.dns).
 * Sets sb.dnsPorts; the caller saves the record.
 */
export async function startContainerDns(ctx: NetworkContext, sb: SandboxRecord): Promise<void> {
  if (ctx.dns.serves(sb.containerId)) return;
  try {
    const fds = openListenersInNetns(sb.netnsPath, EMBEDDED_DNS_IP, sb.dnsPorts);
    const ports = { udp: fds.udpPort, tcp: fds.tcpPort };
    try {
      if (sb.dnsPorts?.udp !== ports.udp || sb.dnsPorts.tcp !== ports.tcp) {
        // The jumps into the chains exist once ports were recorded: then only the chains change.
        await writeDnsNat(sb.netnsPath, ports, !sb.dnsPorts);
      }
    } catch (e) {
      closeUnadopted(fds.udpFd, fds.tcpFd);
      throw e;
    }
    await ctx.dns.listen(sb.containerId, fds);
    sb.dnsPorts = ports;
  } catch (e) {
    log.warn(`embedded DNS for container ${sb.containerId.slice(0, 12)}: ${(e as Error).message}; it gets the host's resolvers`);
  }
}

export function stopContainerDns(ctx: NetworkContext, containerId: string): Promise<void> {
  return ctx.dns.unlisten(containerId);
}

/** After a berthd restart (and the sweep): serves again every running container that had the embedded DNS. */
export async function resumeContainerDns(ctx: NetworkContext): Promise<void> {
  for (const sb of [...ctx.sandboxes.values()]) {
    const before = sb.dnsPorts;
    if (!before) continue;
    await ctx.containerLock.run(sb.containerId, async () => {
      if (ctx.sandboxes.get(sb.containerId) !== sb) return;
      await startContainerDns(ctx, sb);
      if (sb.dnsPorts?.udp !== before.udp || sb.dnsPorts.tcp !== before.tcp) await ctx.saveSandbox(sb);
    });
  }
}

// One container's attachment to one network: adding it (address, journal, CNI ADD) and removing
// it (CNI DEL, or a faster equivalent for bridge veths). Callers hold the container's lock.
import path from 'node:path';
import type { NetworkContext } from './context.js';
import { ForbiddenError, InvalidArgumentError } from '../errors.js';
import { exists, readlinkIfExists } from '../../util/fs.js';
import { newId, shortId } from '../../util/ids.js';
import { cniAdd, cniDel } from './cni.js';
import { cniConfig } from './cni-config.js';
import { allocateIp } from './ipam.js';
import { allocateIp6, ipamV6 } from './ipam6.js';
import { formatIPv4, macForIPv4, mustParseCidr, parseIPv4 } from './ipv4.js';
import { formatIPv6, parseIPv6 } from './ipv6.js';
import { runOk } from './run.js';
import { deleteLink, linkExists, setLinkDown } from './links.js';
import type { EndpointIpamConfig, EndpointRecord, EndpointSettingsIn, NetworkRecord, SandboxRecord } from './types.js';

const IFNAME_PREFIX = 'eth';

function nextIfname(sb: SandboxRecord): string {
  const used = new Set(Object.values(sb.endpoints).map((e) => e.ifname));
  for (let i = 0; ; i++) if (!used.has(`${IFNAME_PREFIX}${i}`)) return `${IFNAME_PREFIX}${i}`;
}

/** Allocates, journals, and CNI-ADDs one endpoint. */
export async function addEndpoint(ctx: NetworkContext, sb: SandboxRecord, net: NetworkRecord, cfg: EndpointSettingsIn): Promise<EndpointRecord> {
  if (sb.endpoints[net.Id]) throw new ForbiddenError(`endpoint with name ${sb.name} already exists in network ${net.Name}`);
  const isUserDefined = !net.predefined;
  const wantIp = cfg.IPAMConfig?.IPv4Address;
  const wantIp6 = cfg.IPAMConfig?.IPv6Address;
  const linkLocal = checkedLinkLocalIps(cfg.IPAMConfig?.LinkLocalIPs);
  if ((wantIp || wantIp6) && !isUserDefined) throw new InvalidArgumentError('user specified IP address is supported on user defined networks only');
  if (cfg.Aliases?.length && !isUserDefined) throw new InvalidArgumentError('network-scoped alias is supported only for containers in user defined networks');
  const ep: EndpointRecord = {
    networkId: net.Id,
    networkName: net.Name,
    endpointId: newId(),
    ifname: net.Driver === 'host' || net.Driver === 'null' ? '' : nextIfname(sb),
    ipv4: '',
    prefixLen: 0,
    gateway: '',
    mac: '',
    aliases: cfg.Aliases?.length ? [...cfg.Aliases] : null,
    dnsNames: null,
    links: cfg.Links?.length ? [...cfg.Links] : null,
    ipamConfig: ipamConfigView(cfg.IPAMConfig),
    driverOpts: cfg.DriverOpts ?? null,
    defaultRoute: false,
    state: 'attaching',
  };
  if (net.Driver === 'host' || net.Driver === 'null') {
    ep.state = 'attached';
    sb.endpoints[net.Id] = ep;
    await ctx.saveSandbox(sb);
    return ep;
  }
  const cidr = mustParseCidr(net.IPAM.Config[0].Subnet!);
  const ip = allocateIp(ctx, net, cidr, wantIp);
  ep.ipv4 = formatIPv4(ip);
  ep.prefixLen = cidr.prefix;
  ep.gateway = net.IPAM.Config[0].Gateway ?? '';
  if (wantIp6 && (!net.EnableIPv6 || !ipamV6(net))) throw new InvalidArgumentError('user specified IP address is supported only when connecting to networks with user configured subnets');
  if (net.EnableIPv6 && ipamV6(net)) {
    const v6 = ipamV6(net)!;
    ep.ipv6 = formatIPv6(allocateIp6(ctx, net, wantIp6));
    ep.prefixLen6 = Number(v6.Subnet!.split('/')[1]);
    ep.gateway6 = v6.Gateway ?? '';
  }
  ep.mac = checkedMac(cfg.MacAddress) ?? macForIPv4(ip);
  if (isUserDefined) ep.dnsNames = [sb.name, ...(ep.aliases ?? []), shortId(sb.containerId)].filter((x, i, a) => x && a.indexOf(x) === i);
  ep.defaultRoute = !net.Internal && !Object.values(sb.endpoints).some((e) => e.defaultRoute);
  // Journal first: from here on a crash leaves a record the sweep will CNI-DEL.
  sb.endpoints[net.Id] = ep;
  await ctx.saveSandbox(sb);
  const added = await cniAdd(ctx.cniPath, cniConfig(net, ep), { containerId: sb.containerId, netns: sb.netnsPath, ifname: ep.ifname });
  if (net.Driver === 'bridge') ep.hostIfname = added.interfaces?.find((i) => !i.sandbox && i.name !== net.device)?.name;
  if (linkLocal.length) await addLinkLocalIps(sb.netnsPath, ep.ifname, linkLocal);
  ep.state = 'attached';
  await ctx.saveSandbox(sb);
  ctx.opts.events.publish('network', 'connect', net.Id, { container: sb.containerId, name: net.Name, type: net.Driver });
  return ep;
}

/** EndpointSettings.IPAMConfig as inspect echoes it: what was asked for, null when nothing was. */
function ipamConfigView(c: EndpointIpamConfig | null | undefined): EndpointIpamConfig | null {
  if (!c) return null;
  const out: EndpointIpamConfig = {};
  if (c.IPv4Address) out.IPv4Address = c.IPv4Address;
  if (c.IPv6Address) out.IPv6Address = c.IPv6Address;
  if (c.LinkLocalIPs?.length) out.LinkLocalIPs = [...c.LinkLocalIPs];
  return Object.keys(out).length ? out : null;
}

/** --mac-address as dockerd takes it (net.ParseMAC's 6-byte forms), in lower case with colons. */
function checkedMac(mac: string | undefined): string | undefined {
  if (!mac) return undefined;
  if (!/^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$|^[0-9a-f]{2}(?:-[0-9a-f]{2}){5}$/i.test(mac)) throw new InvalidArgumentError(`invalid MAC address ${mac}`);
  return mac.replace(/-/g, ':').toLowerCase();
}

/** --link-local-ip values, checked as dockerd's EndpointIPAMConfig.Validate checks them. */
function checkedLinkLocalIps(ips: string[] | undefined): string[] {
  const out: string[] = [];
  for (const ip of ips ?? []) {
    const v4 = parseIPv4(ip);
    const v6 = v4 === undefined ? parseIPv6(ip) : undefined;
    if ((v4 === undefined && v6 === undefined) || v4 === 0 || v6 === 0n) throw new InvalidArgumentError(`invalid link-local IP address: ${ip}`);
    out.push(v4 !== undefined ? `${ip}/16` : `${formatIPv6(v6!)}/64`);
  }
  return out;
}

/**
 * Adds the link-local addresses to the container's interface, as libnetwork does after plumbing
 * it (169.254.0.0/16 and /64 masks, osl setInterfaceLinkLocalIPs).
 */
async function addLinkLocalIps(netnsPath: string, ifname: string, cidrs: string[]): Promise<void> {
  const batch = cidrs.map((c) => `addr add ${c} dev ${ifname}`).join('\n') + '\n';
  await runOk('nsenter', [`--net=${netnsPath}`, 'ip', '-batch', '-'], { input: batch });
}

/**
 * Removes one endpoint from the sandbox (the caller writes the record).
 * `netnsGoing`: the netns is removed right after (the container is gone), not just this endpoint.
 */
export async function delEndpoint(ctx: NetworkContext, sb: SandboxRecord, ep: EndpointRecord, netnsGoing = false): Promise<void> {
  const net = ctx.networks.get(ep.networkId);
  const fast = net && (netnsGoing ? await unplugBridgeVeth(net, ep) : await fastBridgeDel(net, ep));
  if (net && ep.ifname && ep.ipv4 && !fast) {
    // CNI DEL on a netns that is already gone is fine: the veth died with it.
    await cniDel(ctx.cniPath, cniConfig(net, ep), { containerId: sb.containerId, netns: sb.netnsPath, ifname: ep.ifname }).catch(async (e) => {
      if (!(await exists(sb.netnsPath))) return;
      throw e;
    });
  }
  delete sb.endpoints[ep.networkId];
  if (net) ctx.opts.events.publish('network', 'disconnect', net.Id, { container: sb.containerId, name: net.Name, type: net.Driver });
}

/**
 * Takes a bridge endpoint of a container that is gone off the wire: its host-side veth goes
 * down (no frames, no ARP for the address, which is free again from now on), and the kernel
 * destroys the pair with the network namespace once that is unmounted. Deleting a veth waits
 * for an RCU grace period (~30 ms, CNI DEL ~40 ms); this keeps that off every container exit.
 * False when it does not apply (not a bridge endpoint, or the name is no longer ours).
 */
async function unplugBridgeVeth(net: NetworkRecord, ep: EndpointRecord): Promise<boolean> {
  const veth = await bridgeVeth(net, ep);
  if (veth !== 'ours') return veth === 'gone';
  // The link's flags through sysfs (what `ip link set down` changes, without a process; `ip` where
  // /sys is read-only). The namespace is being unmounted at the same time: a link that is gone
  // by now is as good.
  return setLinkDown(ep.hostIfname!).then(
    () => true,
    () => !linkExists(ep.hostIfname!),
  );
}

/**
 * Removes a bridge endpoint by deleting its host-side veth (which takes the container end with
 * it), in one `ip` call instead of the bridge plugin's DEL (~5 ms against ~40 ms on the hot path
 * of every container exit). Equivalent here: berth's bridge endpoints use static IPAM and no
 * plugin-side masquerade, so DEL has nothing else to undo. False when it does not apply.
 */
async function fastBridgeDel(net: NetworkRecord, ep: EndpointRecord): Promise<boolean> {
  const veth = await bridgeVeth(net, ep);
  if (veth !== 'ours') return veth === 'gone';
  return deleteLink(ep.hostIfname!).then(
    () => true,
    () => false,
  );
}

/**
 * Whether a bridge endpoint's host-side veth is still this endpoint's (its name enslaved to this
 * network's bridge), already gone, or not one berth can take a short cut with (not a bridge
 * endpoint, no recorded name, or the name now belongs to something else).
 */
async function bridgeVeth(net: NetworkRecord, ep: EndpointRecord): Promise<'ours' | 'gone' | 'other'> {
  if (net.Driver !== 'bridge' || !ep.hostIfname) return 'other';
  const master = await readlinkIfExists(`/sys/class/net/${ep.hostIfname}/master`);
  if (master === undefined) return linkExists(ep.hostIfname) ? 'other' : 'gone';
  return path.basename(master) === net.device ? 'ours' : 'other';
}

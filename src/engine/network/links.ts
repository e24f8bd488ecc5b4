// Host-side link devices: the bridges of bridge networks and dummy parents of macvlan/ipvlan
// networks made without `-o parent`, driven through `ip -batch` (one process per change).
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fsp } from 'node:fs';
import { run, runOk } from './run.js';

export function linkExists(name: string): boolean {
  return existsSync(`/sys/class/net/${name}`);
}

/**
 * Creates the bridge with the gateway address (and the IPv6 gateway of a dual-stack network, without
 * duplicate address detection, as dockerd adds it), up, with route_localnet so 127.0.0.1 DNAT works.
 */
export async function ensureBridge(name: string, gatewayCidr: string | undefined, mtu?: number, gateway6Cidr?: string): Promise<void> {
  if (!linkExists(name)) {
    // An explicit address, as Docker gives its bridges: without one the kernel gives the bridge
    // the lowest MAC among its ports, so it changes when containers come and go, and every other
    // container's ARP entry for the gateway (its DNS server, its route out) goes stale.
    const cmds = [`link add name ${name}${mtu ? ` mtu ${mtu}` : ''} address ${randomMac()} type bridge`];
    if (gatewayCidr) cmds.push(`addr add ${gatewayCidr} dev ${name}`);
    if (gateway6Cidr) cmds.push(`addr add ${gateway6Cidr} dev ${name} nodad`);
    cmds.push(`link set ${name} up`);
    await runOk('ip', ['-batch', '-'], { input: cmds.join('\n') + '\n' });
  } else {
    await pinBridgeMac(name);
    if (gatewayCidr) {
      // After a reboot-less restart the bridge is there; make sure its address is too.
      await run('ip', ['addr', 'replace', gatewayCidr, 'dev', name]);
      await run('ip', ['link', 'set', name, 'up']);
    }
    if (gateway6Cidr) await run('ip', ['addr', 'replace', gateway6Cidr, 'dev', name, 'nodad']);
  }
  await setSysctl(`net/ipv4/conf/${name}/route_localnet`, '1');
}

/**
 * A parent link that leads nowhere, for macvlan/ipvlan networks made without `-o parent`. A dummy
 * device where the kernel has the module, else one end of a veth pair whose peer stays down
 * (up, address-less; deleting the device deletes both ends).
 */
export async function ensureDummy(name: string): Promise<void> {
  if (linkExists(name)) return;
  const r = await run('ip', ['-batch', '-'], { input: `link add name ${name} type dummy\nlink set ${name} up\n` });
  if (r.code === 0) return;
  const peer = `${name.slice(0, 13)}-p`;
  // Both ends up: a macvlan child has carrier only while its parent has.
  await runOk('ip', ['-batch', '-'], { input: `link add name ${name} type veth peer name ${peer}\nlink set ${peer} up\nlink set ${name} up\n` });
}

/** Gives a bridge made elsewhere (or by an older berth) a fixed MAC: its current one, or a random one. */
async function pinBridgeMac(name: string): Promise<void> {
  const NET_ADDR_SET = '3';
  const assign = await fsp.readFile(`/sys/class/net/${name}/addr_assign_type`, 'utf8').catch(() => NET_ADDR_SET);
  if (assign.trim() === NET_ADDR_SET) return;
  const current = (await fsp.readFile(`/sys/class/net/${name}/address`, 'utf8').catch(() => '')).trim();
  const mac = current && current !== '00:00:00:00:00:00' ? current : randomMac();
  await run('ip', ['link', 'set', 'dev', name, 'address', mac]);
}

/** A random unicast, locally administered MAC address. */
export function randomMac(): string {
  const b = randomBytes(6);
  b[0] = (b[0] & 0xfe) | 0x02;
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}

/** The link's "up" bit in its flags (sysfs `flags`, SIOCGIFFLAGS). */
export const IFF_UP = 0x1;

/**
 * Takes a link down (`ip link set <name> down`) by clearing IFF_UP in its sysfs flags, which the
 * kernel applies as that command does, without a process. Where /sys is read-only (berthd in a
 * container) or the write is refused, `ip` does it over netlink instead. Throws when the link is
 * not there.
 */
export async function setLinkDown(name: string): Promise<void> {
  const file = `/sys/class/net/${name}/flags`;
  const flags = Number.parseInt(await fsp.readFile(file, 'latin1'), 16);
  if (Number.isNaN(flags)) throw new Error(`${file}: unreadable flags`);
  if (!(flags & IFF_UP)) return;
  try {
    await fsp.writeFile(file, `0x${(flags & ~IFF_UP).toString(16)}`);
  } catch (e) {
    if (!SYSFS_REFUSED.has((e as NodeJS.ErrnoException).code ?? '')) throw e;
    await runOk('ip', ['link', 'set', 'dev', name, 'down']);
  }
}

/** Errors of a sysfs write that netlink can still do: a read-only /sys, or a write it refuses. */
const SYSFS_REFUSED = new Set(['EROFS', 'EACCES', 'EPERM']);

export async function deleteLink(name: string): Promise<void> {
  if (!linkExists(name)) return;
  const r = await run('ip', ['link', 'del', name]);
  if (r.code !== 0 && linkExists(name)) throw new Error(`deleting ${name}: ${r.stderr.trim()}`);
}

export async function setSysctl(key: string, value: string): Promise<void> {
  try {
    await fsp.writeFile(`/proc/sys/${key}`, value);
  } catch {
    /* a missing knob (no IPv4 forwarding control in this netns) is not fatal */
  }
}

// Host-side link devices: the bridges of bridge networks and dummy parents of macvlan/ipvlan
// networks made without `-o parent`, driven through `ip -batch` (one process per change).
import { existsSync, promises as fsp } from 'node:fs';
import { run, runOk } from './run.js';

export function linkExists(name: string): boolean {
  return existsSync(`/sys/class/net/${name}`);
}

/** Creates the bridge with the gateway address, up, with route_localnet so 127.0.0.1 DNAT works. */
export async function ensureBridge(name: string, gatewayCidr: string | undefined, mtu?: number): Promise<void> {
  if (!linkExists(name)) {
    const cmds = [`link add name ${name}${mtu ? ` mtu ${mtu}` : ''} type bridge`];
    if (gatewayCidr) cmds.push(`addr add ${gatewayCidr} dev ${name}`);
    cmds.push(`link set ${name} up`);
    await runOk('ip', ['-batch', '-'], { input: cmds.join('\n') + '\n' });
  } else if (gatewayCidr) {
    // After a reboot-less restart the bridge is there; make sure its address is too.
    await run('ip', ['addr', 'replace', gatewayCidr, 'dev', name]);
    await run('ip', ['link', 'set', name, 'up']);
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

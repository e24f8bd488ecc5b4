// The host side of a network: the bridge with its gateway address (bridge driver), or the dummy
// parent link of a macvlan/ipvlan network made without `-o parent`. Brought up at create and at every berthd start; torn down at remove.
import { parseCidr } from './ipv4.js';
import { ipamV6 } from './ipam6.js';
import { deleteLink, ensureBridge, ensureDummy, setSysctl } from './links.js';
import type { NetworkRecord } from './types.js';

export async function bringUpNetwork(n: NetworkRecord): Promise<void> {
  if (n.Driver === 'bridge' && n.device) {
    const cfg = n.IPAM.Config[0];
    const subnet = cfg?.Subnet ? parseCidr(cfg.Subnet) : undefined;
    const gw = cfg?.Gateway;
    const mtu = Number(n.Options['com.docker.network.driver.mtu']) || undefined;
    const v6 = n.EnableIPv6 ? ipamV6(n) : undefined;
    const gw6 = v6?.Gateway && v6.Subnet ? `${v6.Gateway}/${v6.Subnet.split('/')[1]}` : undefined;
    if (gw6) {
      // As dockerd with an IPv6 network: the host routes IPv6 between its links.
      await setSysctl('net/ipv6/conf/all/forwarding', '1');
    }
    await ensureBridge(n.device, gw && subnet ? `${gw}/${subnet.prefix}` : undefined, mtu, gw6);
  } else if ((n.Driver === 'macvlan' || n.Driver === 'ipvlan') && n.dummyParent && n.device) {
    await ensureDummy(n.device);
  }
}

export async function tearDownNetwork(n: NetworkRecord): Promise<void> {
  if (n.Driver === 'bridge' && n.device && !n.predefined) await deleteLink(n.device);
  if (n.dummyParent && n.device) await deleteLink(n.device);
}

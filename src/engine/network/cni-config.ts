// The CNI configuration berth hands the plugins for one endpoint: the network's driver plugin
// (bridge, macvlan, ipvlan) with static IPAM, since berth has already chosen the address.
import type { CniConfList, CniPluginConf } from './cni.js';
import type { EndpointRecord, NetworkRecord } from './types.js';

export function cniConfig(net: NetworkRecord, ep: EndpointRecord): CniConfList {
  const addresses = [{ address: `${ep.ipv4}/${ep.prefixLen}`, ...(ep.gateway ? { gateway: ep.gateway } : {}) }];
  const routes = ep.defaultRoute && ep.gateway ? [{ dst: '0.0.0.0/0' }] : [];
  if (ep.ipv6) {
    addresses.push({ address: `${ep.ipv6}/${ep.prefixLen6}`, ...(ep.gateway6 ? { gateway: ep.gateway6 } : {}) });
    if (ep.defaultRoute && ep.gateway6) routes.push({ dst: '::/0' });
  }
  const ipam = { type: 'static', addresses, routes };
  const mtu = Number(net.Options['com.docker.network.driver.mtu']) || undefined;
  let main: CniPluginConf;
  if (net.Driver === 'bridge') {
    main = {
      type: 'bridge',
      bridge: net.device,
      isGateway: true,
      isDefaultGateway: false,
      ipMasq: false,
      hairpinMode: true,
      ...(mtu ? { mtu } : {}),
      runtimeConfig: { mac: ep.mac },
      ipam,
    };
  } else if (net.Driver === 'macvlan') {
    main = { type: 'macvlan', master: net.device, mode: net.Options.macvlan_mode || 'bridge', ...(mtu ? { mtu } : {}), runtimeConfig: { mac: ep.mac }, ipam };
  } else {
    main = { type: 'ipvlan', master: net.device, mode: net.Options.ipvlan_mode || 'l2', ...(mtu ? { mtu } : {}), ipam };
  }
  return { name: `berth-${net.Id.slice(0, 12)}`, plugins: [main] };
}

// A container's NetworkSettings in Docker's inspect shape, from its sandbox record.
import type { NetworkContext } from './context.js';
import { portsView } from './ports.js';
import type { EndpointRecord, EndpointSettingsView, NetworkSettingsView, SandboxRecord } from './types.js';

export function settingsView(ctx: NetworkContext, sb: SandboxRecord): NetworkSettingsView {
  const networks: Record<string, EndpointSettingsView> = {};
  let bridgeEp: EndpointRecord | undefined;
  for (const ep of Object.values(sb.endpoints)) {
    const net = ctx.networks.get(ep.networkId);
    if (net?.defaultBridge) bridgeEp = ep;
    networks[net?.Name ?? ep.networkName] = {
      IPAMConfig: ep.ipamConfig,
      Links: ep.links,
      Aliases: ep.aliases,
      MacAddress: ep.mac,
      DriverOpts: ep.driverOpts,
      GwPriority: 0,
      NetworkID: ep.networkId,
      EndpointID: ep.endpointId,
      Gateway: ep.gateway,
      IPAddress: ep.ipv4,
      IPPrefixLen: ep.prefixLen,
      IPv6Gateway: ep.gateway6 ?? '',
      GlobalIPv6Address: ep.ipv6 ?? '',
      GlobalIPv6PrefixLen: ep.prefixLen6 ?? 0,
      DNSNames: ep.dnsNames,
    };
  }
  return {
    Bridge: '',
    SandboxID: sb.containerId,
    SandboxKey: sb.netnsPath,
    Ports: portsView(sb.ports, sb.exposedPorts),
    HairpinMode: false,
    LinkLocalIPv6Address: '',
    LinkLocalIPv6PrefixLen: 0,
    SecondaryIPAddresses: null,
    SecondaryIPv6Addresses: null,
    EndpointID: bridgeEp?.endpointId ?? '',
    Gateway: bridgeEp?.gateway ?? '',
    GlobalIPv6Address: bridgeEp?.ipv6 ?? '',
    GlobalIPv6PrefixLen: bridgeEp?.prefixLen6 ?? 0,
    IPAddress: bridgeEp?.ipv4 ?? '',
    IPPrefixLen: bridgeEp?.prefixLen ?? 0,
    IPv6Gateway: bridgeEp?.gateway6 ?? '',
    MacAddress: bridgeEp?.mac ?? '',
    Networks: networks,
  };
}

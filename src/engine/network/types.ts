// Records berth keeps for networks and for the network side of containers ("sandboxes"), and the
// Docker API shapes built from them.
import type { PortMapping } from './ports.js';
import type { DnsOverrides, HostsEntry } from './etcfiles.js';

export type DriverName = 'bridge' | 'macvlan' | 'ipvlan' | 'host' | 'null';

export interface IpamConfig {
  Subnet?: string;
  Gateway?: string;
  IPRange?: string;
  AuxiliaryAddresses?: Record<string, string>;
}

/** What is stored for a network: Docker's inspect fields plus berth's own (lower-case) ones. */
export interface NetworkRecord {
  Id: string;
  Name: string;
  Created: string;
  Driver: DriverName;
  EnableIPv6: boolean;
  Internal: boolean;
  Attachable: boolean;
  Ingress: boolean;
  ConfigOnly: boolean;
  IPAM: { Driver: string; Options: Record<string, string> | null; Config: IpamConfig[] };
  Options: Record<string, string>;
  Labels: Record<string, string>;
  /** Host device: the bridge (bridge driver) or the parent link (macvlan/ipvlan). */
  device?: string;
  /** A dummy parent berth made for a macvlan/ipvlan network created without `-o parent`. */
  dummyParent?: boolean;
  predefined?: boolean;
  defaultBridge?: boolean;
}

/** One container's attachment to one network. */
export interface EndpointRecord {
  networkId: string;
  networkName: string;
  endpointId: string;
  ifname: string;
  /** Host end of a bridge endpoint's veth pair (from CNI ADD's result), for a fast teardown. */
  hostIfname?: string;
  ipv4: string;
  prefixLen: number;
  gateway: string;
  /** IPv6 address, prefix length and gateway on a dual-stack network ('' / 0 otherwise). */
  ipv6?: string;
  prefixLen6?: number;
  gateway6?: string;
  mac: string;
  aliases: string[] | null;
  dnsNames: string[] | null;
  links: string[] | null;
  ipamConfig: EndpointIpamConfig | null;
  driverOpts: Record<string, string> | null;
  /** This endpoint installed the container's default route. */
  defaultRoute: boolean;
  /** 'attaching' until CNI ADD succeeded: a crash leaves it for the sweep to DEL. */
  state: 'attaching' | 'attached';
}

/** EndpointSettings.IPAMConfig: the addresses asked for (--ip, --ip6, --link-local-ip). */
export interface EndpointIpamConfig {
  IPv4Address?: string;
  IPv6Address?: string;
  LinkLocalIPs?: string[];
}

/** The network side of one container, written before any step that could leak. */
export interface SandboxRecord {
  containerId: string;
  name: string;
  hostname: string;
  netnsPath: string;
  /** berth made the netns file (createNetns) and removes it on detach. */
  ownsNetns: boolean;
  endpoints: Record<string, EndpointRecord>;
  ports: PortMapping[];
  exposedPorts: Record<string, unknown>;
  /** /etc/hosts entries from --link on the default bridge. */
  linkHosts: HostsEntry[];
  dns: DnsOverrides;
  /** Ports of the embedded DNS listeners in the netns that its NAT rules point at (dns-nat.ts); set once the rules are written. */
  dnsPorts?: { udp: number; tcp: number };
}

/** EndpointSettings as the API sends them (request side). */
export interface EndpointSettingsIn {
  IPAMConfig?: EndpointIpamConfig | null;
  Links?: string[] | null;
  Aliases?: string[] | null;
  MacAddress?: string;
  DriverOpts?: Record<string, string> | null;
  NetworkID?: string;
}

/** EndpointSettings as inspect shows them. */
export interface EndpointSettingsView {
  IPAMConfig: EndpointIpamConfig | null;
  Links: string[] | null;
  Aliases: string[] | null;
  MacAddress: string;
  DriverOpts: Record<string, string> | null;
  GwPriority: number;
  NetworkID: string;
  EndpointID: string;
  Gateway: string;
  IPAddress: string;
  IPPrefixLen: number;
  IPv6Gateway: string;
  GlobalIPv6Address: string;
  GlobalIPv6PrefixLen: number;
  DNSNames: string[] | null;
}

export interface NetworkSettingsView {
  Bridge: string;
  SandboxID: string;
  SandboxKey: string;
  Ports: Record<string, { HostIp: string; HostPort: string }[] | null>;
  HairpinMode: boolean;
  LinkLocalIPv6Address: string;
  LinkLocalIPv6PrefixLen: number;
  SecondaryIPAddresses: null;
  SecondaryIPv6Addresses: null;
  EndpointID: string;
  Gateway: string;
  GlobalIPv6Address: string;
  GlobalIPv6PrefixLen: number;
  IPAddress: string;
  IPPrefixLen: number;
  IPv6Gateway: string;
  MacAddress: string;
  Networks: Record<string, EndpointSettingsView>;
}

export interface NetworkInspect {
  Name: string;
  Id: string;
  Created: string;
  Scope: 'local';
  Driver: string;
  EnableIPv4: boolean;
  EnableIPv6: boolean;
  IPAM: NetworkRecord['IPAM'];
  Internal: boolean;
  Attachable: boolean;
  Ingress: boolean;
  ConfigFrom: { Network: string };
  ConfigOnly: boolean;
  Containers: Record<string, { Name: string; EndpointID: string; MacAddress: string; IPv4Address: string; IPv6Address: string }>;
  Options: Record<string, string>;
  Labels: Record<string, string>;
}

/** POST /networks/create body. */
export interface NetworkCreateRequest {
  Name?: string;
  Driver?: string;
  Scope?: string;
  Internal?: boolean;
  Attachable?: boolean;
  Ingress?: boolean;
  ConfigOnly?: boolean;
  EnableIPv6?: boolean;
  EnableIPv4?: boolean;
  CheckDuplicate?: boolean;
  IPAM?: { Driver?: string; Options?: Record<string, string> | null; Config?: IpamConfig[] | null } | null;
  Options?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
  ConfigFrom?: { Network?: string } | null;
}

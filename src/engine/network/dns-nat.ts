// The NAT rules inside a container's network namespace that make 127.0.0.11:53 reach berth's DNS
// listeners there, which are bound on random ports of 127.0.0.11 (netns-sockets.ts): port 53 of
// the container stays free for its own DNS server, as on Docker. The same chains and rules as
// dockerd's resolver_unix.go (DOCKER_OUTPUT, DOCKER_POSTROUTING), written with one
// `iptables-restore --noflush` run in the namespace; declaring the chains flushes them, so
// writing again with new ports replaces the old rules.
import { runOk } from './run.js';

export const EMBEDDED_DNS_IP = '127.0.0.11';
const OUTPUT_CHAIN = 'DOCKER_OUTPUT';
const POSTROUTING_CHAIN = 'DOCKER_POSTROUTING';
const IPTABLES_TIMEOUT_MS = 20_000;

export interface DnsPorts {
  udp: number;
  tcp: number;
}

/** The iptables-restore input; `withJumps` adds the jumps from OUTPUT and POSTROUTING (first write only). */
export function renderDnsNat(ports: DnsPorts, withJumps: boolean): string {
  const ip = EMBEDDED_DNS_IP;
  return [
    '*nat',
    `:${OUTPUT_CHAIN} - [0:0]`,
    `:${POSTROUTING_CHAIN} - [0:0]`,
    ...(withJumps ? [`-A OUTPUT -d ${ip}/32 -j ${OUTPUT_CHAIN}`, `-A POSTROUTING -d ${ip}/32 -j ${POSTROUTING_CHAIN}`] : []),
    `-A ${OUTPUT_CHAIN} -d ${ip}/32 -p udp -m udp --dport 53 -j DNAT --to-destination ${ip}:${ports.udp}`,
    `-A ${OUTPUT_CHAIN} -d ${ip}/32 -p tcp -m tcp --dport 53 -j DNAT --to-destination ${ip}:${ports.tcp}`,
    `-A ${POSTROUTING_CHAIN} -s ${ip}/32 -p udp -m udp --sport ${ports.udp} -j SNAT --to-source :53`,
    `-A ${POSTROUTING_CHAIN} -s ${ip}/32 -p tcp -m tcp --sport ${ports.tcp} -j SNAT --to-source :53`,
    'COMMIT',
    '',
  ].join('\n');
}

export async function writeDnsNat(netnsPath: string, ports: DnsPorts, withJumps: boolean): Promise<void> {
  await runOk('nsenter', [`--net=${netnsPath}`, 'iptables-restore', '--noflush', '-w'], { input: renderDnsNat(ports, withJumps), timeoutMs: IPTABLES_TIMEOUT_MS });
}

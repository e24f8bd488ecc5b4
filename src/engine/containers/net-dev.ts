// A container's network counters, as dockerd's stats `networks` map gives them (one entry per
// interface of the container's endpoints: eth0, eth1…). Read from /proc/<pid>/net/dev, which the
// kernel renders for the namespace of <pid>: no entering the namespace, no process spawned.
import { readFileSync } from 'node:fs';

export interface NetworkCounters {
  rx_bytes: number;
  rx_packets: number;
  rx_errors: number;
  rx_dropped: number;
  tx_bytes: number;
  tx_packets: number;
  tx_errors: number;
  tx_dropped: number;
}

/** The interfaces berth gives a container's endpoints (endpoints.ts names them eth0, eth1, …). */
const ENDPOINT_IFNAME = /^eth\d+$/;

/**
 * /proc/net/dev → counters per endpoint interface. `lo` and the fallback tunnel devices the kernel
 * puts in every namespace (sit0, tunl0…) are not endpoints, and dockerd does not list them.
 */
export function parseNetDev(text: string): Record<string, NetworkCounters> {
  const out: Record<string, NetworkCounters> = {};
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    if (!ENDPOINT_IFNAME.test(name)) continue;
    const f = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    if (f.length < 12) continue;
    out[name] = { rx_bytes: f[0], rx_packets: f[1], rx_errors: f[2], rx_dropped: f[3], tx_bytes: f[8], tx_packets: f[9], tx_errors: f[10], tx_dropped: f[11] };
  }
  return out;
}

/** The counters of the namespace `pid` lives in; undefined when the process is gone. */
export function readNetworks(pid: number): Record<string, NetworkCounters> | undefined {
  if (!(pid > 0)) return undefined;
  try {
    return parseNetDev(readFileSync(`/proc/${pid}/net/dev`, 'latin1'));
  } catch {
    return undefined;
  }
}

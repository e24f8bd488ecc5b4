// Where the dashboard listens: --addr HOST:PORT, 127.0.0.1:2378 by default. Beyond loopback only
// with TLS (--tlscert and --tlskey), as berthd refuses plain TCP off loopback (tcp-security.ts):
// the page drives containers, which is root on the host.
import { isLoopbackHost } from '../../daemon/tcp-security.js';

export const DEFAULT_ADDR = '127.0.0.1:2378';

export interface ListenPlan {
  host: string;
  port: number;
  tls?: { cert: string; key: string };
}

export class ListenError extends Error {}

export function planListen(addr: string | undefined, tls: { cert?: string; key?: string }): ListenPlan {
  const value = addr || DEFAULT_ADDR;
  const m = /^(\[[^\]]+\]|[^:]*):(\d+)$/.exec(value);
  if (!m) throw new ListenError(`invalid --addr ${JSON.stringify(value)}: expected HOST:PORT`);
  const host = (m[1] || '127.0.0.1').replace(/^\[|\]$/g, '');
  const port = Number(m[2]);
  if (port > 65535) throw new ListenError(`invalid port in --addr ${value}`);
  if ((tls.cert === undefined) !== (tls.key === undefined)) throw new ListenError('--tlscert and --tlskey go together');
  const withTls = tls.cert !== undefined && tls.key !== undefined ? { cert: tls.cert, key: tls.key } : undefined;
  if (!withTls && !isLoopbackHost(host)) {
    throw new ListenError(`refusing to serve the dashboard on ${value} without TLS: give --tlscert and --tlskey, or listen on 127.0.0.1`);
  }
  return { host, port, tls: withTls };
}

/** The URL a browser opens for `plan` (a wildcard address is shown as this machine's loopback). */
export function baseUrl(plan: ListenPlan, port: number): string {
  const host = plan.host === '0.0.0.0' || plan.host === '::' ? 'localhost' : plan.host.includes(':') ? `[${plan.host}]` : plan.host;
  return `${plan.tls ? 'https' : 'http'}://${host}:${port}`;
}

// Where the daemon is: `-H`/`--host`, then BERTH_HOST, then DOCKER_HOST, then the default
// socket. TCP with TLS takes its files from the flags or DOCKER_CERT_PATH as the docker CLI does.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const DEFAULT_SOCKET = '/run/berth/berth.sock';

export interface TlsFiles {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  /** Check the server certificate against `ca` (--tlsverify). */
  verify: boolean;
}

export type Endpoint =
  | { kind: 'unix'; socketPath: string; url: string }
  | { kind: 'tcp'; host: string; port: number; tls?: TlsFiles; url: string };

export interface HostOptions {
  host?: string;
  tls?: boolean;
  tlsVerify?: boolean;
  tlsCaCert?: string;
  tlsCert?: string;
  tlsKey?: string;
}

type Env = Record<string, string | undefined>;

/** Parses a host URL (`unix:///path`, `tcp://h:p`, `h:p`, `/path`) into an endpoint without TLS. */
export function parseHost(raw: string): Endpoint {
  const value = raw.trim();
  if (value.startsWith('unix://')) {
    const socketPath = value.slice('unix://'.length) || DEFAULT_SOCKET;
    return { kind: 'unix', socketPath, url: `unix://${socketPath}` };
  }
  if (value.startsWith('/')) return { kind: 'unix', socketPath: value, url: `unix://${value}` };
  let rest = value;
  for (const scheme of ['tcp://', 'http://', 'https://']) if (rest.startsWith(scheme)) rest = rest.slice(scheme.length);
  if (rest.includes('://')) throw new Error(`Invalid bind address format: ${raw}`);
  rest = rest.replace(/\/.*$/, '');
  const m = /^(\[[^\]]+\]|[^:]*)(?::(\d+))?$/.exec(rest);
  if (!m) throw new Error(`Invalid bind address format: ${raw}`);
  const host = (m[1] || '127.0.0.1').replace(/^\[|\]$/g, '');
  const port = m[2] ? Number(m[2]) : 2376;
  return { kind: 'tcp', host, port, url: `tcp://${m[1] || '127.0.0.1'}:${port}` };
}

function readIf(path: string | undefined): Buffer | undefined {
  return path ? readFileSync(path) : undefined;
}

/** Resolves flags and environment into the endpoint to dial. */
export function resolveEndpoint(opts: HostOptions, env: Env = process.env): Endpoint {
  const raw = opts.host || env.BERTH_HOST || env.DOCKER_HOST || `unix://${DEFAULT_SOCKET}`;
  const ep = parseHost(raw);
  if (ep.kind !== 'tcp') return ep;
  const verify = opts.tlsVerify ?? (env.DOCKER_TLS_VERIFY !== undefined && env.DOCKER_TLS_VERIFY !== '');
  const wantsTls = opts.tls || verify || opts.tlsCaCert !== undefined || opts.tlsCert !== undefined || opts.tlsKey !== undefined;
  if (!wantsTls) return ep;
  const certDir = env.DOCKER_CERT_PATH || join(homedir(), '.docker');
  const pick = (flag: string | undefined, file: string) => flag ?? join(certDir, file);
  const tryRead = (p: string, explicit: boolean): Buffer | undefined => {
    try {
      return readFileSync(p);
    } catch (e) {
      if (explicit) throw e;
      return undefined;
    }
  };
  return {
    ...ep,
    tls: {
      verify,
      ca: verify ? readIf(pick(opts.tlsCaCert, 'ca.pem')) : tryRead(pick(opts.tlsCaCert, 'ca.pem'), opts.tlsCaCert !== undefined),
      cert: tryRead(pick(opts.tlsCert, 'cert.pem'), opts.tlsCert !== undefined),
      key: tryRead(pick(opts.tlsKey, 'key.pem'), opts.tlsKey !== undefined),
    },
  };
}

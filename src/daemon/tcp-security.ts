// How berthd may listen on a tcp:// host: the rules of dockerd 27+ (cmd/dockerd loadListeners and
// the "Unauthenticated TCP connections" deprecation), decided here as pure code so they can be
// unit-tested without sockets.
//
// - `--tlsverify` (or `tlsverify: true` in the config file): TLS, and every client must present a
//   certificate signed by the CA given with --tlscacert. Only that CA is trusted: Node's `ca` option
//   replaces the public roots, so a certificate from any other authority is refused.
// - `--tls` without verification: TLS but no client authentication; accepted with dockerd's warnings.
// - No TLS: accepted on a loopback address with a warning; anywhere else berthd refuses to start
//   unless the user said so explicitly with `--tls=false` or `--tlsverify=false`.
// berth keeps one stricter rule of its own from before: TLS files given with neither --tls nor
// --tlsverify mean --tlsverify (dockerd would ignore the files and listen in plain text).
import { isIP } from 'node:net';
import { homedir } from 'node:os';
import path from 'node:path';

export interface TcpTlsSettings {
  /** --tls / "tls": undefined when not given, so an explicit false can be told apart. */
  tls?: boolean;
  /** --tlsverify / "tlsverify": undefined when not given. */
  tlsVerify?: boolean;
  tlsCaCert?: string;
  tlsCert?: string;
  tlsKey?: string;
}

export type TcpListenPlan =
  | { mode: 'mtls'; ca: string; cert: string; key: string; warnings: string[] }
  | { mode: 'tls'; cert: string; key: string; warnings: string[] }
  | { mode: 'plain'; warnings: string[] };

export class TcpSecurityError extends Error {}

/** The address of a `tcp://host:port` URL is loopback (127.0.0.0/8, ::1 or the name localhost). */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '');
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1';
  return false;
}

/** Where dockerd looks for TLS files that were not named: $DOCKER_CERT_PATH or ~/.docker. */
export function defaultCertDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_CERT_PATH || path.join(homedir(), '.docker');
}

/** Decides how to serve one tcp:// host, or throws TcpSecurityError when berthd must not start. */
export function planTcpListener(host: string, s: TcpTlsSettings, env: NodeJS.ProcessEnv = process.env): TcpListenPlan {
  const url = new URL(host);
  const filesGiven = s.tlsCaCert !== undefined || s.tlsCert !== undefined || s.tlsKey !== undefined;
  const verify = s.tlsVerify ?? (s.tls === undefined && filesGiven);
  // dockerd: "if they specify TLSVerify at all then we need to turn on TLS".
  const tlsOn = s.tlsVerify !== undefined ? true : s.tls ?? verify;
  const dir = defaultCertDir(env);
  const cert = s.tlsCert ?? path.join(dir, 'cert.pem');
  const key = s.tlsKey ?? path.join(dir, 'key.pem');
  if (tlsOn && verify) return { mode: 'mtls', ca: s.tlsCaCert ?? path.join(dir, 'ca.pem'), cert, key, warnings: [] };
  const insecure = [
    `Binding to IP address without --tlsverify is insecure and gives root access on this machine to everyone who has access to your network. host="${host}"`,
    `Binding to an IP address, even on localhost, can also give access to scripts run in a browser. Be safe out there! host="${host}"`,
  ];
  if (tlsOn) return { mode: 'tls', cert, key, warnings: insecure };
  const explicitlyPlain = s.tls === false || s.tlsVerify === false;
  if (!isLoopbackHost(url.hostname) && !explicitlyPlain) {
    throw new TcpSecurityError(
      `refusing to listen on ${host} without TLS: anyone who reaches it gets root on this host. ` +
        `Use --tlsverify with --tlscacert, --tlscert and --tlskey, or say --tls=false (or "tls": false in the config file) to run without authentication`,
    );
  }
  return { mode: 'plain', warnings: insecure };
}

// Starts the registry HTTP(S) server programmatically (tests, `berth registry serve`).
import http from 'node:http';
import https from 'node:https';
import { promises as fsp } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { AccessPolicy, Htpasswd } from './access.js';
import { Authenticator, AuthSettings } from './auth.js';
import { createRegistryHandler } from './handlers.js';
import { generateTokenKeys, loadTokenKeys } from './jwt.js';
import { RegistryStorage } from './storage.js';

export interface RegistryOptions {
  /** Storage directory. */
  root: string;
  /** Listen address "host:port" (port 0 = random). Default 127.0.0.1:5000. */
  addr?: string;
  /** htpasswd file (bcrypt) or its text. */
  htpasswdFile?: string;
  htpasswdText?: string;
  /** Enables bearer-token auth. */
  token?: {
    realm?: string;
    issuer?: string;
    service?: string;
    /** PEM file: private key (sign + verify) or public key/certificate (verify only). Absent: an ephemeral P-256 key. */
    keyFile?: string;
    ttlSeconds?: number;
  };
  /** ACL file (YAML/JSON list of {account, type?, name, actions}). */
  aclFile?: string;
  tlsCertFile?: string;
  tlsKeyFile?: string;
  readOnly?: boolean;
  log?: (line: string) => void;
}

export interface RunningRegistry {
  url: string;
  host: string;
  port: number;
  storage: RegistryStorage;
  close(): Promise<void>;
}

export function splitAddr(addr: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(addr);
  if (!m) throw new Error(`invalid address ${addr} (want host:port)`);
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port: Number(m[3]) };
}

export async function startRegistry(opts: RegistryOptions): Promise<RunningRegistry> {
  const storage = new RegistryStorage(opts.root);
  await storage.init();
  const htpasswd = opts.htpasswdText !== undefined ? Htpasswd.parse(opts.htpasswdText) : opts.htpasswdFile ? await Htpasswd.load(opts.htpasswdFile) : undefined;
  const policy = opts.aclFile ? await AccessPolicy.loadAcl(opts.aclFile) : new AccessPolicy();
  const settings: AuthSettings = { htpasswd, policy };
  if (opts.token) {
    settings.token = {
      realm: opts.token.realm,
      issuer: opts.token.issuer ?? 'berth-registry',
      service: opts.token.service ?? 'berth-registry',
      keys: opts.token.keyFile ? loadTokenKeys(await fsp.readFile(opts.token.keyFile, 'utf8')) : generateTokenKeys(),
      ttl: opts.token.ttlSeconds ?? 300,
    };
  }
  const handler = createRegistryHandler({ storage, auth: new Authenticator(settings), readOnly: opts.readOnly ?? false, log: opts.log });
  const tls = opts.tlsCertFile && opts.tlsKeyFile;
  const server = tls
    ? https.createServer({ cert: await fsp.readFile(opts.tlsCertFile!), key: await fsp.readFile(opts.tlsKeyFile!) }, handler)
    : http.createServer(handler);
  server.keepAliveTimeout = 30_000;
  // Large layers may take long to stream; only idle connections should time out.
  server.requestTimeout = 0;
  const { host, port } = splitAddr(opts.addr ?? '127.0.0.1:5000');
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    url: `${tls ? 'https' : 'http'}://${urlHost}:${bound}`,
    host: `${urlHost}:${bound}`,
    port: bound,
    storage,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

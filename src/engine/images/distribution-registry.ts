// What pull, push and login need from the daemon side of the registry client: the credentials a
// client sent (X-Registry-Auth), one RegistryClient configured from the engine's insecure
// registries and mirrors, and registry errors translated into dockerd's words and status codes.
import net from 'node:net';
import { EngineError, NotFoundError, SystemError } from '../errors.js';
import { RegistryClient, RegistryHttpError, type Credentials } from '../../registry/client/index.js';
import { DEFAULT_DOMAIN, familiarName, familiarString, type NamedReference } from './reference.js';

/** The registry settings of the engine config (EngineConfig has them under these names). */
export interface RegistrySettings {
  insecureRegistries: string[];
  registryMirrors: string[];
}

/** The decoded X-Registry-Auth header (Docker's registry.AuthConfig). */
export interface RegistryAuth {
  username?: string;
  password?: string;
  auth?: string;
  serveraddress?: string;
  identitytoken?: string;
  registrytoken?: string;
  email?: string;
}

/**
 * Decodes X-Registry-Auth as dockerd does: base64url (padding optional, standard alphabet
 * tolerated) of a JSON AuthConfig. Anything undecodable counts as no credentials.
 */
export function decodeRegistryAuth(header: string | string[] | undefined): RegistryAuth | undefined {
  const raw = Array.isArray(header) ? header[0] : header;
  if (!raw) return undefined;
  try {
    const json = Buffer.from(raw.replace(/\+/g, '-').replace(/\//g, '_'), 'base64url').toString('utf8');
    const parsed = JSON.parse(json) as RegistryAuth;
    return parsed && typeof parsed === 'object' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Credentials from an AuthConfig: username/password, the legacy `auth` field, or an identity token. */
export function credentialsOf(auth: RegistryAuth | undefined): Credentials | undefined {
  if (!auth) return undefined;
  let username = auth.username ?? '';
  let password = auth.password ?? '';
  if (!username && auth.auth) {
    const decoded = Buffer.from(auth.auth, 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i > 0) {
      username = decoded.slice(0, i);
      password = decoded.slice(i + 1);
    }
  }
  if (!username && !auth.identitytoken) return undefined;
  return { username, password, ...(auth.identitytoken ? { identityToken: auth.identitytoken } : {}) };
}

/** True when `host` (host[:port]) is an IP literal inside one of the CIDRs (insecure-registries may list ranges). */
function inCidr(host: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  const ip = host.replace(/:\d+$/, '');
  if (!net.isIPv4(ip) || !net.isIPv4(base ?? '') || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const toInt = (a: string) => a.split('.').reduce((n, o) => (n << 8) + Number(o), 0) >>> 0;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (toInt(ip) & mask) === (toInt(base!) & mask);
}

/** The insecure-registry list for the client: host entries as given, plus `host` when a CIDR covers it. */
export function insecureListFor(settings: RegistrySettings, host: string): string[] {
  const list = settings.insecureRegistries.filter((r) => !r.includes('/') || /^[a-z]+:\/\//.test(r));
  if (settings.insecureRegistries.some((r) => /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(r) && inCidr(host, r))) list.push(host);
  return list;
}

/** A registry client for one operation on `ref`'s registry; credentials go to that registry only. */
export function clientFor(settings: RegistrySettings, ref: NamedReference, auth?: RegistryAuth, retries = 3): RegistryClient {
  const creds = credentialsOf(auth);
  const mirrors = settings.registryMirrors.map((m) => (/^[a-z]+:\/\//.test(m) ? m : `https://${m}`)).map((m) => m.replace(/\/+$/, ''));
  return new RegistryClient({
    credentials: (registry) => (registry === ref.domain ? creds : undefined),
    insecureRegistries: insecureListFor(settings, ref.domain),
    // dockerd uses mirrors for Docker Hub only.
    mirrors: mirrors.length ? { [DEFAULT_DOMAIN]: mirrors } : undefined,
    retries,
    retryBaseMs: 250,
    userAgent: 'docker/28.2.2 berth',
  });
}

/** The /v2/ URL dockerd would have used (for network error messages). */
function pingUrl(ref: NamedReference, settings: RegistrySettings): string {
  const host = ref.domain === DEFAULT_DOMAIN ? 'registry-1.docker.io' : ref.domain;
  const insecure = /^(localhost|127\.\d+\.\d+\.\d+)(:\d+)?$/.test(host) || insecureListFor(settings, host).includes(host);
  return `${insecure ? 'http' : 'https'}://${host}/v2/`;
}

function errcodeText(e: RegistryHttpError): string {
  const first = e.errors[0];
  if (!first?.code) return e.message;
  return `${first.code.toLowerCase().replace(/_/g, ' ')}: ${first.message ?? ''}`;
}

/**
 * dockerd's translation of pull errors (distribution/errors.go): unknown manifest, unknown
 * repository and denied access become 404s naming the image; network failures keep Go's wording.
 */
export function translatePullError(e: unknown, ref: NamedReference, settings: RegistrySettings): Error {
  if (e instanceof EngineError) return e;
  if (e instanceof RegistryHttpError) {
    // The client's own "no matching manifest for linux/s390x in the manifest list entries".
    if (e.code === 'MANIFEST_UNKNOWN' && e.errors[0]?.message === undefined) return new NotFoundError(e.message);
    switch (e.code) {
      case 'MANIFEST_UNKNOWN':
        return new NotFoundError(`manifest for ${familiarString(ref)} not found: ${errcodeText(e)}`);
      case 'NAME_UNKNOWN':
        return new NotFoundError(`repository ${familiarName(ref)} not found: ${errcodeText(e)}`);
      case 'DENIED':
      case 'UNAUTHORIZED':
        return new NotFoundError(`pull access denied for ${familiarName(ref)}, repository does not exist or may require 'docker login': ${errcodeText(e)}`);
    }
    if (e.status === 401) {
      return new NotFoundError(`pull access denied for ${familiarName(ref)}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied`);
    }
    if (e.status === 404) return new NotFoundError(`manifest for ${familiarString(ref)} not found: manifest unknown: manifest unknown`);
    return new SystemError(errcodeText(e));
  }
  return networkError(e, ref, settings);
}

/** Push errors: denied/unauthorized keep the registry's words as dockerd prints them. */
export function translatePushError(e: unknown, ref: NamedReference, settings: RegistrySettings): Error {
  if (e instanceof EngineError) return e;
  if (e instanceof RegistryHttpError) {
    if (e.code) return new SystemError(errcodeText(e));
    if (e.status === 401) return new SystemError('unauthorized: authentication required');
    return new SystemError(e.message);
  }
  return networkError(e, ref, settings);
}

function networkError(e: unknown, ref: NamedReference, settings: RegistrySettings): Error {
  const err = e as { code?: string; message?: string };
  const host = ref.domain === DEFAULT_DOMAIN ? 'registry-1.docker.io' : ref.domain;
  const hostPort = /:\d+$/.test(host) ? host : `${host}:443`;
  switch (err?.code) {
    case 'ECONNREFUSED':
      return new SystemError(`Get "${pingUrl(ref, settings)}": dial tcp ${hostPort}: connect: connection refused`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new SystemError(`Get "${pingUrl(ref, settings)}": dial tcp: lookup ${host.replace(/:\d+$/, '')}: no such host`);
    case 'ECONNRESET':
      return new SystemError(`Get "${pingUrl(ref, settings)}": read tcp: connection reset by peer`);
  }
  return new SystemError(err?.message ?? String(e));
}

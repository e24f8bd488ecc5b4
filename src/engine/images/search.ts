// GET /images/search: the registry's v1 search endpoint, asked as dockerd asks it (registry/search.go,
// search_endpoint_v1.go, search_session.go): Docker Hub's index directly; a private index only after
// a v1 ping (HTTPS, then HTTP for an insecure one). An index that cannot be reached is an error in
// dockerd's words, not a hang or a 404.
import http from 'node:http';
import https from 'node:https';
import { InvalidArgumentError, SystemError } from '../errors.js';
import { insecureListFor, type RegistrySettings } from './distribution-registry.js';

export interface SearchResult {
  star_count: number;
  is_official: boolean;
  name: string;
  is_automated: boolean;
  description: string;
}

export interface SearchOptions {
  term: string;
  /** 0: dockerd's default of 25. */
  limit: number;
  filters: Map<string, string[]>;
  /** X-Meta-* headers and the like, passed on to the index. */
  headers?: Record<string, string>;
}

const INDEX_NAME = 'docker.io';
const INDEX_SERVER = 'https://index.docker.io/v1/';
const DEFAULT_LIMIT = 25;
const TIMEOUT_MS = 15_000;

/** `reg.example:5000/x` → that index; `x`, `user/x` → Docker Hub (registry.splitReposSearchTerm). */
function splitSearchTerm(term: string): { index: string; remote: string } {
  const parts = term.split('/');
  if (parts.length === 1) return { index: INDEX_NAME, remote: term };
  const first = parts[0];
  if (!first.includes('.') && !first.includes(':') && first !== 'localhost') return { index: INDEX_NAME, remote: term };
  return { index: first === 'index.docker.io' ? INDEX_NAME : first, remote: parts.slice(1).join('/') };
}

function boolFilter(filters: Map<string, string[]>, key: string): boolean | undefined {
  const vals = filters.get(key);
  if (!vals || vals.length === 0) return undefined;
  // filters.GetBoolOrDefault: every value must be a boolean; any true wins.
  let out = false;
  for (const v of vals) {
    const lower = v.toLowerCase();
    if (lower === 'true' || lower === '1') out = true;
    else if (lower !== 'false' && lower !== '0') throw new InvalidArgumentError(`invalid filter '${key}=${v}'`);
  }
  return out;
}

/** Go's net/http client error text for a failed request. */
function goRequestError(method: string, url: string, e: any): string {
  const u = new URL(url);
  const hostPort = `${u.hostname}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`;
  let detail: string;
  switch (e?.code) {
    case 'ECONNREFUSED':
      detail = `dial tcp ${hostPort}: connect: connection refused`;
      break;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      detail = `dial tcp: lookup ${u.hostname}: no such host`;
      break;
    case 'ECONNRESET':
      detail = `read tcp ${hostPort}: read: connection reset by peer`;
      break;
    case 'ETIMEDOUT':
      detail = `dial tcp ${hostPort}: i/o timeout`;
      break;
    case 'EPROTO':
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
      detail = 'http: server gave HTTP response to HTTPS client';
      break;
    default:
      detail = String(e?.message ?? e);
  }
  return `${method} "${url}": ${detail}`;
}

function get(url: string, headers: Record<string, string>): Promise<{ status: number; body: string; header: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const mod = url.startsWith('https:') ? https : http;
    const req = mod.get(url, { headers, timeout: TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > 8 * 1024 * 1024) req.destroy(new Error('search response too large'));
        else chunks.push(c);
      });
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), header: res.headers }));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (e) => reject(new Error(goRequestError('Get', url, e))));
  });
}

/** The index's v1 root, pinged as dockerd pings a private index before searching it. */
async function v1Endpoint(settings: RegistrySettings, index: string, headers: Record<string, string>): Promise<string> {
  if (index === INDEX_NAME) return INDEX_SERVER;
  const insecure = /^(localhost|127\.\d+\.\d+\.\d+)(:\d+)?$/.test(index) || insecureListFor(settings, index).includes(index);
  const https = `https://${index}/v1/`;
  try {
    await get(`${https}_ping`, headers);
    return https;
  } catch (e: any) {
    if (!insecure) {
      throw new InvalidArgumentError(
        `invalid registry endpoint ${https}: ${e.message}. If this private registry supports only HTTP or HTTPS with an unknown CA certificate, please add \`--insecure-registry ${index}\` to the daemon's arguments. In the case of HTTPS, if you have access to the registry's CA certificate, no need for the flag; simply place the CA certificate at /etc/docker/certs.d/${index}/ca.crt`,
      );
    }
    const plain = `http://${index}/v1/`;
    try {
      await get(`${plain}_ping`, headers);
      return plain;
    } catch (e2: any) {
      throw new InvalidArgumentError(`invalid registry endpoint ${JSON.stringify(plain)}. HTTPS attempt: ${e.message}. HTTP attempt: ${e2.message}`);
    }
  }
}

export async function searchImages(settings: RegistrySettings, o: SearchOptions): Promise<SearchResult[]> {
  for (const k of o.filters.keys()) if (!['is-automated', 'is-official', 'stars'].includes(k)) throw new InvalidArgumentError(`invalid filter '${k}'`);
  if (boolFilter(o.filters, 'is-automated')) return [];
  const official = boolFilter(o.filters, 'is-official');
  let minStars = 0;
  for (const s of o.filters.get('stars') ?? []) {
    if (!/^[+-]?\d+$/.test(s)) throw new InvalidArgumentError(`invalid filter 'stars=${s}': strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
    minStars = Math.max(minStars, Number(s));
  }
  if (o.term.includes('://')) throw new InvalidArgumentError(`invalid repository name: repository name (${o.term}) should not have a scheme`);
  const { index, remote: rawRemote } = splitSearchTerm(o.term);
  const remote = index === INDEX_NAME ? rawRemote.replace(/^library\//, '') : rawRemote;
  const headers = { 'User-Agent': 'docker/28.2.2 berth', ...o.headers };
  const endpoint = await v1Endpoint(settings, index, headers);
  const limit = o.limit === 0 ? DEFAULT_LIMIT : o.limit;
  if (limit < 1 || limit > 100) throw new InvalidArgumentError(`limit ${limit} is outside the range of [1, 100]`);
  const url = `${endpoint}search?q=${encodeURIComponent(remote).replace(/%20/g, '+')}&n=${limit}`;
  let res;
  try {
    res = await get(url, { ...headers, 'X-Docker-Token': 'true' });
  } catch (e: any) {
    throw new SystemError(e.message);
  }
  if (res.status !== 200) throw new SystemError(`Unexpected status code ${res.status}`);
  let parsed: { results?: SearchResult[] };
  try {
    parsed = JSON.parse(res.body);
  } catch (e: any) {
    throw new SystemError(`error decoding registry search results: ${e.message}`);
  }
  return (parsed.results ?? [])
    .filter((r) => official === undefined || Boolean(r.is_official) === official)
    .filter((r) => (r.star_count ?? 0) >= minStars)
    .map((r) => ({ star_count: r.star_count ?? 0, is_official: Boolean(r.is_official), name: r.name, is_automated: false, description: r.description ?? '' }));
}

// HTTP to one registry: picks https or (for insecure registries) http, authenticates (anonymous,
// Basic, or the bearer-token flow with tokens cached per scope), retries transient failures with
// backoff. Bodies are Buffers or re-openable stream factories, so a retry can send them again.
import http, { IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { Challenge, parseChallenges } from './challenge.js';
import type { Credentials } from './credentials.js';

export type Body = Buffer | (() => Readable);

export interface RequestSpec {
  method: string;
  /** Path and query ("/v2/…") or an absolute URL (from a Location header). */
  path: string;
  headers?: Record<string, string | number>;
  body?: Body;
  /** Scopes the request needs ("repository:x:pull"); the bearer token is fetched for them. */
  scopes?: string[];
  /** Status codes returned to the caller instead of raising (default: 2xx). */
  okStatus?: number[];
  /** Retry on 5xx / network errors (default true; off for non-idempotent chunk PATCHes with streams). */
  retry?: boolean;
}

export interface TransportOptions {
  /** Use plain HTTP (after trying HTTPS) and skip TLS verification for this registry. */
  insecure: boolean;
  credentials?: Credentials;
  retries: number;
  retryBaseMs: number;
  userAgent: string;
  timeoutMs: number;
}

export class RegistryHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors: Array<{ code?: string; message?: string; detail?: unknown }> = [],
    readonly challenge?: string,
  ) {
    super(message);
  }
  get code(): string | undefined {
    return this.errors[0]?.code;
  }
}

const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'ECONNABORTED']);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function readAll(res: Readable, limit = 16 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of res) {
    size += (c as Buffer).length;
    if (size > limit) throw new Error(`response larger than ${limit} bytes`);
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

async function errorFrom(res: IncomingMessage, what: string): Promise<RegistryHttpError> {
  const text = (await readAll(res, 1 << 20).catch(() => Buffer.alloc(0))).toString('utf8');
  let errors: RegistryHttpError['errors'] = [];
  try {
    errors = (JSON.parse(text) as { errors?: RegistryHttpError['errors'] }).errors ?? [];
  } catch {}
  const msg = errors.length ? errors.map((e) => `${e.code}: ${e.message}`).join('; ') : text.trim().slice(0, 200) || res.statusMessage || '';
  return new RegistryHttpError(res.statusCode ?? 0, `${what}: ${res.statusCode} ${msg}`, errors, res.headers['www-authenticate']);
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

export class RegistryTransport {
  private baseUrl?: string;
  private challenge?: Challenge;
  private pinged = false;
  private readonly tokens = new Map<string, CachedToken>();
  private readonly agent: http.Agent;
  private readonly tlsAgent: https.Agent;

  constructor(
    /** host[:port] the API is served on. */
    readonly host: string,
    private readonly opts: TransportOptions,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    this.tlsAgent = new https.Agent({ keepAlive: true, maxSockets: 16, rejectUnauthorized: !opts.insecure });
  }

  close(): void {
    this.agent.destroy();
    this.tlsAgent.destroy();
  }

  /** One raw HTTP exchange; resolves with the response (body unread). */
  private raw(url: URL, method: string, headers: Record<string, string | number>, body?: Body): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const isHttps = url.protocol === 'https:';
      const req = (isHttps ? https : http).request(
        url,
        { method, headers: { 'User-Agent': this.opts.userAgent, ...headers }, agent: isHttps ? this.tlsAgent : this.agent, timeout: this.opts.timeoutMs },
        resolve,
      );
      req.on('error', reject);
      req.on('timeout', () => req.destroy(Object.assign(new Error(`timeout talking to ${url.host}`), { code: 'ETIMEDOUT' })));
      if (body === undefined) req.end();
      else if (Buffer.isBuffer(body)) req.end(body);
      else {
        const src = body();
        src.on('error', (e) => req.destroy(e));
        src.pipe(req);
      }
    });
  }

  /** Resolves the base URL (https, or http for insecure registries) and the auth challenge via GET /v2/. */
  async ping(): Promise<{ challenge?: Challenge; status: number; headers: IncomingMessage['headers'] }> {
    const candidates = this.opts.insecure ? [`https://${this.host}`, `http://${this.host}`] : [`https://${this.host}`];
    let lastErr: unknown;
    for (const base of candidates) {
      for (let attempt = 0; attempt <= this.opts.retries; attempt++) {
        try {
          const res = await this.raw(new URL('/v2/', base), 'GET', {});
          res.resume();
          if (res.statusCode === 401) {
            const header = res.headers['www-authenticate'];
            const cs = header ? parseChallenges(header) : [];
            this.challenge = cs.find((c) => c.scheme === 'bearer') ?? cs.find((c) => c.scheme === 'basic');
          } else if ((res.statusCode ?? 500) >= 500 && attempt < this.opts.retries) {
            await sleep(this.opts.retryBaseMs * 2 ** attempt);
            continue;
          } else if (res.statusCode !== 200) {
            throw new RegistryHttpError(res.statusCode ?? 0, `ping ${base}: unexpected status ${res.statusCode}`);
          }
          this.baseUrl = base;
          this.pinged = true;
          return { challenge: this.challenge, status: res.statusCode, headers: res.headers };
        } catch (e: any) {
          lastErr = e;
          if (e instanceof RegistryHttpError) throw e;
          // A TLS failure against a plain-HTTP registry: move on to http at once.
          if (!TRANSIENT_CODES.has(e?.code) || e?.code === 'ECONNRESET') break;
          if (attempt < this.opts.retries) await sleep(this.opts.retryBaseMs * 2 ** attempt);
        }
      }
    }
    throw lastErr instanceof Error ? lastErr : new Error(`cannot reach registry ${this.host}`);
  }

  /** The Authorization header for `scopes`, fetching a bearer token if needed. */
  private async authorization(scopes: string[]): Promise<string | undefined> {
    const c = this.challenge;
    const creds = this.opts.credentials;
    if (!c) return undefined;
    if (c.scheme === 'basic') return creds ? `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}` : undefined;
    const key = [...scopes].sort().join(' ');
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt > Date.now()) return `Bearer ${cached.token}`;
    const token = await this.fetchToken(c, scopes);
    return `Bearer ${token}`;
  }

  /** Docker's token flow: GET realm?service=&scope=… (Basic credentials if we have them). */
  async fetchToken(c: Challenge, scopes: string[]): Promise<string> {
    const realm = c.params.realm;
    if (!realm) throw new Error(`registry ${this.host} sent a bearer challenge without realm`);
    const url = new URL(realm);
    const creds = this.opts.credentials;
    let res: IncomingMessage;
    if (creds?.identityToken) {
      // OAuth2 refresh-token grant, as docker does with an identity token from login.
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: creds.identityToken, client_id: 'berth', service: c.params.service ?? '' });
      for (const s of scopes) form.append('scope', s);
      res = await this.raw(url, 'POST', { 'Content-Type': 'application/x-www-form-urlencoded' }, Buffer.from(form.toString()));
    } else {
      if (c.params.service) url.searchParams.set('service', c.params.service);
      for (const s of scopes) url.searchParams.append('scope', s);
      if (creds) url.searchParams.set('account', creds.username);
      const headers: Record<string, string> = {};
      if (creds) headers.Authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
      res = await this.raw(url, 'GET', headers);
    }
    if (res.statusCode !== 200) throw await errorFrom(res, `token from ${url.origin}${url.pathname}`);
    const body = JSON.parse((await readAll(res, 1 << 20)).toString('utf8')) as { token?: string; access_token?: string; expires_in?: number };
    const token = body.token ?? body.access_token;
    if (!token) throw new Error(`token endpoint ${url.origin} returned no token`);
    const ttl = Math.max(60, body.expires_in ?? 60);
    // Renew a little early so a token never expires in the middle of a request.
    this.tokens.set([...scopes].sort().join(' '), { token, expiresAt: Date.now() + (ttl - 10) * 1000 });
    return token;
  }

  async baseUrlResolved(): Promise<string> {
    if (!this.pinged) await this.ping();
    return this.baseUrl!;
  }

  /**
   * Sends a request. On 401 it re-reads the challenge, drops the cached token and tries once more;
   * transient errors (network, 5xx, 429) are retried with exponential backoff.
   */
  async request(spec: RequestSpec): Promise<IncomingMessage> {
    const base = await this.baseUrlResolved();
    const url = new URL(spec.path, base);
    const ok = spec.okStatus;
    const scopes = spec.scopes ?? [];
    const canRetry = spec.retry !== false;
    let authRetried = false;
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string | number> = { ...(spec.headers ?? {}) };
      const auth = await this.authorization(scopes);
      if (auth) headers.Authorization = auth;
      let res: IncomingMessage;
      try {
        res = await this.raw(url, spec.method, headers, spec.body);
      } catch (e: any) {
        if (canRetry && attempt < this.opts.retries && TRANSIENT_CODES.has(e?.code)) {
          await sleep(this.opts.retryBaseMs * 2 ** attempt);
          continue;
        }
        throw e;
      }
      const status = res.statusCode ?? 0;
      if (status === 401 && !authRetried) {
        authRetried = true;
        const header = res.headers['www-authenticate'];
        res.resume();
        const cs = header ? parseChallenges(header) : [];
        const next = cs.find((c) => c.scheme === 'bearer') ?? cs.find((c) => c.scheme === 'basic');
        if (next && (this.challenge?.scheme !== next.scheme || !this.opts.credentials || next.params.error === 'invalid_token' || next.scheme === 'bearer')) {
          this.challenge = next;
          this.tokens.delete([...scopes].sort().join(' '));
          attempt--;
          continue;
        }
        throw new RegistryHttpError(401, `${spec.method} ${url.pathname}: unauthorized`, [], header);
      }
      if ((status >= 500 || status === 429) && canRetry && attempt < this.opts.retries) {
        res.resume();
        const retryAfter = Number(res.headers['retry-after']);
        await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter * 1000, 10_000) : this.opts.retryBaseMs * 2 ** attempt);
        continue;
      }
      if ((status >= 200 && status < 300) || ok?.includes(status)) return res;
      throw await errorFrom(res, `${spec.method} ${url.pathname}`);
    }
  }
}

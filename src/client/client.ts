// The typed Engine API client: HTTP over a unix socket or TCP (+TLS), JSON in and out,
// streaming responses, and hijacked (HTTP upgrade) connections for attach and exec.
// Paths are sent unversioned: berthd and dockerd both serve their newest API there, which
// saves the version-negotiation ping on every CLI call.
import http from 'node:http';
import { createRequire } from 'node:module';
import type { Duplex } from 'node:stream';
import { ApiError, ConnectionError } from './errors.js';
import { defaultTrustWithDeferred, deferredExtraCaFile } from './extra-ca.js';
import type { Endpoint } from './host.js';
import { jsonLines } from './jsonstream.js';

export type QueryValue = string | number | boolean | undefined | null | string[];
export type Query = Record<string, QueryValue>;

export interface RequestOptions {
  query?: Query;
  /** JSON-encoded as the request body. */
  body?: unknown;
  /** Sent as is (a tar archive, for instance); `contentType` says what it is. */
  rawBody?: NodeJS.ReadableStream | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface Hijacked {
  /** The upgraded connection: read the output stream, write stdin, `end()` to half-close. */
  socket: Duplex;
  /** Bytes of the stream that arrived together with the 101 response. */
  head: Buffer;
  /**
   * The daemon said the stream is framed (API >= 1.42). Older daemons say raw-stream either way,
   * so callers decide by the container's or exec's Tty setting.
   */
  multiplexed: boolean;
}

/** Builds `?a=1&b=x`: true becomes "1", false/undefined/null are left out (Docker's habit). */
export function encodeQuery(query: Query | undefined): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === false) continue;
    if (Array.isArray(v)) {
      for (const item of v) parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(item)}`);
      continue;
    }
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(v === true ? '1' : String(v))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

/** Docker's `filters` query value: `{"name":["a","b"]}`; undefined when there are none. */
export function encodeFilters(filters: string[] | Map<string, string[]>): string | undefined {
  const map = new Map<string, string[]>();
  if (filters instanceof Map) for (const [k, v] of filters) map.set(k, v);
  else
    for (const f of filters) {
      const eq = f.indexOf('=');
      const key = (eq >= 0 ? f.slice(0, eq) : f).trim();
      const value = eq >= 0 ? f.slice(eq + 1) : '';
      map.set(key, [...(map.get(key) ?? []), value]);
    }
  if (map.size === 0) return undefined;
  const obj: Record<string, Record<string, boolean>> = {};
  for (const [k, vs] of map) {
    obj[k] = {};
    for (const v of vs) obj[k][v] = true;
  }
  return JSON.stringify(obj);
}

async function readAll(res: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(chunks);
}

/** The daemon's error text: `{"message": …}` or the body as text. */
export function errorMessage(status: number, body: Buffer): string {
  const text = body.toString('utf8').trim();
  if (text) {
    try {
      const parsed = JSON.parse(text) as { message?: unknown };
      if (parsed && typeof parsed.message === 'string') return parsed.message;
    } catch {}
    return text;
  }
  return http.STATUS_CODES[status] ?? `status ${status}`;
}

export class EngineClient {
  private readonly agent: http.Agent;
  private readonly transport: Pick<typeof http, 'request'>;

  constructor(
    readonly endpoint: Endpoint,
    private readonly userAgent = 'berth-cli',
  ) {
    const tls = endpoint.kind === 'tcp' ? endpoint.tls : undefined;
    if (!tls) {
      this.transport = http;
      this.agent = new http.Agent({ keepAlive: true });
      return;
    }
    // node:https pulls in tls and crypto (~6 ms of every CLI call): loaded only for TLS endpoints.
    const load = createRequire(import.meta.url);
    const https = load('node:https') as typeof import('node:https');
    // Verifying with Node's default trust: add the extra CAs bin/berth kept from Node's start-up.
    const ca = tls.ca ?? (tls.verify ? defaultTrustWithDeferred(deferredExtraCaFile(), (load('node:tls') as typeof import('node:tls')).rootCertificates) : undefined);
    this.transport = https;
    this.agent = new https.Agent({ keepAlive: true, ca, cert: tls.cert, key: tls.key, rejectUnauthorized: tls.verify });
  }

  private requestOptions(method: string, path: string, opts: RequestOptions): http.RequestOptions {
    const headers: Record<string, string> = { 'User-Agent': this.userAgent, ...opts.headers };
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    else if (opts.rawBody !== undefined) headers['Content-Type'] = opts.contentType ?? 'application/x-tar';
    const base: http.RequestOptions = { method, path: path + encodeQuery(opts.query), headers, agent: this.agent, signal: opts.signal };
    // An empty servername stops the agent from working one out (net.isIP's IPv6 regex costs ~5 ms
    // to compile on a CLI call); there is no TLS on a unix socket to name a server for.
    if (this.endpoint.kind === 'unix') {
      const unix: http.RequestOptions & { servername: string } = { ...base, socketPath: this.endpoint.socketPath, servername: '' };
      return unix;
    }
    return { ...base, host: this.endpoint.host, port: this.endpoint.port };
  }

  private send(req: http.ClientRequest, opts: RequestOptions): void {
    if (opts.body !== undefined) req.end(JSON.stringify(opts.body));
    else if (Buffer.isBuffer(opts.rawBody)) req.end(opts.rawBody);
    else if (opts.rawBody) {
      (opts.rawBody as NodeJS.ReadableStream).on('error', (e: Error) => req.destroy(e));
      opts.rawBody.pipe(req);
    } else req.end();
  }

  private wrapError(e: unknown): Error {
    const err = e as NodeJS.ErrnoException;
    if (err && ['ENOENT', 'ECONNREFUSED', 'EACCES', 'ECONNRESET', 'EHOSTUNREACH', 'ETIMEDOUT'].includes(err.code ?? '') && err.syscall === 'connect') {
      return new ConnectionError(this.endpoint.url, err);
    }
    return err instanceof Error ? err : new Error(String(e));
  }

  /** Sends a request; a status >= 400 is read and thrown as ApiError. The caller consumes the body. */
  request(method: string, path: string, opts: RequestOptions = {}): Promise<http.IncomingMessage> {
    return new Promise((resolve, reject) => {
      const mod = this.transport;
      const req = mod.request(this.requestOptions(method, path, opts), (res) => {
        const status = res.statusCode ?? 0;
        if (status < 400) return resolve(res);
        readAll(res).then(
          (body) => reject(new ApiError(status, errorMessage(status, body))),
          (e) => reject(this.wrapError(e)),
        );
      });
      req.on('error', (e) => reject(this.wrapError(e)));
      this.send(req, opts);
    });
  }

  /** A request whose answer is JSON (or empty → undefined). */
  async json<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.request(method, path, opts);
    const body = await readAll(res);
    const text = body.toString('utf8').trim();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async get<T>(path: string, query?: Query): Promise<T> {
    return this.json<T>('GET', path, { query });
  }

  /** A request whose answer body does not matter (204s, 201s). */
  async call(method: string, path: string, opts: RequestOptions = {}): Promise<void> {
    const res = await this.request(method, path, opts);
    res.resume();
    await new Promise<void>((resolve) => {
      res.on('end', resolve);
      res.on('close', resolve);
    });
  }

  /** A newline-delimited JSON stream (pull, push, load, build, events). */
  async *jsonStream<T>(method: string, path: string, opts: RequestOptions = {}): AsyncGenerator<T> {
    const res = await this.request(method, path, opts);
    yield* jsonLines<T>(res);
  }

  /**
   * Opens a hijacked connection (`Connection: Upgrade`, `Upgrade: tcp`) as the docker CLI does for
   * attach and exec start. A daemon that answers 200 without upgrading gets its body used read-only.
   */
  hijack(method: string, path: string, opts: RequestOptions = {}): Promise<Hijacked> {
    const headers = { ...opts.headers, Connection: 'Upgrade', Upgrade: 'tcp' };
    return new Promise((resolve, reject) => {
      const mod = this.transport;
      // A hijacked socket must not go back into the keep-alive pool.
      const ro = { ...this.requestOptions(method, path, { ...opts, headers }), agent: false as const };
      if (opts.body === undefined) (ro.headers as Record<string, string>)['Content-Type'] = 'text/plain';
      const req = mod.request(ro);
      req.on('upgrade', (res, socket, head) => {
        resolve({ socket, head, multiplexed: res.headers['content-type'] === 'application/vnd.docker.multiplexed-stream' });
      });
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 400) {
          readAll(res).then((body) => reject(new ApiError(status, errorMessage(status, body))), reject);
          return;
        }
        resolve({ socket: res as unknown as Duplex, head: Buffer.alloc(0), multiplexed: res.headers['content-type'] === 'application/vnd.docker.multiplexed-stream' });
      });
      req.on('error', (e) => reject(this.wrapError(e)));
      this.send(req, opts);
    });
  }

  /** Lets the process exit: drops idle keep-alive connections. */
  close(): void {
    this.agent.destroy();
  }
}

// The Engine API client's transport: HTTP over a unix socket or TCP (+TLS), JSON in and out,
// streaming responses, and hijacked (HTTP upgrade) connections for attach and exec. The typed
// methods (client.ts and its groups) build paths and queries on top of it; nothing else should.
// Paths are sent unversioned: berthd and dockerd both serve their newest API there, which
// saves the version-negotiation ping on every CLI call.
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { ApiError, ConnectionError } from './errors.js';
import { defaultTrustWithDeferred, deferredExtraCaFile } from './extra-ca.js';
import type { Endpoint, TlsFiles } from './host.js';
import { HttpConnections, type Dial, type HttpResponse, type HttpRequest } from './http1.js';
import { jsonLines } from './jsonstream.js';

export type { HttpResponse };

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

export async function readAll(res: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(chunks);
}

/** The daemon's error text: `{"message": …}` or the body as text. */
export function errorMessage(status: number, body: Buffer, reason = ''): string {
  const text = body.toString('utf8').trim();
  if (text) {
    try {
      const parsed = JSON.parse(text) as { message?: unknown };
      if (parsed && typeof parsed.message === 'string') return parsed.message;
    } catch {}
    return text;
  }
  return STATUS_TEXT[status] ?? (reason || `status ${status}`);
}

/** Reason phrases for the statuses the daemon answers with (node:http's table, which is not loaded). */
const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  416: 'Range Not Satisfiable',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** What the typed client needs from a transport; unit tests substitute a recording fake. */
export interface ApiTransport {
  /** Sends a request; a status >= 400 is read and thrown as ApiError. The caller consumes the body. */
  request(method: string, path: string, opts?: RequestOptions): Promise<HttpResponse>;
  /** A request whose answer is JSON (or empty → undefined). */
  json<T>(method: string, path: string, opts?: RequestOptions): Promise<T>;
  /** A request whose answer body does not matter (204s, 201s). */
  call(method: string, path: string, opts?: RequestOptions): Promise<void>;
  /** A newline-delimited JSON stream (pull, push, load, build, events, stats). */
  jsonStream<T>(method: string, path: string, opts?: RequestOptions): AsyncGenerator<T>;
  /** An upgraded connection (attach, exec start). */
  hijack(method: string, path: string, opts?: RequestOptions): Promise<Hijacked>;
  /** Lets the process exit: drops idle keep-alive connections. */
  close(): void;
}

export class HttpTransport implements ApiTransport {
  private readonly connections: HttpConnections;

  constructor(
    readonly endpoint: Endpoint,
    private readonly userAgent = 'berth-cli',
  ) {
    this.connections = new HttpConnections(dialer(endpoint), hostHeader(endpoint));
  }

  private httpRequest(method: string, path: string, opts: RequestOptions, extraHeaders?: Record<string, string>): HttpRequest {
    const headers: Record<string, string> = { 'User-Agent': this.userAgent, ...opts.headers, ...extraHeaders };
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    else if (opts.rawBody !== undefined) headers['Content-Type'] = opts.contentType ?? 'application/x-tar';
    const body = opts.body !== undefined ? JSON.stringify(opts.body) : opts.rawBody;
    return { method, path: path + encodeQuery(opts.query), headers, body, signal: opts.signal };
  }

  private wrapError(e: unknown): Error {
    const err = e as NodeJS.ErrnoException;
    if (err && ['ENOENT', 'ECONNREFUSED', 'EACCES', 'ECONNRESET', 'EHOSTUNREACH', 'ETIMEDOUT'].includes(err.code ?? '') && err.syscall === 'connect') {
      return new ConnectionError(this.endpoint.url, err);
    }
    return err instanceof Error ? err : new Error(String(e));
  }

  /** Sends a request; a status >= 400 is read and thrown as ApiError. The caller consumes the body. */
  async request(method: string, path: string, opts: RequestOptions = {}): Promise<HttpResponse> {
    let res: HttpResponse;
    try {
      ({ response: res } = await this.connections.exchange(this.httpRequest(method, path, opts)));
    } catch (e) {
      throw this.wrapError(e);
    }
    if (res.statusCode < 400) return res;
    throw await this.readError(res);
  }

  private async readError(res: HttpResponse): Promise<Error> {
    try {
      return new ApiError(res.statusCode, errorMessage(res.statusCode, await readAll(res), res.statusMessage));
    } catch (e) {
      return this.wrapError(e);
    }
  }

  /** A request whose answer is JSON (or empty → undefined). */
  async json<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.request(method, path, opts);
    const body = await readAll(res);
    const text = body.toString('utf8').trim();
    return (text ? JSON.parse(text) : undefined) as T;
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
  async hijack(method: string, path: string, opts: RequestOptions = {}): Promise<Hijacked> {
    const req = this.httpRequest(method, path, opts, { Connection: 'Upgrade', Upgrade: 'tcp' });
    if (opts.body === undefined) req.headers['Content-Type'] = 'text/plain';
    let exchange;
    try {
      exchange = await this.connections.exchange({ ...req, upgrade: true });
    } catch (e) {
      throw this.wrapError(e);
    }
    const { response } = exchange;
    const multiplexed = response.headers['content-type'] === 'application/vnd.docker.multiplexed-stream';
    if (exchange.kind === 'upgrade') return { socket: exchange.socket, head: exchange.head, multiplexed };
    if (response.statusCode >= 400) throw await this.readError(response);
    return { socket: response as unknown as Duplex, head: Buffer.alloc(0), multiplexed };
  }

  /** Lets the process exit: drops idle keep-alive connections. */
  close(): void {
    this.connections.close();
  }
}

/** The Host header node:http would send: "localhost" on a unix socket, else host:port ([v6]:port). */
function hostHeader(endpoint: Endpoint): string {
  if (endpoint.kind === 'unix') return 'localhost';
  return `${endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host}:${endpoint.port}`;
}

/** How to open a connection to the endpoint: a unix socket, TCP, or TLS over TCP. */
function dialer(endpoint: Endpoint): Dial {
  if (endpoint.kind === 'unix') return () => net.connect({ path: endpoint.socketPath });
  const { host, port, tls } = endpoint;
  if (!tls) return () => net.connect({ host, port, noDelay: true });
  // node:tls (and crypto) load only for TLS endpoints: ~6 ms that other calls need not pay.
  return async () => {
    const { connect, rootCertificates } = await import('node:tls');
    const ca = tlsTrust(tls, rootCertificates);
    return connect({ host, port, servername: net.isIP(host) ? undefined : host, ca, cert: tls.cert, key: tls.key, rejectUnauthorized: tls.verify });
  };
}

/**
 * The `ca` option of a TLS connection to the daemon: its own CA file when given; when verifying
 * with Node's default trust, the bundled roots plus the extra CAs bin/berth kept from Node's
 * start-up; else undefined (Node's default).
 */
export function tlsTrust(tls: TlsFiles, rootCertificates: readonly string[]): Buffer | string[] | undefined {
  return tls.ca ?? (tls.verify ? defaultTrustWithDeferred(deferredExtraCaFile(), rootCertificates) : undefined);
}

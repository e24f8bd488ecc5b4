// A small HTTP/1.1 client for the Engine API: one request per call over a socket the caller dials,
// responses as Readable streams, idle keep-alive connections reused, and HTTP upgrades (attach,
// exec) handed over as the raw socket.
//
// Why not node:http: the CLI pays for everything it loads and runs on every call. Loading node:http
// (agent, ClientRequest, IncomingMessage, the llhttp parser) and its first request cost ~6 ms of
// each `berth run` here (A/B against a stub daemon, 30 alternating runs: p50 52.6 -> 46.3 ms);
// the daemon speaks plain HTTP/1.1 and the CLI needs only a sliver of it (no proxies, redirects,
// 100-continue or pipelining).
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';

export type ResponseHeaders = Record<string, string | string[] | undefined>;

export interface HttpRequest {
  method: string;
  /** Path with query string. */
  path: string;
  /** Sent as given, after Host; Content-Length / Transfer-Encoding are added from the body. */
  headers: Record<string, string>;
  /** A whole body (Content-Length), a stream (chunked), or nothing. */
  body?: Buffer | string | NodeJS.ReadableStream;
  /** Ask for an upgrade: the socket is handed over on 101 and never reused. */
  upgrade?: boolean;
  signal?: AbortSignal;
}

/** A response: status, lower-cased headers, and the body as a byte stream. */
export class HttpResponse extends Readable {
  constructor(
    readonly statusCode: number,
    readonly statusMessage: string,
    readonly headers: ResponseHeaders,
    private readonly resumeSource: () => void,
    /** Called when the reader gives up early (destroy): the connection cannot be reused. */
    private readonly abandon: () => void,
  ) {
    super();
  }

  override _read(): void {
    this.resumeSource();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.abandon();
    callback(error);
  }
}

/** A settled exchange: a response whose body streams on, or a 101 with the socket handed over. */
export type Exchange = { kind: 'response'; response: HttpResponse } | { kind: 'upgrade'; response: HttpResponse; socket: Socket; head: Buffer };

/** Opens a connection (net.connect / tls.connect); the returned socket may still be connecting. */
export type Dial = () => Socket | Promise<Socket>;

const MAX_HEAD = 80 * 1024;

/** Status line and headers of one response head (without the blank line). */
export function parseHead(text: string): { status: number; message: string; headers: ResponseHeaders; keepAlive: boolean } {
  const lines = text.split('\r\n');
  const m = /^HTTP\/1\.([01]) (\d{3})(?: (.*))?$/.exec(lines[0]);
  if (!m) throw new Error(`malformed HTTP response: ${JSON.stringify(lines[0].slice(0, 80))}`);
  const headers: ResponseHeaders = {};
  for (let i = 1; i < lines.length; i++) {
    const colon = lines[i].indexOf(':');
    if (colon <= 0) continue;
    const name = lines[i].slice(0, colon).trim().toLowerCase();
    const value = lines[i].slice(colon + 1).trim();
    const prev = headers[name];
    // Node's joining rules, as far as the Engine API cares: set-cookie stays a list, others join.
    if (prev === undefined) headers[name] = name === 'set-cookie' ? [value] : value;
    else if (Array.isArray(prev)) prev.push(value);
    else headers[name] = `${prev}, ${value}`;
  }
  const connection = String(headers.connection ?? '').toLowerCase();
  const keepAlive = m[1] === '1' ? !connection.includes('close') : connection.includes('keep-alive');
  return { status: Number(m[2]), message: m[3] ?? '', headers, keepAlive };
}

type BodyMode = { kind: 'none' } | { kind: 'length'; left: number } | { kind: 'chunked' } | { kind: 'close' };

function bodyMode(method: string, status: number, headers: ResponseHeaders): BodyMode {
  if (method === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200)) return { kind: 'none' };
  if (String(headers['transfer-encoding'] ?? '').toLowerCase().includes('chunked')) return { kind: 'chunked' };
  const length = headers['content-length'];
  if (typeof length === 'string' && /^\d+$/.test(length)) return Number(length) === 0 ? { kind: 'none' } : { kind: 'length', left: Number(length) };
  return { kind: 'close' };
}

/** Decodes a chunked body as bytes arrive; `push` returns the bytes left over after the last chunk. */
export class ChunkedDecoder {
  private pending: Buffer = Buffer.alloc(0);
  /** Data bytes still to come of the current chunk, then its CRLF. */
  private dataLeft = 0;
  private state: 'size' | 'data' | 'data-crlf' | 'trailer' | 'done' = 'size';

  get done(): boolean {
    return this.state === 'done';
  }

  /** Feeds bytes; `onData` gets body bytes; returns what follows the body once done. */
  push(input: Buffer, onData: (b: Buffer) => void): Buffer {
    let buf: Buffer = this.pending.length ? Buffer.concat([this.pending, input]) : input;
    this.pending = Buffer.alloc(0);
    while (buf.length && this.state !== 'done') {
      if (this.state === 'data') {
        const n = Math.min(this.dataLeft, buf.length);
        onData(buf.subarray(0, n));
        buf = buf.subarray(n);
        this.dataLeft -= n;
        if (this.dataLeft === 0) this.state = 'data-crlf';
        continue;
      }
      const eol = buf.indexOf('\r\n');
      if (eol < 0) {
        if (buf.length > MAX_HEAD) throw new Error('malformed chunked encoding: line too long');
        this.pending = Buffer.from(buf);
        return Buffer.alloc(0);
      }
      const line = buf.subarray(0, eol).toString('latin1');
      buf = buf.subarray(eol + 2);
      if (this.state === 'data-crlf') {
        if (line !== '') throw new Error('malformed chunked encoding: no CRLF after chunk');
        this.state = 'size';
      } else if (this.state === 'size') {
        const size = parseInt(line.split(';')[0].trim(), 16);
        if (!Number.isFinite(size) || size < 0) throw new Error(`malformed chunked encoding: bad size ${JSON.stringify(line.slice(0, 20))}`);
        if (size === 0) this.state = 'trailer';
        else {
          this.dataLeft = size;
          this.state = 'data';
        }
      } else if (line === '') this.state = 'done'; // trailer: header lines until an empty one
    }
    return buf;
  }
}

/** What an aborted request rejects with (as node:http's AbortSignal support does). */
function abortError(): Error {
  const e = new Error('The operation was aborted');
  e.name = 'AbortError';
  (e as NodeJS.ErrnoException).code = 'ABORT_ERR';
  return e;
}

/** Writes the request head and body; a stream body goes out chunked, with back-pressure. */
async function writeRequest(socket: Socket, req: HttpRequest, host: string): Promise<void> {
  const headers: Record<string, string> = { Host: host, ...req.headers };
  const { body } = req;
  if (body === undefined) {
    // As node:http does: an empty body is announced except on methods that normally have none.
    if (!['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT'].includes(req.method)) headers['Content-Length'] = '0';
  } else if (typeof body === 'string' || Buffer.isBuffer(body)) headers['Content-Length'] = String(Buffer.byteLength(body));
  else headers['Transfer-Encoding'] = 'chunked';
  let head = `${req.method} ${req.path} HTTP/1.1\r\n`;
  for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
  head += '\r\n';
  if (body === undefined) {
    socket.write(head);
    return;
  }
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    socket.write(Buffer.concat([Buffer.from(head, 'latin1'), Buffer.isBuffer(body) ? body : Buffer.from(body)]));
    return;
  }
  socket.write(head);
  for await (const chunk of body as AsyncIterable<Buffer | string>) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (b.length === 0) continue;
    if (socket.destroyed) return; // the daemon answered (an error) and hung up mid-upload
    socket.write(`${b.length.toString(16)}\r\n`);
    socket.write(b);
    if (!socket.write('\r\n')) await new Promise<void>((resolve) => {
      const done = () => {
        socket.off('drain', done);
        socket.off('close', done);
        resolve();
      };
      socket.on('drain', done);
      socket.on('close', done);
    });
  }
  if (!socket.destroyed) socket.write('0\r\n\r\n');
}

/**
 * Connections to one daemon: `exchange` sends a request on an idle keep-alive connection (or a new
 * one) and settles with the response head; the body streams on. Idle connections do not keep the
 * process alive.
 */
export class HttpConnections {
  private idle: Socket[] = [];
  /** The listener that drops an idle connection when it closes, to take off when it is reused. */
  private readonly idleWatchers = new Map<Socket, () => void>();

  constructor(
    private readonly dial: Dial,
    /** The Host header: "localhost" for a unix socket, as node:http sends. */
    private readonly host: string,
  ) {}

  private takeIdle(): Socket | undefined {
    for (let s = this.idle.pop(); s; s = this.idle.pop()) {
      this.unwatchIdle(s);
      if (!s.destroyed && s.readable && s.writable) {
        s.ref();
        return s;
      }
      s.destroy();
    }
    return undefined;
  }

  /** Pools a connection whose exchange is complete; one the daemon closes meanwhile is dropped. */
  private release(socket: Socket): void {
    if (socket.destroyed) return;
    const drop = () => {
      this.idle = this.idle.filter((s) => s !== socket);
      this.unwatchIdle(socket);
      socket.destroy();
    };
    this.idleWatchers.set(socket, drop);
    socket.on('error', drop);
    socket.on('end', drop);
    socket.on('close', drop);
    socket.unref();
    this.idle.push(socket);
  }

  private unwatchIdle(socket: Socket): void {
    const drop = this.idleWatchers.get(socket);
    if (!drop) return;
    this.idleWatchers.delete(socket);
    socket.off('error', drop);
    socket.off('end', drop);
    socket.off('close', drop);
  }

  async exchange(req: HttpRequest): Promise<Exchange> {
    if (req.signal?.aborted) throw abortError();
    const socket = req.upgrade ? await this.dial() : (this.takeIdle() ?? (await this.dial()));
    return new Promise<Exchange>((resolve, reject) => {
      let settled = false;
      let response: HttpResponse | undefined;
      let mode: BodyMode = { kind: 'none' };
      let chunked: ChunkedDecoder | undefined;
      let headBuf: Buffer = Buffer.alloc(0);
      let keepAlive = false;
      /** The whole request is written: only then can the connection carry another one. */
      let requestSent = false;

      const fail = (e: Error) => {
        cleanup();
        socket.destroy();
        if (!settled) {
          settled = true;
          reject(e);
        } else if (response && !response.readableEnded) response.destroy(e);
      };
      const onAbort = () => fail(abortError());
      req.signal?.addEventListener('abort', onAbort, { once: true });
      const cleanup = () => {
        req.signal?.removeEventListener('abort', onAbort);
        socket.off('data', onData);
        socket.off('end', onEnd);
        socket.off('error', fail);
        socket.off('close', onClose);
      };
      /** The body has been read to its end (or there is none). */
      let bodyDone = false;
      const finishBody = (rest: Buffer) => {
        bodyDone = true;
        cleanup();
        response!.push(null);
        if (keepAlive && requestSent && rest.length === 0) this.release(socket);
        else socket.destroy();
      };
      const deliver = (b: Buffer) => {
        if (b.length && !response!.push(b)) socket.pause();
      };
      const onBody = (data: Buffer) => {
        if (mode.kind === 'length') {
          const n = Math.min(mode.left, data.length);
          deliver(data.subarray(0, n));
          mode.left -= n;
          if (mode.left === 0) finishBody(data.subarray(n));
        } else if (mode.kind === 'chunked') {
          const rest = chunked!.push(data, deliver);
          if (chunked!.done) finishBody(rest);
        } else if (mode.kind === 'close') deliver(data);
      };
      const onHead = (data: Buffer) => {
        headBuf = headBuf.length ? Buffer.concat([headBuf, data]) : data;
        const end = headBuf.indexOf('\r\n\r\n');
        if (end < 0) {
          if (headBuf.length > MAX_HEAD) fail(new Error('HTTP response head too large'));
          return;
        }
        const head = parseHead(headBuf.subarray(0, end).toString('latin1'));
        const rest = headBuf.subarray(end + 4);
        headBuf = Buffer.alloc(0);
        if (head.status >= 100 && head.status < 200 && head.status !== 101) {
          if (rest.length) onHead(rest); // an informational answer: the real one follows
          return;
        }
        keepAlive = head.keepAlive && !req.upgrade;
        const abandon = () => {
          if (bodyDone || head.status === 101) return;
          cleanup();
          socket.destroy();
        };
        response = new HttpResponse(head.status, head.message, head.headers, () => socket.resume(), abandon);
        settled = true;
        if (head.status === 101) {
          cleanup();
          // Not flowing until the new owner reads: nothing may be lost between here and there.
          socket.pause();
          (socket as { readableFlowing: boolean | null }).readableFlowing = null;
          // Until the new owner listens, an error (the daemon resetting) must not crash the CLI.
          socket.on('error', () => {});
          response.push(null);
          resolve({ kind: 'upgrade', response, socket, head: rest });
          return;
        }
        mode = bodyMode(req.method, head.status, head.headers);
        if (mode.kind === 'chunked') chunked = new ChunkedDecoder();
        resolve({ kind: 'response', response });
        if (mode.kind === 'none') finishBody(rest);
        else if (rest.length) onBody(rest);
      };
      const onData = (data: Buffer) => {
        try {
          if (!response) onHead(data);
          else onBody(data);
        } catch (e) {
          fail(e as Error);
        }
      };
      const onEnd = () => {
        if (response && mode.kind === 'close') {
          bodyDone = true;
          cleanup();
          response.push(null);
          socket.destroy();
          return;
        }
        fail(Object.assign(new Error(response ? 'the daemon closed the connection mid-response' : 'socket hang up'), { code: 'ECONNRESET' }));
      };
      const onClose = () => onEnd();
      socket.on('data', onData);
      socket.on('end', onEnd);
      socket.on('error', fail);
      socket.on('close', onClose);
      socket.resume(); // a reused connection may have been paused by its last response's reader
      if (req.signal?.aborted) return fail(abortError()); // while the connection was being dialled
      writeRequest(socket, req, this.host).then(
        () => (requestSent = true),
        (e: Error) => fail(e),
      );
    });
  }

  /** Drops idle connections (the ones in use end with their responses). */
  close(): void {
    for (const s of this.idle.splice(0)) s.destroy();
  }
}

// Request and response helpers shared by every router: JSON bodies, Docker's error form,
// query parsing (booleans, filters), and raw streams for attach/exec (hijacked or plain).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable, Writable, Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidArgumentError } from '../engine/errors.js';
import { parseFilters, type Filters } from '../engine/filters.js';
import type { Ctx } from './router.js';
import type { ErrorResponse } from '../api-types/common.js';
import { bestEffort } from '../util/best-effort.js';

/**
 * Answers with a JSON body. Handlers name the wire type (`sendJson<ContainerSummary[]>(…)`, from
 * src/api-types, the shapes the client reads), so the compiler checks what the engine hands over.
 */
export function sendJson<T = unknown>(res: ServerResponse, status: number, body: T): void {
  const data = JSON.stringify(body) + '\n';
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) });
  res.end(data);
}

export function sendError(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (status === 304) {
    res.writeHead(304);
    res.end();
    return;
  }
  sendJson<ErrorResponse>(res, status, { message });
}

export function sendNoContent(res: ServerResponse, status = 204): void {
  res.writeHead(status);
  res.end();
}

export function sendText(res: ServerResponse, status: number, text: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export async function readBody(req: IncomingMessage, limit = 32 * 1024 * 1024): Promise<Buffer> {
  const upgraded = (req as any).berthBody as Buffer | undefined;
  if (upgraded) return upgraded;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > limit) throw new InvalidArgumentError('request body too large');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Parses a JSON body; an empty body gives `fallback`; malformed JSON is a 400 as Docker says it. */
export async function readJson<T = any>(req: IncomingMessage, fallback?: T): Promise<T> {
  const buf = await readBody(req);
  if (buf.length === 0 || buf.toString().trim() === '') {
    if (fallback !== undefined) return fallback;
    throw new InvalidArgumentError('invalid JSON: EOF');
  }
  try {
    return JSON.parse(buf.toString('utf8')) as T;
  } catch (e: any) {
    throw new InvalidArgumentError(`invalid JSON: ${e.message}`);
  }
}

/** A JSON body that must be an object (every create/connect request); anything else is a 400. */
export async function readJsonObject<T extends object>(req: IncomingMessage, fallback?: T): Promise<T> {
  const body = await readJson<unknown>(req, fallback);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new InvalidArgumentError('invalid JSON: expected an object');
  return body as T;
}

/** Docker's query booleans: `1`, `true`, `True` are true; absent or `0`/`false` false. */
export function queryBool(q: URLSearchParams, name: string, dflt = false): boolean {
  const v = q.get(name);
  if (v === null || v === '') return dflt;
  return !['0', 'false', 'False', 'FALSE', 'no'].includes(v);
}

export function queryInt(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`invalid value for ${name}: ${v}`);
  return Math.trunc(n);
}

/** `filters` query parameter → key → values; the parsing and its errors live in engine/filters.ts. */
export type { Filters };

export function queryFilters(q: URLSearchParams): Filters {
  return parseFilters(q.get('filters'));
}

export interface RawStream {
  input: Readable;
  output: Writable;
  /** Ends the output (and the connection when hijacked). */
  end(): void;
  /** True when the client asked for an upgrade (docker CLI does): stdin half-close arrives as input 'end'. */
  hijacked: boolean;
  /** Aborted when the client has gone (not merely closed its stdin). */
  gone: AbortSignal;
}

/** How often a half-closed hijacked connection is checked for the client having gone entirely. */
const HALF_CLOSED_PROBE_MS = 1000;

/**
 * The client's going, on a hijacked connection. berthd's sockets are half-open capable, so a
 * client that closes its stdin (the docker CLI does, at once when it sends none) and one that
 * went away both read as EOF. On a unix socket a zero-length write tells them apart: it fails
 * (EPIPE) once the peer has closed entirely, and sends nothing otherwise. Probed at EOF, then
 * every HALF_CLOSED_PROBE_MS while the connection stays half-closed. (Over TCP the write succeeds
 * either way: there the client's going is seen at the next output.)
 */
function hijackedGone(sock: Duplex): AbortSignal {
  const ac = new AbortController();
  if (sock.destroyed) {
    ac.abort();
    return ac.signal;
  }
  let probe: NodeJS.Timeout | undefined;
  const check = () => {
    if (!sock.destroyed && sock.writable) sock.write(Buffer.alloc(0));
  };
  sock.once('end', () => {
    check();
    probe = setInterval(check, HALF_CLOSED_PROBE_MS).unref();
  });
  sock.once('close', () => {
    clearInterval(probe);
    ac.abort();
  });
  return ac.signal;
}

/**
 * Opens the raw stream for attach / exec start. With `Upgrade: tcp` the connection is taken over
 * (101 UPGRADED, as dockerd answers); otherwise a 200 with the stream as body.
 */
export function openRawStream(ctx: Ctx, tty: boolean): RawStream {
  const contentType = tty ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream';
  if (ctx.upgrade) {
    const sock = ctx.upgrade.socket;
    sock.write(`HTTP/1.1 101 UPGRADED\r\nContent-Type: ${contentType}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`);
    if (ctx.upgrade.head.length) sock.unshift(ctx.upgrade.head);
    return {
      input: sock,
      output: sock,
      hijacked: true,
      gone: hijackedGone(sock),
      end() {
        (sock as Duplex).end();
      },
    };
  }
  ctx.res.writeHead(200, { 'Content-Type': contentType });
  ctx.res.flushHeaders();
  return {
    input: ctx.req,
    output: ctx.res,
    hijacked: false,
    gone: clientGone(ctx),
    end() {
      ctx.res.end();
    },
  };
}

/**
 * Aborted when the client of a plain (not upgraded) request goes away: its response closes.
 * Already aborted when it went before the handler got here, since that 'close' has been and gone.
 */
export function clientGone(ctx: Ctx): AbortSignal {
  const ac = new AbortController();
  if (ctx.res.destroyed) ac.abort();
  else ctx.res.once('close', () => ac.abort());
  return ac.signal;
}

/**
 * Streams a body (tar of export, archive) to the client with pipeline semantics: a client that
 * goes destroys the source (its files close, its clean-up runs), an error of the source destroys
 * the response (the client sees a cut stream, not a well-formed short one). Never rejects.
 */
export async function sendStream(source: Readable, res: ServerResponse): Promise<void> {
  await bestEffort(pipeline(source, res), 'streaming a body to a client that may have gone');
}

/** Starts a newline-delimited JSON stream (pull, load, build, events). */
export function startJsonStream(res: ServerResponse, status = 200): (obj: unknown) => void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.flushHeaders();
  return (obj) => {
    if (!res.writableEnded) res.write(JSON.stringify(obj) + '\r\n');
  };
}

// The server side of a WebSocket (RFC 6455) on an upgraded connection: the handshake answer and
// the framing, nothing else (no extensions, no subprotocols). Two users build on it: the Engine
// API's attach/ws (src/api/websocket.ts, bytes in and out) and the dashboard (src/dashboard/server,
// JSON messages). Client frames are unmasked and fragments joined into whole messages; pings are
// answered and a close is echoed, as the RFC asks of a server.
import { createHash } from 'node:crypto';
import type { Duplex } from 'node:stream';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
export const OP_CONTINUATION = 0x0;
export const OP_TEXT = 0x1;
export const OP_BINARY = 0x2;
export const OP_CLOSE = 0x8;
export const OP_PING = 0x9;
export const OP_PONG = 0xa;

/** The handshake key of an upgrade request, or undefined when it is not a WebSocket handshake. */
export function webSocketKey(headers: Record<string, string | string[] | undefined>): string | undefined {
  const key = headers['sec-websocket-key'];
  const upgrade = String(headers.upgrade ?? '').toLowerCase();
  if (upgrade !== 'websocket' || typeof key !== 'string' || Buffer.from(key, 'base64').length !== 16) return undefined;
  return key;
}

/** One frame as a server sends it (never masked). */
export function encodeFrame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  const head = len < 126 ? Buffer.alloc(2) : len < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
  head[0] = 0x80 | opcode;
  if (len < 126) head[1] = len;
  else if (len < 65536) {
    head[1] = 126;
    head.writeUInt16BE(len, 2);
  } else {
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(len), 2);
  }
  return Buffer.concat([head, payload]);
}

export interface WebSocketPeerOptions {
  /** A message (after joining fragments) larger than this ends the connection. */
  maxMessage: number;
  /** Extra response headers for the 101 answer (e.g. Set-Cookie); none by default. */
  headers?: Record<string, string>;
}

/**
 * The peer on the far side of an accepted WebSocket. `onMessage` gets each whole data message;
 * `onEnd` runs once when the peer will send no more (its close frame, or its end of the
 * connection); `gone` is aborted when the connection is closed.
 */
export class WebSocketPeer {
  onMessage: (payload: Buffer, binary: boolean) => void = () => undefined;
  onEnd: () => void = () => undefined;
  /** Aborted when the connection is gone. */
  readonly gone: AbortSignal;
  private readonly goneController = new AbortController();
  private pending: Buffer;
  private fragments: Buffer[] = [];
  private fragmentBinary = false;
  private fragmentSize = 0;
  private closing = false;
  private ended = false;

  /** Answers the handshake on `socket` (whose request carried `key`); `head` is what came after it. */
  constructor(
    readonly socket: Duplex,
    key: string,
    head: Buffer,
    private readonly opts: WebSocketPeerOptions,
  ) {
    this.gone = this.goneController.signal;
    const accept = createHash('sha1').update(key + GUID).digest('base64');
    const extra = Object.entries(opts.headers ?? {})
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n${extra}\r\n`);
    this.pending = head.length ? Buffer.from(head) : Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
      this.parse();
    });
    socket.on('close', () => {
      this.end_();
      this.goneController.abort();
    });
    socket.on('end', () => this.end_());
    socket.on('error', () => socket.destroy());
    if (this.pending.length) queueMicrotask(() => this.parse());
  }

  get open(): boolean {
    return !this.socket.destroyed && this.socket.writable && !this.closing;
  }

  /** Sends one frame; `cb` runs once it is handed to the socket (for back-pressure). */
  send(opcode: number, payload: Buffer, cb?: () => void): void {
    if (this.socket.destroyed || !this.socket.writable) {
      cb?.();
      return;
    }
    this.socket.write(encodeFrame(opcode, payload), cb && (() => cb()));
  }

  sendText(text: string): void {
    this.send(OP_TEXT, Buffer.from(text, 'utf8'));
  }

  /** Bytes queued on the socket and not yet written: a slow reader shows here. */
  get buffered(): number {
    return (this.socket as { writableLength?: number }).writableLength ?? 0;
  }

  /** A close frame with `code` (1000: normal), then the end of the connection. */
  close(code = 1000): void {
    if (this.closing) return;
    const payload = Buffer.alloc(2);
    payload.writeUInt16BE(code);
    this.send(OP_CLOSE, payload);
    this.closing = true;
    this.socket.end();
  }

  private end_(): void {
    if (this.ended) return;
    this.ended = true;
    this.onEnd();
  }

  private parse(): void {
    while (this.pending.length >= 2) {
      const p = this.pending;
      const fin = (p[0] & 0x80) !== 0;
      const opcode = p[0] & 0x0f;
      const masked = (p[1] & 0x80) !== 0;
      let len = p[1] & 0x7f;
      let off = 2;
      if (len === 126) {
        if (p.length < 4) return;
        len = p.readUInt16BE(2);
        off = 4;
      } else if (len === 127) {
        if (p.length < 10) return;
        const big = p.readBigUInt64BE(2);
        if (big > BigInt(this.opts.maxMessage)) return void this.socket.destroy();
        len = Number(big);
        off = 10;
      }
      if (len > this.opts.maxMessage) return void this.socket.destroy();
      const maskOff = off;
      if (masked) off += 4;
      if (p.length < off + len) return;
      const payload = Buffer.from(p.subarray(off, off + len));
      if (masked) for (let i = 0; i < len; i++) payload[i] ^= p[maskOff + (i & 3)];
      this.pending = p.subarray(off + len);
      if (opcode === OP_PING) this.send(OP_PONG, payload);
      else if (opcode === OP_CLOSE) {
        if (!this.closing) this.send(OP_CLOSE, payload.subarray(0, 2));
        this.closing = true;
        this.socket.end();
        this.end_();
        return;
      } else if ((opcode === OP_TEXT || opcode === OP_BINARY || opcode === OP_CONTINUATION) && !this.ended) {
        this.data(opcode, payload, fin);
        if (this.socket.destroyed) return;
      }
    }
  }

  private data(opcode: number, payload: Buffer, fin: boolean): void {
    if (opcode !== OP_CONTINUATION) {
      this.fragments = [];
      this.fragmentSize = 0;
      this.fragmentBinary = opcode === OP_BINARY;
    }
    if (fin && this.fragments.length === 0) {
      if (payload.length || opcode !== OP_CONTINUATION) this.onMessage(payload, this.fragmentBinary);
      return;
    }
    this.fragments.push(payload);
    this.fragmentSize += payload.length;
    if (this.fragmentSize > this.opts.maxMessage) return void this.socket.destroy();
    if (fin) {
      const whole = Buffer.concat(this.fragments);
      this.fragments = [];
      this.fragmentSize = 0;
      this.onMessage(whole, this.fragmentBinary);
    }
  }
}

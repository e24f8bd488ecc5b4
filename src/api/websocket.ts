// A WebSocket (RFC 6455) on a hijacked connection, for GET /containers/{id}/attach/ws: the
// handshake, then client frames (masked) become an input stream and output writes become frames.
// Only what attach needs: no extensions, no subprotocols; pings are answered, a close is echoed.
import { createHash } from 'node:crypto';
import { PassThrough, Writable, type Duplex } from 'node:stream';
import { InvalidArgumentError } from '../engine/errors.js';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OP_CONTINUATION = 0x0;
const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
/** Frames larger than this from a client are refused (attach input is keystrokes and pastes). */
const MAX_CLIENT_FRAME = 16 << 20;

export interface WebSocketStream {
  /** What the client sends, as bytes; ends at the client's close frame or when it goes. */
  input: PassThrough;
  /** Each write is sent as one frame (binary, or text for API < 1.28 as dockerd). */
  output: Writable;
  /** Aborted when the connection is gone. */
  gone: AbortSignal;
}

/** Checks the upgrade request; throws dockerd-style 400 before anything is written. */
export function checkWebSocketRequest(headers: Record<string, string | string[] | undefined>): string {
  const key = headers['sec-websocket-key'];
  const upgrade = String(headers.upgrade ?? '').toLowerCase();
  if (upgrade !== 'websocket' || typeof key !== 'string' || Buffer.from(key, 'base64').length !== 16) {
    throw new InvalidArgumentError('not a websocket handshake');
  }
  return key;
}

function frame(opcode: number, payload: Buffer): Buffer {
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

/** Answers the handshake on `socket` and returns the streams of the WebSocket. */
export function acceptWebSocket(socket: Duplex, key: string, head: Buffer, binary: boolean): WebSocketStream {
  const accept = createHash('sha1').update(key + GUID).digest('base64');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  const input = new PassThrough();
  const gone = new AbortController();
  let pending: Buffer = head.length ? Buffer.from(head) : Buffer.alloc(0);
  let closed = false;
  const send = (opcode: number, payload: Buffer) => {
    if (!socket.destroyed && socket.writable) socket.write(frame(opcode, payload));
  };
  const finish = () => {
    if (closed) return;
    closed = true;
    input.end();
  };
  const parse = () => {
    while (pending.length >= 2) {
      const opcode = pending[0] & 0x0f;
      const masked = (pending[1] & 0x80) !== 0;
      let len = pending[1] & 0x7f;
      let off = 2;
      if (len === 126) {
        if (pending.length < 4) return;
        len = pending.readUInt16BE(2);
        off = 4;
      } else if (len === 127) {
        if (pending.length < 10) return;
        const big = pending.readBigUInt64BE(2);
        if (big > BigInt(MAX_CLIENT_FRAME)) {
          socket.destroy();
          return;
        }
        len = Number(big);
        off = 10;
      }
      if (len > MAX_CLIENT_FRAME) {
        socket.destroy();
        return;
      }
      const maskOff = off;
      if (masked) off += 4;
      if (pending.length < off + len) return;
      const payload = Buffer.from(pending.subarray(off, off + len));
      if (masked) for (let i = 0; i < len; i++) payload[i] ^= pending[maskOff + (i & 3)];
      pending = pending.subarray(off + len);
      if (opcode === OP_TEXT || opcode === OP_BINARY || opcode === OP_CONTINUATION) {
        if (!closed && payload.length) input.write(payload);
      } else if (opcode === OP_PING) {
        send(0xa, payload);
      } else if (opcode === OP_CLOSE) {
        send(OP_CLOSE, payload.subarray(0, 2));
        finish();
        socket.end();
        return;
      }
    }
  };
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    parse();
  });
  socket.on('end', finish);
  socket.on('close', () => {
    finish();
    gone.abort();
  });
  socket.on('error', () => socket.destroy());
  if (pending.length) queueMicrotask(parse);
  const output = new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (socket.destroyed || !socket.writable) return cb();
      socket.write(frame(binary ? OP_BINARY : OP_TEXT, chunk), () => cb());
    },
    final(cb) {
      // A normal closure (1000), then the connection ends.
      const code = Buffer.alloc(2);
      code.writeUInt16BE(1000);
      send(OP_CLOSE, code);
      socket.end();
      cb();
    },
  });
  return { input, output, gone: gone.signal };
}

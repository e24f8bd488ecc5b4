// A WebSocket (RFC 6455) on a hijacked connection, for GET /containers/{id}/attach/ws: client
// messages become an input stream and output writes become frames. The handshake and framing are
// src/util/websocket.ts (shared with the dashboard); this file gives them attach's stream shape.
import { PassThrough, Writable, type Duplex } from 'node:stream';
import { InvalidArgumentError } from '../engine/errors.js';
import { OP_BINARY, OP_TEXT, WebSocketPeer, webSocketKey } from '../util/websocket.js';

/** Messages larger than this from a client are refused (attach input is keystrokes and pastes). */
const MAX_CLIENT_MESSAGE = 16 << 20;

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
  const key = webSocketKey(headers);
  if (!key) throw new InvalidArgumentError('not a websocket handshake');
  return key;
}

/** Answers the handshake on `socket` and returns the streams of the WebSocket. */
export function acceptWebSocket(socket: Duplex, key: string, head: Buffer, binary: boolean): WebSocketStream {
  const peer = new WebSocketPeer(socket, key, head, { maxMessage: MAX_CLIENT_MESSAGE });
  const input = new PassThrough();
  peer.onMessage = (payload) => {
    if (payload.length) input.write(payload);
  };
  peer.onEnd = () => input.end();
  const output = new Writable({
    write(chunk: Buffer, _enc, cb) {
      peer.send(binary ? OP_BINARY : OP_TEXT, chunk, cb);
    },
    final(cb) {
      peer.close(1000);
      cb();
    },
  });
  return { input, output, gone: peer.gone };
}

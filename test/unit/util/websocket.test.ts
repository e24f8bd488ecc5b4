// The shared server-side WebSocket framing (src/util/websocket.ts): masked client frames,
// fragments joined into one message, pings answered, a close echoed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Duplex } from 'node:stream';
import { OP_BINARY, OP_CLOSE, OP_CONTINUATION, OP_PING, OP_TEXT, WebSocketPeer } from '../../../src/util/websocket.js';

/** A client frame: masked, FIN as given. */
function clientFrame(opcode: number, payload: Buffer, fin = true): Buffer {
  const mask = Buffer.from([1, 2, 3, 4]);
  const head = payload.length < 126 ? Buffer.from([(fin ? 0x80 : 0) | opcode, 0x80 | payload.length]) : Buffer.from([(fin ? 0x80 : 0) | opcode, 0x80 | 126, payload.length >> 8, payload.length & 255]);
  const body = Buffer.from(payload.map((b, i) => b ^ mask[i & 3]));
  return Buffer.concat([head, mask, body]);
}

function fakeSocket(): { socket: Duplex; written: Buffer[] } {
  const written: Buffer[] = [];
  const socket = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, cb) {
      written.push(chunk);
      cb();
    },
  });
  return { socket, written };
}

describe('WebSocketPeer', () => {
  it('answers the handshake, joins fragments, answers pings and echoes a close', async () => {
    const { socket, written } = fakeSocket();
    const peer = new WebSocketPeer(socket, 'dGhlIHNhbXBsZSBub25jZQ==', Buffer.alloc(0), { maxMessage: 1 << 20 });
    assert.match(written[0].toString(), /Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=/);
    const got: [string, boolean][] = [];
    let ended = false;
    peer.onMessage = (p, binary) => got.push([p.toString(), binary]);
    peer.onEnd = () => (ended = true);
    const big = Buffer.alloc(300, 'x');
    socket.emit('data', Buffer.concat([clientFrame(OP_TEXT, Buffer.from('hel'), false), clientFrame(OP_PING, Buffer.from('p'))]));
    socket.emit('data', clientFrame(OP_CONTINUATION, Buffer.from('lo'), true));
    const bin = clientFrame(OP_BINARY, big);
    socket.emit('data', bin.subarray(0, 5));
    socket.emit('data', bin.subarray(5));
    assert.deepEqual(got, [
      ['hello', false],
      [big.toString(), true],
    ]);
    assert.deepEqual(written[1], Buffer.from([0x8a, 1, 0x70]), 'pong with the ping payload');
    socket.emit('data', clientFrame(OP_CLOSE, Buffer.from([0x03, 0xe8])));
    assert.deepEqual(written[2], Buffer.from([0x88, 2, 0x03, 0xe8]));
    assert.equal(ended, true);
  });

  it('drops a connection whose message is too large', () => {
    const { socket } = fakeSocket();
    const peer = new WebSocketPeer(socket, 'dGhlIHNhbXBsZSBub25jZQ==', Buffer.alloc(0), { maxMessage: 4 });
    peer.onMessage = () => assert.fail('no message expected');
    socket.emit('data', clientFrame(OP_TEXT, Buffer.from('toolong')));
    assert.equal(socket.destroyed, true);
  });
});

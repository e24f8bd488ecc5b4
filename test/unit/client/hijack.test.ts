// The client against a fake daemon on a unix socket: JSON calls, error mapping, and a hijacked
// attach whose stdin is half-closed while the output keeps flowing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineClient } from '../../../src/client/client.js';
import { ApiError, ConnectionError } from '../../../src/client/errors.js';
import { FrameDecoder, encodeFrame } from '../../../src/client/demux.js';

async function withServer(fn: (client: EngineClient) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-client-'));
  const sock = join(dir, 's.sock');
  const server = http.createServer((req, res) => {
    if (req.url === '/containers/x/json') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"Id":"x"}\n');
    } else {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message: `No such container: ${req.url}` }) + '\n');
    }
  });
  server.on('upgrade', (req, socket) => {
    socket.write('HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n');
    // Echo stdin back as stdout frames; when stdin ends, say goodbye on stderr and close.
    socket.on('data', (d: Buffer) => socket.write(encodeFrame(1, d)));
    socket.on('end', () => socket.end(encodeFrame(2, 'bye\n')));
  });
  await new Promise<void>((r) => server.listen(sock, r));
  const client = new EngineClient({ kind: 'unix', socketPath: sock, url: `unix://${sock}` });
  try {
    await fn(client);
  } finally {
    client.close();
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  }
}

test('JSON calls and daemon errors', async () => {
  await withServer(async (client) => {
    assert.deepEqual(await client.containers.inspect('x'), { Id: 'x' });
    await assert.rejects(client.containers.inspect('y'), (e: Error) => e instanceof ApiError && e.status === 404 && e.message === 'No such container: /containers/y/json');
  });
});

test('hijacked stream with stdin half-close', async () => {
  await withServer(async (client) => {
    const conn = await client.containers.attach('x', { stdin: true, stdout: true, stream: true });
    const decoder = new FrameDecoder();
    const got: string[] = [];
    let echoed!: () => void;
    const firstFrame = new Promise<void>((resolve) => (echoed = resolve));
    const ended = new Promise<void>((resolve) => {
      conn.socket.on('data', (c: Buffer) => {
        decoder.push(c).forEach((f) => got.push(`${f.stream}:${f.data}`));
        if (got.length > 0) echoed();
      });
      conn.socket.on('end', resolve);
    });
    conn.socket.write('piped\n');
    // Half-close only once the echo is back: the output must keep flowing after stdin ends.
    await firstFrame;
    conn.socket.end();
    await ended;
    assert.deepEqual(got, ['1:piped\n', '2:bye\n']);
  });
});

test('an absent daemon is a ConnectionError', async () => {
  const client = new EngineClient({ kind: 'unix', socketPath: '/nonexistent/x.sock', url: 'unix:///nonexistent/x.sock' });
  await assert.rejects(client.system.version(), (e: Error) => e instanceof ConnectionError && /Cannot connect to the berth daemon at unix:\/\/\/nonexistent\/x.sock/.test(e.message));
  client.close();
});

// The CLI's HTTP/1.1 client (src/client/http1.ts, through HttpTransport) against node:http and raw
// servers on a unix socket: framing (length, chunked, until close, none), keep-alive reuse,
// streamed uploads, upgrades, errors. (Lives here because test/unit/client/ is not this area's.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { HttpTransport, tlsTrust } from '../../../src/client/transport.js';
import { ApiError } from '../../../src/client/errors.js';
import { ChunkedDecoder, parseHead } from '../../../src/client/http1.js';
import { DEFERRED_CA_ENV, restoreDeferredCaEnv } from '../../../src/client/extra-ca.js';

async function withServer(
  server: http.Server | net.Server,
  fn: (client: HttpTransport, stats: { connections: number }) => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-http1-'));
  const sock = join(dir, 's.sock');
  const stats = { connections: 0 };
  server.on('connection', () => stats.connections++);
  await new Promise<void>((r) => server.listen(sock, r));
  const client = new HttpTransport({ kind: 'unix', socketPath: sock, url: `unix://${sock}` });
  try {
    await fn(client, stats);
  } finally {
    client.close();
    if (server instanceof http.Server) server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes `data` and resolves once node has handed it to the socket. */
const written = (res: { write(d: string, cb: () => void): unknown }, data: string) => new Promise<void>((r) => res.write(data, () => r()));

function apiServer(): http.Server {
  return http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    // The handler awaits writes; its errors fail the test through the client's side.
    req.on('end', () => void (async () => {
      const body = Buffer.concat(chunks).toString();
      const url = req.url ?? '';
      if (url === '/json') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ method: req.method, body, host: req.headers.host, te: req.headers['transfer-encoding'] ?? null, cl: req.headers['content-length'] ?? null }));
      } else if (url.startsWith('/chunked')) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.flushHeaders();
        // Each write is a chunk of its own on the wire: a JSON value split across chunks.
        for (const part of ['{"a"', ':1}\n', '{"b":2}\n']) await written(res, part);
        res.end();
      } else if (url === '/held') {
        // A body that never ends until the client gives up on it.
        res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
        res.write('first part');
      } else if (url === '/nocontent') {
        res.writeHead(204);
        res.end();
      } else if (url === '/head') {
        res.writeHead(200, { 'X-Docker-Container-Path-Stat': 'e30=', 'Content-Length': '10' });
        res.end();
      } else if (url === '/empty-error') {
        res.writeHead(500);
        res.end();
      } else {
        res.writeHead(404, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ message: `No such thing: ${url}` }) + '\n');
      }
    })());
  });
}

test('JSON, chunked, empty and HEAD answers share one keep-alive connection', async () => {
  await withServer(apiServer(), async (client, stats) => {
    assert.deepEqual(await client.json('POST', '/json', { body: { x: 1 } }), { method: 'POST', body: '{"x":1}', host: 'localhost', te: null, cl: '7' });
    const lines: unknown[] = [];
    for await (const v of client.jsonStream('GET', '/chunked')) lines.push(v);
    assert.deepEqual(lines, [{ a: 1 }, { b: 2 }]);
    await client.call('POST', '/nocontent');
    const head = await client.request('HEAD', '/head');
    assert.equal(head.headers['x-docker-container-path-stat'], 'e30=');
    head.resume();
    assert.deepEqual(await client.json('GET', '/json'), { method: 'GET', body: '', host: 'localhost', te: null, cl: null });
    assert.equal(stats.connections, 1);
  });
});

test('requests in parallel get connections of their own', async () => {
  await withServer(apiServer(), async (client, stats) => {
    const results = await Promise.all([client.json('GET', '/json'), client.json('GET', '/json'), client.json('GET', '/json')]);
    assert.equal(results.length, 3);
    assert.equal(stats.connections, 3);
    await client.json('GET', '/json');
    assert.equal(stats.connections, 3, 'an idle connection is reused');
  });
});

test('a body the reader gives up on closes its connection; the next request gets a new one', async () => {
  await withServer(apiServer(), async (client, stats) => {
    const res = await client.request('GET', '/held');
    for await (const chunk of res) {
      assert.ok((chunk as Buffer).length > 0);
      break; // destroys the response
    }
    assert.deepEqual(await client.json('GET', '/json'), { method: 'GET', body: '', host: 'localhost', te: null, cl: null });
    assert.equal(stats.connections, 2);
  });
});

test('daemon errors: the message from the body, else the reason phrase', async () => {
  await withServer(apiServer(), async (client) => {
    await assert.rejects(client.json('GET', '/nope'), (e: Error) => e instanceof ApiError && e.status === 404 && e.message === 'No such thing: /nope');
    await assert.rejects(client.call('POST', '/empty-error'), (e: Error) => e instanceof ApiError && e.status === 500 && e.message === 'Internal Server Error');
    assert.deepEqual(await client.json('GET', '/json'), { method: 'GET', body: '', host: 'localhost', te: null, cl: null });
  });
});

test('a stream body goes out chunked and arrives whole', async () => {
  await withServer(apiServer(), async (client) => {
    const parts = Array.from({ length: 50 }, (_, i) => Buffer.alloc(10_000, 97 + (i % 26)));
    const got = await client.json<{ body: string; te: string }>('POST', '/json', { rawBody: Readable.from(parts) });
    assert.equal(got.te, 'chunked');
    assert.equal(got.body, Buffer.concat(parts).toString());
  });
});

test('a large body is delivered with back-pressure', async () => {
  const big = Buffer.alloc(4 * 1024 * 1024, 120);
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Length': String(big.length) });
    res.end(big);
  });
  await withServer(server, async (client) => {
    const res = await client.request('GET', '/big');
    let n = 0;
    for await (const c of res) {
      n += (c as Buffer).length;
      // A slow reader for the first megabyte: a turn of the event loop per chunk lets the
      // daemon's bytes pile up, so the transport has to pause the socket.
      if (n < 1024 * 1024) await new Promise((r) => setImmediate(r));
    }
    assert.equal(n, big.length);
    assert.deepEqual(await client.json('GET', '/big').catch(() => 'not json'), 'not json');
  });
});

test('an answer without length is read until the daemon closes', async () => {
  const server = net.createServer((s) => {
    s.once('data', () => {
      // The rest, and the close that ends the body, come in a later write.
      s.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{"part":', () => s.end('1}'));
    });
  });
  await withServer(server, async (client) => {
    assert.deepEqual(await client.json('GET', '/x'), { part: 1 });
  });
});

test('a connection closed mid-answer is an error, and an idle one closed by the daemon is not reused', async () => {
  let n = 0;
  let second: net.Socket | undefined;
  const server = net.createServer((s) => {
    s.on('error', () => {});
    s.on('data', () => {
      n++;
      if (n === 1) s.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{"a"');
      else if (n === 2) {
        second = s;
        s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}');
      } else s.write(`HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n{"n":${n}}`);
    });
  });
  await withServer(server, async (client, stats) => {
    await assert.rejects(client.json('GET', '/a'));
    assert.deepEqual(await client.json('GET', '/b'), {});
    // The daemon closes the now idle connection. Its socket closes only once the client has seen
    // the FIN and closed its side too, i.e. dropped the connection from its pool. (Once a fixed
    // 30 ms sleep: on a loaded machine the request below could go out on the dying connection
    // before the client had read the FIN, and fail with "socket hang up".)
    const closed = new Promise((r) => second!.once('close', r));
    second!.end();
    await closed;
    assert.deepEqual(await client.json('GET', '/c'), { n: 3 });
    assert.equal(stats.connections, 3);
  });
});

test('upgrade: bytes that came with the 101 are the head, later ones wait for a reader', async () => {
  let sendLate!: () => void;
  const server = http.createServer();
  server.on('upgrade', (req, socket) => {
    assert.equal(req.headers.upgrade, 'tcp');
    socket.write('HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\nearly');
    sendLate = () => socket.write('late');
    socket.on('data', (d: Buffer) => socket.end(`echo:${d}`));
  });
  await withServer(server, async (client) => {
    const conn = await client.hijack('POST', '/containers/x/attach', { query: { stream: true } });
    assert.equal(conn.multiplexed, true);
    // 'late' is sent after the 101 has been handed over, and arrives before anyone listens. No
    // event says bytes sit unread in a paused socket, so poll its buffer (bounded).
    sendLate();
    const deadline = Date.now() + 5000;
    while (conn.socket.readableLength < 'late'.length) {
      assert.ok(Date.now() < deadline, "'late' never reached the client's socket");
      await new Promise((r) => setImmediate(r));
    }
    const got: string[] = [conn.head.toString()];
    const ended = new Promise<void>((resolve) => conn.socket.on('end', resolve));
    conn.socket.on('data', (d: Buffer) => got.push(d.toString()));
    conn.socket.write('hi');
    await ended;
    assert.equal(got.join(''), 'earlylateecho:hi');
    conn.socket.destroy();
  });
});

test('upgrade refused with an error status is an ApiError', async () => {
  await withServer(apiServer(), async (client) => {
    await assert.rejects(client.hijack('POST', '/nope/attach'), (e: Error) => e instanceof ApiError && e.status === 404);
  });
});

test('an aborted request rejects and frees nothing it should not', async () => {
  await withServer(apiServer(), async (client) => {
    const ac = new AbortController();
    const p = client.request('GET', '/chunked', { signal: ac.signal });
    ac.abort();
    await assert.rejects(p, (e: Error) => e.name === 'AbortError');
    assert.deepEqual(await client.json('GET', '/json'), { method: 'GET', body: '', host: 'localhost', te: null, cl: null });
  });
});

test('chunked decoding with the input split anywhere, extensions and trailers', () => {
  const wire = Buffer.from('5;ext=1\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nX-Trailer: y\r\n\r\nNEXT');
  for (let cut = 0; cut <= wire.length; cut++) {
    const d = new ChunkedDecoder();
    const out: Buffer[] = [];
    let rest = d.push(wire.subarray(0, cut), (b) => out.push(Buffer.from(b)));
    rest = d.done ? Buffer.concat([rest, wire.subarray(cut)]) : d.push(wire.subarray(cut), (b) => out.push(Buffer.from(b)));
    assert.equal(Buffer.concat(out).toString(), 'hello world', `cut at ${cut}`);
    assert.equal(d.done, true);
    assert.equal(rest.toString(), 'NEXT');
  }
  assert.throws(() => new ChunkedDecoder().push(Buffer.from('zz\r\n'), () => {}), /bad size/);
});

test('response heads: status, reason, joined and listed headers, keep-alive', () => {
  const h = parseHead('HTTP/1.1 404 Not Found\r\nContent-Type: a\r\nX-A: 1\r\nx-a: 2\r\nSet-Cookie: c=1\r\nConnection: close');
  assert.equal(h.status, 404);
  assert.equal(h.message, 'Not Found');
  assert.equal(h.headers['content-type'], 'a');
  assert.equal(h.headers['x-a'], '1, 2');
  assert.deepEqual(h.headers['set-cookie'], ['c=1']);
  assert.equal(h.keepAlive, false);
  assert.equal(parseHead('HTTP/1.1 200 OK').keepAlive, true);
  assert.equal(parseHead('HTTP/1.0 200 OK').keepAlive, false);
  assert.throws(() => parseHead('SSH-2.0-OpenSSH'), /malformed HTTP response/);
});

test('TLS trust: own CA, else default roots plus the held-back extra CAs when verifying', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-http1-ca-'));
  try {
    const pem = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----';
    const file = join(dir, 'extra.pem');
    writeFileSync(file, pem);
    restoreDeferredCaEnv({ [DEFERRED_CA_ENV]: file });
    assert.deepEqual(tlsTrust({ verify: true }, ['ROOT']), ['ROOT', pem]);
    const own = Buffer.from('own');
    assert.equal(tlsTrust({ verify: true, ca: own }, ['ROOT']), own);
    assert.equal(tlsTrust({ verify: false }, ['ROOT']), undefined);
  } finally {
    restoreDeferredCaEnv({ [DEFERRED_CA_ENV]: '' });
    rmSync(dir, { recursive: true, force: true });
  }
});


function haveOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

test('TLS: a verified connection with the daemon\'s CA, keep-alive and upgrade over it', { skip: haveOpenssl() ? false : 'openssl is not installed' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-http1-tls-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  let connections = 0;
  const server = https.createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ host: req.headers.host }));
  });
  server.on('secureConnection', () => connections++);
  server.on('upgrade', (_req, socket) => {
    socket.write('HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n');
    socket.end('over tls');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const endpoint = { kind: 'tcp' as const, host: '127.0.0.1', port, url: `tcp://127.0.0.1:${port}` };
  const client = new HttpTransport({ ...endpoint, tls: { verify: true, ca: readFileSync(cert) } });
  const untrusting = new HttpTransport({ ...endpoint, tls: { verify: true, ca: Buffer.from('') } });
  try {
    assert.deepEqual(await client.json('GET', '/version'), { host: `127.0.0.1:${port}` });
    assert.deepEqual(await client.json('GET', '/version'), { host: `127.0.0.1:${port}` });
    assert.equal(connections, 1);
    const conn = await client.hijack('POST', '/exec/x/start');
    const chunks: Buffer[] = [conn.head];
    conn.socket.on('data', (c: Buffer) => chunks.push(c));
    await new Promise((r) => conn.socket.on('end', r));
    assert.equal(Buffer.concat(chunks).toString(), 'over tls');
    conn.socket.destroy();
    await assert.rejects(untrusting.json('GET', '/version'));
  } finally {
    client.close();
    untrusting.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  }
});

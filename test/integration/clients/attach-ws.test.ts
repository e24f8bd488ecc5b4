// GET /containers/{id}/attach/ws through a real WebSocket client (the `ws` package, as browser
// dashboards and SDKs use it): output arrives raw (no stream headers, as dockerd's MuxStreams
// false), input typed into the socket reaches the container's stdin, binary frames from API 1.28
// and text frames before, and a plain GET is refused.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { integrationSkipReason, startDaemon, type Daemon } from '../harness.js';
import { ok } from '../support/assert.js';

describe('attach over a WebSocket (GET /containers/{id}/attach/ws)', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon({ name: 'attachws' });
  });
  after(() => d?.cleanup());

  /** Opens the socket and collects what arrives until `until` matches the text so far. */
  const attach = (id: string, version: string) => {
    const ws = new WebSocket(`ws+unix://${d.sock}:/${version}/containers/${id}/attach/ws?stream=1&stdin=1&stdout=1&stderr=1&logs=1`);
    let text = '';
    const binaries: boolean[] = [];
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      text += data.toString('utf8');
      binaries.push(isBinary);
    });
    const opened = new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const until = (re: RegExp) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (re.test(text)) {
            ws.off('message', check);
            resolve();
          }
        };
        ws.on('message', check);
        ws.once('close', () => (re.test(text) ? resolve() : reject(new Error(`socket closed before ${re}; got ${JSON.stringify(text)}`))));
        check();
      });
    return { ws, opened, until, text: () => text, binaries };
  };

  it('streams output raw and forwards input, in binary frames', async () => {
    const id = ok(await d.docker(['run', '-d', '-i', '--network', 'none', 'busybox', 'sh', '-c', 'echo hello; exec cat']));
    try {
      const a = attach(id, 'v1.50');
      await a.opened;
      await a.until(/hello\n/);
      a.ws.send(Buffer.from('typed in\n'));
      await a.until(/typed in\n/);
      assert.equal(a.text(), 'hello\ntyped in\n');
      assert.ok(a.binaries.every((b) => b), 'binary frames from API 1.28');
      a.ws.close();
    } finally {
      ok(await d.docker(['rm', '-f', id]));
    }
  });

  it('text frames for API 1.27, and the socket closes when the container exits', async () => {
    const id = ok(await d.docker(['run', '-d', '-i', '--network', 'none', 'busybox', 'sh', '-c', 'read line; echo "got $line"']));
    try {
      const a = attach(id, 'v1.27');
      await a.opened;
      const closed = new Promise<void>((r) => a.ws.once('close', () => r()));
      a.ws.send('bye\n');
      await a.until(/got bye\n/);
      await closed;
      assert.ok(a.binaries.every((b) => !b), 'text frames before API 1.28');
    } finally {
      ok(await d.docker(['rm', '-f', id]));
    }
  });

  it('a request that is no WebSocket handshake is a 400', async () => {
    const id = ok(await d.docker(['create', '--network', 'none', 'busybox', 'true']));
    try {
      const r = await d.api('GET', `/containers/${id}/attach/ws?stream=1&stdout=1`);
      assert.equal(r.status, 400, r.text);
      const missing = await d.api('GET', '/containers/nosuch/attach/ws');
      assert.equal(missing.status, 404);
    } finally {
      ok(await d.docker(['rm', '-f', id]));
    }
  });
});

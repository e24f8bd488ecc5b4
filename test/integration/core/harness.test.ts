// The harness itself: a daemon starts with busybox loaded, restarts, and cleanup leaves nothing.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { integrationSkipReason, startDaemon, describeResult, type Daemon } from '../harness.js';
import { mountsUnder, pidsMentioning } from '../support/cleanup.js';

describe('integration harness', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  after(() => d?.cleanup());

  it('starts berthd with busybox:latest loaded', async () => {
    d = await startDaemon();
    assert.ok(d.sock.length < 100, `socket path too long: ${d.sock}`);
    const r = await d.docker(['images', '--format', '{{.Repository}}:{{.Tag}}']);
    assert.equal(r.code, 0, describeResult(r));
    assert.match(r.stdout, /^busybox:latest$/m);
  });

  it('answers the API and the berth CLI', async () => {
    const ping = await d.api('GET', '/_ping');
    assert.equal(ping.status, 200);
    assert.ok(ping.headers['api-version'], 'Api-Version header on /_ping');
    const r = await d.berth(['images', '--format', '{{.Repository}}:{{.Tag}}']);
    assert.equal(r.code, 0, describeResult(r));
    assert.match(r.stdout, /^busybox:latest$/m);
  });

  it('restarts on the same data root', async () => {
    await d.kill9();
    await d.restart();
    const r = await d.docker(['image', 'inspect', '--format', '{{.Id}}', 'busybox']);
    assert.equal(r.code, 0, describeResult(r));
    assert.match(r.stdout, /^sha256:[0-9a-f]{64}$/m);
  });

  it('cleanup removes the daemon, its mounts and its files', async () => {
    const root = d.root;
    await d.cleanup();
    assert.equal(existsSync(root), false);
    assert.deepEqual(await mountsUnder([root]), []);
    assert.deepEqual(await pidsMentioning(root), []);
  });
});

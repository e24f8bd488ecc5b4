// `berth stats` as the docker CLI's: streaming (one stats stream per container, the screen redrawn
// as figures arrive), containers started later added and removed ones dropped (from the event
// stream), and --no-stream printing once.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { integrationSkipReason, startDaemon, waitFor, BERTH, type Daemon } from '../harness.js';
import { ok } from '../support/assert.js';

const CLEAR = '\x1b[2J\x1b[H';

/** A pass-through unix socket in front of berthd that counts the stats requests going through it. */
async function countingProxy(listen: string, upstream: string): Promise<{ statsRequests: () => number; close: () => Promise<void> }> {
  let count = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const up = net.connect(upstream);
    for (const s of [client, up]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => client.destroy());
    }
    client.on('data', (c: Buffer) => (count += c.toString('latin1').match(/^GET \S*\/containers\/[^/ ]+\/stats/gm)?.length ?? 0));
    client.pipe(up).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(listen, resolve));
  return {
    statsRequests: () => count,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('berth stats', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon({ name: 'bstats' });
    ok(await d.docker(['run', '-d', '--name', 'first', '--network', 'none', 'busybox', 'sleep', '300']));
  });
  after(() => d?.cleanup());

  it('streams: one request per container, redraws as samples arrive, follows started and removed containers', async () => {
    const proxy = await countingProxy(path.join(d.root, 'count.sock'), d.sock);
    const host = `unix://${path.join(d.root, 'count.sock')}`;
    const cli = spawn(process.execPath, [BERTH, 'stats', '--format', '{{.Name}} pids={{.PIDs}}'], { env: { ...process.env, ...d.env, DOCKER_HOST: host, BERTH_HOST: host }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    cli.stdout.on('data', (c: Buffer) => (out += c.toString()));
    cli.stderr.on('data', (c: Buffer) => (err += c.toString()));
    /** Complete frames so far (the last one may still be arriving). */
    const frames = () => out.split(CLEAR).slice(1, -1);
    try {
      await waitFor(`three frames showing "first" (stdout: ${JSON.stringify(out.slice(-300))} stderr: ${err})`, () => frames().filter((f) => f.includes('first pids=1')).length >= 3, 20_000);
      assert.equal(proxy.statsRequests(), 1, 'one stats stream, not a request per frame');
      ok(await d.docker(['run', '-d', '--name', 'second', '--network', 'none', 'busybox', 'sleep', '300']));
      await waitFor('"second" to appear', () => frames().some((f) => f.includes('second pids=1') && f.includes('first')), 20_000);
      ok(await d.docker(['rm', '-f', 'second']));
      const seen = frames().length;
      await waitFor('a frame without "second"', () => frames().slice(seen).some((f) => f.includes('first') && !f.includes('second')), 20_000);
      assert.equal(cli.exitCode, null, 'still streaming');
    } finally {
      cli.kill('SIGKILL');
      await proxy.close();
    }
  });

  it('--no-stream prints one table and exits', async () => {
    const r = ok(await d.berth(['stats', '--no-stream', '--format', '{{.Name}} pids={{.PIDs}}', 'first']));
    assert.equal(r.trim(), 'first pids=1');
  });
});

// testcontainers (npm, 12.x), unchanged, against berthd as a user runs it: DOCKER_HOST at the test
// daemon, the reaper (ryuk) disabled since its image cannot be pulled offline, busybox from berth's
// offline image maker. GenericContainer with exposed ports and the wait strategies (log message,
// listening ports, health check), exec, copying in and out, networks with aliases, logs, restart
// and stop.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { integrationSkipReason, startDaemon, type Daemon } from '../harness.js';
import { tarMember } from '../support/tar.js';

type TC = typeof import('testcontainers');

/** A busybox httpd serving `body` on port 80, said ready in its log once it listens. */
const HTTPD = (body: string) => ['sh', '-c', `mkdir -p /www && echo ${body} > /www/index.html && httpd -p 80 -h /www && echo httpd-ready && exec sleep 600`];

function get(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host, port, path: '/', timeout: 5000, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve(body));
      })
      .on('error', reject)
      .on('timeout', function (this: http.ClientRequest) {
        this.destroy(new Error('timeout'));
      });
  });
}

async function streamText(s: NodeJS.ReadableStream, until: string): Promise<string> {
  let text = '';
  for await (const c of s) {
    text += String(c);
    if (text.includes(until)) break;
  }
  return text;
}

describe('testcontainers against berthd', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  let tc: TC;
  const saved = { host: process.env.DOCKER_HOST, ryuk: process.env.TESTCONTAINERS_RYUK_DISABLED };
  before(async () => {
    d = await startDaemon({ name: 'tcont', defaultNetwork: 'bridge' });
    // As a user sets them; testcontainers reads them when it first talks to a runtime.
    process.env.DOCKER_HOST = d.env.DOCKER_HOST;
    process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
    tc = await import('testcontainers');
  });
  after(async () => {
    await d?.cleanup();
    if (saved.host === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = saved.host;
    if (saved.ryuk === undefined) delete process.env.TESTCONTAINERS_RYUK_DISABLED;
    else process.env.TESTCONTAINERS_RYUK_DISABLED = saved.ryuk;
  });

  it('an exposed port with Wait.forListeningPorts, reached on the mapped port', async () => {
    const c = await new tc.GenericContainer('busybox').withExposedPorts(80).withCommand(HTTPD('listening')).withWaitStrategy(tc.Wait.forListeningPorts()).start();
    try {
      assert.equal((await get(c.getHost(), c.getMappedPort(80))).trim(), 'listening');
    } finally {
      await c.stop();
    }
  });

  it('Wait.forLogMessage, exec with exit code and separate streams, logs', async () => {
    const c = await new tc.GenericContainer('busybox').withCommand(HTTPD('logged')).withExposedPorts(80).withWaitStrategy(tc.Wait.forLogMessage('httpd-ready')).start();
    try {
      assert.equal((await get(c.getHost(), c.getMappedPort(80))).trim(), 'logged');
      const r = await c.exec(['sh', '-c', 'echo to-out; echo to-err >&2; exit 3']);
      assert.equal(r.exitCode, 3);
      assert.equal(r.stdout.trim(), 'to-out');
      assert.equal(r.stderr.trim(), 'to-err');
      const asUser = await c.exec(['id', '-u'], { user: 'nobody', env: { X: '1' } });
      assert.equal(asUser.output.trim(), '65534');
      assert.match(await streamText(await c.logs(), 'httpd-ready'), /httpd-ready/);
    } finally {
      await c.stop();
    }
  });

  it('Wait.forHealthCheck waits for the healthcheck given at create', async () => {
    const c = await new tc.GenericContainer('busybox')
      .withCommand(['sh', '-c', 'sleep 1; touch /tmp/ok; exec sleep 600'])
      .withHealthCheck({ test: ['CMD-SHELL', 'test -f /tmp/ok'], interval: 300, timeout: 1000, retries: 20, startPeriod: 0 })
      .withWaitStrategy(tc.Wait.forHealthCheck())
      .start();
    try {
      assert.equal(JSON.parse((await d.docker(['inspect', '-f', '{{json .State.Health.Status}}', c.getId()])).stdout), 'healthy');
    } finally {
      await c.stop();
    }
  });

  it('copyFilesToContainer, copyContentToContainer, copyDirectoriesToContainer before start; copyArchiveFromContainer', async () => {
    const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'berth-tc-'));
    try {
      await fsp.writeFile(path.join(tmp, 'file.txt'), 'from-a-file\n');
      await fsp.mkdir(path.join(tmp, 'dir', 'sub'), { recursive: true });
      await fsp.writeFile(path.join(tmp, 'dir', 'sub', 'deep.txt'), 'deep\n');
      const c = await new tc.GenericContainer('busybox')
        .withCommand(['sleep', '600'])
        .withCopyFilesToContainer([{ source: path.join(tmp, 'file.txt'), target: '/data/file.txt' }])
        .withCopyContentToContainer([{ content: 'inline\n', target: '/data/inline.txt', mode: 0o600 }])
        .withCopyDirectoriesToContainer([{ source: path.join(tmp, 'dir'), target: '/data/dir' }])
        .start();
      try {
        assert.equal((await c.exec(['cat', '/data/file.txt', '/data/inline.txt', '/data/dir/sub/deep.txt'])).output, 'from-a-file\ninline\ndeep\n');
        assert.equal((await c.exec(['stat', '-c', '%a', '/data/inline.txt'])).output.trim(), '600');
        // And into a running container.
        await c.copyContentToContainer([{ content: 'later\n', target: '/data/later.txt' }]);
        await c.copyFilesToContainer([{ source: path.join(tmp, 'file.txt'), target: '/data/again.txt' }]);
        assert.equal((await c.exec(['cat', '/data/later.txt', '/data/again.txt'])).output, 'later\nfrom-a-file\n');
        const archive = await c.copyArchiveFromContainer('/data/later.txt');
        const chunks: Buffer[] = [];
        for await (const b of archive) chunks.push(b as Buffer);
        assert.equal(await tarMember(Buffer.concat(chunks), 'later.txt'), 'later\n');
      } finally {
        await c.stop();
      }
    } finally {
      await fsp.rm(tmp, { recursive: true, force: true });
    }
  });

  it('a Network with aliases: one container reaches another by its alias', async () => {
    const network = await new tc.Network().start();
    try {
      const server = await new tc.GenericContainer('busybox').withNetwork(network).withNetworkAliases('webserver').withCommand(HTTPD('by-alias')).withWaitStrategy(tc.Wait.forLogMessage('httpd-ready')).start();
      try {
        assert.ok(server.getIpAddress(network.getName()));
        const client = await new tc.GenericContainer('busybox').withNetwork(network).withCommand(['sleep', '600']).start();
        try {
          const r = await client.exec(['wget', '-q', '-O-', 'http://webserver/']);
          assert.equal(r.exitCode, 0, r.output);
          assert.equal(r.output.trim(), 'by-alias');
        } finally {
          await client.stop();
        }
      } finally {
        await server.stop();
      }
    } finally {
      await network.stop();
    }
    assert.equal((await d.api('GET', `/networks/${network.getId()}`)).status, 404, 'the network is gone');
  });

  it('restart keeps the container and its port; stop removes it', async () => {
    const c = await new tc.GenericContainer('busybox').withExposedPorts(80).withCommand(HTTPD('restarted')).withWaitStrategy(tc.Wait.forListeningPorts()).start();
    const id = c.getId();
    await c.restart();
    assert.equal(c.getId(), id);
    assert.equal((await get(c.getHost(), c.getMappedPort(80))).trim(), 'restarted');
    const stopped = await c.stop();
    assert.equal(stopped.getId(), id);
    assert.equal((await d.api('GET', `/containers/${id}/json`)).status, 404, 'stop removes the container (testcontainers default)');
  });
});

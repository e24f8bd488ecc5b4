// Published ports through the real docker CLI: -p IP:HOST:CTR, -p HOST:CTR, -p CTR (random),
// -P with EXPOSE from `docker commit -c`, answered on 127.0.0.1 from this process (Node's http)
// and from another container; `docker port` and inspect; a taken port fails cleanly.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { integrationSkipReason, startDaemon, type Daemon } from '../harness.js';
import { ok } from '../support/assert.js';
import { cleanupWithNetworks, daemonFlag, defaultGateway, freeHostPort, httpGetEventually, iptablesRulesOf, netState, sh, startWeb } from './docker-support.js';

describe('docker published ports', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon({ name: 'nport' });
  });
  after(() => cleanupWithNetworks(d));

  const portsOf = async (name: string) => JSON.parse(ok(await d.docker(['inspect', '-f', '{{json .NetworkSettings.Ports}}', name])));

  it('-p 127.0.0.1:HOST:80 answers on 127.0.0.1 and shows in docker port and inspect', async () => {
    const port = await freeHostPort();
    await startWeb(d, 'loweb', ['-p', `127.0.0.1:${port}:80`]);
    const r = await httpGetEventually(port);
    assert.equal(r.status, 200);
    assert.equal(r.body, 'hello from loweb\n');
    assert.equal(ok(await d.docker(['port', 'loweb'])), `80/tcp -> 127.0.0.1:${port}`);
    assert.equal(ok(await d.docker(['port', 'loweb', '80'])), `127.0.0.1:${port}`);
    assert.deepEqual((await portsOf('loweb'))['80/tcp'], [{ HostIp: '127.0.0.1', HostPort: String(port) }]);
    const ps = ok(await d.docker(['ps', '--filter', 'name=loweb', '--format', '{{.Ports}}']));
    assert.equal(ps, `127.0.0.1:${port}->80/tcp`);
  });

  it('-p HOST:80 answers on 127.0.0.1 from the host and on the gateway from another container', async () => {
    const port = await freeHostPort();
    await startWeb(d, 'allweb', ['-p', `${port}:80`]);
    assert.equal((await httpGetEventually(port)).body, 'hello from allweb\n');
    const gw = await defaultGateway(d);
    const out = ok(await sh(d, [], `wget -qO- http://${gw}:${port}/`));
    assert.equal(out, 'hello from allweb');
    assert.match(ok(await d.docker(['port', 'allweb', '80/tcp'])), new RegExp(`^0\\.0\\.0\\.0:${port}$`, 'm'));
  });

  it('-p HOST:80 of an IPv4-only container is on [::] too, relayed as docker-proxy does: [::1] answers', async () => {
    const port = await freeHostPort();
    await startWeb(d, 'sixweb', ['-p', `${port}:80`]);
    assert.deepEqual((await portsOf('sixweb'))['80/tcp'], [
      { HostIp: '0.0.0.0', HostPort: String(port) },
      { HostIp: '::', HostPort: String(port) },
    ]);
    assert.equal(ok(await d.docker(['port', 'sixweb', '80'])), `0.0.0.0:${port}\n[::]:${port}`);
    assert.equal((await httpGetEventually(port, '::1')).body, 'hello from sixweb\n');
    ok(await d.docker(['rm', '-f', 'sixweb']));
    // The relay went with the container: the port is free on [::1] again.
    const probe = await new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen({ host: '::1', port, ipv6Only: true }, () => s.close(() => resolve(true)));
    });
    assert.ok(probe, `[::1]:${port} still held after the container went`);
  });

  it('-p 80 picks a free host port from the ephemeral range', async () => {
    await startWeb(d, 'randweb', ['-p', '80']);
    const bound = ok(await d.docker(['port', 'randweb', '80']));
    const m = /^0\.0\.0\.0:(\d+)$/m.exec(bound);
    assert.ok(m, bound);
    const port = Number(m[1]);
    assert.ok(port >= 1024, bound);
    assert.equal((await httpGetEventually(port)).body, 'hello from randweb\n');
  });

  it('-P publishes the ports an image EXPOSEs (docker commit -c "EXPOSE 80")', async () => {
    ok(await d.docker(['create', '--name', 'tocommit', 'busybox', 'true']));
    ok(await d.docker(['commit', '-c', 'EXPOSE 80', 'tocommit', 'exposing:1']));
    ok(await d.docker(['rm', 'tocommit']));
    const exposed = JSON.parse(ok(await d.docker(['image', 'inspect', '-f', '{{json .Config.ExposedPorts}}', 'exposing:1'])));
    assert.deepEqual(Object.keys(exposed), ['80/tcp']);
    await startWeb(d, 'pweb', ['-P'], 'hello from pweb', 'exposing:1');
    const ports = await portsOf('pweb');
    const host = ports['80/tcp']?.[0];
    assert.ok(host && host.HostIp === '0.0.0.0' && Number(host.HostPort) > 0, JSON.stringify(ports));
    assert.equal((await httpGetEventually(Number(host.HostPort))).body, 'hello from pweb\n');
  });

  it('ports published from a user-defined network answer on the host and to its own members', async () => {
    ok(await d.docker(['network', 'create', '--subnet', '10.211.0.0/24', 'pubnet']));
    const port = await freeHostPort();
    await startWeb(d, 'userweb', ['--network', 'pubnet', '-p', `${port}:80`]);
    assert.equal((await httpGetEventually(port)).body, 'hello from userweb\n');
    const out = ok(await sh(d, ['--network', 'pubnet'], `wget -qO- http://10.211.0.1:${port}/`));
    assert.equal(out, 'hello from userweb');
  });

  it('a port held by another container: clear error, the container is not running, nothing left', async () => {
    const port = await freeHostPort();
    await startWeb(d, 'holder', ['-p', `127.0.0.1:${port}:80`]);
    await httpGetEventually(port);
    const before = await netState(d);
    const r = await d.docker(['run', '-d', '--name', 'loser', '-p', `127.0.0.1:${port}:80`, 'busybox', 'sleep', '60']);
    assert.equal(r.code, 125, r.stderr);
    assert.match(r.stderr, new RegExp(`Bind for 127\\.0\\.0\\.1:${port} failed: port is already allocated`));
    assert.equal(ok(await d.docker(['inspect', '-f', '{{.State.Running}}', 'loser'])), 'false');
    assert.deepEqual(await netState(d), before);
    // The holder keeps its port.
    assert.equal((await httpGetEventually(port)).body, 'hello from holder\n');
    ok(await d.docker(['rm', '-f', 'loser']));
  });

  it('a port held by a host process: clear error and nothing left', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const before = await netState(d);
      const r = await d.docker(['run', '-d', '--name', 'loser2', '-p', `127.0.0.1:${port}:80`, 'busybox', 'sleep', '60']);
      assert.equal(r.code, 125, r.stderr);
      assert.match(r.stderr, /address already in use/);
      assert.equal(ok(await d.docker(['inspect', '-f', '{{.State.Running}}', 'loser2'])), 'false');
      assert.deepEqual(await netState(d), before);
      ok(await d.docker(['rm', '-f', 'loser2']));
    } finally {
      server.close();
    }
  });

  it('stopping a container takes its rules away and frees its port', async () => {
    const prefix = daemonFlag(d, '--iptables-prefix');
    const port = await freeHostPort();
    await startWeb(d, 'shortlived', ['-p', `${port}:80`]);
    assert.ok((await iptablesRulesOf(prefix)).some((l) => l.includes(`--dport ${port} `)));
    ok(await d.docker(['stop', '-t', '1', 'shortlived']));
    assert.ok(!(await iptablesRulesOf(prefix)).some((l) => l.includes(`--dport ${port} `)));
    assert.deepEqual(await portsOf('shortlived'), {});
    ok(await d.docker(['start', 'shortlived']));
    assert.equal((await httpGetEventually(port)).body, 'hello from shortlived\n');
    ok(await d.docker(['rm', '-f', 'shortlived']));
    assert.ok(!(await iptablesRulesOf(prefix)).some((l) => l.includes(`--dport ${port} `)));
  });
});

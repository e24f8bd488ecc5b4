// Behaviours the SDKs and docker-compose rely on, driven through dockerode (the Node SDK) and the
// docker CLI against a real berthd: commit with the SDKs' default pause=true, diff kinds, inspect
// echoing a Healthcheck without nulls, network disconnect errors, image inspect for API 1.41.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Docker from 'dockerode';
import { integrationSkipReason, startDaemon, type Daemon } from '../harness.js';
import { ok } from '../support/assert.js';
import { sdkError } from '../support/sdk.js';


describe('SDK behaviours as dockerd has them', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  let sdk: Docker;
  before(async () => {
    d = await startDaemon({ name: 'sdk', defaultNetwork: 'none' });
    sdk = new Docker({ socketPath: d.sock });
  });
  after(() => d?.cleanup());

  it('commit of a stopped container with pause=true succeeds', async () => {
    const c = await sdk.createContainer({ Image: 'busybox', Cmd: ['sh', '-c', 'echo made > /made'], HostConfig: { NetworkMode: 'none' } });
    try {
      await c.start();
      assert.equal((await c.wait()).StatusCode, 0);
      const res: any = await c.commit({ repo: 'committed', tag: 'stopped', pause: true });
      assert.match(res.Id, /^sha256:[0-9a-f]{64}$/);
      assert.equal(ok(await d.docker(['run', '--rm', '--network', 'none', 'committed:stopped', 'cat', '/made'])), 'made');
    } finally {
      await c.remove({ force: true });
      await d.docker(['rmi', 'committed:stopped']);
    }
  });

  it('diff reports an added file as Added (1), a changed one as Modified (0), a removed one as Deleted (2)', async () => {
    const c = await sdk.createContainer({ Image: 'busybox', Cmd: ['sh', '-c', 'echo new > /etc/added && echo x >> /etc/group && mkdir /newdir && echo y > /newdir/f && rm /bin/vi'], HostConfig: { NetworkMode: 'none' } });
    try {
      await c.start();
      assert.equal((await c.wait()).StatusCode, 0);
      const kinds = Object.fromEntries(((await c.changes()) as { Path: string; Kind: number }[]).map((x) => [x.Path, x.Kind]));
      assert.equal(kinds['/etc/added'], 1, JSON.stringify(kinds));
      assert.equal(kinds['/etc/group'], 0, JSON.stringify(kinds));
      assert.equal(kinds['/etc'], 0, JSON.stringify(kinds));
      assert.equal(kinds['/newdir'], 1, JSON.stringify(kinds));
      assert.equal(kinds['/newdir/f'], 1, JSON.stringify(kinds));
      assert.equal(kinds['/bin/vi'], 2, JSON.stringify(kinds));
      assert.match(ok(await d.docker(['diff', c.id])), /^A \/etc\/added$/m);
    } finally {
      await c.remove({ force: true });
    }
  });

  it('inspect echoes a Healthcheck with unset durations omitted, not null', async () => {
    // What the Python SDK sends for healthcheck={"test": [...], "interval": 1s}: the rest null.
    const c = await sdk.createContainer({
      Image: 'busybox',
      Cmd: ['sleep', '1'],
      HostConfig: { NetworkMode: 'none' },
      Healthcheck: { Test: ['CMD', 'true'], Interval: 1_000_000_000, Timeout: null, Retries: null, StartPeriod: null } as any,
    });
    try {
      const info = await c.inspect();
      assert.deepEqual(info.Config.Healthcheck, { Test: ['CMD', 'true'], Interval: 1_000_000_000 });
    } finally {
      await c.remove({ force: true });
    }
  });

  it('disconnecting a container from a network it is not on is an error, also with force', async () => {
    const net = await sdk.createNetwork({ Name: 'compat-disc' });
    const stopped = await sdk.createContainer({ Image: 'busybox', Cmd: ['true'], HostConfig: { NetworkMode: 'none' } });
    const running = await sdk.createContainer({ name: 'compat-running', Image: 'busybox', Cmd: ['sleep', '60'], HostConfig: { NetworkMode: 'none' } });
    try {
      await running.start();
      for (const force of [false, true]) {
        const e = await sdkError(net.disconnect({ Container: stopped.id, Force: force }));
        assert.equal(e.status, 500, `stopped, force=${force}`);
        assert.equal(e.message, `container ${stopped.id} is not connected to the network compat-disc`);
      }
      const plain = await sdkError(net.disconnect({ Container: running.id }));
      assert.deepEqual(plain, { status: 500, message: `container ${running.id} is not connected to network compat-disc` });
      assert.deepEqual(await sdkError(net.disconnect({ Container: running.id, Force: true })), { status: 404, message: 'endpoint compat-running not found' });
      // Connected, a disconnect still works (and a second one is the error again).
      await net.connect({ Container: stopped.id });
      await net.disconnect({ Container: stopped.id });
      assert.equal((await sdkError(net.disconnect({ Container: stopped.id }))).status, 500);
    } finally {
      await running.remove({ force: true });
      await stopped.remove({ force: true });
      await net.remove();
    }
  });

  it('image inspect carries Container and ContainerConfig for API versions below 1.45', async () => {
    const old = new Docker({ socketPath: d.sock, version: 'v1.41' });
    const img: any = await old.getImage('busybox').inspect();
    assert.equal(typeof img.Container, 'string');
    assert.equal(typeof img.ContainerConfig, 'object');
    assert.ok(img.ContainerConfig !== null && 'Cmd' in img.ContainerConfig, JSON.stringify(img.ContainerConfig));
    const cur: any = await sdk.getImage('busybox').inspect();
    assert.ok(!('ContainerConfig' in cur) && !('Container' in cur));
  });

  it('an unknown logging driver is refused at create in dockerd\'s words', async () => {
    const e = await sdkError(sdk.createContainer({ Image: 'busybox', Cmd: ['true'], HostConfig: { NetworkMode: 'none', LogConfig: { Type: 'nosuchdriver', Config: {} } } }));
    assert.deepEqual(e, { status: 400, message: 'error looking up logging plugin nosuchdriver: plugin "nosuchdriver" not found' });
    assert.equal(ok(await d.docker(['ps', '-aq'])), '');
  });
});

// Create requests dockerd refuses before any work, driven through dockerode (the Node SDK):
// real-time CPU options (no real-time scheduler under cgroup v2) and a volume driver berthd does
// not have (looked up as a plugin, as dockerd does, and not found).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Docker from 'dockerode';
import { integrationSkipReason, startDaemon, type Daemon } from '../harness.js';
import { ok } from '../support/assert.js';
import { sdkError } from '../support/sdk.js';


describe('create refused in dockerd\'s words', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  let sdk: Docker;
  before(async () => {
    d = await startDaemon({ name: 'crerr', defaultNetwork: 'none' });
    sdk = new Docker({ socketPath: d.sock });
  });
  after(() => d?.cleanup());

  it('real-time CPU options are a 400: no real-time scheduler', async () => {
    for (const res of [{ CpuRealtimePeriod: 1_000_000 }, { CpuRealtimeRuntime: 950_000 }]) {
      const err = await sdkError(sdk.createContainer({ Image: 'busybox', Cmd: ['true'], HostConfig: { NetworkMode: 'none', ...res } }));
      assert.deepEqual(err, { status: 400, message: 'kernel does not support CPU real-time scheduler' });
    }
    assert.equal(ok(await d.docker(['ps', '-aq'])), '');
  });

  it('an unknown volume driver is a 404 naming the plugin, and leaves no volume or container', async () => {
    const viaBinds = await sdkError(sdk.createContainer({ Image: 'busybox', Cmd: ['true'], HostConfig: { NetworkMode: 'none', Binds: ['data1:/data'], VolumeDriver: 'nfsplug' } }));
    assert.deepEqual(viaBinds, { status: 404, message: 'create data1: error looking up volume plugin nfsplug: plugin "nfsplug" not found' });
    const viaMounts = await sdkError(
      sdk.createContainer({ Image: 'busybox', Cmd: ['true'], HostConfig: { NetworkMode: 'none', Mounts: [{ Type: 'volume', Source: 'data2', Target: '/data', VolumeOptions: { NoCopy: false, Labels: {}, DriverConfig: { Name: 'rexray', Options: {} } } }] } }),
    );
    assert.deepEqual(viaMounts, { status: 404, message: 'create data2: error looking up volume plugin rexray: plugin "rexray" not found' });
    assert.equal(ok(await d.docker(['ps', '-aq'])), '');
    assert.equal(ok(await d.docker(['volume', 'ls', '-q'])), '');
  });

  it('volume create with an unknown driver is the same 404', async () => {
    const err = await sdkError(sdk.createVolume({ Name: 'data3', Driver: 'nfsplug' }));
    assert.deepEqual(err, { status: 404, message: 'create data3: error looking up volume plugin nfsplug: plugin "nfsplug" not found' });
    assert.equal(ok(await d.docker(['volume', 'ls', '-q'])), '');
  });
});

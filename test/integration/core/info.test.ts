// docker info against the host: the storage driver in use and its status, cgroup version and
// driver, runtimes, the registry configuration berthd was given, and dockerd's warnings for what
// the host lacks (none where it lacks nothing).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { integrationSkipReason, startDaemon, type Daemon } from '../harness.js';
import { ok } from '../support/assert.js';

describe('info', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon({ name: 'info', loadBusybox: false, args: ['--insecure-registry', 'myreg.example:5000', '--insecure-registry', '10.9.0.0/16', '--registry-mirror', 'https://mirror.example'] });
  });
  after(() => d?.cleanup());

  it('reports the driver, its status, cgroups, runtimes and registry config as dockerd does', async () => {
    const info = JSON.parse(ok(await d.docker(['info', '--format', '{{json .}}'])));
    const overlay = readFileSync('/proc/filesystems', 'utf8').includes('\toverlay\n');
    assert.equal(info.Driver, overlay ? 'overlay2' : 'vfs');
    if (overlay) {
      const status = Object.fromEntries(info.DriverStatus);
      assert.deepEqual(Object.keys(status), ['Backing Filesystem', 'Supports d_type', 'Using metacopy', 'Native Overlay Diff', 'userxattr']);
      assert.notEqual(status['Backing Filesystem'], '<unknown>');
      assert.equal(status['Using metacopy'], String(readFileSync('/sys/module/overlay/parameters/metacopy', 'utf8').trim() === 'Y'));
    }
    assert.equal(info.CgroupVersion, existsSync('/sys/fs/cgroup/cgroup.controllers') ? '2' : '1');
    assert.equal(info.CgroupDriver, 'cgroupfs');
    assert.equal(info.DefaultRuntime, 'runc');
    assert.ok(info.Runtimes.runc, 'runc among the runtimes');
    assert.deepEqual(info.RegistryConfig.InsecureRegistryCIDRs, ['10.9.0.0/16', '::1/128', '127.0.0.0/8']);
    assert.deepEqual(info.RegistryConfig.IndexConfigs['myreg.example:5000'], { Name: 'myreg.example:5000', Mirrors: [], Secure: false, Official: false });
    assert.deepEqual(info.RegistryConfig.IndexConfigs['docker.io'].Mirrors, ['https://mirror.example/']);
    assert.equal(info.IPv4Forwarding, readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim() === '1');
    assert.ok(info.NFd > 0);
    // The warnings follow the host: swap accounting is the one hosts most often lack.
    const v1 = info.CgroupVersion === '1';
    const swap = v1 ? existsSync('/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes') : true;
    assert.equal(info.SwapLimit, swap);
    assert.equal(info.Warnings?.includes('WARNING: No swap limit support') ?? false, !swap);
  });

  it('docker info prints the registry configuration and the warnings', async () => {
    const r = await d.docker(['info']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Storage Driver: (overlay2|vfs)/);
    assert.match(r.stdout, /Cgroup Version: [12]/);
    assert.match(r.stdout, /Insecure Registries:\n\s+myreg\.example:5000\n\s+10\.9\.0\.0\/16\n\s+::1\/128\n\s+127\.0\.0\.0\/8/);
    assert.match(r.stdout, /Registry Mirrors:\n\s+https:\/\/mirror\.example\//);
  });
});

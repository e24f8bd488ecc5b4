// Create fields through the docker CLI: dockerd's warnings (printed by the CLI as "WARNING: …")
// and refusals, and fields that were once dropped silently now applied (OomKillDisable,
// MemorySwappiness, VolumesFrom).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { integrationSkipReason, startDaemon, type Daemon } from '../harness.js';
import { exits, ok } from '../support/assert.js';
import { hostCgroupCaps } from '../../../src/engine/containers/create-fields.js';

describe('create fields: applied, refused or warned', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  const caps = hostCgroupCaps();
  before(async () => {
    d = await startDaemon({ name: 'cfld' });
  });
  after(() => d?.cleanup());

  it('--oom-kill-disable without a memory limit: created, with the warning for this host', async () => {
    const r = exits(await d.docker(['create', '--name', 'ook', '--oom-kill-disable', 'busybox', 'true']), 0);
    const expected = caps.oomKillDisable
      ? 'WARNING: OOM killer is disabled for the container, but no memory limit is set, this can result in the system running out of resources.'
      : 'WARNING: Your kernel does not support OomKillDisable. OomKillDisable discarded.';
    assert.ok(r.stderr.includes(expected), r.stderr);
    assert.equal(ok(await d.docker(['inspect', '-f', '{{.HostConfig.OomKillDisable}}', 'ook'])), String(caps.oomKillDisable));
    ok(await d.docker(['rm', 'ook']));
  });

  it('published ports with host networking: the warning', async () => {
    const r = exits(await d.docker(['create', '--name', 'hostp', '--network', 'host', '-p', '18080:80', 'busybox', 'true']), 0);
    assert.ok(r.stderr.includes('WARNING: Published ports are discarded when using host network mode'), r.stderr);
    ok(await d.docker(['rm', 'hostp']));
  });

  it("--storage-opt and --gpus are refused with dockerd's errors", async () => {
    let r = exits(await d.docker(['run', '--rm', '--storage-opt', 'size=1G', 'busybox', 'true']), 125);
    assert.match(r.stderr, /Error response from daemon: --storage-opt is supported only for overlay over xfs with 'pquota' mount option/);
    r = exits(await d.docker(['run', '--rm', '--gpus', 'all', 'busybox', 'true']), 125);
    assert.match(r.stderr, /Error response from daemon: could not select device driver "" with capabilities: \[\[gpu\]\]/);
  });

  it('--memory-swappiness and --oom-kill-disable reach the cgroup where the host has them', async (t) => {
    if (!caps.memorySwappiness || !caps.oomKillDisable) return t.skip('cgroup v2: no swappiness or OOM-kill disable');
    const out = ok(await d.docker(['run', '--rm', '-m', '32m', '--memory-swappiness', '7', '--oom-kill-disable', 'busybox', 'sh', '-c', 'cat /sys/fs/cgroup/memory/memory.swappiness; grep oom_kill_disable /sys/fs/cgroup/memory/memory.oom_control']));
    assert.equal(out, '7\noom_kill_disable 1');
  });

  it('--volumes-from shares the other container\'s volumes; :ro makes them read-only', async () => {
    ok(await d.docker(['run', '--name', 'vsrc', '-v', '/data', 'busybox', 'sh', '-c', 'echo shared > /data/f']));
    assert.equal(ok(await d.docker(['run', '--rm', '--volumes-from', 'vsrc', 'busybox', 'cat', '/data/f'])), 'shared');
    const r = await d.docker(['run', '--rm', '--volumes-from', 'vsrc:ro', 'busybox', 'sh', '-c', 'echo x > /data/g']);
    assert.notEqual(r.code, 0);
    assert.match(r.stdout + r.stderr, /Read-only file system/);
    ok(await d.docker(['rm', '-v', 'vsrc']));
  });
});

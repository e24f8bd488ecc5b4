// --userns-remap with the real docker CLI: container root is an unprivileged host uid from the
// berth-remap user's subordinate range; --userns=host opts a container out.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { describeResult, integrationSkipReason, startDaemon, type Daemon } from '../harness.js';

describe('userns-remap', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  let uid: number;
  let gid: number;
  let shared: string;

  before(async () => {
    d = await startDaemon({ name: 'us', args: ['--userns-remap', 'default'] });
    const info = (await d.api('GET', '/info')).json;
    const m = /\/(\d+)\.(\d+)$/.exec(info.DockerRootDir);
    assert.ok(m, `DockerRootDir ${info.DockerRootDir} names the mapping`);
    uid = Number(m[1]);
    gid = Number(m[2]);
    assert.ok(uid >= 100000 && gid >= 100000, `remapped root ${uid}:${gid} is unprivileged`);
    assert.ok(info.SecurityOptions.includes('name=userns'), JSON.stringify(info.SecurityOptions));
    // A directory the remapped root can pass, holding a file only host root may read.
    shared = path.join(d.root, 'shared');
    await fsp.mkdir(shared, { mode: 0o755 });
    await fsp.chmod(shared, 0o755);
    await fsp.writeFile(path.join(shared, 'secret'), 'root only\n', { mode: 0o600 });
  });
  after(() => d?.cleanup());

  it('runs root in the container as the mapped uid: id says 0, uid_map names the range', async () => {
    const r = await d.docker(['run', '--rm', 'busybox', 'sh', '-c', 'id; cat /proc/self/uid_map; cat /etc/hostname /etc/hosts /etc/resolv.conf >/dev/null && echo etc-ok']);
    assert.equal(r.code, 0, describeResult(r));
    assert.match(r.stdout, /^uid=0\(root\) gid=0\(root\)/);
    assert.match(r.stdout, new RegExp(`^\\s*0\\s+${uid}\\s+\\d+$`, 'm'));
    assert.match(r.stdout, /etc-ok/);
  });

  it('denies a root-only host file through a bind mount', async () => {
    const r = await d.docker(['run', '--rm', '-v', `${shared}:/m`, 'busybox', 'cat', '/m/secret']);
    assert.notEqual(r.code, 0, describeResult(r));
    assert.match(r.stderr, /Permission denied/);
  });

  it('creates files in a bind mount as the mapped uid on the host', async () => {
    await fsp.chmod(shared, 0o777);
    try {
      const r = await d.docker(['run', '--rm', '-v', `${shared}:/m`, 'busybox', 'sh', '-c', 'echo hi > /m/made && ls -ln /m/made']);
      assert.equal(r.code, 0, describeResult(r));
      assert.match(r.stdout, /\s0\s+0\s/, 'owned by root inside');
      const st = await fsp.stat(path.join(shared, 'made'));
      assert.equal(st.uid, uid);
      assert.equal(st.gid, gid);
    } finally {
      await fsp.chmod(shared, 0o755);
    }
  });

  it('shows the image as root-owned inside and keeps the container writable', async () => {
    const r = await d.docker(['run', '--rm', '--network', 'none', 'busybox', 'sh', '-c', 'stat -c "%u:%g" /bin/busybox /etc; touch /etc/new && echo wrote']);
    assert.equal(r.code, 0, describeResult(r));
    assert.equal(r.stdout.trim(), '0:0\n0:0\nwrote');
  });

  it('gives volumes to the remapped root', async () => {
    const r = await d.docker(['run', '--rm', '-v', 'usvol:/data', 'busybox', 'sh', '-c', 'echo x > /data/f && stat -c "%u" /data/f']);
    assert.equal(r.code, 0, describeResult(r));
    assert.equal(r.stdout.trim(), '0');
    const mp = (await d.api('GET', '/volumes/usvol')).json.Mountpoint;
    assert.equal((await fsp.stat(mp)).uid, uid);
    assert.equal((await fsp.stat(path.join(mp, 'f'))).uid, uid);
    await d.docker(['volume', 'rm', 'usvol']);
  });

  it('--userns=host opts out: real root reads the root-only file', async () => {
    const r = await d.docker(['run', '--rm', '--userns=host', '-v', `${shared}:/m`, 'busybox', 'sh', '-c', 'cat /m/secret; cat /proc/self/uid_map']);
    assert.equal(r.code, 0, describeResult(r));
    assert.match(r.stdout, /root only/);
    assert.match(r.stdout, /^\s*0\s+0\s+4294967295$/m);
  });

  it('exec runs in the container\'s user namespace', async () => {
    const run = await d.docker(['run', '-d', '--name', 'usexec', 'busybox', 'sleep', '600']);
    assert.equal(run.code, 0, describeResult(run));
    try {
      const r = await d.docker(['exec', 'usexec', 'sh', '-c', 'id -u; cat /proc/self/uid_map']);
      assert.equal(r.code, 0, describeResult(r));
      assert.match(r.stdout, new RegExp(String.raw`^0\n\s*0\s+${uid}\s`));
    } finally {
      await d.docker(['rm', '-f', 'usexec']);
    }
  });

  it('builds and commits images whose files keep their in-container owners', async () => {
    const ctx = path.join(d.root, 'ctx');
    await fsp.mkdir(ctx, { recursive: true });
    await fsp.writeFile(path.join(ctx, 'Dockerfile'), 'FROM busybox\nRUN echo b > /built && chown 1:2 /built\n');
    const b = await d.docker(['build', '-q', '-t', 'usbuilt', ctx]);
    assert.equal(b.code, 0, describeResult(b));
    const r = await d.docker(['run', '--rm', 'usbuilt', 'stat', '-c', '%u:%g', '/built', '/bin/busybox']);
    assert.equal(r.code, 0, describeResult(r));
    assert.equal(r.stdout.trim(), '1:2\n0:0');
    const c = await d.docker(['run', '--name', 'uscommit', 'busybox', 'sh', '-c', 'echo c > /committed']);
    assert.equal(c.code, 0, describeResult(c));
    assert.equal((await d.docker(['commit', 'uscommit', 'uscommitted'])).code, 0);
    await d.docker(['rm', 'uscommit']);
    const rc = await d.docker(['run', '--rm', 'uscommitted', 'stat', '-c', '%u:%g', '/committed']);
    assert.equal(rc.stdout.trim(), '0:0', describeResult(rc));
    const host = await d.docker(['run', '--rm', '--userns=host', 'uscommitted', 'stat', '-c', '%u:%g', '/committed']);
    assert.equal(host.stdout.trim(), '0:0', describeResult(host));
    await d.docker(['rmi', 'usbuilt', 'uscommitted']);
  });

  it('docker cp into a remapped container gives the files to its root', async () => {
    const src = path.join(d.root, 'cpsrc');
    await fsp.writeFile(src, 'copied\n');
    assert.equal((await d.docker(['create', '--name', 'uscp', 'busybox', 'stat', '-c', '%u:%g', '/cpdst'])).code, 0);
    try {
      const cp = await d.docker(['cp', src, 'uscp:/cpdst']);
      assert.equal(cp.code, 0, describeResult(cp));
      const r = await d.docker(['start', '-a', 'uscp']);
      assert.equal(r.stdout.trim(), '0:0', describeResult(r));
      // And out again with the owner seen inside (root), not the host's shifted uid.
      const out = await d.api('GET', '/containers/uscp/archive?path=/cpdst');
      assert.equal(out.status, 200);
      assert.equal(out.body.subarray(108, 115).toString(), '0000000', 'tar uid field is 0');
    } finally {
      await d.docker(['rm', '-f', 'uscp']);
    }
  });

  it('keeps a remapped container across a berthd restart and lets go of its namespaces when it stops', async () => {
    const run = await d.docker(['run', '-d', '--name', 'usrestart', 'busybox', 'sleep', '600']);
    assert.equal(run.code, 0, describeResult(run));
    const id = run.stdout.trim();
    const nsFile = path.join(d.execRoot, 'userns', id);
    try {
      assert.ok((await fsp.stat(nsFile)).isFile());
      await d.restart();
      const r = await d.docker(['exec', 'usrestart', 'id', '-u']);
      assert.equal(r.stdout.trim(), '0', describeResult(r));
      assert.equal((await d.docker(['stop', '-t', '0', 'usrestart'])).code, 0);
      await assert.rejects(fsp.stat(nsFile), /ENOENT/);
      assert.equal((await d.docker(['start', 'usrestart'])).code, 0);
      const r2 = await d.docker(['exec', 'usrestart', 'id', '-u']);
      assert.equal(r2.stdout.trim(), '0', describeResult(r2));
      assert.ok((await fsp.stat(nsFile)).isFile());
    } finally {
      await d.docker(['rm', '-f', 'usrestart']);
    }
  });

  it("refuses what conflicts with user namespaces, in dockerd's words", async () => {
    const priv = await d.docker(['run', '--rm', '--privileged', 'busybox', 'true']);
    assert.match(priv.stderr, /privileged mode is incompatible with user namespaces/);
    const host = await d.docker(['run', '--rm', '--network', 'host', 'busybox', 'true']);
    assert.match(host.stderr, /cannot share the host's network namespace when user namespaces are enabled/);
    const ok = await d.docker(['run', '--rm', '--userns=host', '--network', 'host', 'busybox', 'true']);
    assert.equal(ok.code, 0, describeResult(ok));
  });
});

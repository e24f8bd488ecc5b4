// Volumes and mounts: named (created on first use, filled from the image), anonymous from an
// image VOLUME, bind mounts (-v and --mount, ro), tmpfs, and the volume commands.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { integrationSkipReason, startDaemon, type Daemon } from '../harness.js';
import { fails, ok } from '../support/assert.js';

describe('volumes and mounts', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon({ name: 'vol' });
  });
  after(() => d?.cleanup());

  const volumes = async (...args: string[]) =>
    ok(await d.docker(['volume', 'ls', '-q', ...args]))
      .split('\n')
      .filter(Boolean)
      .sort();

  describe('named volumes', () => {
    it('are created on first use and filled from the image', async () => {
      const out = ok(await d.docker(['run', '--rm', '-v', 'data:/etc', 'busybox', 'cat', '/etc/passwd']));
      assert.match(out, /^root:x:0:0:/);
      assert.deepEqual(await volumes(), ['data']);
    });

    it('keep data across containers and container removal', async () => {
      ok(await d.docker(['run', '--name', 'writer', '-v', 'data:/etc', 'busybox', 'sh', '-c', 'echo keep > /etc/kept']));
      ok(await d.docker(['rm', '-v', 'writer']));
      assert.deepEqual(await volumes(), ['data'], 'rm -v must not remove a named volume');
      assert.equal(ok(await d.docker(['run', '--rm', '-v', 'data:/etc', 'busybox', 'cat', '/etc/kept'])), 'keep');
      // Filled only the first time: the image's files do not come back over changes.
      ok(await d.docker(['run', '--rm', '-v', 'data:/etc', 'busybox', 'rm', '/etc/group']));
      const r = await d.docker(['run', '--rm', '-v', 'data:/etc', 'busybox', 'test', '-e', '/etc/group']);
      assert.equal(r.code, 1);
    });

    it('show up in inspect Mounts', async () => {
      ok(await d.docker(['create', '--name', 'mounted', '-v', 'data:/etc:ro', 'busybox']));
      const mounts = JSON.parse(ok(await d.docker(['inspect', '-f', '{{json .Mounts}}', 'mounted'])));
      assert.equal(mounts.length, 1);
      assert.equal(mounts[0].Type, 'volume');
      assert.equal(mounts[0].Name, 'data');
      assert.equal(mounts[0].Destination, '/etc');
      assert.equal(mounts[0].Driver, 'local');
      assert.equal(mounts[0].RW, false);
      ok(await d.docker(['rm', 'mounted']));
    });

    it(':ro volumes refuse writes', async () => {
      const r = await d.docker(['run', '--rm', '-v', 'data:/etc:ro', 'busybox', 'touch', '/etc/x']);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /Read-only file system/);
    });

    it('--mount type=volume works the same', async () => {
      assert.equal(ok(await d.docker(['run', '--rm', '--mount', 'type=volume,source=data,target=/v', 'busybox', 'cat', '/v/kept'])), 'keep');
    });
  });

  describe('anonymous volumes', () => {
    let volImg: string;
    before(async () => {
      ok(await d.docker(['run', '--name', 'seeder', 'busybox', 'sh', '-c', 'mkdir /data && echo seeded > /data/seed']));
      volImg = ok(await d.docker(['commit', '-c', 'VOLUME /data', 'seeder', 'volimg:1']));
      ok(await d.docker(['rm', 'seeder']));
    });

    it('come from the image VOLUME, filled with the image content', async () => {
      assert.match(ok(await d.docker(['image', 'inspect', '-f', '{{json .Config.Volumes}}', volImg])), /"\/data":\{\}/);
      ok(await d.docker(['run', '--name', 'anon', 'volimg:1', 'sh', '-c', 'cat /data/seed && echo more > /data/more']));
      assert.equal(ok(await d.docker(['logs', 'anon'])), 'seeded');
      const mounts = JSON.parse(ok(await d.docker(['inspect', '-f', '{{json .Mounts}}', 'anon'])));
      assert.equal(mounts.length, 1);
      assert.equal(mounts[0].Type, 'volume');
      assert.match(mounts[0].Name, /^[0-9a-f]{64}$/);
      assert.equal(mounts[0].Destination, '/data');
      assert.ok((await volumes()).includes(mounts[0].Name));
    });

    it('-v /path makes one too', async () => {
      const id = ok(await d.docker(['create', '-v', '/anon', 'busybox']));
      const mounts = JSON.parse(ok(await d.docker(['inspect', '-f', '{{json .Mounts}}', id])));
      assert.equal(mounts[0].Type, 'volume');
      assert.match(mounts[0].Name, /^[0-9a-f]{64}$/);
      ok(await d.docker(['rm', '-v', id]));
      assert.ok(!(await volumes()).includes(mounts[0].Name));
    });

    it('rm -v removes the anonymous volumes', async () => {
      const name = ok(await d.docker(['inspect', '-f', '{{range .Mounts}}{{.Name}}{{end}}', 'anon']));
      ok(await d.docker(['rm', '-v', 'anon']));
      assert.ok(!(await volumes()).includes(name));
      assert.ok((await volumes()).includes('data'));
    });

    it('rm without -v leaves them, and volume prune removes them', async () => {
      ok(await d.docker(['run', '--name', 'anon2', 'volimg:1', 'true']));
      const name = ok(await d.docker(['inspect', '-f', '{{range .Mounts}}{{.Name}}{{end}}', 'anon2']));
      ok(await d.docker(['rm', 'anon2']));
      assert.ok((await volumes()).includes(name));
      const out = ok(await d.docker(['volume', 'prune', '-f']));
      assert.match(out, new RegExp(`Deleted Volumes:\\n${name}`));
      assert.ok(!(await volumes()).includes(name));
      assert.ok((await volumes()).includes('data'), 'prune without --all keeps named volumes');
    });
  });

  describe('bind mounts and tmpfs', () => {
    let hostDir: string;
    before(async () => {
      hostDir = path.join(d.root, 'bind');
      await fsp.mkdir(hostDir);
      await fsp.writeFile(path.join(hostDir, 'from-host'), 'host data\n');
    });

    it('-v binds a host directory read-write', async () => {
      assert.equal(ok(await d.docker(['run', '--rm', '-v', `${hostDir}:/mnt`, 'busybox', 'cat', '/mnt/from-host'])), 'host data');
      ok(await d.docker(['run', '--rm', '-v', `${hostDir}:/mnt`, 'busybox', 'sh', '-c', 'echo back > /mnt/from-container']));
      assert.equal(await fsp.readFile(path.join(hostDir, 'from-container'), 'utf8'), 'back\n');
    });

    it('-v …:ro is read-only', async () => {
      const r = await d.docker(['run', '--rm', '-v', `${hostDir}:/mnt:ro`, 'busybox', 'touch', '/mnt/nope']);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /Read-only file system/);
    });

    it('--mount type=bind with readonly', async () => {
      const spec = `type=bind,source=${hostDir},target=/m,readonly`;
      assert.equal(ok(await d.docker(['run', '--rm', '--mount', spec, 'busybox', 'cat', '/m/from-host'])), 'host data');
      const r = await d.docker(['run', '--rm', '--mount', spec, 'busybox', 'touch', '/m/nope']);
      assert.notEqual(r.code, 0);
      const mounts = JSON.parse(ok(await d.docker(['inspect', '-f', '{{json .Mounts}}', ok(await d.docker(['create', '--mount', spec, 'busybox']))])));
      assert.equal(mounts[0].Type, 'bind');
      assert.equal(mounts[0].Source, hostDir);
      assert.equal(mounts[0].RW, false);
    });

    it('--mount type=bind of a missing source is refused', async () => {
      fails(await d.docker(['run', '--rm', '--mount', `type=bind,source=${hostDir}/missing,target=/m`, 'busybox', 'true']), /bind source path does not exist/);
    });

    it('-v of a missing host path creates it (as Docker does)', async () => {
      const missing = path.join(d.root, 'made-by-v');
      ok(await d.docker(['run', '--rm', '-v', `${missing}:/x`, 'busybox', 'true']));
      assert.ok((await fsp.stat(missing)).isDirectory());
    });

    it('--mount type=tmpfs mounts a tmpfs', async () => {
      const out = ok(await d.docker(['run', '--rm', '--mount', 'type=tmpfs,target=/t', 'busybox', 'grep', ' /t ', '/proc/mounts']));
      assert.match(out, /^tmpfs \/t tmpfs /);
    });
  });

  describe('volume commands', () => {
    it('create, ls, inspect, rm', async () => {
      assert.equal(ok(await d.docker(['volume', 'create', '--label', 'a=b', 'v1'])), 'v1');
      const table = ok(await d.docker(['volume', 'ls']));
      assert.match(table, /^DRIVER\s+VOLUME NAME$/m);
      assert.match(table, /^local\s+v1$/m);
      const [v] = JSON.parse(ok(await d.docker(['volume', 'inspect', 'v1'])));
      assert.equal(v.Name, 'v1');
      assert.equal(v.Driver, 'local');
      assert.equal(v.Scope, 'local');
      assert.deepEqual(v.Labels, { a: 'b' });
      assert.match(v.CreatedAt, /^\d{4}-\d\d-\d\dT/);
      assert.ok(v.Mountpoint.startsWith(d.dataRoot), v.Mountpoint);
      assert.deepEqual(await volumes('--filter', 'label=a=b'), ['v1']);
      assert.equal(ok(await d.docker(['volume', 'rm', 'v1'])), 'v1');
      fails(await d.docker(['volume', 'inspect', 'v1']), /no such volume/i);
    });

    it('volume create without a name makes a random one', async () => {
      const name = ok(await d.docker(['volume', 'create']));
      assert.match(name, /^[0-9a-f]{64}$/);
      ok(await d.docker(['volume', 'rm', name]));
    });

    it('rm of a volume in use is refused; -f does not help', async () => {
      ok(await d.docker(['create', '--name', 'holder', '-v', 'data:/d', 'busybox']));
      fails(await d.docker(['volume', 'rm', 'data']), /volume is in use/);
      ok(await d.docker(['rm', 'holder']));
    });

    it('prune --all removes unused named volumes', async () => {
      ok(await d.docker(['volume', 'create', 'unused']));
      ok(await d.docker(['volume', 'prune', '--all', '-f']));
      assert.deepEqual(await volumes(), []);
    });

    it('rm of an unknown volume is a 404', async () => {
      fails(await d.docker(['volume', 'rm', 'nosuchvol']), /no such volume/i);
      assert.equal((await d.api('GET', '/volumes/nosuchvol')).status, 404);
    });
  });
});

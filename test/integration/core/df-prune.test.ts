// `system df` and prune as dockerd 28 answers them, through the real docker CLI, with the figures
// checked against what is on disk and what `docker images` lists: the listed images only (not the
// intermediate build images), each layer counted once, SharedSize, per-image container counts,
// SizeRw against the writable layer, volume UsageData, the build cache (classic steps Shared with
// the images that hold their layers, the contexts berth's CLI syncs), `type` filtering; prune by
// `until` and labels where dockerd takes them, and dockerd's refusals where it does not.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { integrationSkipReason, startDaemon, waitFor, type Daemon } from '../harness.js';
import { fails, ok } from '../support/assert.js';

const CLASSIC = { DOCKER_BUILDKIT: '0' };

/** moby's directory.Size: every non-directory once (hard links once), from the disk itself. */
async function onDisk(dir: string, seen = new Set<number>()): Promise<number> {
  let total = 0;
  for (const e of await fsp.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      total += await onDisk(p, seen);
      continue;
    }
    const st = await fsp.lstat(p);
    if (st.nlink > 1 && seen.has(st.ino)) continue;
    seen.add(st.ino);
    total += st.size;
  }
  return total;
}

describe('system df and prune', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  let ctxRoot: string;
  const build = async (tag: string, lines: string[]): Promise<string> => {
    const ctx = path.join(ctxRoot, tag.replace(/[:/]/g, '-'));
    await fsp.mkdir(ctx, { recursive: true });
    await fsp.writeFile(path.join(ctx, 'Dockerfile'), ['FROM busybox', ...lines, ''].join('\n'));
    return ok(await d.docker(['build', '-q', '--network', 'none', '-t', tag, ctx], { env: CLASSIC, timeoutMs: 120_000 }), `build ${tag}`);
  };
  const df = async (query = '') => {
    const r = await d.api('GET', `/v1.50/system/df${query}`);
    assert.equal(r.status, 200, r.text);
    return r.json;
  };
  const dfTable = async () =>
    Object.fromEntries(
      ok(await d.docker(['system', 'df', '--format', '{{json .}}']))
        .split('\n')
        .map((l) => JSON.parse(l))
        .map((row) => [row.Type, row]),
    );

  before(async () => {
    d = await startDaemon({ name: 'dfprune', defaultNetwork: 'none' });
    ctxRoot = path.join(d.root, 'ctx');
  });
  after(() => d?.cleanup());

  describe('system df', () => {
    before(async () => {
      // Two images from the same first steps: their intermediate images (and layers) are shared.
      await build('app:1', ['RUN head -c 300000 /dev/urandom > /a', 'ENV X=1', 'RUN head -c 200000 /dev/urandom > /b']);
      await build('app:2', ['RUN head -c 300000 /dev/urandom > /a', 'ENV X=1', 'RUN head -c 100000 /dev/urandom > /c']);
      ok(await d.docker(['run', '--name', 'df-used', 'app:1', 'sh', '-c', 'head -c 5000 /dev/urandom > /x']));
      ok(await d.docker(['run', '-d', '--name', 'df-running', '-v', 'df-vol:/v', 'busybox', 'sh', '-c', 'head -c 7000 /dev/urandom > /v/f && exec sleep 600']));
      ok(await d.docker(['volume', 'create', 'df-idle']));
      await waitFor('the volume written', async () => (await d.api('GET', '/v1.50/system/df?type=volume')).json.Volumes.find((v: any) => v.Name === 'df-vol')?.UsageData.Size === 7000);
    });
    after(async () => {
      await d.docker(['rm', '-f', 'df-used', 'df-running']);
      await d.docker(['volume', 'rm', 'df-vol', 'df-idle']);
    });

    it('lists what `docker images` lists, with its sizes and container counts', async () => {
      const listed = ok(await d.docker(['images', '-q', '--no-trunc'])).split('\n').sort();
      const all = ok(await d.docker(['images', '-a', '-q', '--no-trunc'])).split('\n');
      assert.ok(all.length > listed.length, 'the builds left intermediate images');
      const u = await df();
      assert.deepEqual(u.Images.map((i: any) => i.Id).sort(), listed);
      for (const img of u.Images) {
        const inspect = JSON.parse(ok(await d.docker(['image', 'inspect', img.Id])))[0];
        assert.equal(img.Size, inspect.Size, `Size of ${img.RepoTags}`);
        const users = ok(await d.docker(['ps', '-a', '-q', '--no-trunc'])).split('\n').filter(Boolean);
        const using = [];
        for (const c of users) if (JSON.parse(ok(await d.docker(['inspect', c])))[0].Image === img.Id) using.push(c);
        assert.equal(img.Containers, using.length, `Containers of ${img.RepoTags}`);
      }
      const table = await dfTable();
      assert.equal(table.Images.TotalCount, String(listed.length));
      assert.equal(table.Images.Active, '2', 'app:1 and busybox have containers');
    });

    it('LayersSize is each layer of the listed images once, as on disk; SharedSize as dockerd counts it', async () => {
      const u = await df();
      const dirs = new Set<string>();
      for (const img of u.Images) {
        const g = JSON.parse(ok(await d.docker(['image', 'inspect', img.Id])))[0].GraphDriver.Data;
        for (const dir of [g.UpperDir, ...(g.LowerDir ? g.LowerDir.split(':') : [])]) dirs.add(dir);
      }
      let disk = 0;
      for (const dir of dirs) disk += await onDisk(dir);
      assert.equal(u.LayersSize, disk);
      const bySize = (tag: string) => u.Images.find((i: any) => i.RepoTags.includes(tag));
      const busybox = bySize('busybox:latest');
      const app1 = bySize('app:1');
      const app2 = bySize('app:2');
      assert.equal(busybox.SharedSize, busybox.Size, 'every busybox layer is in the apps too');
      assert.equal(app1.Size - app1.SharedSize, 200000, "app:1's own layer is /b");
      assert.equal(app2.Size - app2.SharedSize, 100000, "app:2's own layer is /c");
      assert.equal(app1.SharedSize, busybox.Size + 300000);
      // The docker CLI: reclaimable = LayersSize less the unique part of the images in use.
      const table = await dfTable();
      const reclaimable = u.LayersSize - (app1.Size - app1.SharedSize) - (busybox.Size - busybox.SharedSize);
      assert.match(table.Images.Reclaimable, new RegExp(`\\(${Math.trunc((reclaimable * 100) / u.LayersSize)}%\\)$`));
    });

    it('containers: SizeRw is the writable layer on disk, SizeRootFs adds the image; active = running', async () => {
      const u = await df();
      const used = u.Containers.find((c: any) => c.Names[0] === '/df-used');
      const running = u.Containers.find((c: any) => c.Names[0] === '/df-running');
      const upper = JSON.parse(ok(await d.docker(['inspect', 'df-used'])))[0].GraphDriver.Data.UpperDir;
      assert.equal(used.SizeRw, await onDisk(upper));
      assert.equal(used.SizeRw, 5000);
      assert.equal(used.SizeRootFs, 5000 + u.Images.find((i: any) => i.RepoTags.includes('app:1')).Size);
      assert.equal(running.SizeRw, 0, 'it wrote into its volume only');
      // A copy into the stopped container shows at once (its size is remembered, but not across a write).
      const file = path.join(d.root, 'cp-in');
      await fsp.writeFile(file, Buffer.alloc(1234));
      ok(await d.docker(['cp', file, 'df-used:/copied']));
      assert.equal((await df('?type=container')).Containers.find((c: any) => c.Names[0] === '/df-used').SizeRw, 5000 + 1234);
      const table = await dfTable();
      assert.deepEqual([table.Containers.TotalCount, table.Containers.Active], ['2', '1']);
      assert.equal(table.Containers.Reclaimable, '6.234kB (100%)');
    });

    it('volumes: UsageData size on disk and how many containers use each', async () => {
      const u = await df();
      const vol = u.Volumes.find((v: any) => v.Name === 'df-vol');
      const idle = u.Volumes.find((v: any) => v.Name === 'df-idle');
      assert.deepEqual(vol.UsageData, { Size: await onDisk(vol.Mountpoint), RefCount: 1 });
      assert.equal(vol.UsageData.Size, 7000);
      assert.deepEqual(idle.UsageData, { Size: 0, RefCount: 0 });
      const table = await dfTable();
      assert.deepEqual([table['Local Volumes'].TotalCount, table['Local Volumes'].Active, table['Local Volumes'].Size, table['Local Volumes'].Reclaimable], ['2', '1', '7kB', '0B (0%)']);
    });

    it('build cache: one record per classic step, Shared where a listed image holds its layer (so 0 B of its own)', async () => {
      const u = await df();
      const steps = u.BuildCache.filter((r: any) => r.Type === 'regular');
      assert.equal(steps.length, 4, 'RUN /a and ENV, shared by both builds, then /b and /c');
      const byDesc = (s: string) => steps.find((r: any) => r.Description.includes(s));
      assert.deepEqual([byDesc('> /a').Size, byDesc('> /b').Size, byDesc('> /c').Size, byDesc('ENV X=1').Size], [300000, 200000, 100000, 0]);
      for (const r of steps) if (r.Size > 0) assert.equal(r.Shared, true, r.Description);
      assert.ok(byDesc('> /a').UsageCount >= 1, 'the second build took /a from the cache');
      assert.deepEqual(byDesc('> /b').Parents, [byDesc('ENV X=1').ID]);
      const table = await dfTable();
      assert.deepEqual([table['Build Cache'].TotalCount, table['Build Cache'].Size, table['Build Cache'].Reclaimable], [String(u.BuildCache.length), '0B', '0B']);
    });

    it('type picks the parts (the others are null); an unknown type is a 400; -v prints them all', async () => {
      const u = await df('?type=volume&type=build-cache');
      assert.equal(u.Images, null);
      assert.equal(u.Containers, null);
      assert.equal(u.LayersSize, 0);
      assert.ok(Array.isArray(u.Volumes) && Array.isArray(u.BuildCache));
      const bad = await d.api('GET', '/v1.50/system/df?type=image&type=bogus');
      assert.equal(bad.status, 400);
      assert.equal(bad.json.message, 'unknown object type: bogus');
      assert.equal((await d.api('GET', '/v1.41/system/df?type=bogus')).status, 200, 'type is not read before API 1.42');
      const v = ok(await d.docker(['system', 'df', '-v']));
      assert.match(v, /^app\s+1\s+\S+\s+.*\s+200kB\s+1$/m, 'app:1: unique size 200kB, one container');
      assert.match(v, /^df-vol\s+1\s+7kB$/m);
      assert.match(v, /^Build cache usage: 0B$/m);
    });

    it("berth's CLI prints the same summary as the docker CLI", async () => {
      const docker = ok(await d.docker(['system', 'df']));
      const berth = ok(await d.berth(['system', 'df']));
      assert.equal(berth, docker);
    });
  });

  describe('the contexts berth build syncs are build cache of their own', () => {
    it('counted as source.local, reclaimable, dropped by builder prune (until keeps a fresh one)', async () => {
      const ctx = path.join(ctxRoot, 'synced');
      await fsp.mkdir(ctx, { recursive: true });
      const dockerfile = 'FROM busybox\nCOPY data /data\n';
      await fsp.writeFile(path.join(ctx, 'Dockerfile'), dockerfile);
      await fsp.writeFile(path.join(ctx, 'data'), Buffer.alloc(10000, 1));
      ok(await d.berth(['build', '-q', '--network', 'none', '-t', 'synced:1', ctx], { timeoutMs: 120_000 }), 'berth build');
      const rec = (await df('?type=build-cache')).BuildCache.find((r: any) => r.Type === 'source.local');
      assert.ok(rec, 'a source.local record');
      assert.deepEqual([rec.Size, rec.Shared, rec.InUse], [10000 + dockerfile.length, false, false]);
      const table = await dfTable();
      assert.equal(table['Build Cache'].Size, '10.03kB');
      ok(await d.docker(['builder', 'prune', '-f', '--filter', 'until=1h']));
      assert.ok((await df('?type=build-cache')).BuildCache.some((r: any) => r.Type === 'source.local'), 'used just now: kept');
      const out = ok(await d.docker(['builder', 'prune', '-f']));
      assert.match(out, /Total reclaimed space: 10\.03kB/);
      assert.ok(!(await df('?type=build-cache')).BuildCache.some((r: any) => r.Type === 'source.local'));
      ok(await d.docker(['rmi', 'synced:1']));
    });
  });

  describe('prune', () => {
    const future = () => new Date(Date.now() + 3_600_000).toISOString();

    it('container prune: until keeps the young, a later time takes them; SpaceReclaimed is their SizeRw', async () => {
      ok(await d.docker(['run', '--name', 'pr-old', '--label', 'keep=no', 'busybox', 'sh', '-c', 'head -c 3000 /dev/urandom > /f']));
      ok(await d.docker(['run', '--name', 'pr-kept', '--label', 'keep=yes', 'busybox', 'true']));
      try {
        const none = ok(await d.docker(['container', 'prune', '-f', '--filter', 'until=1h']));
        assert.match(none, /Total reclaimed space: 0B/);
        const r = await d.api('POST', `/v1.50/containers/prune?filters=${encodeURIComponent(JSON.stringify({ until: [future()], 'label!': ['keep=yes'] }))}`);
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.ContainersDeleted.length, 1);
        assert.equal(r.json.SpaceReclaimed, 3000);
        assert.equal(ok(await d.docker(['ps', '-a', '--format', '{{.Names}}', '--filter', 'name=pr-'])), 'pr-kept');
      } finally {
        await d.docker(['rm', '-f', 'pr-old', 'pr-kept']);
      }
    });

    it('image prune -a: until and label as dockerd (the image is two years old)', async () => {
      ok(await d.docker(['tag', 'busybox:latest', 'old:1']));
      await build('young:1', ['LABEL tier=young', 'RUN true']);
      // busybox itself is in use by nothing here, but `old:1` shares its ID: prune -a removes all tags.
      const young = ok(await d.docker(['image', 'prune', '-a', '-f', '--filter', 'until=1h', '--filter', 'label=tier=young']));
      assert.doesNotMatch(young, /untagged: young:1/, 'young:1 is younger than 1h');
      const r = ok(await d.docker(['image', 'prune', '-a', '-f', '--filter', `until=${future()}`, '--filter', 'label=tier=young']));
      assert.match(r, /untagged: young:1/);
      assert.ok(ok(await d.docker(['images', '--format', '{{.Repository}}:{{.Tag}}'])).includes('old:1'), 'no tier label: kept');
      ok(await d.docker(['rmi', 'old:1']));
    });

    it('system prune --filter until reaches every part; with --volumes the CLI refuses it; volume prune refuses until', async () => {
      ok(await d.docker(['network', 'create', 'pr-net']));
      ok(await d.docker(['create', '--name', 'pr-c', 'busybox', 'true']));
      try {
        const kept = ok(await d.docker(['system', 'prune', '-f', '--filter', 'until=1h']));
        assert.match(kept, /Total reclaimed space: 0B/);
        assert.equal(ok(await d.docker(['network', 'ls', '-q', '--filter', 'name=^pr-net$'])).length > 0, true);
        const gone = ok(await d.docker(['system', 'prune', '-f', '--filter', `until=${future()}`]));
        assert.match(gone, /Deleted Containers:/);
        assert.match(gone, /Deleted Networks:\npr-net/);
        fails(await d.docker(['system', 'prune', '-f', '--volumes', '--filter', 'until=1h']), 'ERROR: The "until" filter is not supported with "--volumes"');
        fails(await d.docker(['volume', 'prune', '-f', '--filter', 'until=1h']), "invalid filter 'until'");
        // Labels pass through every part, the build cache too (dockerd drops keys BuildKit does not know).
        ok(await d.docker(['system', 'prune', '-f', '--filter', 'label=nothing=here']));
      } finally {
        await d.docker(['rm', '-f', 'pr-c']);
        await d.docker(['network', 'rm', 'pr-net']);
      }
    });

    it('builder prune until: a duration or a time; a bad value is refused with dockerd\'s message', async () => {
      await build('cache:1', ['RUN echo cached > /f']);
      ok(await d.docker(['rmi', 'cache:1']));
      const before = (await df('?type=build-cache')).BuildCache.length;
      ok(await d.docker(['builder', 'prune', '-f', '--filter', 'until=1h']));
      assert.equal((await df('?type=build-cache')).BuildCache.length, before, 'nothing is an hour old');
      fails(await d.docker(['builder', 'prune', '-f', '--filter', 'until=soon']), `"until" filter expects a duration (e.g., '24h') or a timestamp`);
      ok(await d.docker(['builder', 'prune', '-f', '--filter', `until=${future()}`]));
      assert.deepEqual((await df('?type=build-cache')).BuildCache, []);
    });
  });
});

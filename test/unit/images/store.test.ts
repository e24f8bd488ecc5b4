import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { ImageStore } from '../../../src/engine/images/store.js';
import { EventBus } from '../../../src/engine/events.js';
import { loadImages } from '../../../src/engine/images/load.js';
import { saveImages } from '../../../src/engine/images/save.js';
import { importImage } from '../../../src/engine/images/import.js';
import { busyboxImageArchive } from '../../../src/base-images/busybox.js';
import { imageHistory, inspectImage, listImages } from '../../../src/engine/images/views.js';
import { applyConfigChanges } from '../../../src/engine/images/config-changes.js';
import { tarFromEntries } from '../../../src/archive/tar-directory.js';
import { ConflictError, InvalidArgumentError, NotFoundError } from '../../../src/engine/errors.js';
import { needsRoot } from '../support/root.js';

const busyboxSkip = needsRoot('build the busybox image (owners)') || (existsSync('/bin/busybox') ? false : 'needs /bin/busybox to build the image from');

async function collect(r: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function withStore(fn: (s: ImageStore, users: Map<string, Array<{ id: string; running: boolean }>>, root: string) => Promise<void>): Promise<void> {
  const root = await fsp.mkdtemp(path.join(os.tmpdir(), 'berth-images-test-'));
  const users = new Map<string, Array<{ id: string; running: boolean }>>();
  const store = new ImageStore({ dataRoot: root, events: new EventBus(), containersUsingImage: (id) => users.get(id) ?? [] });
  await store.init();
  try {
    await fn(store, users, root);
  } finally {
    await fsp.rm(root, { recursive: true, force: true });
  }
}

function smallLayer(name: string, body: string): Readable {
  return tarFromEntries([{ entry: { path: name, type: 'file', mode: 0o644, mtime: 1 }, body: Buffer.from(body) }]);
}

test('busybox archive is deterministic and loads with lookups by name, id and prefix', { skip: busyboxSkip }, async () => {
  const a = await collect(busyboxImageArchive());
  const b = await collect(busyboxImageArchive());
  assert.ok(a.equals(b), 'same bytes on every run');
  await withStore(async (store) => {
    const loaded = await loadImages(store, Readable.from([a]));
    assert.deepEqual(loaded, ['busybox:latest']);
    const img = store.get('busybox');
    assert.equal(store.get('docker.io/library/busybox:latest').id, img.id);
    assert.equal(store.get(img.id).id, img.id);
    assert.equal(store.get(img.id.slice(7)).id, img.id);
    assert.equal(store.get(img.id.slice(7, 19)).id, img.id);
    assert.equal(store.get(`sha256:${img.id.slice(7, 19)}`).id, img.id);
    assert.throws(() => store.get('nosuch'), (e: unknown) => e instanceof NotFoundError && (e as Error).message === 'No such image: nosuch:latest');
    assert.deepEqual(img.config.config?.Cmd, ['sh']);
    const [dir] = await store.layerDirs(img.id);
    assert.equal(await fsp.readlink(path.join(dir, 'bin/sh')), '/bin/busybox');
    assert.equal((await fsp.stat(path.join(dir, 'tmp'))).mode & 0o7777, 0o1777);
    assert.match(await fsp.readFile(path.join(dir, 'etc/passwd'), 'utf8'), /^root:x:0:0:root:\/root:\/bin\/sh$/m);
    const ins = inspectImage(store, img);
    assert.equal(ins.Id, img.id);
    assert.deepEqual(ins.RepoTags, ['busybox:latest']);
    assert.equal((ins.RootFS as any).Layers.length, 1);
    assert.equal(imageHistory(store, img).length, 2);

    // save → load into a fresh store keeps the ID.
    const saved = await collect(await saveImages(store, ['busybox']));
    await withStore(async (other) => {
      assert.deepEqual(await loadImages(other, Readable.from([saved])), ['busybox:latest']);
      assert.equal(other.get('busybox').id, img.id);
    });
  });
});

test('ambiguous prefixes are refused', async () => {
  await withStore(async (store) => {
    const made: string[] = [];
    for (let i = 0; made.length < 2 || made[0][7] !== made[made.length - 1][7]; i++) {
      const img = await store.createFromLayer({ config: { Cmd: [String(i)] }, history: { created_by: `x${i}` } });
      made.push(img.id);
      if (i > 60) break;
      const same = made.filter((id) => id[7] === img.id[7]);
      if (same.length >= 2) {
        assert.throws(() => store.get(img.id[7]), NotFoundError);
        return;
      }
    }
  });
});

test('createFromLayer, tag, history with parents, and rmi conflict rules', { skip: needsRoot('unpack layers with their owners (lchown)') }, async () => {
  await withStore(async (store, users) => {
    const base = await store.createFromLayer({ layer: smallLayer('a', 'A'), config: { Cmd: ['sh'] }, history: { created_by: 'base' }, tag: 'base:1' });
    const child = await store.createFromLayer({ parent: 'base:1', layer: smallLayer('b', 'BB'), config: { Cmd: ['x'] }, history: { created_by: 'child' } });
    assert.equal(child.parent, base.id);
    assert.equal(child.layers.length, 2);
    assert.equal(child.size, 3);
    const hist = imageHistory(store, child);
    assert.deepEqual(hist.map((h) => [h.Id, h.CreatedBy, h.Size]), [[child.id, 'child', 2], [base.id, 'base', 1]]);
    assert.deepEqual(hist[1].Tags, ['base:1']);
    // Parent of a child cannot go, even forced.
    await assert.rejects(store.remove(base.id, { force: true }), (e: unknown) => e instanceof ConflictError && /\(cannot be forced\) - image has dependent child images/.test((e as Error).message));

    await store.tag(child.id, 'app:1');
    await store.tag(child.id, 'app:2');
    await store.tag(child.id, 'other:1');
    users.set(child.id, [{ id: 'c'.repeat(64), running: false }]);
    // Multiple references: untag works while a container uses the image.
    assert.deepEqual(await store.remove('app:2'), [{ Untagged: 'app:2' }]);
    await assert.rejects(store.remove(child.id.slice(7, 19)), /unable to delete [0-9a-f]{12} \(must be forced\) - image is referenced in multiple repositories/);
    assert.deepEqual(await store.remove('other:1'), [{ Untagged: 'other:1' }]);
    // Last reference while a container uses it: must force.
    await assert.rejects(
      store.remove('app:1'),
      (e: unknown) => e instanceof ConflictError && (e as Error).message === `conflict: unable to remove repository reference "app:1" (must force) - container cccccccccccc is using its referenced image ${child.id.slice(7, 19)}`,
    );
    // Running container: even force cannot delete by ID.
    users.set(child.id, [{ id: 'd'.repeat(64), running: true }]);
    await assert.rejects(store.remove(child.id, { force: true }), /\(cannot be forced\) - image is being used by running container dddddddddddd/);
    users.set(child.id, []);
    const recs = await store.remove('app:1');
    assert.deepEqual(recs[0], { Untagged: 'app:1' });
    assert.ok(recs.some((r) => r.Deleted === child.id));
    assert.ok(!store.find(child.id));
    assert.ok(store.find('base:1'));
  });
});

test('prune removes dangling images, and everything unused with dangling=false', { skip: needsRoot('unpack layers with their owners (lchown)') }, async () => {
  await withStore(async (store, users) => {
    const dangling = await store.createFromLayer({ layer: smallLayer('d', 'dd'), config: {}, history: {} });
    const tagged = await store.createFromLayer({ layer: smallLayer('t', 'ttt'), config: { Labels: { k: 'v' } }, history: {}, tag: 't:1' });
    const used = await store.createFromLayer({ layer: smallLayer('u', 'u'), config: {}, history: {} });
    users.set(used.id, [{ id: 'e'.repeat(64), running: false }]);
    const r1 = await store.prune();
    assert.deepEqual(r1.ImagesDeleted?.filter((x) => x.Deleted?.startsWith('sha256:') && x.Deleted === dangling.id).length, 1);
    assert.equal(r1.SpaceReclaimed, 2);
    assert.ok(store.find(tagged.id) && store.find(used.id));
    const r2 = await store.prune({ filters: new Map([['dangling', ['false']], ['label', ['k=v']]]) });
    assert.deepEqual(r2.ImagesDeleted?.[0], { Untagged: 't:1' });
    assert.ok(!store.find(tagged.id) && store.find(used.id));
    await assert.rejects(store.prune({ filters: new Map([['bogus', ['1']]]) }), InvalidArgumentError);
  });
});

test('list filters and summaries', async () => {
  await withStore(async (store) => {
    await store.createFromLayer({ config: { Labels: { a: '1' } }, history: {}, tag: 'one:1' });
    await store.createFromLayer({ config: { Labels: { a: '2' } }, history: {}, tag: 'localhost:5000/two:1' });
    const all = listImages(store, {});
    assert.equal(all.length, 2);
    assert.deepEqual(listImages(store, { filters: new Map([['reference', ['one']]]) }).map((i) => i.RepoTags), [['one:1']]);
    assert.deepEqual(listImages(store, { filters: new Map([['reference', ['localhost:5000/*']]]) }).map((i) => i.RepoTags), [['localhost:5000/two:1']]);
    assert.deepEqual(listImages(store, { filters: new Map([['label', ['a=2']]]) }).length, 1);
    const old = listImages(store, { apiVersion: '1.41', filters: new Map([['reference', ['one']]]) })[0];
    assert.equal(old.RepoDigests, null);
    assert.equal(old.Containers, -1);
    assert.throws(() => listImages(store, { filters: new Map([['nope', ['x']]]) }), InvalidArgumentError);
  });
});

test('import applies changes; a corrupt layer leaves nothing registered; init sweeps debris', { skip: needsRoot('unpack layers with their owners (lchown)') }, async () => {
  await withStore(async (store, _users, root) => {
    const img = await importImage(store, { source: '-', repo: 'imp', tag: '1', changes: ['CMD ["/bin/sh"]', 'ENV A=b C=d', 'EXPOSE 80', 'LABEL x="y z"'] }, smallLayer('f', 'x'));
    assert.deepEqual(img.config.config?.Cmd, ['/bin/sh']);
    assert.deepEqual(img.config.config?.Env, ['A=b', 'C=d']);
    assert.deepEqual(img.config.config?.ExposedPorts, { '80/tcp': {} });
    assert.deepEqual(img.config.config?.Labels, { x: 'y z' });
    assert.equal(img.config.comment, 'Imported from -');
    assert.equal(store.get('imp:1').id, img.id);
    await assert.rejects(importImage(store, { source: '-', changes: ['RUN x'] }, smallLayer('f', 'x')), /run is not a valid change command/);

    const before = (await fsp.readdir(path.join(root, 'layers'))).sort();
    const hostile = Readable.from([Buffer.concat([Buffer.from(await collect(smallLayer('ok', 'x'))).subarray(0, 1024), Buffer.alloc(10)])]);
    await assert.rejects(store.addLayer(undefined, hostile));
    await assert.rejects(store.addLayer(undefined, smallLayer('z', 'z'), 'sha256:' + '0'.repeat(64)), /invalid diffID/);
    assert.deepEqual((await fsp.readdir(path.join(root, 'layers'))).sort(), before);

    // A layer directory without meta.json and temp files are swept by init().
    await fsp.mkdir(path.join(root, 'layers', 'f'.repeat(64), 'diff'), { recursive: true });
    await fsp.writeFile(path.join(root, 'blobs/sha256/blob.tmp-abc'), 'x');
    const again = new ImageStore({ dataRoot: root, events: new EventBus(), containersUsingImage: () => [] });
    await again.init();
    assert.ok(!existsSync(path.join(root, 'layers', 'f'.repeat(64))));
    assert.ok(!existsSync(path.join(root, 'blobs/sha256/blob.tmp-abc')));
    assert.equal(again.get('imp:1').id, img.id);
  });
});

test('config changes parse like dockerd', () => {
  const c = applyConfigChanges({ Env: ['A=1'] }, ['ENV A 2', 'WORKDIR /w', 'USER nobody', 'VOLUME ["/v"]', 'STOPSIGNAL SIGINT', 'ENTRYPOINT echo hi', 'ONBUILD RUN x']);
  assert.deepEqual(c, { Env: ['A=2'], WorkingDir: '/w', User: 'nobody', Volumes: { '/v': {} }, StopSignal: 'SIGINT', Entrypoint: ['/bin/sh', '-c', 'echo hi'], OnBuild: ['RUN x'] });
});

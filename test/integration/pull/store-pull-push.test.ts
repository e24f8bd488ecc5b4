// Pull and push between image stores in temp dirs and berth's own registry on loopback: progress
// messages, RepoDigests, "Layer already exists" on a second push, cross-repository mounts,
// concurrent pulls sharing downloads, and a pull cut mid-layer that leaves no image and resumes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { startRegistry } from '../../../src/registry/server/server.js';
import { pullIntoStore } from '../../../src/engine/images/pull.js';
import { pushFromStore } from '../../../src/engine/images/push.js';
import { NotFoundError } from '../../../src/engine/errors.js';
import { RegistryProxy, canRun, layeredImage, newStore, recorder, settings, tempDir } from './helpers.js';

async function withRegistry(fn: (host: string) => Promise<void>): Promise<void> {
  const root = await tempDir('berth-pull-reg-');
  const reg = await startRegistry({ root, addr: '127.0.0.1:0' });
  try {
    await fn(reg.host);
  } finally {
    await reg.close();
    await fsp.rm(root, { recursive: true, force: true });
  }
}

test('push then pull through berth registry: progress, digests, layer reuse, mounts', { skip: canRun }, async () => {
  await withRegistry(async (host) => {
    const a = await newStore();
    const b = await newStore();
    try {
      const img = await layeredImage(a.store, `${host}/app:v1`, [300_000, 1_500_000]);
      const push1 = recorder();
      const [pushed] = await pushFromStore(a.store, settings, `${host}/app:v1`, { progress: push1.sink });
      assert.equal(push1.messages[0]!.status, `The push refers to repository [${host}/app]`);
      assert.equal(push1.messages.filter((m) => m.status === 'Pushed').length, 3);
      assert.equal(push1.messages.filter((m) => m.status === 'Preparing').length, 3);
      assert.equal(push1.messages.at(-2)!.status, `v1: digest: ${pushed!.digest} size: ${pushed!.size}`);
      assert.deepEqual(push1.messages.at(-1), { progressDetail: {}, aux: { Tag: 'v1', Digest: pushed!.digest, Size: pushed!.size } });
      assert.ok(a.store.get(img.id).repoDigests.includes(`${host}/app@${pushed!.digest}`));

      // Second push: nothing compressed or sent again.
      const push2 = recorder();
      const [again] = await pushFromStore(a.store, settings, `${host}/app:v1`, { progress: push2.sink });
      assert.equal(again!.digest, pushed!.digest);
      assert.equal(push2.messages.filter((m) => m.status === 'Layer already exists').length, 3);

      // Another repository on the same registry: blobs are mounted.
      await a.store.tag(img.id, `${host}/other:v1`);
      const push3 = recorder();
      const [other] = await pushFromStore(a.store, settings, `${host}/other`, { progress: push3.sink });
      assert.equal(other!.digest, pushed!.digest);
      assert.equal(push3.messages.filter((m) => m.status === 'Mounted from app').length, 3);

      // Pull into an empty store.
      const pull1 = recorder();
      const r = await pullIntoStore(b.store, settings, `${host}/app:v1`, { progress: pull1.sink });
      assert.equal(r.images[0]!.id, img.id);
      assert.equal(r.updated, true);
      assert.deepEqual(pull1.messages[0], { status: 'Pulling from app', id: 'v1' });
      const layerIds = [...new Set(pull1.messages.filter((m) => m.status === 'Pull complete').map((m) => m.id))];
      assert.equal(layerIds.length, 3);
      for (const id of layerIds) {
        const s = pull1.statuses(id);
        assert.equal(s[0], 'Pulling fs layer');
        assert.ok(s.includes('Downloading') && s.includes('Verifying Checksum') && s.includes('Download complete') && s.includes('Extracting'), s.join(','));
        assert.equal(s.at(-1), 'Pull complete');
      }
      const dl = pull1.messages.find((m) => m.status === 'Downloading')!;
      assert.match(dl.progress!, /^\[=*>\s*\] +[\d.]+[kMG]?B\/[\d.]+[kMG]?B$/);
      assert.deepEqual(pull1.messages.at(-2), { status: `Digest: ${pushed!.digest}` });
      assert.deepEqual(pull1.messages.at(-1), { status: `Status: Downloaded newer image for ${host}/app:v1` });
      const got = b.store.get(`${host}/app:v1`);
      assert.deepEqual(got.repoDigests, [`${host}/app@${pushed!.digest}`]);
      assert.deepEqual(got.config.rootfs.diff_ids, img.config.rootfs.diff_ids);
      assert.ok((await fsp.readFile(path.join(b.store.layers.diffDir(got.layers[0]!), 'bin/busybox'))).length > 100_000);

      const pull2 = recorder();
      assert.equal((await pullIntoStore(b.store, settings, `${host}/app:v1`, { progress: pull2.sink })).updated, false);
      assert.deepEqual(pull2.messages.at(-1), { status: `Status: Image is up to date for ${host}/app:v1` });

      // By digest, and an unknown tag (404 with dockerd's words).
      const pull3 = recorder();
      await pullIntoStore(b.store, settings, `${host}/other@${pushed!.digest}`, { progress: pull3.sink });
      assert.deepEqual(pull3.messages[0], { status: 'Pulling from other', id: pushed!.digest });
      assert.ok(b.store.get(img.id).repoDigests.includes(`${host}/other@${pushed!.digest}`));
      await assert.rejects(pullIntoStore(b.store, settings, `${host}/app:nope`), (e: Error) => e instanceof NotFoundError && e.message === `manifest for ${host}/app:nope not found: manifest unknown: manifest unknown`);
      await assert.rejects(pullIntoStore(b.store, settings, `${host}/nothing:v1`), (e: Error) => e instanceof NotFoundError && /not found/.test(e.message));
      assert.equal(b.store.find(`${host}/app:nope`), undefined);

      // All tags.
      await pushFromStore(a.store, settings, `${host}/app:v1`);
      await a.store.tag(img.id, `${host}/app:v2`);
      await pushFromStore(a.store, settings, `${host}/app:v2`);
      const all = recorder();
      const res = await pullIntoStore(b.store, settings, `${host}/app`, { allTags: true, progress: all.sink });
      assert.equal(res.images.length, 2);
      assert.ok(b.store.find(`${host}/app:v2`));
      assert.deepEqual(all.messages.at(-1), { status: `Status: Downloaded newer image for ${host}/app` });
    } finally {
      await a.close();
      await b.close();
    }
  });
});

test('concurrent pulls of one image download each layer once', { skip: canRun }, async () => {
  await withRegistry(async (host) => {
    const a = await newStore();
    const b = await newStore();
    const proxy = new RegistryProxy(host);
    await proxy.start();
    try {
      const img = await layeredImage(a.store, `${host}/same:1`, [2_000_000, 2_000_000, 2_000_000]);
      await pushFromStore(a.store, settings, `${host}/same:1`);
      const ref = `${proxy.host}/same:1`;
      const [r1, r2, r3] = await Promise.all([0, 1, 2].map(() => pullIntoStore(b.store, settings, ref)));
      for (const r of [r1, r2, r3]) assert.equal(r!.images[0]!.id, img.id);
      assert.equal(proxy.blobGets.size, 5); // 4 layers + config
      const layerGets = [...proxy.blobGets.entries()].filter(([d]) => d !== img.id).map(([, n]) => n);
      assert.deepEqual(layerGets, [1, 1, 1, 1]);
    } finally {
      await proxy.close();
      await a.close();
      await b.close();
    }
  });
});

test('a pull cut in the middle of a layer leaves no image, and a retry resumes', { skip: canRun }, async () => {
  await withRegistry(async (host) => {
    const a = await newStore();
    const b = await newStore();
    const proxy = new RegistryProxy(host);
    await proxy.start();
    try {
      const img = await layeredImage(a.store, `${host}/cut:1`, [100_000, 4_000_000]);
      await pushFromStore(a.store, settings, `${host}/cut:1`);
      const manifest = await (await fetch(`http://${host}/v2/cut/manifests/1`, { headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' } })).json();
      const big = manifest.layers[2].digest as string;
      proxy.cutBlob(big, 1_000_000);
      const ref = `${proxy.host}/cut:1`;
      await assert.rejects(pullIntoStore(b.store, settings, ref));
      assert.equal(b.store.find(ref), undefined);
      assert.equal(b.store.find(img.id), undefined);
      assert.equal(b.store.list().length, 0);
      assert.equal(b.store.layers.all().length, 2, 'the two complete lower layers stay for the retry');
      const tmp = await fsp.readdir(path.join(b.root, 'distribution', 'tmp')).catch(() => []);
      assert.deepEqual(tmp, [], 'no download left behind');

      proxy.heal();
      const retry = recorder();
      const r = await pullIntoStore(b.store, settings, ref, { progress: retry.sink });
      assert.equal(r.images[0]!.id, img.id);
      assert.equal(retry.messages.filter((m) => m.status === 'Already exists').length, 2);
      assert.equal(retry.messages.filter((m) => m.status === 'Pull complete').length, 1);
    } finally {
      await proxy.close();
      await a.close();
      await b.close();
    }
  });
});

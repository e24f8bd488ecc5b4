// Pull and push against the CNCF distribution registry (Debian's docker-registry) on loopback, and
// an OCI index with two platforms pulled with and without `platform`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { pullIntoStore } from '../../../src/engine/images/pull.js';
import { pushFromStore } from '../../../src/engine/images/push.js';
import { RegistryClient, bufferSource } from '../../../src/registry/client/index.js';
import { MEDIA } from '../../../src/registry/oci.js';
import { startRegistry } from '../../../src/registry/server/server.js';
import { goArch } from '../../../src/util/platform.js';
import { canRun, layeredImage, loadBusybox, newStore, recorder, settings, tempDir } from './helpers.js';
import { distributionSkip, startDistribution } from '../support/distribution.js';

const skipDistribution = canRun || distributionSkip;

test('push to and pull from the CNCF distribution registry', { skip: skipDistribution }, async () => {
  const dir = await tempDir('berth-pull-dist-');
  const reg = await startDistribution(dir);
  const a = await newStore();
  const b = await newStore();
  try {
    const img = await layeredImage(a.store, `${reg.host}/lib/app:1`, [200_000, 800_000]);
    const [pushed] = await pushFromStore(a.store, settings, `${reg.host}/lib/app:1`);
    const again = recorder();
    await pushFromStore(a.store, settings, `${reg.host}/lib/app:1`, { progress: again.sink });
    assert.equal(again.messages.filter((m) => m.status === 'Layer already exists').length, 3);
    await a.store.tag(img.id, `${reg.host}/lib/copy:1`);
    const mount = recorder();
    await pushFromStore(a.store, settings, `${reg.host}/lib/copy:1`, { progress: mount.sink });
    assert.equal(mount.messages.filter((m) => m.status === 'Mounted from lib/app').length, 3);

    const pull = recorder();
    const r = await pullIntoStore(b.store, settings, `${reg.host}/lib/app:1`, { progress: pull.sink });
    assert.equal(r.images[0]!.id, img.id);
    assert.deepEqual(b.store.get(img.id).repoDigests, [`${reg.host}/lib/app@${pushed!.digest}`]);
    await assert.rejects(pullIntoStore(b.store, settings, `${reg.host}/lib/app:nope`), /manifest for 127\.0\.0\.1:\d+\/lib\/app:nope not found: manifest unknown: manifest unknown/);
  } finally {
    await a.close();
    await b.close();
    await reg.stop();
    await fsp.rm(dir, { recursive: true, force: true });
  }
});

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

test('an OCI index: the platform asked for, or this machine', { skip: canRun }, async () => {
  const root = await tempDir('berth-pull-reg-');
  const reg = await startRegistry({ root, addr: '127.0.0.1:0' });
  const a = await newStore();
  const b = await newStore();
  const client = new RegistryClient({ credentials: () => undefined });
  try {
    const base = await loadBusybox(a.store);
    const layer = gzipSync(await a.store.blobs.read(base.config.rootfs.diff_ids[0]!));
    const target = { registry: reg.host, repository: 'multi' };
    await client.pushBlob(target, sha(layer), bufferSource(layer));
    const other = goArch() === 'arm64' ? 'amd64' : 'arm64';
    const entries = [];
    for (const arch of [goArch(), other]) {
      const config = Buffer.from(JSON.stringify({ ...base.config, architecture: arch }));
      await client.pushBlob(target, sha(config), bufferSource(config));
      const manifest = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MEDIA.ociManifest,
          config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: config.length },
          layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha(layer), size: layer.length }],
        }),
      );
      await client.putManifest({ ...target, digest: sha(manifest) }, manifest, MEDIA.ociManifest);
      entries.push({ mediaType: MEDIA.ociManifest, digest: sha(manifest), size: manifest.length, platform: { os: 'linux', architecture: arch } });
    }
    const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.ociIndex, manifests: entries }));
    await client.putManifest({ ...target, tag: 'v1' }, index, MEDIA.ociIndex);

    const mine = await pullIntoStore(b.store, settings, `${reg.host}/multi:v1`);
    assert.equal(mine.images[0]!.config.architecture, goArch());
    assert.deepEqual(mine.images[0]!.repoDigests, [`${reg.host}/multi@${sha(index)}`]);
    const p = recorder();
    const theirs = await pullIntoStore(b.store, settings, `${reg.host}/multi:v1`, { platform: `linux/${other}`, progress: p.sink });
    assert.equal(theirs.images[0]!.config.architecture, other);
    assert.ok(p.statuses().includes('Already exists'), 'the shared layer is not fetched again');
    assert.equal(b.store.get(`${reg.host}/multi:v1`).id, theirs.images[0]!.id);
    await assert.rejects(pullIntoStore(b.store, settings, `${reg.host}/multi:v1`, { platform: 'linux/s390x' }), /no matching manifest for linux\/s390x/);
    await assert.rejects(pullIntoStore(b.store, settings, `${reg.host}/multi:v1`, { platform: 'nonsense' }), /unknown operating system or architecture/);
  } finally {
    client.close();
    await a.close();
    await b.close();
    await reg.close();
    await fsp.rm(root, { recursive: true, force: true });
  }
});

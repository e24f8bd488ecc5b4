// berth's registry client against the CNCF distribution registry (Debian's docker-registry), run
// from a config file written here, on a random loopback port, storage in a temp dir.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import { randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { RegistryClient, RegistryHttpError, bufferSource, login } from '../../../src/registry/client/index.js';
import { MEDIA } from '../../../src/registry/oci.js';
import { collect, pushImage, randomImage, sha256, tempDir } from './helpers.js';
import { distributionSkip, startDistribution, type Distribution } from '../support/distribution.js';

const skip = distributionSkip;

async function withDistribution(htpasswd: string | undefined, fn: (d: Distribution) => Promise<void>): Promise<void> {
  const dir = await tempDir();
  let d: Distribution | undefined;
  try {
    d = await startDistribution(dir, { htpasswd, deleteEnabled: true });
    await fn(d);
  } finally {
    await d?.stop();
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

test('client against distribution: push, pull, chunked, mount, index, tags, catalog, errors', { skip }, async () => {
  await withDistribution(undefined, async (d) => {
    const client = new RegistryClient({ credentials: () => undefined, retries: 1, retryBaseMs: 10 });
    try {
      assert.equal((await client.ping(d.host)).auth, 'none');
      const img = randomImage([1000, 400_000]);
      const target = { registry: d.host, repository: 'lib/app', tag: 'v1' };
      assert.deepEqual(await pushImage(client, target, img), ['uploaded', 'uploaded', 'uploaded']);
      const got = await client.getManifest(target);
      assert.equal(got.digest, img.digest);
      for (const l of img.layers) assert.ok((await collect(client.getBlob(target, sha256(l)))).equals(l));
      const tail = await collect(client.getBlob(target, sha256(img.layers[1]!), { offset: 399_000 }));
      assert.ok(tail.equals(img.layers[1]!.subarray(399_000)));

      const chunked = randomImage([300_000], undefined, true);
      await pushImage(client, { ...target, tag: 'chunked' }, chunked, { chunkSize: 64 * 1024 });
      assert.equal((await client.getManifest({ ...target, tag: 'chunked' })).mediaType, MEDIA.dockerManifest);

      assert.deepEqual(await pushImage(client, { registry: d.host, repository: 'lib/copy', tag: 'x' }, img, { mountFrom: ['lib/app'] }), ['mounted', 'mounted', 'mounted']);

      const index = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MEDIA.ociIndex,
          manifests: [{ mediaType: MEDIA.ociManifest, digest: img.digest, size: img.manifest.length, platform: { os: 'linux', architecture: 'amd64' } }],
        }),
      );
      await client.putManifest({ ...target, tag: 'multi' }, index, MEDIA.ociIndex);
      const sel = await client.getManifest({ ...target, tag: 'multi' }, { platform: { os: 'linux', architecture: 'amd64' } });
      assert.equal(sel.digest, img.digest);

      for (const t of ['t1', 't2', 't3']) await client.putManifest({ ...target, tag: t }, img.manifest, img.mediaType);
      const all = await client.listTags({ registry: d.host, repository: 'lib/app' });
      // distribution 2.8 lists tags unsorted when not paginating.
      assert.deepEqual([...all].sort(), ['chunked', 'multi', 't1', 't2', 't3', 'v1']);
      // distribution 2.8 paginates the catalog (tags only from 3.0): the client follows its Link headers.
      assert.deepEqual(await client.catalog(d.host, { n: 1 }), ['lib/app']);
      assert.deepEqual(await client.catalog(d.host), ['lib/app', 'lib/copy']);

      const missing = randomImage([10]);
      await assert.rejects(client.putManifest({ ...target, tag: 'bad' }, missing.manifest, missing.mediaType), (e: RegistryHttpError) => e.code === 'MANIFEST_BLOB_UNKNOWN');
      await assert.rejects(client.pushBlob(target, sha256(Buffer.from('a')), bufferSource(randomBytes(10))), (e: RegistryHttpError) => e.code === 'DIGEST_INVALID');
      await client.deleteManifest({ ...target, tag: undefined, digest: chunked.digest });
      assert.equal(await client.headManifest({ ...target, tag: 'chunked' }), undefined);
    } finally {
      client.close();
    }
  });
});

test('client against distribution with htpasswd: login and 401 on bad credentials', { skip }, async () => {
  const htpasswd = `dave:${bcrypt.hashSync('pw', 5)}\n`;
  await withDistribution(htpasswd, async (d) => {
    assert.deepEqual(await login(d.host, 'dave', 'pw'), { status: 'Login Succeeded' });
    await assert.rejects(login(d.host, 'dave', 'nope'), (e: RegistryHttpError) => e.status === 401);
    const client = new RegistryClient({ credentials: () => ({ username: 'dave', password: 'pw' }), retries: 1, retryBaseMs: 10 });
    try {
      assert.equal((await client.ping(d.host)).auth, 'basic');
      const img = randomImage([100]);
      await pushImage(client, { registry: d.host, repository: 'secure', tag: '1' }, img);
      assert.equal((await client.getManifest({ registry: d.host, repository: 'secure', tag: '1' })).digest, img.digest);
    } finally {
      client.close();
    }
  });
});

// The dashboard's registry browsing (src/dashboard/server/registry.ts) against berth's registry
// server in-process on loopback: catalog pages that follow the Link header, an index's platforms
// with each platform's layer total and creation time, a manifest's layers and config, delete by
// digest, and registries the session may not browse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { MEDIA } from '../../../src/registry/oci.js';
import { RegistryBrowser, deleteManifest, manifest, registryAnswer, repositories, tags } from '../../../src/dashboard/server/registry.js';
import { pushImage, randomImage, withRegistry } from './helpers.js';

test('dashboard registry browsing: catalog pages, tags of an index with platforms, manifest, delete', async () => {
  await withRegistry({}, async (reg, root) => {
    // A docker config that does not exist: no credentials, whatever the user running the test has.
    const browser = new RegistryBrowser([reg.host], path.join(root, 'no-such-config.json'));
    try {
      assert.deepEqual(await browser.list('s1'), [{ host: reg.host, auth: 'none' }]);
      assert.equal(browser.client('s1', '127.0.0.1:1'), undefined, 'a registry neither configured nor logged in to');
      const client = browser.client('s1', reg.host)!;

      const amd = randomImage([100, 200], { architecture: 'amd64', os: 'linux', created: '2024-05-01T00:00:00Z' } as never);
      const arm = randomImage([300], { architecture: 'arm64', os: 'linux', variant: 'v8' } as never);
      const repo = { registry: reg.host, repository: 'team/multi' };
      await pushImage(client, { ...repo, tag: 'amd' }, amd);
      await pushImage(client, { ...repo, digest: arm.digest }, arm);
      const index = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MEDIA.ociIndex,
          manifests: [
            { mediaType: MEDIA.ociManifest, digest: amd.digest, size: amd.manifest.length, platform: { os: 'linux', architecture: 'amd64' } },
            { mediaType: MEDIA.ociManifest, digest: arm.digest, size: arm.manifest.length, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
          ],
        }),
      );
      await client.putManifest({ ...repo, tag: 'latest' }, index, MEDIA.ociIndex);
      for (const name of ['a/one', 'b/two']) await pushImage(client, { registry: reg.host, repository: name, tag: 'v1' }, randomImage([10]));

      // Pages of two: the Link header's `last` leads to the next page, and the last page has none.
      const first = await repositories(client, reg.host, new URLSearchParams({ n: '2' }));
      assert.deepEqual(first.repositories, [{ name: 'a/one', tags: 1 }, { name: 'b/two', tags: 1 }]);
      assert.equal(first.next, 'b/two');
      const second = await repositories(client, reg.host, new URLSearchParams({ n: '2', last: first.next! }));
      assert.deepEqual(second, { repositories: [{ name: 'team/multi', tags: 2 }], next: undefined });

      const list = await tags(client, reg.host, 'team/multi');
      assert.deepEqual(list.tags.map((t) => t.tag), ['amd', 'latest']);
      const [amdRow, latest] = list.tags;
      assert.deepEqual(amdRow, { tag: 'amd', digest: amd.digest, mediaType: MEDIA.ociManifest, size: 300, created: '2024-05-01T00:00:00Z' });
      assert.equal(latest.mediaType, MEDIA.ociIndex);
      assert.deepEqual(latest.platforms, [
        { platform: 'linux/amd64', digest: amd.digest, mediaType: MEDIA.ociManifest, size: 300, created: '2024-05-01T00:00:00Z' },
        { platform: 'linux/arm64/v8', digest: arm.digest, mediaType: MEDIA.ociManifest, size: 300, created: undefined },
      ]);

      const view = await manifest(client, reg.host, 'team/multi', amd.digest);
      assert.deepEqual(view.layers?.map((l) => l.size), [100, 200]);
      assert.equal(view.config?.architecture, 'amd64');
      assert.equal(view.manifestSize, amd.manifest.length);
      const indexView = await manifest(client, reg.host, 'team/multi', 'latest');
      assert.deepEqual(indexView.platforms?.map((p) => p.platform), ['linux/amd64', 'linux/arm64/v8']);

      // A tag is not a digest; a bad repository name is the page's error, not the registry's.
      assert.equal((await registryAnswer(() => deleteManifest(client, reg.host, 'team/multi', 'latest'))).status, 400);
      assert.equal((await registryAnswer(() => tags(client, reg.host, 'Bad Name'))).status, 400);
      assert.equal((await registryAnswer(() => manifest(client, reg.host, 'team/multi', 'nope'))).status, 404);

      await deleteManifest(client, reg.host, 'team/multi', amd.digest);
      assert.deepEqual((await tags(client, reg.host, 'team/multi')).tags.map((t) => t.tag), ['latest']);
    } finally {
      browser.close();
    }
  });
});

// `berth registry gc`, as the README documents it: --dry-run lists and keeps, a real run deletes
// exactly the blobs no manifest refers to, and what is still tagged pulls whole afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { BERTH_BIN } from '../harness.js';
import { runCommand } from '../support/proc.js';
import { ok } from '../support/assert.js';
import { RegistryClient, bufferSource } from '../../../src/registry/client/index.js';
import { collect, pushImage, randomImage, sha256, withRegistry } from './helpers.js';

test('berth registry gc deletes unreferenced blobs only; --dry-run deletes nothing', async () => {
  await withRegistry({}, async (reg, root) => {
    const client = new RegistryClient({ credentials: () => undefined, retries: 2, retryBaseMs: 20 });
    const repo = { registry: reg.host, repository: 'gc' };
    try {
      const keep = randomImage([100, 200]);
      await pushImage(client, { ...repo, tag: 'keep' }, keep);
      const orphan = randomBytes(50);
      await client.pushBlob(repo, sha256(orphan), bufferSource(orphan));

      const dry = ok(await runCommand(BERTH_BIN, ['registry', 'gc', '--root', root, '--dry-run']));
      assert.match(dry, new RegExp(`blob eligible for deletion: ${sha256(orphan)}`));
      assert.match(dry, /would delete 1 blobs \(50 bytes\)/);
      assert.equal(await client.blobExists(repo, sha256(orphan)), 50, '--dry-run deleted the blob');

      // Marked: the manifest, its config and its two layers.
      const real = ok(await runCommand(BERTH_BIN, ['registry', 'gc', '-q', '--root', root]));
      assert.equal(real, 'deleted 1 blobs (50 bytes), 4 marked, 0 stale uploads');
      assert.equal(await client.blobExists(repo, sha256(orphan)), undefined, 'the orphan blob is still there');
      assert.equal((await client.getManifest({ ...repo, tag: 'keep' })).digest, keep.digest);
      for (const l of keep.layers) assert.ok((await collect(client.getBlob(repo, sha256(l)))).equals(l));
    } finally {
      client.close();
    }
  });
});

test('berth registry --help lists gc and serve; berth --help offers compose, which now exists', async () => {
  const group = ok(await runCommand(BERTH_BIN, ['registry', '--help']));
  assert.match(group, /^\s+gc$/m);
  assert.match(group, /^\s+serve$/m);
  const main = ok(await runCommand(BERTH_BIN, ['--help']));
  assert.match(main, /^\s+compose\b/m);
  const version = ok(await runCommand(BERTH_BIN, ['compose', 'version', '--short']));
  assert.match(version, /^\d+\.\d+\.\d+$/);
});

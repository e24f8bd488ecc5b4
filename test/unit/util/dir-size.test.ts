// directorySizes (one `find` for many trees) counts as directorySize (and moby's directory.Size)
// does: non-directories only, symlinks by their own size, each hard-linked inode once per tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { directorySize, directorySizes } from '../../../src/util/dir-size.js';

test('directorySizes agrees with directorySize; a missing tree is 0', async () => {
  const root = await fsp.mkdtemp(path.join(os.tmpdir(), 'berth-dir-size-'));
  try {
    const a = path.join(root, 'a');
    const b = path.join(root, 'b with space');
    await fsp.mkdir(path.join(a, 'deep', 'er'), { recursive: true });
    await fsp.mkdir(b);
    await fsp.writeFile(path.join(a, 'f1'), Buffer.alloc(1000));
    await fsp.writeFile(path.join(a, 'deep', 'er', 'f2'), Buffer.alloc(2500));
    await fsp.link(path.join(a, 'f1'), path.join(a, 'deep', 'hard')); // counted once
    await fsp.symlink('f1-target-name', path.join(a, 'sym')); // its own size: 14
    await fsp.writeFile(path.join(b, 'g\nnewline'), Buffer.alloc(42));
    const missing = path.join(root, 'missing');
    const sizes = await directorySizes([a, b, a]);
    assert.equal(sizes.get(a), 1000 + 2500 + 14);
    assert.equal(sizes.get(b), 42);
    assert.equal(await directorySize(a), sizes.get(a));
    assert.equal(await directorySize(b), sizes.get(b));
    const withMissing = await directorySizes([a, missing]);
    assert.equal(withMissing.get(a), 3514);
    assert.equal(withMissing.get(missing), 0);
    assert.equal((await directorySizes([])).size, 0);
  } finally {
    await fsp.rm(root, { recursive: true, force: true });
  }
});

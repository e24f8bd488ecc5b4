// Which parts of a RUN container's upper directory are runtime mount-point leftovers (kept out
// of the step's layer, as Docker's init layer keeps them out) and which are real changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mountpointLeftovers } from '../../../src/engine/build/engine-backend.js';

async function tree(files: Record<string, string | null>): Promise<string> {
  const root = await fsp.mkdtemp(path.join(os.tmpdir(), 'berth-upper-'));
  for (const [p, content] of Object.entries(files)) {
    const full = path.join(root, p);
    if (content === null) await fsp.mkdir(full, { recursive: true });
    else {
      await fsp.mkdir(path.dirname(full), { recursive: true });
      await fsp.writeFile(full, content);
    }
  }
  return root;
}

test('empty mount-point files and their otherwise empty parents are leftovers', async () => {
  const upper = await tree({ 'etc/hosts': '', 'etc/hostname': '', 'etc/resolv.conf': '', proc: null, sys: null, dev: null });
  try {
    assert.deepEqual([...(await mountpointLeftovers(upper))].sort(), ['dev', 'etc', 'etc/hostname', 'etc/hosts', 'etc/resolv.conf', 'proc', 'sys']);
  } finally {
    await fsp.rm(upper, { recursive: true, force: true });
  }
});

test('real changes next to leftovers are kept', async () => {
  const upper = await tree({ 'etc/hosts': '', 'etc/passwd': 'root:x:0:0::/root:/bin/sh\n', 'etc/hostname': 'written\n', x: 'hi\n' });
  try {
    const skip = await mountpointLeftovers(upper);
    assert.ok(skip.has('etc/hosts'));
    assert.ok(!skip.has('etc'), 'etc holds a real change');
    assert.ok(!skip.has('etc/passwd'));
    assert.ok(!skip.has('etc/hostname'), 'a non-empty file is content, not a mount point');
    assert.ok(!skip.has('x'));
  } finally {
    await fsp.rm(upper, { recursive: true, force: true });
  }
});

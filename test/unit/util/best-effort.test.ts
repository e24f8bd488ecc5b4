// The documented ways to not propagate a failure: bestEffort (clean-up, logged), settled (chain
// tails), and the "absent is fine" stat and JSON readers, which still throw every other error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bestEffort, settled } from '../../../src/util/best-effort.js';
import { lstatIfExists, readJsonOrSkip, statIfExists } from '../../../src/util/fs.js';

test('bestEffort swallows a failed promise or thunk, and runs the thunk', async () => {
  let ran = false;
  await bestEffort(Promise.reject(new Error('boom')), 'test clean-up');
  await bestEffort(async () => {
    ran = true;
    throw new Error('boom');
  }, 'test clean-up');
  assert.equal(ran, true);
});

test('settled resolves when the promise rejects, and the original still rejects', async () => {
  const p = Promise.reject(new Error('kept'));
  assert.equal(await settled(p), undefined);
  await assert.rejects(p, /kept/);
});

test('statIfExists/lstatIfExists: undefined for a missing path or a file used as a directory, errors otherwise', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'berth-fs-'));
  try {
    const file = path.join(dir, 'f');
    await writeFile(file, 'x');
    assert.equal(await statIfExists(path.join(dir, 'missing')), undefined);
    assert.equal(await lstatIfExists(path.join(file, 'below-a-file')), undefined);
    assert.equal((await statIfExists(file))?.size, 1);
    assert.equal((await lstatIfExists(file))?.isFile(), true);
    await assert.rejects(statIfExists('bad\0path'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('readJsonOrSkip: a missing or torn file is undefined, a good one is parsed', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'berth-fs-'));
  try {
    const good = path.join(dir, 'good.json');
    const torn = path.join(dir, 'torn.json');
    await writeFile(good, '{"a":1}');
    await writeFile(torn, '{"a":');
    await chmod(torn, 0o600);
    assert.deepEqual(await readJsonOrSkip(good, 'test record'), { a: 1 });
    assert.equal(await readJsonOrSkip(torn, 'test record'), undefined);
    assert.equal(await readJsonOrSkip(path.join(dir, 'missing.json'), 'test record'), undefined);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

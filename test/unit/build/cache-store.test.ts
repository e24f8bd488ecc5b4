// The persistent build cache: entries survive a reload, dead images are ignored, torn or foreign
// files are swept, prune drops entries and reports the images they pointed at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BuildCacheFileStore } from '../../../src/engine/build/cache-store.js';

const KEY_A = 'a'.repeat(64);
const KEY_B = 'b'.repeat(64);
const IMG_1 = `sha256:${'1'.repeat(64)}`;
const IMG_2 = `sha256:${'2'.repeat(64)}`;

async function withRoot(fn: (root: string) => Promise<void>): Promise<void> {
  const root = await fsp.mkdtemp(path.join(os.tmpdir(), 'berth-cache-store-'));
  try {
    await fn(root);
  } finally {
    await fsp.rm(root, { recursive: true, force: true });
  }
}

test('entries persist across a reload', () =>
  withRoot(async (root) => {
    const images = new Set([IMG_1]);
    const a = new BuildCacheFileStore(root, (id) => images.has(id));
    await a.init();
    await a.put(KEY_A, IMG_1);
    assert.equal(await a.get(KEY_A), IMG_1);
    const b = new BuildCacheFileStore(root, (id) => images.has(id));
    await b.init();
    assert.equal(await b.get(KEY_A), IMG_1);
    assert.equal(await b.get(KEY_B), undefined);
  }));

test('an entry whose image is gone is a miss', () =>
  withRoot(async (root) => {
    const images = new Set([IMG_1]);
    const s = new BuildCacheFileStore(root, (id) => images.has(id));
    await s.init();
    await s.put(KEY_A, IMG_1);
    images.delete(IMG_1);
    assert.equal(await s.get(KEY_A), undefined);
  }));

test('temp files, torn entries and foreign names are swept at init', () =>
  withRoot(async (root) => {
    const dir = path.join(root, 'build-cache');
    await fsp.mkdir(dir, { recursive: true });
    await fsp.writeFile(path.join(dir, `${KEY_A}.json`), '{"key":');
    await fsp.writeFile(path.join(dir, `${KEY_B}.json`), JSON.stringify({ key: KEY_B, imageId: IMG_2, created: new Date().toISOString() }));
    await fsp.writeFile(path.join(dir, `${KEY_B}.json.tmp-123`), 'partial');
    const s = new BuildCacheFileStore(root, () => true);
    await s.init();
    assert.equal(await s.get(KEY_A), undefined);
    assert.equal(await s.get(KEY_B), IMG_2);
    const left = (await fsp.readdir(dir)).sort();
    assert.deepEqual(left, [`${KEY_B}.json`]);
  }));

test('invalid keys are refused', () =>
  withRoot(async (root) => {
    const s = new BuildCacheFileStore(root, () => true);
    await s.init();
    await assert.rejects(s.put('../escape', IMG_1));
  }));

test('prune drops every entry (or those older than until) and lists live images', () =>
  withRoot(async (root) => {
    const images = new Set([IMG_1]);
    const s = new BuildCacheFileStore(root, (id) => images.has(id));
    await s.init();
    await s.put(KEY_A, IMG_1);
    await s.put(KEY_B, IMG_2); // IMG_2 does not exist: a dead entry
    const none = await s.prune({ until: 0 });
    assert.deepEqual(none.CachesDeleted, [KEY_B], 'only the dead entry goes when all are newer than until');
    const all = await s.prune();
    assert.deepEqual(all, { CachesDeleted: [KEY_A], images: [IMG_1] });
    assert.equal(s.size(), 0);
    assert.deepEqual(await fsp.readdir(path.join(root, 'build-cache')), []);
  }));

test('a hit records its use (LastUsedAt, UsageCount), across a reload; until goes by the last use', () =>
  withRoot(async (root) => {
    const s = new BuildCacheFileStore(root, () => true);
    await s.init();
    await s.put(KEY_A, IMG_1);
    await fsp.writeFile(path.join(root, 'build-cache', `${KEY_B}.json`), JSON.stringify({ key: KEY_B, imageId: IMG_2, created: '2020-01-01T00:00:00Z' }));
    await s.init();
    const before = Date.now();
    assert.equal(await s.get(KEY_A), IMG_1);
    assert.equal(await s.get(KEY_A), IMG_1);
    const reloaded = new BuildCacheFileStore(root, () => true);
    await reloaded.init();
    const a = reloaded.list().find((e) => e.key === KEY_A)!;
    assert.equal(a.usageCount, 2);
    assert.ok(Date.parse(a.lastUsed!) >= before - 1);
    assert.equal(reloaded.list().find((e) => e.key === KEY_B)!.lastUsed, undefined);
    // B was created long before the cut-off and never used; A was used at it.
    const cut = Date.parse(a.lastUsed!);
    const pruned = await reloaded.prune({ until: cut });
    assert.deepEqual(pruned.CachesDeleted, [KEY_B]);
  }));

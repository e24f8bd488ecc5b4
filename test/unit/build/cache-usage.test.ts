// The classic build cache as system df's BuildCache records: each step's own layer counted once,
// Shared when an image `docker images` lists holds it, metadata-only steps 0 B, dead entries left out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addedLayer, classicCacheRecords, type CacheImageFacts } from '../../../src/engine/build/cache-usage.js';

const IMAGES: Record<string, CacheImageFacts> = {
  busybox: { layers: ['L0'], parent: '', createdBy: '' },
  s1: { layers: ['L0', 'L1'], parent: 'busybox', createdBy: '/bin/sh -c echo a > /a' },
  s2: { layers: ['L0', 'L1'], parent: 's1', createdBy: '/bin/sh -c #(nop)  ENV X=1' },
  s3: { layers: ['L0', 'L1', 'L2'], parent: 's2', createdBy: '/bin/sh -c echo b > /b' },
  old: { layers: ['L0', 'L1', 'L3'], parent: 's2', createdBy: '/bin/sh -c echo c > /c' },
};
const SIZES: Record<string, number> = { L0: 1000, L1: 300, L2: 200, L3: 70 };

const entry = (key: string, imageId: string, created: string, extra: { lastUsed?: string; usageCount?: number } = {}) => ({ key, imageId, created, ...extra });

test('addedLayer: the top layer unless the parent ends on it', () => {
  assert.equal(addedLayer(IMAGES.s1, IMAGES.busybox), 'L1');
  assert.equal(addedLayer(IMAGES.s2, IMAGES.s1), undefined);
  assert.equal(addedLayer(IMAGES.s3, undefined), 'L2', 'parent gone: the top layer is taken as its own');
  assert.equal(addedLayer({ layers: [], parent: '', createdBy: '' }, undefined), undefined);
});

test('classicCacheRecords: sizes, Shared with listed images, Parents, usage; dead entries dropped', () => {
  const recs = classicCacheRecords({
    entries: [
      entry('k3', 's3', '2026-01-01T00:00:03Z'),
      entry('k1', 's1', '2026-01-01T00:00:01Z', { lastUsed: '2026-01-02T00:00:00Z', usageCount: 4 }),
      entry('k2', 's2', '2026-01-01T00:00:02Z'),
      entry('kold', 'old', '2026-01-01T00:00:04Z'),
      entry('kdead', 'gone', '2026-01-01T00:00:05Z'),
    ],
    image: (id) => IMAGES[id],
    diffSize: (l) => SIZES[l],
    // s3 is tagged (listed): its layers are counted under Images.
    topLevelLayers: new Set(['L0', 'L1', 'L2']),
  });
  assert.deepEqual(
    recs.map((r) => [r.ID, r.Size, r.Shared, r.Parents]),
    [
      ['k1', 300, true, null],
      ['k2', 0, false, ['k1']],
      ['k3', 200, true, ['k2']],
      ['kold', 70, false, ['k2']],
    ],
  );
  const k1 = recs[0];
  assert.equal(k1.Type, 'regular');
  assert.equal(k1.Description, '/bin/sh -c echo a > /a');
  assert.equal(k1.InUse, false);
  assert.equal(k1.LastUsedAt, '2026-01-02T00:00:00Z');
  assert.equal(k1.UsageCount, 4);
  assert.equal(recs[1].LastUsedAt, null);
  assert.equal(recs[1].UsageCount, 0);
});

test('classicCacheRecords: two entries ending on one layer count it once', () => {
  const recs = classicCacheRecords({
    entries: [entry('a', 's1', '2026-01-01T00:00:01Z'), entry('b', 's1', '2026-01-01T00:00:02Z')],
    image: (id) => IMAGES[id],
    diffSize: (l) => SIZES[l],
    topLevelLayers: new Set(),
  });
  assert.deepEqual(recs.map((r) => r.Size), [300, 0]);
});

// system df's image figures as dockerd computes them: LayersSize counts each layer of the images
// `docker images` lists once; SharedSize counts an image's layers another image (intermediate
// ones too) also has.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layersSize, sharedSizes, type LayeredImage } from '../../../src/engine/images/disk-usage.js';

const SIZES: Record<string, number> = { base: 1000, a: 300, env: 0, b: 200, c: 100, lone: 50 };
const diff = (l: string) => SIZES[l];

// busybox-like base; app1 = base+a+b and app2 = base+a+c built from the same first steps
// (intermediate images i1 = base+a, i2 = base+a with an ENV, no layer of its own).
const images: LayeredImage[] = [
  { id: 'base', layers: ['base'], topLevel: true },
  { id: 'i1', layers: ['base', 'a'], topLevel: false },
  { id: 'i2', layers: ['base', 'a'], topLevel: false },
  { id: 'app1', layers: ['base', 'a', 'b'], topLevel: true },
  { id: 'app2', layers: ['base', 'a', 'c'], topLevel: true },
];

test('layersSize: every layer of the listed images once', () => {
  assert.equal(layersSize(images, diff), 1000 + 300 + 200 + 100);
  assert.equal(layersSize([], diff), 0);
});

test('layersSize leaves out layers only intermediate images hold (the build cache counts those)', () => {
  const withOrphan = [...images, { id: 'i3', layers: ['base', 'lone'], topLevel: false }];
  assert.equal(layersSize(withOrphan, diff), 1600);
});

test('sharedSizes: the layers some other image also has', () => {
  const s = sharedSizes(images, diff);
  assert.equal(s.get('base'), 1000);
  assert.equal(s.get('app1'), 1300, 'b is its own');
  assert.equal(s.get('app2'), 1300, 'c is its own');
  assert.equal(s.get('i1'), 1300);
});

test('sharedSizes: an image alone shares nothing; a layer shared only with an intermediate image counts', () => {
  assert.deepEqual([...sharedSizes([{ id: 'x', layers: ['base', 'a'], topLevel: true }], diff)], [['x', 0]]);
  const s = sharedSizes(
    [
      { id: 'parent', layers: ['base'], topLevel: false },
      { id: 'child', layers: ['base', 'b'], topLevel: true },
    ],
    diff,
  );
  assert.equal(s.get('child'), 1000, 'as dockerd, whose layer reference count spans every image');
});

// system df's pure parts: which parts a request asks for (`type`, API 1.42+), and the summary table
// berth's CLI prints, with the docker CLI's formulas (formatter/disk_usage.go, system/df.go).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diskUsageParts } from '../../src/engine/disk-usage.js';
import { dfRows } from '../../src/cli/commands/system/df.js';
import type { SystemDf } from '../../src/api-types/system.js';

test('diskUsageParts: everything without type or before 1.42; the types asked for; an unknown one is a 400', () => {
  const all = ['container', 'image', 'volume', 'build-cache'];
  assert.deepEqual([...diskUsageParts({})], all);
  assert.deepEqual([...diskUsageParts({ types: [], apiVersion: '1.50' })], all);
  assert.deepEqual([...diskUsageParts({ types: ['volume'], apiVersion: '1.41' })], all, 'type is ignored before 1.42');
  assert.deepEqual([...diskUsageParts({ types: ['volume', 'build-cache', 'volume'], apiVersion: '1.42' })], ['volume', 'build-cache']);
  assert.throws(
    () => diskUsageParts({ types: ['image', 'bogus'], apiVersion: '1.50' }),
    (e: any) => e.status === 400 && e.message === 'unknown object type: bogus',
  );
  assert.throws(() => diskUsageParts({ types: [''], apiVersion: '1.50' }), /unknown object type: $/);
});

const volume = (name: string, size: number, refs: number) => ({ Name: name, Driver: 'local', UsageData: { Size: size, RefCount: refs } });

test('dfRows: images reclaim all but the unique part of used images; active containers are running, paused or restarting', () => {
  const df: SystemDf = {
    LayersSize: 2_586_380,
    Images: [
      { Id: 'a2', Containers: 0, Size: 2_386_380, SharedSize: 2_286_380 },
      { Id: 'a1', Containers: 1, Size: 2_486_380, SharedSize: 2_286_380 },
      { Id: 'bb', Containers: 1, Size: 1_986_380, SharedSize: 1_986_380 },
    ],
    Containers: [
      { Id: 'r', State: 'running', SizeRw: 1000 },
      { Id: 'p', State: 'paused', SizeRw: 2000 },
      { Id: 'x', State: 'exited', SizeRw: 5000 },
      { Id: 'c', State: 'created', SizeRw: 0 },
    ],
    Volumes: [volume('v1', 7000, 0), volume('v2', 3000, 2), volume('nfs', -1, 0)],
    BuildCache: [
      { ID: 'k1', Type: 'regular', InUse: false, Shared: true, Size: 300_000 },
      { ID: 'k2', Type: 'regular', InUse: false, Shared: false, Size: 70_000 },
      { ID: 'ctx', Type: 'source.local', InUse: true, Shared: false, Size: 10_000 },
    ],
  };
  assert.deepEqual(dfRows(df), [
    { Type: 'Images', TotalCount: '3', Active: '2', Size: '2.586MB', Reclaimable: '2.386MB (92%)' },
    { Type: 'Containers', TotalCount: '4', Active: '2', Size: '8kB', Reclaimable: '5kB (62%)' },
    { Type: 'Local Volumes', TotalCount: '3', Active: '1', Size: '10kB', Reclaimable: '7kB (70%)' },
    { Type: 'Build Cache', TotalCount: '3', Active: '1', Size: '80kB', Reclaimable: '70kB' },
  ]);
});

test('dfRows: nothing at all', () => {
  assert.deepEqual(
    dfRows({ LayersSize: 0, Images: [], Containers: [], Volumes: [], BuildCache: [] }).map((r) => [r.Size, r.Reclaimable]),
    [
      ['0B', '0B'],
      ['0B', '0B'],
      ['0B', '0B'],
      ['0B', '0B'],
    ],
  );
});

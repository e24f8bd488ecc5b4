// system df's pure parts: which parts a request asks for (`type`, API 1.42+), and the summary table
// berth's CLI prints, with the docker CLI's formulas (formatter/disk_usage.go, system/df.go).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diskUsageParts } from '../../src/engine/disk-usage.js';
import { dfRows, dfVerbose } from '../../src/cli/commands/system/df.js';
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

test('dfVerbose: each kind under its title, as `docker system df -v` prints it (checked against the docker CLI 28.2)', () => {
  const now = Date.parse('2026-12-02T12:00:00Z');
  const df: SystemDf = {
    LayersSize: 2_085_000,
    Images: [{ Id: 'sha256:949f40506fc992b1b48883d16e211ec6b91dd57638c82c45394e7deb87f6d93b', RepoTags: ['busybox:latest', 'mine:1'], Created: now / 1000 - 3 * 365 * 86400, Size: 1_986_000, SharedSize: 0, Containers: 1 }],
    Containers: [
      {
        Id: '4a9afa4feba7c0ffee00000000000000000000000000000000000000000000aa',
        Names: ['/wv'],
        Image: 'busybox',
        Command: "sh -c 'echo hi > /data/x; echo y > /y'",
        Created: now / 1000 - 120,
        SizeRw: 2,
        SizeRootFs: 1_986_002,
        Status: 'Exited (0) 2 minutes ago',
        Mounts: [{ Type: 'volume', Name: 'v1', Source: '', Destination: '/data', Driver: 'local', Mode: 'z', RW: true, Propagation: '' }],
      },
    ],
    Volumes: [{ Name: 'v1', UsageData: { Size: 3, RefCount: 1 } }],
    BuildCache: [{ ID: 'abcdef0123456789', Type: 'source.local', InUse: false, Shared: false, Size: 2048, CreatedAt: '2026-12-02T11:00:00Z', LastUsedAt: null, UsageCount: 1 }],
  };
  assert.equal(
    dfVerbose(df, now),
    [
      'Images space usage:',
      '',
      'REPOSITORY   TAG       IMAGE ID       CREATED       SIZE      SHARED SIZE   UNIQUE SIZE   CONTAINERS',
      'busybox      latest    949f40506fc9   3 years ago   1.99MB    0B            1.986MB       1',
      '',
      'Containers space usage:',
      '',
      'CONTAINER ID   IMAGE     COMMAND                  LOCAL VOLUMES   SIZE      CREATED         STATUS                     NAMES',
      '4a9afa4feba7   busybox   "sh -c \'echo hi > /d…"   1               2B        2 minutes ago   Exited (0) 2 minutes ago   wv',
      '',
      'Local Volumes space usage:',
      '',
      'VOLUME NAME   LINKS     SIZE',
      'v1            1         3B',
      '',
      'Build cache usage: 2.048kB',
      '',
      'CACHE ID       CACHE TYPE     SIZE      CREATED             LAST USED   USAGE     SHARED',
      'abcdef012345   source.local   2.05kB    About an hour ago               1         false',
      '',
    ].join('\n'),
  );
});

// The SizeRw cache: kept only while the writable layer cannot change (stopped, since the last
// stop and the last write berthd made into it), never for a running, paused or restarting one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RwSizeCache } from '../../../src/engine/containers/usage.js';
import type { ContainerRecord } from '../../../src/engine/containers/types.js';

function rec(state: Partial<ContainerRecord['state']>): ContainerRecord {
  return {
    id: 'c1',
    state: { Status: 'exited', Running: false, Paused: false, Restarting: false, StartedAt: '2026-01-01T00:00:00Z', FinishedAt: '2026-01-01T00:01:00Z', ...state },
  } as unknown as ContainerRecord;
}

test('a stopped container: measured once, kept until it starts again or berthd writes into it', () => {
  const cache = new RwSizeCache();
  const c = rec({});
  const stamp = cache.stampOf(c)!;
  assert.ok(stamp);
  cache.set(c, stamp, 5000);
  assert.equal(cache.get(c), 5000);
  // Started and stopped again: StartedAt/FinishedAt move on.
  const again = rec({ StartedAt: '2026-01-01T00:02:00Z', FinishedAt: '2026-01-01T00:03:00Z' });
  assert.equal(cache.get(again), undefined);
  cache.set(c, stamp, 5000);
  cache.forget('c1'); // docker cp into it
  assert.equal(cache.get(c), undefined);
  assert.notEqual(cache.stampOf(c), stamp);
});

test('a measurement that saw a write under way is not kept', () => {
  const cache = new RwSizeCache();
  const c = rec({});
  const stamp = cache.stampOf(c)!;
  cache.forget('c1'); // the copy ended while the walk ran
  cache.set(c, stamp, 123);
  assert.equal(cache.get(c), undefined);
});

test('running, paused, restarting, removing: never kept', () => {
  const cache = new RwSizeCache();
  for (const s of [{ Running: true, Status: 'running' as const }, { Running: true, Paused: true, Status: 'paused' as const }, { Restarting: true, Running: true, Status: 'restarting' as const }, { Status: 'removing' as const }]) {
    assert.equal(cache.stampOf(rec(s)), undefined, JSON.stringify(s));
  }
});

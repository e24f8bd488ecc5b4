import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyedLock } from '../../../src/util/keyed-lock.js';

/** A promise with its resolve exposed, so a test decides when an operation finishes. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

test('runs of one key are one after another, in call order; other keys do not wait', async () => {
  const lock = new KeyedLock();
  const order: string[] = [];
  const first = gate();
  const a1 = lock.run('a', async () => {
    order.push('a1 start');
    await first.promise;
    order.push('a1 end');
  });
  const a2 = lock.run('a', async () => {
    order.push('a2');
  });
  const b = lock.run('b', async () => {
    order.push('b');
  });
  await b;
  assert.deepEqual(order, ['a1 start', 'b']);
  first.open();
  await Promise.all([a1, a2]);
  assert.deepEqual(order, ['a1 start', 'b', 'a1 end', 'a2']);
});

test('a failed run rejects its caller only, and the next run goes ahead', async () => {
  const lock = new KeyedLock();
  const failed = lock.run('k', async () => {
    throw new Error('boom');
  });
  const next = lock.run('k', async () => 42);
  await assert.rejects(failed, /boom/);
  assert.equal(await next, 42);
});

test('a key is forgotten once its queue is empty', async () => {
  const lock = new KeyedLock();
  const g = gate();
  const r = lock.run('k', () => g.promise);
  assert.equal(lock.busy('k'), true);
  g.open();
  await r;
  // The clean-up runs on the settled tail, one turn after the result.
  await new Promise((res) => setImmediate(res));
  assert.equal(lock.busy('k'), false);
});

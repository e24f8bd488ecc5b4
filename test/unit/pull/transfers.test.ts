import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Semaphore, TransferManager } from '../../../src/engine/images/distribution-transfers.js';
import type { JsonMessage } from '../../../src/engine/images/distribution-progress.js';

/** A promise with its resolver outside: the test waits on what the code under test does. */
function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
/** Lets every pending promise callback run (a turn of the event loop, no wall-clock time). */
const drained = () => new Promise<void>((r) => setImmediate(r));

test('a transfer runs once for concurrent watchers, and each sees its progress', async () => {
  const m = new TransferManager();
  let runs = 0;
  let finish!: (v: string) => void;
  const started = deferred();
  const start = async (progress: (m: JsonMessage) => void) => {
    runs++;
    progress({ status: 'Downloading', id: 'a' });
    started.resolve();
    return new Promise<string>((r) => (finish = r));
  };
  const seen1: JsonMessage[] = [];
  const seen2: JsonMessage[] = [];
  const p1 = m.run('k', start, { progress: (x) => seen1.push(x) });
  await started.promise;
  const p2 = m.run('k', start, { progress: (x) => seen2.push(x) });
  assert.equal(m.has('k'), true);
  finish('done');
  assert.deepEqual(await Promise.all([p1, p2]), ['done', 'done']);
  assert.equal(runs, 1);
  assert.deepEqual(seen1, [{ status: 'Downloading', id: 'a' }]);
  assert.deepEqual(seen2, [{ status: 'Downloading', id: 'a' }], 'a late watcher gets the last state');
  assert.equal(m.has('k'), false);
});

test('a transfer is cancelled only when its last watcher leaves', async () => {
  const m = new TransferManager();
  let signal!: AbortSignal;
  let finish!: (v: number) => void;
  let started = deferred();
  const start = (_p: unknown, s: AbortSignal) => {
    signal = s;
    started.resolve();
    return new Promise<number>((resolve, reject) => {
      finish = resolve;
      s.addEventListener('abort', () => reject(s.reason));
    });
  };
  const c1 = new AbortController();
  const c2 = new AbortController();
  const p1 = m.run('k', start, { progress: () => {}, signal: c1.signal });
  const p2 = m.run('k', start, { progress: () => {}, signal: c2.signal });
  await started.promise;
  c1.abort(new Error('client 1 left'));
  await assert.rejects(p1, /client 1 left/);
  assert.equal(signal.aborted, false);
  finish(7);
  assert.equal(await p2, 7);

  const c3 = new AbortController();
  started = deferred();
  const p3 = m.run('j', start, { progress: () => {}, signal: c3.signal });
  await started.promise;
  c3.abort(new Error('gone'));
  await assert.rejects(p3, /gone/);
  assert.equal(signal.aborted, true);
});

test('semaphore: bounded, FIFO, says when a caller waits', async () => {
  const s = new Semaphore(2);
  const r1 = await s.acquire();
  const r2 = await s.acquire();
  let waited = 0;
  const order: number[] = [];
  const third = s.acquire(undefined, () => waited++).then((r) => (order.push(3), r));
  const fourth = s.acquire(undefined, () => waited++).then((r) => (order.push(4), r));
  assert.equal(waited, 2, 'onWait is called as soon as a caller has to wait');
  await drained();
  assert.deepEqual(order, [], 'nobody gets a slot while both are held');
  r1();
  r1(); // twice is harmless
  const r3 = await third;
  assert.deepEqual(order, [3]);
  r2();
  (await fourth)();
  r3();
  const ctl = new AbortController();
  const a = await s.acquire();
  const b = await s.acquire();
  const c = s.acquire(ctl.signal);
  ctl.abort(new Error('stop'));
  await assert.rejects(c, /stop/);
  a();
  b();
  (await s.acquire())();
});

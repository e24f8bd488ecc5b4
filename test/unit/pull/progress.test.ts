import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteProgress, goJson, humanSize, layerProgress, progressString, type JsonMessage } from '../../../src/engine/images/distribution-progress.js';

test('humanSize is go-units HumanSize (4 significant digits, decimal units)', () => {
  assert.equal(humanSize(0), '0B');
  assert.equal(humanSize(512), '512B');
  assert.equal(humanSize(22960), '22.96kB');
  assert.equal(humanSize(2219949), '2.22MB');
  assert.equal(humanSize(1056936), '1.057MB');
  assert.equal(humanSize(1000), '1kB');
  assert.equal(humanSize(5 * 1000 ** 3), '5GB');
});

test('progressString matches dockerd’s bars', () => {
  assert.equal(progressString(22960, 2219949), `[>${' '.repeat(50)}]  22.96kB/2.22MB`);
  assert.equal(progressString(2219949, 2219949), `[${'='.repeat(50)}>]   2.22MB/2.22MB`);
  assert.equal(progressString(1110000, 2220000), `[${'='.repeat(25)}>${' '.repeat(25)}]   1.11MB/2.22MB`);
  assert.equal(progressString(0, 0), '');
  assert.equal(progressString(3000, 0), '     3kB');
  assert.equal(progressString(3000, 1000), `[${'='.repeat(50)}>]      3kB`);
});

test('messages have dockerd’s field order and Go’s escaping', () => {
  const m = layerProgress('abc', 'Downloading', 22960, 2219949);
  assert.deepEqual(Object.keys(m), ['status', 'progressDetail', 'progress', 'id']);
  assert.equal(goJson(m), `{"status":"Downloading","progressDetail":{"current":22960,"total":2219949},"progress":"[\\u003e${' '.repeat(50)}]  22.96kB/2.22MB","id":"abc"}`);
  assert.equal(goJson({ status: 'a<b&c' }), '{"status":"a\\u003cb\\u0026c"}');
});

test('ByteProgress reports every 1% / 512 KiB, at most 10 a second, and at the end', async () => {
  const seen: JsonMessage[] = [];
  const p = new ByteProgress((m) => seen.push(m), 'x', 'Downloading', 10_000_000);
  async function* chunks() {
    for (let i = 0; i < 100; i++) yield Buffer.alloc(100_000);
  }
  let n = 0;
  for await (const c of p.count(chunks())) n += c.length;
  assert.equal(n, 10_000_000);
  assert.ok(seen.length >= 2 && seen.length < 10, `${seen.length} updates in a burst`);
  assert.deepEqual(seen.at(-1)!.progressDetail, { current: 10_000_000, total: 10_000_000 });
});

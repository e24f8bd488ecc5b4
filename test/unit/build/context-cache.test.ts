import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encodeHeader, endOfArchive, padding } from '../../../src/archive/index.js';
import { BuildContextCache, type ManifestEntry } from '../../../src/engine/build/context-cache.js';
import { collectLocalSources } from '../../../src/engine/build/copy.js';
import { InvalidArgumentError, NotFoundError } from '../../../src/engine/errors.js';
import { needsRoot } from '../support/root.js';

async function withCache(fn: (cache: BuildContextCache, root: string) => Promise<void>): Promise<void> {
  const root = await fsp.mkdtemp(path.join(os.tmpdir(), 'berth-ctxcache-'));
  try {
    await fn(new BuildContextCache(async () => root), root);
  } finally {
    await fsp.rm(root, { recursive: true, force: true });
  }
}

function filesTar(files: Record<string, string>): AsyncIterable<Buffer> {
  const parts: Buffer[] = [];
  for (const [p, content] of Object.entries(files)) {
    const body = Buffer.from(content);
    parts.push(encodeHeader({ path: p, type: 'file', mode: 0o644, size: body.length }), body, padding(body.length));
  }
  parts.push(endOfArchive());
  return (async function* () {
    yield Buffer.concat(parts);
  })();
}

const file = (p: string, content: string, stamp: string): ManifestEntry => [p, 'f', 0o644, Buffer.byteLength(content), 1_700_000_000, '', stamp];

test('a synced context: everything is needed once, nothing when unchanged, only what changed afterwards', { skip: needsRoot('extract a context with its owners (lchown)') }, async () => {
  await withCache(async (cache, root) => {
    const entries: ManifestEntry[] = [['sub', 'd', 0o755, 0, 0, '', 'd1'], file('sub/a.txt', 'alpha', 's1'), file('b.txt', 'bravo', 's2'), ['ln', 'l', 0o777, 0, 0, 'sub/a.txt', 'l1']];
    const first = await cache.sync({ key: 'k', entries });
    assert.deepEqual(first.need.sort(), ['b.txt', 'sub/a.txt']);
    assert.throws(() => cache.acquire(first.id, root), /incomplete/);
    await cache.upload(first.id, filesTar({ 'sub/a.txt': 'alpha', 'b.txt': 'bravo' }));
    const dir = path.join(root, 'ctx1');
    await fsp.mkdir(dir);
    const view = cache.acquire(first.id, dir);
    assert.equal((await view.source.tree.readFile('sub/a.txt')).toString(), 'alpha');
    assert.equal(await view.source.tree.readlink('ln'), 'sub/a.txt');
    const hashBefore = (await collectLocalSources(dir, ['.'], false, view.source.tree))[0].hash;
    // ADD needs the files on disk: they are extracted from the spools.
    await view.source.materialize();
    assert.equal(await fsp.readFile(path.join(dir, 'b.txt'), 'utf8'), 'bravo');
    await view.release();

    const same = await cache.sync({ key: 'k', entries });
    assert.deepEqual(same.need, []);
    const view2 = cache.acquire(same.id, root);
    assert.equal((await collectLocalSources(root, ['.'], false, view2.source.tree))[0].hash, hashBefore, 'the same context hashes the same');
    await view2.release();

    const changed = await cache.sync({ key: 'k', entries: [entries[0], file('sub/a.txt', 'ALPHA!', 's1b'), entries[2], entries[3]] });
    assert.deepEqual(changed.need, ['sub/a.txt']);
    await cache.upload(changed.id, filesTar({ 'sub/a.txt': 'ALPHA!' }));
    const view3 = cache.acquire(changed.id, root);
    assert.equal((await view3.source.tree.readFile('sub/a.txt')).toString(), 'ALPHA!');
    assert.equal((await view3.source.tree.readFile('b.txt')).toString(), 'bravo', 'kept from the first upload');
    await view3.release();
  });
});

test('bad manifests and uploads are refused with 400s; unknown contexts are 404s', async () => {
  await withCache(async (cache) => {
    await assert.rejects(cache.sync({ key: 'k', entries: [file('../evil', 'x', 's')] }), InvalidArgumentError);
    await assert.rejects(cache.sync({ key: 'k', entries: [['up', 'l', 0o777, 0, 0, '../../etc', 's']] }), InvalidArgumentError);
    await assert.rejects(cache.sync({ key: 'k', entries: [['ln', 'l', 0o777, 0, 0, 'real', 's'], file('ln/through', 'x', 's')] }), InvalidArgumentError);
    await assert.rejects(cache.sync({ key: 'k', entries: [['x', 'c' as never, 0, 0, 0, '', 's']] }), InvalidArgumentError);
    const s = await cache.sync({ key: 'k', entries: [file('a', 'abc', 's')] });
    await assert.rejects(cache.upload(s.id, filesTar({ a: 'abcd' })), /changed while the context was sent/);
    await assert.rejects(cache.upload(s.id, filesTar({ other: 'abc' })), /lacks 1 file/);
    assert.throws(() => cache.acquire('nope', '/tmp'), NotFoundError);
  });
});

test('at most four contexts are kept; the least recently used goes, its spools with it', async () => {
  await withCache(async (cache, root) => {
    for (const key of ['a', 'b', 'c', 'd', 'e']) {
      const s = await cache.sync({ key, entries: [file('f', key, `s-${key}`)] });
      await cache.upload(s.id, filesTar({ f: key }));
    }
    assert.equal((await fsp.readdir(root)).length, 4);
    // 'a' was dropped: syncing it again needs its file again; 'e' is still there.
    assert.deepEqual((await cache.sync({ key: 'e', entries: [file('f', 'e', 's-e')] })).need, []);
    assert.deepEqual((await cache.sync({ key: 'a', entries: [file('f', 'a', 's-a')] })).need, ['f']);
  });
});

test('usage lists the kept contexts with their spooled bytes; clear(until) drops only those last used before it', async () => {
  await withCache(async (cache) => {
    const old = await cache.sync({ key: 'old', entries: [file('a.txt', 'alpha', 's1')] });
    await cache.upload(old.id, filesTar({ 'a.txt': 'alpha' }));
    const cut = Date.now() + 1;
    while (Date.now() <= cut); // the second context's last use comes after the cut-off
    const fresh = await cache.sync({ key: 'fresh', entries: [file('b.txt', 'bravo!', 's2')] });
    await cache.upload(fresh.id, filesTar({ 'b.txt': 'bravo!' }));
    const usage = cache.usage().sort((a, b) => a.id.localeCompare(b.id));
    assert.deepEqual(
      usage.map((u) => [u.id, u.size, u.inUse, u.uses]),
      [
        ['fresh', 6, false, 0],
        ['old', 5, false, 0],
      ],
    );
    assert.equal(await cache.clear(cut), 5);
    assert.deepEqual(cache.usage().map((u) => u.id), ['fresh']);
    assert.equal(await cache.clear(), 6);
    assert.deepEqual(cache.usage(), []);
  });
});

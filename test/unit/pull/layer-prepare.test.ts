// The pieces of the streaming pull: peekHead/decompressorFor (sniff, then gunzip in big chunks)
// and the layer store's prepare → register/discard split (layers unpack concurrently, register
// bottom-up, and nothing is left when a layer is refused).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gzipSync } from 'node:zlib';
import { decompressorFor, peekHead } from '../../../src/archive/compression.js';
import { tarFromEntries } from '../../../src/archive/tar-directory.js';
import { BlobStore } from '../../../src/engine/images/blobs.js';
import { chainIdOf, LayerStore } from '../../../src/engine/images/layers.js';
import { needsRoot } from '../support/root.js';

const digestOf = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function collect(s: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of s) parts.push(c);
  return Buffer.concat(parts);
}

/** A stream of `data` in chunks of `size` (so peeks span chunk boundaries). */
function chunked(data: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) parts.push(data.subarray(i, i + size));
  return Readable.from(parts, { objectMode: false });
}

async function layerTar(files: Record<string, Buffer>): Promise<Buffer> {
  return collect(tarFromEntries(Object.entries(files).map(([p, body]) => ({ entry: { path: p, type: 'file' as const, mode: 0o644, mtime: 1 }, body }))));
}

async function withStore(fn: (s: { layers: LayerStore; blobs: BlobStore; root: string }) => Promise<void>): Promise<void> {
  const root = await fsp.mkdtemp(path.join(os.tmpdir(), 'berth-layer-prepare-'));
  try {
    const blobs = new BlobStore(root);
    await blobs.init();
    const layers = new LayerStore(root, blobs);
    await layers.init();
    await fn({ layers, blobs, root });
  } finally {
    await fsp.rm(root, { recursive: true, force: true });
  }
}

const tempLeftovers = async (dir: string) => (await fsp.readdir(dir)).filter((n) => n.includes('.tmp-'));

test('peekHead leaves the bytes in the stream, across chunk boundaries and for short streams', async () => {
  const data = randomBytes(1000);
  const s = chunked(data, 2);
  const head = await peekHead(s, 6);
  assert.deepEqual(head, data.subarray(0, 6));
  assert.deepEqual(await collect(s), data);

  const short = chunked(Buffer.from('abc'), 1);
  assert.deepEqual(await peekHead(short, 6), Buffer.from('abc'));
  assert.deepEqual(await collect(short), Buffer.from('abc'));

  assert.deepEqual(await peekHead(Readable.from([], { objectMode: false })), Buffer.alloc(0));

  const failing = new PassThrough();
  setImmediate(() => failing.destroy(new Error('connection reset')));
  await assert.rejects(peekHead(failing), /connection reset/);
});

test('a peeked stream still pipes: gzip through the decompressor, plain tar untouched, others refused', async () => {
  const plain = randomBytes(3 << 20);
  const gz = chunked(gzipSync(plain), 65536);
  const gunzip = decompressorFor(await peekHead(gz));
  assert.ok(gunzip, 'gzip is recognised');
  const [out] = await Promise.all([collect(gunzip), pipeline(gz, gunzip)]);
  assert.deepEqual(out, plain);
  assert.equal(decompressorFor(Buffer.from('hello\0')), undefined, 'a plain tar needs no stage');
  assert.throws(() => decompressorFor(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0])), /unsupported compression format zstd/);
});

test('layers prepared concurrently register bottom-up; the tar blobs are kept with their diffIDs', { skip: needsRoot('unpack layers with their owners (lchown)') }, async () => {
  await withStore(async ({ layers, blobs }) => {
    const tars = await Promise.all([0, 1, 2].map((i) => layerTar({ [`f${i}`]: randomBytes(200_000 + i), [`dir${i}/x`]: Buffer.from(`x${i}`) })));
    const diffIds = tars.map(digestOf);
    // All three at once, the top one fed first.
    const prepared = await Promise.all(tars.map((t, i) => layers.prepare(chunked(t, 7000 + i * 999), { expectedDiffId: diffIds[i] })));
    assert.deepEqual(layers.all(), [], 'nothing is a layer before register');
    let parent: string | undefined;
    for (let i = 0; i < 3; i++) {
      const meta = await layers.register(parent, prepared[i]!);
      assert.equal(meta.chainId, chainIdOf(parent, diffIds[i]!));
      assert.equal(meta.parent, parent);
      assert.equal(meta.size, 200_000 + i + 2);
      assert.deepEqual(await blobs.read(diffIds[i]!), tars[i]);
      assert.equal((await fsp.readFile(path.join(layers.diffDir(meta.chainId), `f${i}`))).length, 200_000 + i);
      parent = meta.chainId;
    }
    assert.deepEqual(await tempLeftovers(layers.dir), []);
    assert.deepEqual(await tempLeftovers(blobs.dir), []);
  });
});

test('a wrong diffID, a failed verification or a refused tar leaves no blob, dir or temp file', { skip: needsRoot('unpack layers with their owners (lchown)') }, async () => {
  await withStore(async ({ layers, blobs }) => {
    const tar = await layerTar({ a: randomBytes(50_000) });
    await assert.rejects(layers.prepare(chunked(tar, 4096), { expectedDiffId: `sha256:${'0'.repeat(64)}` }), /invalid diffID/);
    // As pull does: the compressed-digest check fails while the layer unpacks (the caller also watches it).
    const verified = new Promise((_, reject) => setTimeout(() => reject(new Error('blob digest mismatch')), 20));
    verified.catch(() => {});
    await assert.rejects(layers.prepare(chunked(tar, 4096), { verified }), /blob digest mismatch/);
    const hostile = await collect(tarFromEntries([{ entry: { path: '../escape', type: 'file', mode: 0o644, mtime: 1 }, body: Buffer.from('x') }]));
    await assert.rejects(layers.prepare(chunked(hostile, 512)), /outside of the root/);
    assert.equal(await blobs.has(digestOf(tar)), false);
    assert.deepEqual(await tempLeftovers(layers.dir), []);
    assert.deepEqual(await tempLeftovers(blobs.dir), []);
    assert.deepEqual(await fsp.readdir(blobs.dir), []);
  });
});

test('register needs its parent; discard drops the tar blob unless a layer or another prepared layer holds it', { skip: needsRoot('unpack layers with their owners (lchown)') }, async () => {
  await withStore(async ({ layers, blobs }) => {
    const tar = await layerTar({ same: Buffer.from('same content') });
    const diffId = digestOf(tar);
    const p1 = await layers.prepare(chunked(tar, 100));
    const p2 = await layers.prepare(chunked(tar, 100));
    await assert.rejects(layers.register(`sha256:${'1'.repeat(64)}`, p1), /parent layer .* does not exist/);
    assert.equal(await blobs.has(diffId), true, 'p2 still holds the blob');
    await layers.discard(p2);
    assert.equal(await blobs.has(diffId), false, 'the last holder gone: the blob goes');

    const p3 = await layers.prepare(chunked(tar, 100));
    const base = await layers.register(undefined, p3);
    const p4 = await layers.prepare(chunked(tar, 100));
    await layers.discard(p4);
    assert.equal(await blobs.has(diffId), true, 'a registered layer uses the blob');
    const again = await layers.prepare(chunked(tar, 100));
    assert.equal(await layers.register(undefined, again), base, 'an existing chain is reused');
    assert.deepEqual(await tempLeftovers(layers.dir), []);
  });
});

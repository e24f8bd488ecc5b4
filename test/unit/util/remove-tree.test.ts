import assert from 'node:assert/strict';
import { existsSync, promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { removeTree, sweepTree } from '../../../src/util/remove-tree.js';

const NAME = 'n'.repeat(200);

/** A chain of `levels` directories of 200-byte names below dir; returns the bottom one. */
async function chain(dir: string, levels: number, tag: string): Promise<string> {
  let p = dir;
  for (let i = 0; i < levels; i++) p = path.join(p, `${tag}${i}${NAME}`);
  await fsp.mkdir(p, { recursive: true });
  return p;
}

test('removeTree removes a tree far deeper than PATH_MAX, where fs.rm fails', async () => {
  const root = await fsp.mkdtemp(path.join(os.tmpdir(), 'berth-rmtree-'));
  try {
    // Built without ever naming a long path: a chain to ~3,400 bytes, then a second chain
    // (built beside it) renamed below its bottom, which only needs the rename's paths to fit.
    let cur = path.join(root, 'tree');
    for (let i = 0; Buffer.byteLength(path.join(cur, `${i}${NAME}`)) < 3400; i++) cur = path.join(cur, `${i}${NAME}`);
    await fsp.mkdir(cur, { recursive: true });
    const second = await chain(path.join(root, 'second'), 12, 'b');
    await fsp.writeFile(path.join(second, 'bottom.txt'), 'bottom');
    // A name that is not UTF-8, deep down.
    await fsp.writeFile(Buffer.concat([Buffer.from(`${second}/`), Buffer.from([0xff, 0xfe, 0x41])]), 'not utf-8');
    await fsp.rename(path.join(root, 'second'), path.join(cur, 'second'));
    assert.ok(Buffer.byteLength(path.join(cur, 'second', path.relative(path.join(root, 'second'), second))) > 4096 + 1000, 'the tree is deeper than PATH_MAX');

    await assert.rejects(fsp.rm(path.join(root, 'tree'), { recursive: true, force: true }), { code: 'ENAMETOOLONG' });
    await removeTree(path.join(root, 'tree'));
    assert.deepEqual(await fsp.readdir(root), []);
    await removeTree(path.join(root, 'tree')); // nothing there: not an error
  } finally {
    await fsp.rm(root, { recursive: true, force: true }).catch(() => undefined);
  }
});

test('removeTree removes files and ordinary trees as fs.rm does', async () => {
  const root = await fsp.mkdtemp(path.join(os.tmpdir(), 'berth-rmtree-'));
  try {
    await fsp.mkdir(path.join(root, 'a/b/c'), { recursive: true });
    await fsp.writeFile(path.join(root, 'a/b/c/f'), 'x');
    await fsp.writeFile(path.join(root, 'file'), 'x');
    await removeTree(path.join(root, 'a'));
    await removeTree(path.join(root, 'file'));
    assert.deepEqual(await fsp.readdir(root), []);
  } finally {
    await fsp.rm(root, { recursive: true, force: true });
  }
});

test('sweepTree logs what it could not remove and returns false instead of throwing', async () => {
  // A path that is itself longer than PATH_MAX cannot be removed by any means.
  const target = path.join(os.tmpdir(), 'x'.repeat(4200));
  const written: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string) => (written.push(String(chunk)), true)) as typeof process.stderr.write;
  try {
    assert.equal(await sweepTree(target, 'test leftover'), false);
  } finally {
    process.stderr.write = write;
  }
  assert.match(written.join(''), /level=warn msg="could not remove test leftover .*left in place/);
  await assert.rejects(removeTree(target), { code: 'ENAMETOOLONG' });
});

test('sweepTree removes what it can and says so', async () => {
  const root = await fsp.mkdtemp(path.join(os.tmpdir(), 'berth-rmtree-'));
  await fsp.writeFile(path.join(root, 'file'), 'x');
  assert.equal(await sweepTree(root, 'test leftover'), true);
  assert.ok(!existsSync(root));
});

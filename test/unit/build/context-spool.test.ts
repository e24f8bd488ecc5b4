import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { encodeHeader, endOfArchive, extractTar, padding, type TarEntry } from '../../../src/archive/index.js';
import { receiveContextTar } from '../../../src/engine/build/context-spool.js';
import { collectLocalSources, performCopy } from '../../../src/engine/build/copy.js';
import { DiskTree } from '../../../src/engine/build/source-tree.js';
import { InvalidArgumentError } from '../../../src/engine/errors.js';
import { needsRoot } from '../support/root.js';

async function withTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'berth-spool-'));
  try {
    await fn(dir);
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

/** A context with nested directories, a relative symlink, a hard link, odd modes and an empty file. */
async function makeContext(dir: string): Promise<string> {
  const src = path.join(dir, 'src');
  await fsp.mkdir(path.join(src, 'sub/deeper'), { recursive: true });
  await fsp.writeFile(path.join(src, 'Dockerfile'), 'FROM scratch\nCOPY . /\n');
  await fsp.writeFile(path.join(src, 'a.txt'), 'alpha\n');
  await fsp.writeFile(path.join(src, 'sub/b.txt'), 'bravo\n');
  await fsp.writeFile(path.join(src, 'sub/c.bin'), Buffer.alloc(3 << 20, 7)); // larger than one copy chunk
  await fsp.writeFile(path.join(src, 'sub/deeper/d.txt'), 'delta\n');
  await fsp.writeFile(path.join(src, 'empty'), '');
  await fsp.chmod(path.join(src, 'sub/b.txt'), 0o750);
  await fsp.symlink('sub', path.join(src, 'link-to-sub'));
  await fsp.link(path.join(src, 'a.txt'), path.join(src, 'hard-a'));
  const tar = path.join(dir, 'ctx.tar');
  const r = spawnSync('tar', ['-C', src, '-cf', tar, '.']);
  assert.equal(r.status, 0, r.stderr?.toString());
  return tar;
}

async function receive(dir: string, tar: string | Buffer) {
  const ctxDir = path.join(dir, 'ctx');
  await fsp.mkdir(ctxDir, { recursive: true });
  const input = typeof tar === 'string' ? createReadStream(tar) : (async function* () {
    yield tar;
  })();
  return { ctxDir, source: await receiveContextTar(input, path.join(dir, 'spool.tar'), ctxDir) };
}

/** The context received (indexed, not extracted) and, for comparison, extracted the classic way. */
async function receiveAndExtract(dir: string) {
  const tar = await makeContext(dir);
  const received = await receive(dir, tar);
  const extracted = path.join(dir, 'extracted');
  await fsp.mkdir(extracted);
  await extractTar(createReadStream(tar), extracted, { whiteouts: 'none', sameOwner: true });
  return { ...received, extracted };
}

test('the spooled index answers COPY lookups and hashes exactly as the extracted directory does', async () => {
  await withTemp(async (dir) => {
    const { ctxDir, source, extracted } = await receiveAndExtract(dir);
    // Nothing was extracted by receiving.
    assert.deepEqual(await fsp.readdir(ctxDir), []);
    for (const sources of [['a.txt'], ['sub'], ['sub/*.txt'], ['link-to-sub'], ['link-to-sub/deeper'], ['*'], ['hard-a', 'empty']]) {
      const fromIndex = await collectLocalSources(ctxDir, sources, false, source.tree);
      const fromDisk = await collectLocalSources(extracted, sources, false, new DiskTree(extracted));
      assert.deepEqual(fromIndex.map((i) => [i.path, i.hash]), fromDisk.map((i) => [i.path, i.hash]), `sources ${sources.join(' ')}`);
    }
    await assert.rejects(collectLocalSources(ctxDir, ['missing'], false, source.tree), /file not found in build context/);
    assert.equal((await source.tree.readFile('sub/deeper/d.txt')).toString(), 'delta\n');
    await source.close();
  });
});

test('COPY from the index writes the same files, modes and times as COPY from the directory', { skip: needsRoot('extract a context with its owners (lchown)') }, async () => {
  await withTemp(async (dir) => {
    const { ctxDir, source, extracted } = await receiveAndExtract(dir);
    const viaIndex = path.join(dir, 'layer-index');
    const viaDisk = path.join(dir, 'layer-disk');
    for (const [root, tree] of [[viaIndex, source.tree], [viaDisk, undefined]] as const) {
      await fsp.mkdir(root);
      const [info] = await collectLocalSources(tree ? ctxDir : extracted, ['.'], false, tree ?? new DiskTree(extracted));
      await performCopy(root, '/app/', info, { identity: { uid: 0, gid: 0 }, decompress: false }, tree);
    }
    const listing = async (root: string) => {
      const out: string[] = [];
      const walk = async (rel: string): Promise<void> => {
        for (const name of (await fsp.readdir(path.join(root, rel))).sort()) {
          const p = path.join(rel, name);
          const st = await fsp.lstat(path.join(root, p));
          const body = st.isFile() ? (await fsp.readFile(path.join(root, p))).toString('base64').slice(0, 40) : st.isSymbolicLink() ? await fsp.readlink(path.join(root, p)) : '';
          out.push(`${p} ${st.mode.toString(8)} ${st.uid}:${st.gid} ${st.size} ${st.isDirectory() ? '' : Math.floor(st.mtimeMs / 1000)} ${body}`);
          if (st.isDirectory()) await walk(p);
        }
      };
      await walk('');
      return out;
    };
    assert.deepEqual(await listing(viaIndex), await listing(viaDisk));
    assert.equal((await fsp.stat(path.join(viaIndex, 'app/sub/c.bin'))).size, 3 << 20);
    await source.close();
  });
});

test('materialize extracts the spool once, without the paths removed from the context', async () => {
  await withTemp(async (dir) => {
    const tar = await makeContext(dir);
    const { ctxDir, source } = await receive(dir, tar);
    await source.remove('Dockerfile');
    assert.equal(await source.tree.lstat('Dockerfile'), undefined);
    await Promise.all([source.materialize(), source.materialize()]);
    assert.deepEqual((await fsp.readdir(ctxDir)).sort(), ['a.txt', 'empty', 'hard-a', 'link-to-sub', 'sub']);
    assert.equal(await fsp.readFile(path.join(ctxDir, 'sub/b.txt'), 'utf8'), 'bravo\n');
    await source.close();
  });
});

function tarOf(entries: Array<Omit<TarEntry, 'mode'> & { mode?: number; body?: string }>): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const body = Buffer.from(e.body ?? '');
    parts.push(encodeHeader({ mode: 0o644, uid: 0, gid: 0, mtime: 0, ...e, size: body.length }));
    if (body.length) parts.push(body, padding(body.length));
  }
  parts.push(endOfArchive());
  return Buffer.concat(parts);
}

test('hostile contexts are refused while receiving, before anything is extracted', async () => {
  const cases: Array<[string, Array<Omit<TarEntry, 'mode'> & { mode?: number; body?: string }>, RegExp]> = [
    ['a name with ..', [{ path: '../evil', type: 'file', body: 'x' }], /outside of the root/],
    ['a symlink climbing out', [{ path: 'up', type: 'symlink', linkpath: '../../etc' }], /points outside of the root/],
    ['a device node', [{ path: 'null', type: 'char', devmajor: 1, devminor: 3 }], /device node/],
    ['a hard link to nothing', [{ path: 'h', type: 'hardlink', linkpath: 'missing' }], /target does not exist/],
  ];
  for (const [what, entries, message] of cases) {
    await withTemp(async (dir) => {
      await assert.rejects(receive(dir, tarOf(entries)), (e: unknown) => e instanceof InvalidArgumentError && message.test((e as Error).message), what);
      assert.deepEqual(await fsp.readdir(path.join(dir, 'ctx')), [], `${what}: nothing extracted`);
    });
  }
});

test('a context whose entries go through a symlinked directory is extracted up front and read from disk', { skip: needsRoot('extract a context with its owners (lchown)') }, async () => {
  await withTemp(async (dir) => {
    const tar = tarOf([
      { path: 'real', type: 'dir', mode: 0o755 },
      { path: 'alias', type: 'symlink', linkpath: 'real' },
      { path: 'alias/f.txt', type: 'file', body: 'through the link' },
    ]);
    const { ctxDir, source } = await receive(dir, tar);
    assert.ok(source.tree instanceof DiskTree);
    assert.equal(await fsp.readFile(path.join(ctxDir, 'real/f.txt'), 'utf8'), 'through the link');
    await source.close();
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp, lstatSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { extractTar } from '../../../src/archive/extract.js';
import { resolveInRoot } from '../../../src/archive/resolve.js';
import { tarDirectory } from '../../../src/archive/tar-directory.js';
import { overlayUpperToLayerTar, diffOverlayUpper } from '../../../src/archive/overlay-diff.js';
import { readTar } from '../../../src/archive/tar-reader.js';
import { InvalidArgumentError } from '../../../src/engine/errors.js';
import { needsRoot } from '../support/root.js';

/** A raw ustar header with the name written verbatim (so hostile names survive). */
function header(name: string, opts: { type?: string; size?: number; mode?: number; link?: string; uid?: number; gid?: number; mtime?: number } = {}): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write((opts.mode ?? 0o644).toString(8).padStart(7, '0') + '\0', 100);
  h.write((opts.uid ?? 0).toString(8).padStart(7, '0') + '\0', 108);
  h.write((opts.gid ?? 0).toString(8).padStart(7, '0') + '\0', 116);
  h.write((opts.size ?? 0).toString(8).padStart(11, '0') + '\0', 124);
  h.write((opts.mtime ?? 1700000000).toString(8).padStart(11, '0') + '\0', 136);
  h.write('        ', 148);
  h.write(opts.type ?? '0', 156);
  h.write(opts.link ?? '', 157, 100, 'utf8');
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return h;
}
type E = { name: string; type?: string; body?: string; mode?: number; link?: string; uid?: number; gid?: number; mtime?: number };
function tar(entries: E[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const body = Buffer.from(e.body ?? '');
    parts.push(header(e.name, { ...e, size: body.length }));
    if (body.length) parts.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

async function tmpdir(): Promise<string> {
  return fsp.mkdtemp(path.join(os.tmpdir(), 'berth-archive-test-'));
}

async function withSandbox(fn: (root: string, outside: string) => Promise<void>): Promise<void> {
  const base = await tmpdir();
  const root = path.join(base, 'root');
  const outside = path.join(base, 'outside');
  await fsp.mkdir(root);
  await fsp.mkdir(outside);
  try {
    await fn(root, outside);
  } finally {
    await fsp.rm(base, { recursive: true, force: true });
  }
}

function isInvalid(e: unknown): boolean {
  return e instanceof InvalidArgumentError;
}

test('refuses hostile entries and writes nothing outside the root', async () => {
  const hostile: Array<[string, E[]]> = [
    ['dot-dot', [{ name: '../escape', body: 'x' }]],
    ['nested dot-dot', [{ name: 'a/../../escape', body: 'x' }]],
    ['absolute', [{ name: '/escape', body: 'x' }]],
    ['symlink escape', [{ name: 'l', type: '2', link: '../outside' }]],
    ['deep symlink escape', [{ name: 'a/b/l', type: '2', link: '../../../outside/x' }]],
    ['hardlink escape', [{ name: 'h', type: '1', link: '../outside/secret' }]],
    ['char device', [{ name: 'dev/null', type: '3' }]],
    ['block device', [{ name: 'dev/sda', type: '4' }]],
    ['fifo', [{ name: 'fifo', type: '6' }]],
  ];
  for (const [label, entries] of hostile) {
    await withSandbox(async (root, outside) => {
      await fsp.writeFile(path.join(outside, 'secret'), 's');
      await assert.rejects(extractTar(Readable.from([tar(entries)]), root), isInvalid, label);
      assert.deepEqual(readdirSync(outside), ['secret'], label);
      assert.deepEqual(readdirSync(path.dirname(root)).sort(), ['outside', 'root'], label);
    });
  }
});

test('a symlink planted earlier cannot redirect later entries outside', async () => {
  await withSandbox(async (root, outside) => {
    // `a -> /` is legal (absolute links are read inside the root); `a/etc/x` must land in root/etc/x.
    const t = tar([
      { name: 'a', type: '2', link: '/' },
      { name: 'b', type: '2', link: outside },
      { name: 'a/etc/x', body: 'inside' },
      { name: 'b/y', body: 'inside too' },
    ]);
    await extractTar(Readable.from([t]), root);
    assert.equal(await fsp.readFile(path.join(root, 'etc/x'), 'utf8'), 'inside');
    assert.equal(await fsp.readFile(path.join(root, outside, 'y'), 'utf8'), 'inside too');
    assert.deepEqual(readdirSync(outside), []);
  });
});

test('a file entry replaces a symlink instead of writing through it', async () => {
  await withSandbox(async (root, outside) => {
    await fsp.writeFile(path.join(outside, 'target'), 'orig');
    await fsp.symlink(path.join(outside, 'target'), path.join(root, 'f'));
    await extractTar(Readable.from([tar([{ name: 'f', body: 'new' }])]), root);
    assert.equal(await fsp.readFile(path.join(outside, 'target'), 'utf8'), 'orig');
    assert.equal(await fsp.readFile(path.join(root, 'f'), 'utf8'), 'new');
  });
});

test('keeps owners, modes (setuid), mtimes, symlinks and hard links', async () => {
  await withSandbox(async (root) => {
    const t = tar([
      { name: 'bin/', type: '5', mode: 0o755, mtime: 1600000000 },
      { name: 'bin/su', body: 'ELF', mode: 0o4755, uid: 0, gid: 0, mtime: 1500000000 },
      { name: 'home/u/f', body: 'data', mode: 0o640, uid: 1000, gid: 1001 },
      { name: 'bin/link', type: '1', link: 'bin/su' },
      { name: 'bin/sym', type: '2', link: 'su' },
      { name: 'tmp/', type: '5', mode: 0o1777 },
    ]);
    const res = await extractTar(Readable.from([t]), root);
    const su = lstatSync(path.join(root, 'bin/su'));
    assert.equal(su.mode & 0o7777, 0o4755);
    assert.equal(Math.floor(su.mtimeMs / 1000), 1500000000);
    const f = lstatSync(path.join(root, 'home/u/f'));
    if (process.getuid?.() === 0) assert.deepEqual([f.uid, f.gid], [1000, 1001]);
    assert.equal(f.mode & 0o777, 0o640);
    assert.equal(lstatSync(path.join(root, 'bin/link')).ino, su.ino);
    assert.equal(await fsp.readlink(path.join(root, 'bin/sym')), 'su');
    assert.equal(lstatSync(path.join(root, 'tmp')).mode & 0o7777, 0o1777);
    assert.equal(Math.floor(lstatSync(path.join(root, 'bin')).mtimeMs / 1000), 1600000000);
    assert.equal(res.size, 3 + 4 + 2);
  });
});

test('layer mode turns AUFS whiteouts into overlay whiteouts and records them', { skip: needsRoot('make overlay whiteouts (character devices)') }, async () => {
  await withSandbox(async (root) => {
    const t = tar([
      { name: 'etc/', type: '5', mode: 0o755 },
      { name: 'etc/.wh.passwd' },
      { name: 'var/lib/.wh..wh..opq' },
      { name: '.wh..wh.plnk/' , type: '5'},
      { name: 'keep', body: 'k' },
    ]);
    const res = await extractTar(Readable.from([t]), root, { whiteouts: 'overlay' });
    assert.deepEqual(res.whiteouts, ['etc/passwd']);
    assert.deepEqual(res.opaqueDirs, ['var/lib']);
    const wh = lstatSync(path.join(root, 'etc/passwd'));
    assert.ok(wh.isCharacterDevice());
    assert.equal(Number(wh.rdev), 0);
    const attr = execFileSync('getfattr', ['--only-values', '-n', 'trusted.overlay.opaque', path.join(root, 'var/lib')]).toString();
    assert.equal(attr, 'y');
    assert.ok(!readdirSync(root).some((n) => n.startsWith('.wh.')));
  });
});

test('without layer mode .wh. files are ordinary files', async () => {
  await withSandbox(async (root) => {
    await extractTar(Readable.from([tar([{ name: '.wh.x', body: '1' }])]), root);
    assert.equal(await fsp.readFile(path.join(root, '.wh.x'), 'utf8'), '1');
  });
});

test('truncated and corrupt archives are refused', async () => {
  await withSandbox(async (root) => {
    const good = tar([{ name: 'f', body: 'x'.repeat(1000) }]);
    await assert.rejects(extractTar(Readable.from([good.subarray(0, 700)]), root), isInvalid);
    const bad = Buffer.from(good);
    bad[10] ^= 0xff;
    await assert.rejects(extractTar(Readable.from([bad]), root), isInvalid);
  });
});

test('resolveInRoot follows symlinks but stays inside', async () => {
  await withSandbox(async (root) => {
    await fsp.mkdir(path.join(root, 'usr/lib'), { recursive: true });
    await fsp.symlink('usr/lib', path.join(root, 'lib'));
    await fsp.symlink('/../../..', path.join(root, 'up'));
    await fsp.symlink('../../../../etc', path.join(root, 'usr/lib/rel'));
    await fsp.symlink('loop2', path.join(root, 'loop1'));
    await fsp.symlink('loop1', path.join(root, 'loop2'));
    assert.equal(await resolveInRoot(root, '/lib/x'), path.join(root, 'usr/lib/x'));
    assert.equal(await resolveInRoot(root, 'up/etc/passwd'), path.join(root, 'etc/passwd'));
    assert.equal(await resolveInRoot(root, '/usr/lib/rel/shadow'), path.join(root, 'etc/shadow'));
    assert.equal(await resolveInRoot(root, '../../x'), path.join(root, 'x'));
    assert.equal(await resolveInRoot(root, 'lib', { followFinal: false }), path.join(root, 'lib'));
    await assert.rejects(resolveInRoot(root, 'loop1/x'), isInvalid);
  });
});

test('tarDirectory round-trips a tree through extractTar', async () => {
  await withSandbox(async (root, outside) => {
    const src = path.join(outside, 'src');
    await fsp.mkdir(path.join(src, 'd/e'), { recursive: true });
    await fsp.writeFile(path.join(src, 'd/e/f'), 'hello');
    await fsp.chmod(path.join(src, 'd/e/f'), 0o4711);
    await fsp.link(path.join(src, 'd/e/f'), path.join(src, 'hl'));
    await fsp.symlink('d/e/f', path.join(src, 's'));
    await fsp.writeFile(path.join(src, 'long-' + 'n'.repeat(150)), 'long name');
    await extractTar(tarDirectory(src), root);
    assert.equal(await fsp.readFile(path.join(root, 'd/e/f'), 'utf8'), 'hello');
    assert.equal(lstatSync(path.join(root, 'd/e/f')).mode & 0o7777, 0o4711);
    assert.equal(lstatSync(path.join(root, 'hl')).ino, lstatSync(path.join(root, 'd/e/f')).ino);
    assert.equal(await fsp.readlink(path.join(root, 's')), 'd/e/f');
    assert.equal(await fsp.readFile(path.join(root, 'long-' + 'n'.repeat(150)), 'utf8'), 'long name');
    // A single file gets its basename.
    const names: string[] = [];
    for await (const { entry } of readTar(tarDirectory(path.join(src, 'd/e/f')))) names.push(entry.path);
    assert.deepEqual(names, ['f']);
  });
});

test('overlay upper → layer tar and docker diff', { skip: needsRoot('make overlay whiteouts (character devices)') }, async () => {
  await withSandbox(async (root, outside) => {
    const lower = path.join(outside, 'lower');
    const upper = path.join(outside, 'upper');
    await fsp.mkdir(path.join(lower, 'etc'), { recursive: true });
    await fsp.writeFile(path.join(lower, 'etc/passwd'), 'root');
    await fsp.mkdir(path.join(lower, 'var/cache'), { recursive: true });
    await fsp.mkdir(path.join(upper, 'etc'), { recursive: true });
    await fsp.mkdir(path.join(upper, 'var/cache'), { recursive: true });
    execFileSync('mknod', [path.join(upper, 'etc/passwd'), 'c', '0', '0']);
    execFileSync('setfattr', ['-n', 'trusted.overlay.opaque', '-v', 'y', path.join(upper, 'var/cache')]);
    await fsp.writeFile(path.join(upper, 'etc/new'), 'n');
    const names: string[] = [];
    for await (const { entry } of readTar(overlayUpperToLayerTar(upper))) names.push(`${entry.type}:${entry.path}`);
    assert.deepEqual(names, ['dir:etc/', 'file:etc/new', 'file:etc/.wh.passwd', 'dir:var/', 'dir:var/cache/', 'file:var/cache/.wh..wh..opq']);
    const changes = await diffOverlayUpper(upper, [lower]);
    assert.deepEqual(changes, [
      { Path: '/etc', Kind: 0 },
      { Path: '/etc/new', Kind: 1 },
      { Path: '/etc/passwd', Kind: 2 },
      { Path: '/var', Kind: 0 },
      { Path: '/var/cache', Kind: 0 },
    ]);
    // And the layer applies back as whiteouts.
    const res = await extractTar(overlayUpperToLayerTar(upper), root, { whiteouts: 'overlay' });
    assert.deepEqual(res.whiteouts, ['etc/passwd']);
    assert.deepEqual(res.opaqueDirs, ['var/cache']);
  });
});

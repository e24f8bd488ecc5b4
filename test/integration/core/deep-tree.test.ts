// Start-up never bricks on a tree deeper than PATH_MAX (4,096 bytes of path), and such a tree can
// always be removed:
// - `docker import` extracts into layers/unpack.tmp-…, whose name is 41 bytes shorter than the
//   layer's final 64-hex name, so an archive that just fits at extraction is accepted into a layer
//   whose deepest paths no longer fit; berthd restarts on it and `docker rmi` removes it all;
// - leftovers of that depth (an interrupted extraction, a layer without its meta.json) are swept
//   at start instead of stopping berthd from starting.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import { integrationSkipReason, startDaemon, type Daemon } from '../harness.js';
import { runCommand } from '../support/proc.js';
import { ok } from '../support/assert.js';
import { tarFromEntries } from '../../../src/archive/tar-directory.js';
import type { TarEntry } from '../../../src/archive/tar-header.js';

const PATH_MAX = 4096;

/** Directory names (≤ 200 bytes each) that add up, with slashes, to exactly `bytes`. */
function components(bytes: number): string[] {
  const names: string[] = [];
  let left = bytes;
  for (let i = 0; left > 0; i++) {
    let n = Math.min(200, left - 1);
    if (left - (n + 1) === 1) n--; // a last byte alone cannot be a name and its slash
    names.push(String(i % 10).repeat(n));
    left -= n + 1;
  }
  return names;
}

/** A root file-system tar whose deepest file, extracted below `extractDir`, is `deepest` bytes of path. */
async function tarBytes(extractDir: string, deepest: number): Promise<Buffer> {
  const file = 'f';
  const dirs = components(deepest - extractDir.length - 1 - file.length);
  const entries: Array<{ entry: TarEntry; body?: Buffer }> = [{ entry: { path: 'top.txt', type: 'file', mode: 0o644, mtime: 0 }, body: Buffer.from('top\n') }];
  let p = '';
  for (const d of dirs) {
    p += `${d}/`;
    entries.push({ entry: { path: p, type: 'dir', mode: 0o755, mtime: 0 } });
  }
  entries.push({ entry: { path: `${p}${file}`, type: 'file', mode: 0o644, mtime: 0 }, body: Buffer.from('bottom\n') });
  assert.equal(Buffer.byteLength(path.join(extractDir, p, file)), deepest);
  const chunks: Buffer[] = [];
  for await (const c of tarFromEntries(entries)) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Makes `bytes` of nested directories below dir with relative steps (mkdir, chdir), so no path given to the kernel is long. */
async function makeDeepTree(dir: string, bytes: number): Promise<void> {
  const script = `const fs = require('fs'); process.chdir(${JSON.stringify(dir)});
    for (const c of ${JSON.stringify(components(bytes))}) { fs.mkdirSync(c); process.chdir(c); }
    fs.writeFileSync('f', 'bottom');`;
  ok(await runCommand(process.execPath, ['-e', script]));
}

describe('a tree deeper than PATH_MAX', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  let layersDir: string;
  before(async () => {
    d = await startDaemon({ name: 'deep', loadBusybox: false });
    layersDir = path.join(d.dataRoot, 'layers');
  });
  after(() => d?.cleanup());

  const layerNames = async () => (await fsp.readdir(layersDir)).sort();

  it('is imported, berthd restarts on it, and rmi removes every byte of it', async () => {
    const before = await layerNames();
    // Just fits while extracted below layers/unpack.tmp-<12 hex>/diff; not below layers/<64 hex>/diff.
    const extractDir = path.join(layersDir, `unpack.tmp-${'0'.repeat(12)}`, 'diff');
    const tar = await tarBytes(extractDir, PATH_MAX - 16);
    const id = ok(await d.docker(['import', '-', 'deep:latest'], { input: tar }));
    assert.match(id, /^sha256:[0-9a-f]{64}$/);
    const added = (await layerNames()).filter((n) => !before.includes(n));
    assert.equal(added.length, 1, `the import made one layer: ${added.join(' ')}`);

    await d.restart();
    assert.equal(ok(await d.docker(['image', 'inspect', '-f', '{{.Id}}', 'deep:latest'])), id);

    ok(await d.docker(['rmi', 'deep:latest']));
    assert.deepEqual(await layerNames(), before, 'the layer directory is gone');
  });

  it('leftovers that deep are swept at start: berthd starts and they are gone', async () => {
    await d.stop();
    const interrupted = path.join(layersDir, `unpack.tmp-${'a'.repeat(12)}`, 'diff');
    const withoutMeta = path.join(layersDir, 'b'.repeat(64), 'diff');
    for (const dir of [interrupted, withoutMeta]) {
      await fsp.mkdir(dir, { recursive: true });
      await makeDeepTree(dir, PATH_MAX + 2000);
    }
    await d.restart();
    ok(await d.docker(['version']));
    assert.ok(!existsSync(path.dirname(interrupted)), 'the interrupted extraction is gone');
    assert.ok(!existsSync(path.dirname(withoutMeta)), 'the layer without meta.json is gone');
  });
});

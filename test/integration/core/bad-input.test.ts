// Bad input: Docker's error messages and codes for unknown objects, malformed JSON, invalid
// references and ambiguous IDs; hostile tar archives on load, import and cp are refused and
// nothing outside the target is touched; berthd keeps answering.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { integrationSkipReason, jsonLines, startDaemon, type ApiResponse, type Daemon } from '../harness.js';
import { fails, ok } from '../support/assert.js';
import { makeImageArchive, makeTar, type TarEntrySpec } from '../support/tar.js';

/** Far more `..` than any unpack directory is deep: resolves from anywhere to the filesystem root. */
const UP = '../'.repeat(16);

/** True when an API answer reports failure: an error status, or an error message in a JSON stream. */
function refused(r: ApiResponse): boolean {
  if (r.status >= 400) return true;
  try {
    return jsonLines(r.text).some((m) => m.error || m.errorDetail);
  } catch {
    return false;
  }
}

/** Device nodes (other than overlay whiteouts, 0:0) anywhere in `dir`, not crossing into mounts. */
async function deviceNodesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  const rootDev = (await fsp.lstat(dir)).dev;
  const walk = async (p: string): Promise<void> => {
    let st;
    try {
      st = await fsp.lstat(p);
    } catch {
      return;
    }
    if (st.dev !== rootDev) return;
    if ((st.isCharacterDevice() || st.isBlockDevice()) && st.rdev !== 0) found.push(p);
    if (st.isDirectory()) for (const e of await fsp.readdir(p).catch(() => [] as string[])) await walk(path.join(p, e));
  };
  await walk(dir);
  return found;
}

describe('bad input', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon({ name: 'bad' });
  });
  after(() => d?.cleanup());

  describe('unknown objects', () => {
    it('container commands print Docker’s messages', async () => {
      fails(await d.docker(['rm', 'nosuch']), 'Error response from daemon: No such container: nosuch');
      fails(await d.docker(['stop', 'nosuch']), 'Error response from daemon: No such container: nosuch');
      fails(await d.docker(['start', 'nosuch']), /No such container: nosuch/);
      fails(await d.docker(['logs', 'nosuch']), 'Error response from daemon: No such container: nosuch');
      fails(await d.docker(['exec', 'nosuch', 'true']), /No such container: nosuch/);
      fails(await d.docker(['inspect', 'nosuch']), 'Error: No such object: nosuch');
    });

    it('image commands print Docker’s messages', async () => {
      fails(await d.docker(['rmi', 'nosuch']), 'Error response from daemon: No such image: nosuch:latest');
      fails(await d.docker(['image', 'inspect', 'nosuch']), /No such image: nosuch/);
      fails(await d.docker(['history', 'nosuch']), /No such image: nosuch/);
      fails(await d.docker(['tag', 'nosuch', 'x:1']), /No such image: nosuch/);
    });

    it('the API answers 404 with a JSON message', async () => {
      const c = await d.api('GET', '/containers/nosuch/json');
      assert.equal(c.status, 404);
      assert.deepEqual(c.json, { message: 'No such container: nosuch' });
      const i = await d.api('GET', '/images/nosuch/json');
      assert.equal(i.status, 404);
      assert.match(i.json.message, /No such image: nosuch/);
      const v = await d.api('GET', '/v1.44/containers/nosuch/json');
      assert.equal(v.status, 404);
    });
  });

  describe('malformed requests', () => {
    it('malformed JSON is a 400 and creates nothing', async () => {
      const before = ok(await d.docker(['ps', '-aq']));
      const r = await d.api('POST', '/containers/create', '{"Image": "busybox", "Cmd": [', { headers: { 'Content-Type': 'application/json' } });
      assert.equal(r.status, 400, r.text);
      assert.equal(typeof r.json?.message, 'string');
      const v = await d.api('POST', '/volumes/create', '{not json', { headers: { 'Content-Type': 'application/json' } });
      assert.equal(v.status, 400, v.text);
      assert.equal(ok(await d.docker(['ps', '-aq'])), before);
    });

    it('an invalid reference is a 400', async () => {
      const r = await d.api('POST', '/containers/create', { Image: 'Bad:Ref:Here', Cmd: ['true'] });
      assert.equal(r.status, 400, r.text);
      assert.match(r.json.message, /invalid reference format/);
      const t = await d.api('POST', '/images/busybox/tag?repo=UPPER&tag=x');
      assert.equal(t.status, 400, t.text);
      const p = await d.api('POST', '/images/create?fromImage=' + encodeURIComponent('bad..name') + '&tag=latest');
      assert.equal(p.status, 400, p.text);
      fails(await d.docker(['create', 'Bad:Ref:Here']), /invalid reference format/);
    });

    it('an invalid container name is a 400', async () => {
      const r = await d.api('POST', '/containers/create?name=' + encodeURIComponent('no/slashes here'), { Image: 'busybox' });
      assert.equal(r.status, 400, r.text);
    });

    it('an ambiguous short ID is refused and touches nothing', async () => {
      // Make containers until two IDs share a first character (16 letters: a few will do).
      const ids: string[] = [];
      let prefix: string | undefined;
      while (!prefix && ids.length < 40) {
        const id = ok(await d.docker(['create', 'busybox']));
        prefix = ids.find((o) => o[0] === id[0])?.[0];
        ids.push(id);
      }
      assert.ok(prefix, 'no shared prefix in 40 IDs');
      const r = await d.docker(['rm', prefix]);
      assert.notEqual(r.code, 0, 'an ambiguous prefix must not pick a container');
      const api = await d.api('GET', `/containers/${prefix}/json`);
      assert.ok(api.status >= 400 && api.status < 500, `${api.status} ${api.text}`);
      assert.equal(ok(await d.docker(['ps', '-aq', '--no-trunc'])).split('\n').length, ids.length);
      ok(await d.docker(['rm', ...ids]));
    });

    it('berthd still answers', async () => {
      assert.equal((await d.api('GET', '/_ping')).status, 200);
    });
  });

  describe('hostile archives', () => {
    let outside: string;
    let canary: string;
    let target: string;
    let cid: string;

    before(async () => {
      outside = path.join(d.root, 'outside');
      canary = path.join(outside, 'canary');
      await fsp.mkdir(outside);
      await fsp.writeFile(canary, 'canary\n');
      target = outside.slice(1); // relative to the filesystem root, for the `..` climbs
      cid = ok(await d.docker(['run', '-d', '--name', 'victim', 'busybox', 'sleep', '300']));
    });

    /** The canary is unchanged, has no extra hard links, and nothing new appeared beside it. */
    const assertOutsideUntouched = async (what: string) => {
      assert.deepEqual((await fsp.readdir(outside)).sort(), ['canary'], `${what}: files appeared outside the target`);
      const st = await fsp.stat(canary);
      assert.equal(st.nlink, 1, `${what}: the canary got a hard link`);
      assert.equal(await fsp.readFile(canary, 'utf8'), 'canary\n', `${what}: the canary changed`);
      assert.equal((await d.api('GET', '/_ping')).status, 200, `${what}: berthd stopped answering`);
    };

    const hostile = (): Array<{ name: string; entries: TarEntrySpec[]; mustRefuse: boolean }> => [
      { name: 'dotdot', mustRefuse: true, entries: [{ name: `${UP}${target}/pwned-dotdot`, content: 'x' }] },
      { name: 'inner-dotdot', mustRefuse: true, entries: [{ name: 'a/', type: 'dir' }, { name: `a/${UP}${target}/pwned-inner`, content: 'x' }] },
      { name: 'absolute', mustRefuse: true, entries: [{ name: `/${target}/pwned-abs`, content: 'x' }] },
      {
        name: 'symlink-escape',
        mustRefuse: true,
        entries: [
          { name: 'esc', type: 'symlink', linkname: `${UP}${target}` },
          { name: 'esc/pwned-symlink', content: 'x' },
        ],
      },
      {
        // An absolute symlink is fine inside an image, but writing through it must stay inside.
        name: 'symlink-absolute',
        mustRefuse: false,
        entries: [
          { name: 'escabs', type: 'symlink', linkname: `/${target}` },
          { name: 'escabs/pwned-symabs', content: 'x' },
        ],
      },
      { name: 'hardlink-escape', mustRefuse: true, entries: [{ name: 'hl', type: 'hardlink', linkname: `${UP}${target}/canary` }] },
      { name: 'hardlink-absolute', mustRefuse: true, entries: [{ name: 'hl2', type: 'hardlink', linkname: `/${target}/canary` }] },
      { name: 'char-device', mustRefuse: true, entries: [{ name: 'mem', type: 'char', devmajor: 1, devminor: 1, mode: 0o666 }] },
      { name: 'block-device', mustRefuse: true, entries: [{ name: 'disk', type: 'block', devmajor: 7, devminor: 0, mode: 0o666 }] },
    ];

    it('load refuses hostile layers and leaves no image', async () => {
      for (const [i, h] of hostile().entries()) {
        const arch = makeImageArchive({ layers: [makeTar(h.entries)], repoTag: `evil:load${i}` });
        const r = await d.api('POST', '/images/load', arch, { headers: { 'Content-Type': 'application/x-tar' } });
        if (h.mustRefuse) {
          assert.ok(refused(r), `load ${h.name}: accepted: ${r.status} ${r.text}`);
          assert.equal((await d.api('GET', `/images/evil:load${i}/json`)).status, 404, `load ${h.name}: image left behind`);
        }
        await assertOutsideUntouched(`load ${h.name}`);
      }
    });

    it('load refuses a hostile outer archive', async () => {
      const layer = makeTar([{ name: 'ok.txt', content: 'ok' }]);
      for (const extra of [
        { name: `${UP}${target}/pwned-outer`, content: 'x' },
        { name: `/${target}/pwned-outer-abs`, content: 'x' },
        { name: 'outer-link', type: 'symlink' as const, linkname: `${UP}${target}` },
      ]) {
        const arch = makeImageArchive({ layers: [layer], repoTag: 'evil:outer', extraOuter: [extra] });
        const r = await d.api('POST', '/images/load', arch, { headers: { 'Content-Type': 'application/x-tar' } });
        await assertOutsideUntouched(`outer ${extra.name}`);
        if (!refused(r)) ok(await d.docker(['rmi', 'evil:outer']));
      }
      // A manifest pointing outside the archive.
      const bad = makeTar([{ name: 'manifest.json', content: JSON.stringify([{ Config: `${UP}${target}/canary`, RepoTags: ['evil:manifest'], Layers: [] }]) }]);
      const r = await d.api('POST', '/images/load', bad, { headers: { 'Content-Type': 'application/x-tar' } });
      assert.ok(refused(r), `manifest escape accepted: ${r.text}`);
      await assertOutsideUntouched('manifest escape');
    });

    it('import refuses hostile tarballs and leaves no image', async () => {
      for (const [i, h] of hostile().entries()) {
        const r = await d.api('POST', `/images/create?fromSrc=-&repo=evil&tag=imp${i}`, makeTar(h.entries), { headers: { 'Content-Type': 'application/x-tar' } });
        if (h.mustRefuse) {
          assert.ok(refused(r), `import ${h.name}: accepted: ${r.status} ${r.text}`);
          assert.equal((await d.api('GET', `/images/evil:imp${i}/json`)).status, 404, `import ${h.name}: image left behind`);
        }
        await assertOutsideUntouched(`import ${h.name}`);
      }
    });

    it('cp refuses hostile tarballs into a container', async () => {
      for (const h of hostile()) {
        const r = await d.api('PUT', `/containers/${cid}/archive?path=/tmp`, makeTar(h.entries), { headers: { 'Content-Type': 'application/x-tar' } });
        if (h.mustRefuse) assert.ok(r.status >= 400, `cp ${h.name}: accepted: ${r.status} ${r.text}`);
        await assertOutsideUntouched(`cp ${h.name}`);
      }
      // The same through the CLI, into a stopped container as well.
      const stopped = ok(await d.docker(['create', 'busybox']));
      for (const ref of [cid, stopped]) {
        const r = await d.docker(['cp', '-', `${ref}:/tmp`], { input: makeTar(hostile()[0].entries) });
        assert.notEqual(r.code, 0, 'docker cp of a `..` archive succeeded');
        await assertOutsideUntouched('docker cp');
      }
    });

    it('cp through a symlink the container planted stays inside the container', async () => {
      // The container points /tmp/trap at the host directory; the copy must land in the container.
      const plant = await d.api('PUT', `/containers/${cid}/archive?path=/tmp`, makeTar([{ name: 'trap', type: 'symlink', linkname: `/${target}` }]), {
        headers: { 'Content-Type': 'application/x-tar' },
      });
      assert.ok(plant.status < 300, `an absolute symlink is ordinary content: ${plant.status} ${plant.text}`);
      const r = await d.api('PUT', `/containers/${cid}/archive?path=/tmp/trap`, makeTar([{ name: 'pwned-trap', content: 'x' }]), {
        headers: { 'Content-Type': 'application/x-tar' },
      });
      await assertOutsideUntouched('cp through container symlink');
      if (r.status < 300) {
        // Docker resolves the link inside the container: the file is at /<target>/pwned-trap there.
        assert.equal(ok(await d.docker(['exec', 'victim', 'cat', `/${target}/pwned-trap`])), 'x');
      }
      // And reading through it does not read the host.
      const get = await d.api('GET', `/containers/${cid}/archive?path=/tmp/trap/canary`);
      assert.equal(get.status, 404, `read through the container symlink: ${get.status}`);
    });

    it('no device node was created anywhere in the data root', async () => {
      assert.deepEqual(await deviceNodesUnder(d.dataRoot), []);
    });

    it('berthd still works', async () => {
      assert.equal(ok(await d.docker(['run', '--rm', 'busybox', 'echo', 'alive'])), 'alive');
    });
  });
});

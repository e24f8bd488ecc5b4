// Local image commands through the docker CLI: load/save, import, tag, rmi, images, history,
// inspect, image prune.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { integrationSkipReason, jsonLines, startDaemon, type Daemon } from '../harness.js';
import { exits, fails, ok } from '../support/assert.js';
import { makeImageArchive, makeTar, tarMember, tarNames } from '../support/tar.js';

describe('images', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  let busyboxId: string;
  before(async () => {
    d = await startDaemon({ name: 'img' });
    busyboxId = ok(await d.docker(['image', 'inspect', '-f', '{{.Id}}', 'busybox']));
  });
  after(() => d?.cleanup());

  const repoTags = async () =>
    ok(await d.docker(['images', '--format', '{{.Repository}}:{{.Tag}}']))
      .split('\n')
      .filter(Boolean)
      .sort();

  describe('inspect and listing', () => {
    it('inspect has Docker’s shape and normalised names resolve', async () => {
      const [img] = JSON.parse(ok(await d.docker(['image', 'inspect', 'busybox'])));
      assert.match(img.Id, /^sha256:[0-9a-f]{64}$/);
      assert.deepEqual(img.RepoTags, ['busybox:latest']);
      assert.equal(img.Os, 'linux');
      assert.equal(img.Architecture, 'amd64');
      assert.deepEqual(img.Config.Cmd, ['sh']);
      assert.equal(img.RootFS.Type, 'layers');
      assert.ok(img.RootFS.Layers.length >= 1);
      assert.ok(img.Size > 0);
      for (const name of ['busybox:latest', 'docker.io/library/busybox', 'docker.io/library/busybox:latest', 'library/busybox', busyboxId, busyboxId.slice(7, 19)]) {
        assert.equal(ok(await d.docker(['image', 'inspect', '-f', '{{.Id}}', name])), busyboxId, name);
      }
    });

    it('images prints Docker’s table', async () => {
      const out = ok(await d.docker(['images']));
      const [head, row] = out.split('\n');
      assert.match(head, /^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$/);
      assert.match(row, new RegExp(`^busybox\\s+latest\\s+${busyboxId.slice(7, 19)}\\s+.+ago\\s+\\d+(\\.\\d+)?[kM]B$`));
      assert.equal(ok(await d.docker(['images', '-q'])), busyboxId.slice(7, 19));
      assert.equal(ok(await d.docker(['images', '-q', '--no-trunc'])), busyboxId);
    });

    it('history lists the layers', async () => {
      const out = ok(await d.docker(['history', 'busybox']));
      assert.match(out.split('\n')[0], /^IMAGE\s+CREATED\s+CREATED BY\s+SIZE\s+COMMENT$/);
      const json = JSON.parse((await d.api('GET', '/images/busybox/history')).text);
      assert.ok(Array.isArray(json) && json.length >= 1);
      assert.equal(out.split('\n').length, json.length + 1, 'a header and one row per history entry');
      assert.equal(json[0].Id, busyboxId);
      assert.ok('CreatedBy' in json[0] && 'Size' in json[0] && 'Created' in json[0]);
    });
  });

  describe('tag and rmi', () => {
    it('tag adds a name to the same image', async () => {
      ok(await d.docker(['tag', 'busybox', 'mytag:2']));
      ok(await d.docker(['tag', busyboxId.slice(7, 19), 'localhost:5000/team/box:v1']));
      assert.equal(ok(await d.docker(['image', 'inspect', '-f', '{{.Id}}', 'mytag:2'])), busyboxId);
      assert.deepEqual(await repoTags(), ['busybox:latest', 'localhost:5000/team/box:v1', 'mytag:2']);
    });

    it('rmi of a name with other names only untags', async () => {
      assert.equal(ok(await d.docker(['rmi', 'mytag:2'])), 'Untagged: mytag:2');
      assert.deepEqual(await repoTags(), ['busybox:latest', 'localhost:5000/team/box:v1']);
    });

    it('rmi by ID of an image in several repositories needs -f', async () => {
      fails(await d.docker(['rmi', busyboxId.slice(7, 19)]), /unable to delete [0-9a-f]{12} \(must be forced\) - image is referenced in multiple repositories/);
    });

    it('rmi of an image used by a container is a conflict; -f untags', async () => {
      ok(await d.docker(['create', '--name', 'imguser', 'busybox', 'sh', '-c', 'echo solo > /solo']));
      ok(await d.docker(['start', '-a', 'imguser']));
      ok(await d.docker(['commit', 'imguser', 'solo:1']));
      const soloId = ok(await d.docker(['image', 'inspect', '-f', '{{.Id}}', 'solo:1']));
      const user = ok(await d.docker(['create', 'solo:1']));
      const r = fails(await d.docker(['rmi', 'solo:1']), /conflict: unable to remove repository reference "solo:1" \(must force\) - container [0-9a-f]{12} is using its referenced image [0-9a-f]{12}/);
      assert.ok(r.stderr.includes(user.slice(0, 12)), r.stderr);
      assert.ok(r.stderr.includes(soloId.slice(7, 19)), r.stderr);
      // Forced: a stopped container does not hold the image back (Docker's soft conflict).
      const forced = ok(await d.docker(['rmi', '-f', 'solo:1']));
      assert.match(forced, /^Untagged: solo:1$/m);
      assert.match(forced, new RegExp(`^Deleted: ${soloId}$`, 'm'));
      exits(await d.docker(['image', 'inspect', soloId]), 1);
      assert.equal(ok(await d.docker(['inspect', '-f', '{{.Image}}', user])), soloId, 'the container keeps its image ID');
      ok(await d.docker(['rm', user, 'imguser']));
    });

    it('rmi -f of an image a running container uses is refused', async () => {
      const c = ok(await d.docker(['create', 'busybox']));
      const runnerId = ok(await d.docker(['commit', '-c', 'LABEL runner=1', c, 'runner:1']));
      ok(await d.docker(['rm', c]));
      ok(await d.docker(['run', '-d', '--name', 'runner', 'runner:1', 'sleep', '300']));
      fails(
        await d.docker(['rmi', '-f', runnerId]),
        /conflict: unable to delete [0-9a-f]{12} \(cannot be forced\) - image is being used by running container [0-9a-f]{12}/,
      );
      assert.equal(ok(await d.docker(['image', 'inspect', '-f', '{{.Id}}', 'runner:1'])), runnerId);
      ok(await d.docker(['rm', '-f', 'runner']));
      ok(await d.docker(['rmi', 'runner:1']));
    });

    it('rmi of an unknown image is Docker’s 404', async () => {
      fails(await d.docker(['rmi', 'nosuch']), 'Error response from daemon: No such image: nosuch:latest');
    });
  });

  describe('save and load', () => {
    let archive: Buffer;
    it('save writes a Docker archive', async () => {
      const r = await d.docker(['save', 'busybox'], { timeoutMs: 60_000 });
      ok(r);
      archive = r.stdoutBuf;
      const names = await tarNames(archive);
      assert.ok(names.includes('manifest.json'), names.join(', '));
      assert.ok(names.includes('index.json') || names.includes('repositories'), names.join(', '));
      const manifest = JSON.parse(await tarMember(archive, 'manifest.json'));
      assert.deepEqual(manifest[0].RepoTags, ['busybox:latest']);
      assert.ok(manifest[0].Layers.length >= 1);
      const out = path.join(d.root, 'bb.tar');
      ok(await d.docker(['save', '-o', out, 'busybox']));
      assert.ok((await fsp.stat(out)).size > 100_000);
    });

    it('load restores a removed image with the same ID', async () => {
      ok(await d.docker(['tag', 'busybox', 'roundtrip:1']));
      const rt = (await d.docker(['save', 'roundtrip:1'], { timeoutMs: 60_000 })).stdoutBuf;
      ok(await d.docker(['rmi', 'roundtrip:1']));
      const r = await d.docker(['load'], { input: rt, timeoutMs: 60_000 });
      assert.match(ok(r), /Loaded image: roundtrip:1/);
      assert.equal(ok(await d.docker(['image', 'inspect', '-f', '{{.Id}}', 'roundtrip:1'])), busyboxId);
      ok(await d.docker(['rmi', 'roundtrip:1']));
    });

    it('load -i reads a file; loading an image ID-only archive reports the ID', async () => {
      const out = path.join(d.root, 'bb.tar');
      assert.match(ok(await d.docker(['load', '-i', out])), /Loaded image: busybox:latest/);
    });

    it('loads a hand-made archive (as other tools write them) and runs it', async () => {
      const layer = makeTar([{ name: 'hello.txt', content: 'hand made\n' }]);
      // No shell in it to run: look at its filesystem through cp from a created container.
      const arch = makeImageArchive({ layers: [layer], repoTag: 'handmade:1', cmd: ['/nothing'] });
      assert.match(ok(await d.docker(['load'], { input: arch })), /Loaded image: handmade:1/);
      const c = ok(await d.docker(['create', 'handmade:1']));
      const tar = (await d.docker(['cp', `${c}:/hello.txt`, '-'])).stdoutBuf;
      assert.equal(await tarMember(tar, 'hello.txt'), 'hand made\n');
      ok(await d.docker(['rm', c]));
      ok(await d.docker(['rmi', 'handmade:1']));
    });

    it('load of garbage or a truncated archive fails in the JSON stream, as dockerd does, and adds nothing', async () => {
      const before = await repoTags();
      const garbage = Buffer.from('this is not a tar archive at all'.repeat(40));
      const r = await d.docker(['load'], { input: garbage });
      assert.notEqual(r.code, 0);
      assert.deepEqual(await repoTags(), before);
      // dockerd's postImagesLoad: 200, the error as the stream's last message.
      const api = await d.api('POST', '/images/load', garbage, { headers: { 'Content-Type': 'application/x-tar' } });
      assert.equal(api.status, 200, api.text);
      const last = jsonLines(api.text).pop();
      assert.ok(last.error && last.errorDetail?.message === last.error, api.text);
      assert.ok(r.stderr.includes(last.error), r.stderr);
      // A real archive cut short: the images in it are not half there, the ones before are intact.
      const whole = (await d.docker(['save', 'busybox'])).stdoutBuf;
      const cut = whole.subarray(0, Math.floor(whole.length / 2));
      const truncated = await d.docker(['load'], { input: makeImageArchive({ layers: [makeTar([{ name: 'x', content: 'x' }])], repoTag: 'cut:1', cmd: ['/x'] }).subarray(0, 1500) });
      assert.notEqual(truncated.code, 0);
      assert.notEqual((await d.docker(['load'], { input: cut })).code, 0);
      assert.deepEqual(await repoTags(), before);
      assert.equal(ok(await d.docker(['run', '--rm', 'busybox', 'echo', 'intact'])), 'intact');
    });
  });

  describe('import', () => {
    it('imports an exported filesystem from stdin with --change', async () => {
      const c = ok(await d.docker(['create', 'busybox']));
      const fs = (await d.docker(['export', c], { timeoutMs: 60_000 })).stdoutBuf;
      ok(await d.docker(['rm', c]));
      const id = ok(
        await d.docker(['import', '--change', 'CMD ["/bin/echo", "imported"]', '--change', 'ENV IMPORTED=yes', '-m', 'by test', '-', 'imp:1'], {
          input: fs,
          timeoutMs: 60_000,
        }),
      );
      assert.match(id, /^sha256:[0-9a-f]{64}$/);
      assert.equal(ok(await d.docker(['run', '--rm', 'imp:1'])), 'imported');
      assert.equal(ok(await d.docker(['run', '--rm', 'imp:1', 'sh', '-c', 'echo $IMPORTED'])), 'yes');
      assert.equal(ok(await d.docker(['history', '--format', '{{.Comment}}', 'imp:1'])), 'by test');
    });

    it('imports from a file', async () => {
      const file = path.join(d.root, 'layer.tar');
      await fsp.writeFile(file, makeTar([{ name: 'only.txt', content: 'only\n' }]));
      const id = ok(await d.docker(['import', file, 'imp:file']));
      assert.equal(ok(await d.docker(['image', 'inspect', '-f', '{{.Id}}', 'imp:file'])), id);
      assert.equal(ok(await d.docker(['image', 'inspect', '-f', '{{len .RootFS.Layers}}', 'imp:file'])), '1');
    });

    it('an invalid --change is refused', async () => {
      const r = await d.docker(['import', '--change', 'NOSUCH instruction', '-', 'imp:bad'], { input: makeTar([{ name: 'a', content: 'a' }]) });
      assert.notEqual(r.code, 0);
      exits(await d.docker(['image', 'inspect', 'imp:bad']), 1);
    });
  });

  describe('filters and prune', () => {
    it('images filters by reference, dangling, label, before/since', async () => {
      ok(await d.docker(['tag', 'busybox', 'filt:a']));
      const refs = ok(await d.docker(['images', '--filter', 'reference=filt', '--format', '{{.Repository}}:{{.Tag}}']));
      assert.equal(refs, 'filt:a');
      const wild = ok(await d.docker(['images', '--filter', 'reference=imp:*', '--format', '{{.Tag}}'])).split('\n').sort();
      assert.deepEqual(wild, ['1', 'file']);
      assert.equal(ok(await d.docker(['images', 'filt', '--format', '{{.Tag}}'])), 'a');
      assert.equal(ok(await d.docker(['images', '--filter', 'dangling=true', '-q'])), '');
      // A label comes from commit --change.
      const c = ok(await d.docker(['create', 'busybox']));
      ok(await d.docker(['commit', '-c', 'LABEL purpose=filtering', c, 'labelled:1']));
      ok(await d.docker(['rm', c]));
      assert.equal(ok(await d.docker(['images', '--filter', 'label=purpose=filtering', '--format', '{{.Repository}}'])), 'labelled');
      fails(await d.docker(['images', '--filter', 'bogus=1']), /invalid filter/i);
    });

    it('image prune removes dangling images only; -a removes unused ones', async () => {
      // Committing twice to one name leaves the first image dangling.
      const c = ok(await d.docker(['create', 'busybox']));
      const first = ok(await d.docker(['commit', '-c', 'LABEL v=1', c, 'twice:1']));
      ok(await d.docker(['commit', '-c', 'LABEL v=2', c, 'twice:1']));
      ok(await d.docker(['rm', c]));
      const dangling = ok(await d.docker(['images', '--filter', 'dangling=true', '-q', '--no-trunc']));
      assert.equal(dangling, first);
      const out = ok(await d.docker(['image', 'prune', '-f']));
      // The CLI writes prune results in lower case.
      assert.match(out, new RegExp(`^deleted: ${first}$`, 'm'));
      assert.match(out, /Total reclaimed space:/);
      assert.equal(ok(await d.docker(['images', '--filter', 'dangling=true', '-q'])), '');
      assert.ok((await repoTags()).includes('twice:1'));
      // -a: every image without a container goes; busybox is kept by a container.
      ok(await d.docker(['create', '--name', 'keeper', 'busybox']));
      ok(await d.docker(['image', 'prune', '-a', '-f']));
      const left = await repoTags();
      assert.ok(left.includes('busybox:latest'), left.join(','));
      assert.ok(!left.includes('twice:1'), left.join(','));
      assert.ok(!left.includes('imp:1'), left.join(','));
      ok(await d.docker(['rm', 'keeper']));
    });
  });
});

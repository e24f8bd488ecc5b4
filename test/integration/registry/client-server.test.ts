// berth's registry client against berth's registry server, in-process on a random loopback port.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { RegistryClient, RegistryHttpError, bufferSource } from '../../../src/registry/client/index.js';
import { MEDIA } from '../../../src/registry/oci.js';
import { collectGarbage } from '../../../src/registry/server/gc.js';
import { collect, pushImage, randomImage, sha256, withRegistry } from './helpers.js';

const fastClient = (): RegistryClient => new RegistryClient({ credentials: () => undefined, retries: 2, retryBaseMs: 20 });

test('push and pull an image of random blobs (monolithic and chunked)', async () => {
  await withRegistry({}, async (reg) => {
    const client = fastClient();
    try {
      const img = randomImage();
      const target = { registry: reg.host, repository: 'team/app', tag: 'v1' };
      assert.deepEqual(await pushImage(client, target, img), ['uploaded', 'uploaded', 'uploaded', 'uploaded']);
      // Second push: everything already there.
      assert.deepEqual(await pushImage(client, target, img), ['exists', 'exists', 'exists', 'exists']);

      const got = await client.getManifest(target);
      assert.equal(got.digest, img.digest);
      assert.equal(got.mediaType, MEDIA.ociManifest);
      for (const [i, layer] of img.layers.entries()) {
        const desc = got.manifest.layers![i]!;
        const bytes = await collect(client.getBlob(target, desc.digest, { expectedSize: desc.size }));
        assert.ok(bytes.equals(layer));
      }
      const head = await client.headManifest({ ...target, tag: undefined, digest: img.digest });
      assert.equal(head?.digest, img.digest);
      assert.equal(head?.size, img.manifest.length);

      const chunked = randomImage([700 * 1024, 5], undefined, true);
      const t2 = { registry: reg.host, repository: 'chunky', tag: 'latest' };
      await pushImage(client, t2, chunked, { chunkSize: 64 * 1024 });
      const pulled = await client.getManifest(t2);
      assert.equal(pulled.mediaType, MEDIA.dockerManifest);
      assert.ok((await collect(client.getBlob(t2, sha256(chunked.layers[0]!)))).equals(chunked.layers[0]!));
    } finally {
      client.close();
    }
  });
});

test('manifest index: platform selection and MANIFEST_BLOB_UNKNOWN for missing children', async () => {
  await withRegistry({}, async (reg) => {
    const client = fastClient();
    try {
      const amd = randomImage([100], { architecture: 'amd64', os: 'linux' });
      const arm = randomImage([200], { architecture: 'arm64', os: 'linux', variant: 'v8' } as never);
      const repo = { registry: reg.host, repository: 'multi' };
      await pushImage(client, { ...repo, digest: amd.digest }, amd);
      const index = (extra: object[] = []): Buffer =>
        Buffer.from(
          JSON.stringify({
            schemaVersion: 2,
            mediaType: MEDIA.ociIndex,
            manifests: [
              { mediaType: MEDIA.ociManifest, digest: amd.digest, size: amd.manifest.length, platform: { os: 'linux', architecture: 'amd64' } },
              { mediaType: MEDIA.ociManifest, digest: arm.digest, size: arm.manifest.length, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
              ...extra,
            ],
          }),
        );
      await assert.rejects(client.putManifest({ ...repo, tag: 'latest' }, index(), MEDIA.ociIndex), (e: RegistryHttpError) => {
        assert.equal(e.status, 400);
        assert.equal(e.code, 'MANIFEST_BLOB_UNKNOWN');
        return true;
      });
      await pushImage(client, { ...repo, digest: arm.digest }, arm);
      await client.putManifest({ ...repo, tag: 'latest' }, index(), MEDIA.ociIndex);
      const a = await client.getManifest({ ...repo, tag: 'latest' }, { platform: { os: 'linux', architecture: 'arm64' } });
      assert.equal(a.digest, arm.digest);
      assert.equal(a.index?.mediaType, MEDIA.ociIndex);
      const b = await client.getManifest({ ...repo, tag: 'latest' }, { platform: { os: 'linux', architecture: 'amd64' } });
      assert.equal(b.digest, amd.digest);
      await assert.rejects(client.getManifest({ ...repo, tag: 'latest' }, { platform: { os: 'linux', architecture: 's390x' } }), /no matching manifest/);
      const whole = await client.getManifest({ ...repo, tag: 'latest' }, { platform: null });
      assert.equal(whole.mediaType, MEDIA.ociIndex);
    } finally {
      client.close();
    }
  });
});

test('missing blob → MANIFEST_BLOB_UNKNOWN; wrong digest → DIGEST_INVALID; malformed → MANIFEST_INVALID; > 4 MiB → 413', async () => {
  await withRegistry({}, async (reg) => {
    const client = fastClient();
    try {
      const img = randomImage([10, 20]);
      const target = { registry: reg.host, repository: 'broken', tag: 'x' };
      await client.pushBlob(target, sha256(img.config), bufferSource(img.config));
      await assert.rejects(client.putManifest(target, img.manifest, img.mediaType), (e: RegistryHttpError) => {
        assert.equal(e.code, 'MANIFEST_BLOB_UNKNOWN');
        assert.equal(e.errors.length, 2);
        return true;
      });
      const data = randomBytes(1000);
      await assert.rejects(client.pushBlob(target, sha256(randomBytes(5)), bufferSource(data)), (e: RegistryHttpError) => {
        assert.equal(e.status, 400);
        assert.equal(e.code, 'DIGEST_INVALID');
        return true;
      });
      await assert.rejects(client.pushBlob(target, sha256(randomBytes(5)), bufferSource(data), { chunkSize: 300 }), (e: RegistryHttpError) => e.code === 'DIGEST_INVALID');
      await assert.rejects(client.putManifest(target, Buffer.from('{"schemaVersion":2,'), MEDIA.ociManifest), (e: RegistryHttpError) => e.code === 'MANIFEST_INVALID');
      const huge = Buffer.alloc(4 * 1024 * 1024 + 10, 0x20);
      await assert.rejects(client.putManifest(target, huge, MEDIA.ociManifest), (e: RegistryHttpError) => e.status === 413);
      await assert.rejects(client.getManifest({ ...target, tag: 'nope' }), (e: RegistryHttpError) => e.status === 404 && e.code === 'MANIFEST_UNKNOWN');
      const res = await fetch(`${reg.url}/v2/broken/blobs/${sha256(Buffer.from('zz'))}`);
      assert.equal(res.status, 404);
      assert.equal(((await res.json()) as { errors: { code: string }[] }).errors[0]!.code, 'BLOB_UNKNOWN');
      const bad = await fetch(`${reg.url}/v2/Bad_Name/tags/list`);
      assert.equal(bad.status, 400);
      assert.equal(((await bad.json()) as { errors: { code: string }[] }).errors[0]!.code, 'NAME_INVALID');
    } finally {
      client.close();
    }
  });
});

test('chunked upload: wrong offset → 416, status, resume after interruption', async () => {
  await withRegistry({}, async (reg) => {
    const client = fastClient();
    try {
      const blob = randomBytes(250_000);
      const digest = sha256(blob);
      const start = await fetch(`${reg.url}/v2/resume/blobs/uploads/`, { method: 'POST' });
      assert.equal(start.status, 202);
      assert.equal(start.headers.get('range'), '0-0');
      const location = start.headers.get('location')!;
      const first = await fetch(`${reg.url}${location}`, { method: 'PATCH', body: blob.subarray(0, 100_000), headers: { 'Content-Range': '0-99999' } });
      assert.equal(first.status, 202);
      assert.equal(first.headers.get('range'), '0-99999');
      const wrong = await fetch(`${reg.url}${location}`, { method: 'PATCH', body: blob.subarray(0, 10), headers: { 'Content-Range': '5-14' } });
      assert.equal(wrong.status, 416);
      const status = await fetch(`${reg.url}${location}`);
      assert.equal(status.status, 204);
      assert.equal(status.headers.get('range'), '0-99999');
      // The client picks the session up where the registry stands.
      await client.resumeUpload({ registry: reg.host, repository: 'resume' }, location, digest, bufferSource(blob), 64 * 1024);
      assert.equal(await client.blobExists({ registry: reg.host, repository: 'resume' }, digest), blob.length);
      const gone = await fetch(`${reg.url}${location}`);
      assert.equal(gone.status, 404);
      // Cancel.
      const s2 = await fetch(`${reg.url}/v2/resume/blobs/uploads/`, { method: 'POST' });
      const del = await fetch(`${reg.url}${s2.headers.get('location')}`, { method: 'DELETE' });
      assert.equal(del.status, 204);
    } finally {
      client.close();
    }
  });
});

test('blob Range requests and resumable verified download', async () => {
  await withRegistry({}, async (reg, root) => {
    const client = fastClient();
    try {
      const blob = randomBytes(1_000_000);
      const digest = sha256(blob);
      const target = { registry: reg.host, repository: 'ranges' };
      await client.pushBlob(target, digest, bufferSource(blob));
      const part = await fetch(`${reg.url}/v2/ranges/blobs/${digest}`, { headers: { Range: 'bytes=10-19' } });
      assert.equal(part.status, 206);
      assert.equal(part.headers.get('content-range'), `bytes 10-19/${blob.length}`);
      assert.ok(Buffer.from(await part.arrayBuffer()).equals(blob.subarray(10, 20)));
      const bad = await fetch(`${reg.url}/v2/ranges/blobs/${digest}`, { headers: { Range: 'bytes=5000000-' } });
      assert.equal(bad.status, 416);
      const tail = await collect(client.getBlob(target, digest, { offset: 999_000 }));
      assert.ok(tail.equals(blob.subarray(999_000)));
      // Corrupt the stored bytes: the verified stream must fail.
      const file = path.join(root, 'blobs', 'sha256', digest.slice(7, 9), digest.slice(7));
      const corrupt = Buffer.from(blob);
      corrupt[500] = corrupt[500]! ^ 0xff;
      await fsp.writeFile(file, corrupt);
      await assert.rejects(collect(client.getBlob(target, digest)), /digest mismatch/);
    } finally {
      client.close();
    }
  });
});

test('cross-repository mount', async () => {
  await withRegistry({}, async (reg) => {
    const client = fastClient();
    try {
      const img = randomImage([4096, 8192]);
      await pushImage(client, { registry: reg.host, repository: 'base', tag: '1' }, img);
      const results = await pushImage(client, { registry: reg.host, repository: 'derived', tag: '1' }, img, { mountFrom: ['base'] });
      assert.deepEqual(results, ['mounted', 'mounted', 'mounted']);
      // Mount from a repo lacking the blob falls back to an upload.
      const fresh = randomBytes(100);
      assert.equal(await client.pushBlob({ registry: reg.host, repository: 'derived' }, sha256(fresh), bufferSource(fresh), { mountFrom: ['base'] }), 'uploaded');
      // Blob linked in one repo is not visible in another.
      assert.equal(await client.blobExists({ registry: reg.host, repository: 'other' }, sha256(fresh)), undefined);
    } finally {
      client.close();
    }
  });
});

test('tags pagination, catalog, deletes', async () => {
  await withRegistry({}, async (reg) => {
    const client = fastClient();
    try {
      const img = randomImage([10]);
      const tags = ['a', 'b', 'c', 'd', 'e'];
      for (const tag of tags) await pushImage(client, { registry: reg.host, repository: 'paged', tag }, img);
      await pushImage(client, { registry: reg.host, repository: 'zeta/one', tag: 'x' }, img);
      assert.deepEqual(await client.listTags({ registry: reg.host, repository: 'paged' }), tags);
      assert.deepEqual(await client.listTags({ registry: reg.host, repository: 'paged' }, { n: 2 }), ['a', 'b']);
      assert.deepEqual(await client.listTags({ registry: reg.host, repository: 'paged' }, { n: 2, last: 'b' }), ['c', 'd']);
      const res = await fetch(`${reg.url}/v2/paged/tags/list?n=2`);
      assert.equal(res.headers.get('link'), '</v2/paged/tags/list?n=2&last=b>; rel="next"');
      const lastPage = await fetch(`${reg.url}/v2/paged/tags/list?n=2&last=d`);
      assert.equal(lastPage.headers.get('link'), null);
      assert.deepEqual(await lastPage.json(), { name: 'paged', tags: ['e'] });
      assert.deepEqual(await client.catalog(reg.host), ['paged', 'zeta/one']);
      assert.deepEqual(await client.catalog(reg.host, { n: 1 }), ['paged']);
      const unknown = await fetch(`${reg.url}/v2/nothing/tags/list`);
      assert.equal(unknown.status, 404);

      await client.deleteManifest({ registry: reg.host, repository: 'paged', tag: 'a' });
      assert.deepEqual(await client.listTags({ registry: reg.host, repository: 'paged' }), ['b', 'c', 'd', 'e']);
      await client.deleteManifest({ registry: reg.host, repository: 'paged', digest: img.digest });
      assert.deepEqual(await client.listTags({ registry: reg.host, repository: 'paged' }), []);
      assert.equal(await client.headManifest({ registry: reg.host, repository: 'paged', digest: img.digest }), undefined);
      const delBlob = await fetch(`${reg.url}/v2/paged/blobs/${sha256(img.layers[0]!)}`, { method: 'DELETE' });
      assert.equal(delBlob.status, 202);
    } finally {
      client.close();
    }
  });
});

test('referrers API: subject, OCI-Subject header, artifactType filter', async () => {
  await withRegistry({}, async (reg) => {
    const client = fastClient();
    try {
      const img = randomImage([10]);
      const target = { registry: reg.host, repository: 'signed', tag: 'v1' };
      await pushImage(client, target, img);
      const empty = Buffer.from('{}');
      await client.pushBlob(target, sha256(empty), bufferSource(empty));
      const makeArtifact = (artifactType: string): Buffer =>
        Buffer.from(
          JSON.stringify({
            schemaVersion: 2,
            mediaType: MEDIA.ociManifest,
            artifactType,
            config: { mediaType: MEDIA.ociEmpty, digest: sha256(empty), size: 2 },
            layers: [{ mediaType: MEDIA.ociEmpty, digest: sha256(empty), size: 2 }],
            subject: { mediaType: MEDIA.ociManifest, digest: img.digest, size: img.manifest.length },
            annotations: { 'org.example': artifactType },
          }),
        );
      const sig = makeArtifact('application/vnd.example.signature');
      const sbom = makeArtifact('application/spdx+json');
      const put = await client.putManifest({ ...target, tag: undefined, digest: sha256(sig) }, sig, MEDIA.ociManifest);
      assert.equal(put.subject, img.digest);
      await client.putManifest({ ...target, tag: undefined, digest: sha256(sbom) }, sbom, MEDIA.ociManifest);
      const all = await client.referrers(target, img.digest);
      assert.equal(all.length, 2);
      const sigs = await client.referrers(target, img.digest, 'application/vnd.example.signature');
      assert.deepEqual(sigs.map((d) => d.digest), [sha256(sig)]);
      assert.equal(sigs[0]!.annotations?.['org.example'], 'application/vnd.example.signature');
      const raw = await fetch(`${reg.url}/v2/signed/referrers/${img.digest}?artifactType=application/spdx%2Bjson`);
      assert.equal(raw.headers.get('content-type'), MEDIA.ociIndex);
      assert.equal(raw.headers.get('oci-filters-applied'), 'artifactType');
      await client.deleteManifest({ ...target, tag: undefined, digest: sha256(sig) });
      assert.equal((await client.referrers(target, img.digest)).length, 1);
      assert.deepEqual(await client.referrers(target, sha256(Buffer.from('none'))), []);
    } finally {
      client.close();
    }
  });
});

test('garbage collection removes unreferenced blobs only', async () => {
  await withRegistry({}, async (reg, root) => {
    const client = fastClient();
    try {
      const keep = randomImage([100, 200]);
      const drop = randomImage([300]);
      await pushImage(client, { registry: reg.host, repository: 'gc', tag: 'keep' }, keep);
      await pushImage(client, { registry: reg.host, repository: 'gc', tag: 'drop' }, drop);
      const orphan = randomBytes(50);
      await client.pushBlob({ registry: reg.host, repository: 'gc' }, sha256(orphan), bufferSource(orphan));
      await client.deleteManifest({ registry: reg.host, repository: 'gc', digest: drop.digest });
      const dry = await collectGarbage(root, { dryRun: true });
      const expected = [sha256(orphan), sha256(drop.layers[0]!), sha256(drop.config), drop.digest].sort();
      assert.deepEqual([...dry.deleted].sort(), expected);
      assert.equal(await client.blobExists({ registry: reg.host, repository: 'gc' }, sha256(orphan)), 50);
      const real = await collectGarbage(root);
      assert.deepEqual([...real.deleted].sort(), expected);
      assert.equal(await client.blobExists({ registry: reg.host, repository: 'gc' }, sha256(orphan)), undefined);
      const pulled = await client.getManifest({ registry: reg.host, repository: 'gc', tag: 'keep' });
      assert.equal(pulled.digest, keep.digest);
      for (const l of keep.layers) assert.ok((await collect(client.getBlob({ registry: reg.host, repository: 'gc' }, sha256(l)))).equals(l));
    } finally {
      client.close();
    }
  });
});

test('read-only mode refuses writes with UNSUPPORTED', async () => {
  await withRegistry({ readOnly: true }, async (reg) => {
    const res = await fetch(`${reg.url}/v2/ro/blobs/uploads/`, { method: 'POST' });
    assert.equal(res.status, 405);
    assert.equal(((await res.json()) as { errors: { code: string }[] }).errors[0]!.code, 'UNSUPPORTED');
  });
});

test('a download cut mid-blob resumes with Range and still verifies', async () => {
  const http = await import('node:http');
  const blob = randomBytes(600_000);
  const digest = sha256(blob);
  const ranges: Array<string | undefined> = [];
  // A flaky registry: the first blob GET dies half way, later ones honour Range.
  const server = http.createServer((req, res) => {
    if (req.url === '/v2/') {
      res.writeHead(200).end('{}');
      return;
    }
    ranges.push(req.headers.range);
    if (ranges.length === 1) {
      res.writeHead(200, { 'Content-Length': blob.length });
      res.write(blob.subarray(0, 250_000), () => setTimeout(() => res.destroy(), 20));
      return;
    }
    const start = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? '')?.[1] ?? 0);
    res.writeHead(start ? 206 : 200, { 'Content-Length': blob.length - start });
    res.end(blob.subarray(start));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as import('node:net').AddressInfo).port;
  const client = fastClient();
  try {
    const got = await collect(client.getBlob({ registry: `127.0.0.1:${port}`, repository: 'flaky' }, digest, { expectedSize: blob.length }));
    assert.ok(got.equals(blob));
    assert.equal(ranges.length, 2);
    assert.match(ranges[1]!, /^bytes=\d+-$/);
  } finally {
    client.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

test('mirrors are tried first; a dead mirror falls through to the registry', async () => {
  await withRegistry({}, async (upstream) => {
    await withRegistry({}, async (mirror) => {
      const seed = fastClient();
      const onlyMirror = randomImage([100]);
      const onlyUpstream = randomImage([200]);
      try {
        await pushImage(seed, { registry: mirror.host, repository: 'library/m', tag: '1' }, onlyMirror);
        await pushImage(seed, { registry: upstream.host, repository: 'library/u', tag: '1' }, onlyUpstream);
      } finally {
        seed.close();
      }
      const client = new RegistryClient({ credentials: () => undefined, retries: 0, mirrors: { [upstream.host]: ['http://127.0.0.1:1', mirror.url] } });
      try {
        const m = await client.getManifest({ registry: upstream.host, repository: 'library/m', tag: '1' });
        assert.equal(m.digest, onlyMirror.digest);
        const u = await client.getManifest({ registry: upstream.host, repository: 'library/u', tag: '1' });
        assert.equal(u.digest, onlyUpstream.digest);
        const layer = await collect(client.getBlob({ registry: upstream.host, repository: 'library/m' }, sha256(onlyMirror.layers[0]!)));
        assert.ok(layer.equals(onlyMirror.layers[0]!));
      } finally {
        client.close();
      }
    });
  });
});

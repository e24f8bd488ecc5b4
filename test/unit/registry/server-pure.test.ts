import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { matchRoute, paginate, parseByteRange, parseContentRange } from '../../../src/registry/server/handlers.js';
import { parseManifest, referrerDescriptor } from '../../../src/registry/server/manifest.js';
import { AccessPolicy, Htpasswd, formatScope, parseScopes } from '../../../src/registry/server/access.js';
import { generateTokenKeys, loadTokenKeys, signJwt, verifyJwt } from '../../../src/registry/server/jwt.js';
import { RegistryError } from '../../../src/registry/server/errors.js';
import { isValidRepositoryName, MEDIA } from '../../../src/registry/oci.js';
import { generateKeyPairSync } from 'node:crypto';
import bcrypt from 'bcryptjs';

const D = (c: string): string => `sha256:${c.repeat(64)}`;

test('routes: names with slashes, uploads, manifests, referrers', () => {
  assert.deepEqual(matchRoute('/v2/'), { kind: 'base' });
  assert.deepEqual(matchRoute('/v2/_catalog'), { kind: 'catalog' });
  assert.deepEqual(matchRoute('/v2/a/b/c/blobs/uploads/'), { kind: 'uploads', name: 'a/b/c', ref: undefined });
  assert.deepEqual(matchRoute('/v2/a/blobs/uploads/1234'), { kind: 'upload', name: 'a', ref: '1234' });
  assert.deepEqual(matchRoute(`/v2/x/blobs/${D('a')}`), { kind: 'blob', name: 'x', ref: D('a') });
  assert.deepEqual(matchRoute('/v2/x/y/manifests/latest'), { kind: 'manifest', name: 'x/y', ref: 'latest' });
  assert.deepEqual(matchRoute('/v2/x/tags/list'), { kind: 'tags', name: 'x', ref: undefined });
  assert.deepEqual(matchRoute(`/v2/x/referrers/${D('b')}`), { kind: 'referrers', name: 'x', ref: D('b') });
  assert.equal(matchRoute('/v3/x'), undefined);
});

test('repository names follow the distribution grammar', () => {
  for (const ok of ['a', 'library/busybox', 'a.b/c_d/e__f', 'x-y--z/0']) assert.ok(isValidRepositoryName(ok), ok);
  for (const bad of ['A', '-a', 'a/', 'a//b', 'a_', '_manifests', 'a/_layers', 'a'.repeat(256)]) assert.ok(!isValidRepositoryName(bad), bad);
});

test('Content-Range and Range parsing', () => {
  assert.deepEqual(parseContentRange('0-99'), { start: 0, end: 99 });
  assert.deepEqual(parseContentRange('bytes 5-9/*'), { start: 5, end: 9 });
  assert.equal(parseContentRange('9-5'), 'invalid');
  assert.equal(parseContentRange(undefined), undefined);
  assert.deepEqual(parseByteRange('bytes=0-9', 100), { start: 0, end: 9 });
  assert.deepEqual(parseByteRange('bytes=90-', 100), { start: 90, end: 99 });
  assert.deepEqual(parseByteRange('bytes=-10', 100), { start: 90, end: 99 });
  assert.deepEqual(parseByteRange('bytes=50-500', 100), { start: 50, end: 99 });
  assert.equal(parseByteRange('bytes=100-', 100), 'unsatisfiable');
  assert.equal(parseByteRange('items=1-2', 100), undefined);
});

test('pagination: pages concatenate to the whole list', () => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 4 }), { maxLength: 30 }), fc.integer({ min: 1, max: 7 }), (items, n) => {
      const all = [...items].sort();
      const seen: string[] = [];
      let last: string | null = null;
      for (let guard = 0; guard < 100; guard++) {
        const { page, more } = paginate(all, String(n), last);
        assert.ok(page.length <= n);
        seen.push(...page);
        if (!more) break;
        last = page[page.length - 1]!;
      }
      assert.deepEqual(seen, all);
    }),
  );
  assert.throws(() => paginate(['a'], '-1', null), (e: RegistryError) => e.code === 'PAGINATION_NUMBER_INVALID');
  assert.deepEqual(paginate(['a', 'b'], '0', null), { page: [], more: false, n: 0 });
});

test('manifest parsing: media types, references, subject, errors', () => {
  const config = { mediaType: 'application/vnd.oci.image.config.v1+json', digest: D('c'), size: 10 };
  const m = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.ociManifest, config, layers: [{ mediaType: 'l', digest: D('1'), size: 5 }, { mediaType: 'f', digest: D('2'), size: 5, urls: ['http://x'] }] }));
  const p = parseManifest(m, MEDIA.ociManifest);
  assert.equal(p.mediaType, MEDIA.ociManifest);
  assert.deepEqual(p.blobs.map((b) => b.digest), [D('c'), D('1')]);
  // No mediaType field: taken from Content-Type.
  assert.equal(parseManifest(Buffer.from(JSON.stringify({ schemaVersion: 2, config, layers: [] })), MEDIA.dockerManifest).mediaType, MEDIA.dockerManifest);
  const idx = parseManifest(Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: MEDIA.ociManifest, digest: D('a'), size: 1 }] })), undefined);
  assert.equal(idx.mediaType, MEDIA.ociIndex);
  assert.equal(idx.manifests.length, 1);
  const withSubject = parseManifest(Buffer.from(JSON.stringify({ schemaVersion: 2, config, layers: [], subject: { mediaType: MEDIA.ociManifest, digest: D('f'), size: 3 } })), MEDIA.ociManifest);
  assert.equal(withSubject.subject?.digest, D('f'));
  assert.equal(referrerDescriptor(withSubject, D('e'), 9).artifactType, config.mediaType);
  const invalid = (body: string, ct?: string): void => assert.throws(() => parseManifest(Buffer.from(body), ct), (e: RegistryError) => e.code === 'MANIFEST_INVALID');
  invalid('nope');
  invalid('[]');
  invalid(JSON.stringify({ schemaVersion: 1 }));
  invalid(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.ociManifest, layers: [] }));
  invalid(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.ociManifest, config: { ...config, digest: 'sha256:zz' }, layers: [] }));
  invalid(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.ociManifest, config, layers: [] }), MEDIA.dockerManifest);
  invalid(JSON.stringify({ schemaVersion: 2, mediaType: 'text/plain', config, layers: [] }));
});

test('scopes parse and format', () => {
  assert.deepEqual(parseScopes('repository:a/b:pull,push registry:catalog:*'), [
    { type: 'repository', name: 'a/b', actions: ['pull', 'push'] },
    { type: 'registry', name: 'catalog', actions: ['*'] },
  ]);
  assert.deepEqual(parseScopes('repository(plugin):x:pull'), [{ type: 'repository', name: 'x', actions: ['pull'] }]);
  assert.deepEqual(parseScopes('repository:host:5000/x:pull')[0]!.name, 'host:5000/x');
  assert.equal(formatScope({ type: 'repository', name: 'a', actions: ['pull', 'push'] }), 'repository:a:pull,push');
});

test('access policy: default and ACL rules', () => {
  const def = new AccessPolicy();
  assert.deepEqual(def.granted(undefined, 'repository', 'x', true), ['pull']);
  assert.deepEqual(def.granted(undefined, 'repository', 'x', false), []);
  assert.deepEqual(AccessPolicy.intersect(['pull', 'push'], def.granted('alice', 'repository', 'x', true)), ['pull', 'push']);
  const acl = new AccessPolicy([
    { account: 'alice', name: 'alice/*', actions: ['pull', 'push'] },
    { account: '*', name: '*', actions: ['pull'] },
    { account: 'admin', type: 'registry', name: 'catalog', actions: ['*'] },
  ]);
  assert.deepEqual(acl.granted('alice', 'repository', 'alice/app', true).sort(), ['pull', 'push']);
  assert.deepEqual(acl.granted('bob', 'repository', 'alice/app', true), ['pull']);
  assert.deepEqual(acl.granted(undefined, 'repository', 'alice/app', true), []);
  assert.deepEqual(acl.granted('admin', 'registry', 'catalog', true), ['*']);
});

test('htpasswd: bcrypt $2y$/$2b$ entries, wrong password, unknown user', async () => {
  const h = Htpasswd.parse(`# comment\nu1:${bcrypt.hashSync('p1', 4).replace(/^\$2[ab]\$/, '$2y$')}\nu2:${bcrypt.hashSync('p2', 4)}\nplain:{SHA}xyz\n`);
  assert.equal(await h.check('u1', 'p1'), true);
  assert.equal(await h.check('u1', 'p1'), true);
  assert.equal(await h.check('u2', 'p2'), true);
  assert.equal(await h.check('u2', 'p1'), false);
  assert.equal(await h.check('nobody', 'p'), false);
  assert.equal(await h.check('plain', 'xyz'), false);
});

test('JWT: ES256 and RS256 sign/verify, tampering and expiry detected', () => {
  const es = generateTokenKeys();
  const tok = signJwt(es, { iss: 'me', exp: 2000, access: [] });
  assert.equal(verifyJwt(es, tok, 1000)?.iss, 'me');
  assert.equal(verifyJwt(es, tok, 3000), undefined);
  const [h, p, s] = tok.split('.');
  const forgedPayload = Buffer.from(JSON.stringify({ iss: 'me', exp: 2000, access: [{ type: 'repository', name: 'x', actions: ['push'] }] })).toString('base64url');
  assert.equal(verifyJwt(es, `${h}.${forgedPayload}.${s}`, 1000), undefined);
  assert.equal(verifyJwt(generateTokenKeys(), tok, 1000), undefined);
  void p;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const rsa = loadTokenKeys(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  assert.equal(rsa.alg, 'RS256');
  const rt = signJwt(rsa, { sub: 'x' });
  assert.equal(verifyJwt(rsa, rt)?.sub, 'x');
  const verifyOnly = loadTokenKeys(rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString());
  assert.equal(verifyOnly.privateKey, undefined);
  assert.equal(verifyJwt(verifyOnly, rt)?.sub, 'x');
  // An RS256 key must not accept an ES256 token (alg confusion).
  assert.equal(verifyJwt(rsa, tok, 1000), undefined);
});

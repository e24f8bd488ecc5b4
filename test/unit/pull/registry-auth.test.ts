import { test } from 'node:test';
import assert from 'node:assert/strict';
import { credentialsOf, decodeRegistryAuth, insecureListFor, translatePullError } from '../../../src/engine/images/distribution-registry.js';
import { RegistryHttpError } from '../../../src/registry/client/index.js';
import { NotFoundError, SystemError } from '../../../src/engine/errors.js';
import { pullReference } from '../../../src/api/distribution.js';

const b64url = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

test('X-Registry-Auth decodes base64url with or without padding, and the std alphabet', () => {
  assert.deepEqual(decodeRegistryAuth('e30='), {});
  assert.deepEqual(decodeRegistryAuth(b64url({ username: 'u?>', password: 'p' })), { username: 'u?>', password: 'p' });
  const std = Buffer.from(JSON.stringify({ username: 'u?>', password: '~~~' })).toString('base64');
  assert.deepEqual(decodeRegistryAuth(std), { username: 'u?>', password: '~~~' });
  assert.equal(decodeRegistryAuth('!!!'), undefined);
  assert.equal(decodeRegistryAuth(undefined), undefined);
});

test('credentials from username/password, legacy auth, identity token', () => {
  assert.deepEqual(credentialsOf({ username: 'a', password: 'b' }), { username: 'a', password: 'b' });
  assert.deepEqual(credentialsOf({ auth: Buffer.from('x:y:z').toString('base64') }), { username: 'x', password: 'y:z' });
  assert.deepEqual(credentialsOf({ identitytoken: 't' }), { username: '', password: '', identityToken: 't' });
  assert.equal(credentialsOf({}), undefined);
});

test('insecure registries: host entries and CIDR ranges', () => {
  const s = { insecureRegistries: ['myreg:5000', '10.1.0.0/16'], registryMirrors: [] };
  assert.deepEqual(insecureListFor(s, '10.1.2.3:5000'), ['myreg:5000', '10.1.2.3:5000']);
  assert.deepEqual(insecureListFor(s, '10.2.2.3:5000'), ['myreg:5000']);
});

test('pull errors in dockerd’s words', () => {
  const ref = { domain: 'localhost:5000', path: 'x', tag: 'y' };
  const s = { insecureRegistries: [], registryMirrors: [] };
  const unknown = translatePullError(new RegistryHttpError(404, 'x', [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }]), ref, s);
  assert.ok(unknown instanceof NotFoundError);
  assert.equal(unknown.message, 'manifest for localhost:5000/x:y not found: manifest unknown: manifest unknown');
  const name = translatePullError(new RegistryHttpError(404, 'x', [{ code: 'NAME_UNKNOWN', message: 'repository name not known to registry' }]), ref, s);
  assert.equal(name.message, 'repository localhost:5000/x not found: name unknown: repository name not known to registry');
  const hub = { domain: 'docker.io', path: 'library/nosuch', tag: 'latest' };
  assert.match(translatePullError(new RegistryHttpError(401, 'x'), hub, s).message, /^pull access denied for nosuch, repository does not exist or may require 'docker login'/);
  const refused = translatePullError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), ref, s);
  assert.ok(refused instanceof SystemError);
  assert.equal(refused.message, 'Get "http://localhost:5000/v2/": dial tcp localhost:5000: connect: connection refused');
});

test('fromImage + tag: a tag, a digest, a trailing colon, or all tags', () => {
  assert.deepEqual(pullReference('busybox', 'latest'), { domain: 'docker.io', path: 'library/busybox', tag: 'latest' });
  const d = `sha256:${'a'.repeat(64)}`;
  assert.deepEqual(pullReference('docker.io/library/busybox', d), { domain: 'docker.io', path: 'library/busybox', digest: d });
  assert.deepEqual(pullReference('localhost:5000/x:', null), { domain: 'localhost:5000', path: 'x' });
  assert.throws(() => pullReference('Busybox', 'latest'), /must be lowercase/);
  assert.throws(() => pullReference('busybox', 'bad tag'), /invalid tag format/);
  assert.throws(() => pullReference('busybox', 'md5:abc'), /invalid digest/);
});

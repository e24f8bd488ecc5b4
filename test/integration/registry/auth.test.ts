// Registry auth end to end: htpasswd (Basic) and the bearer-token flow with the server as its own
// token endpoint; the client negotiates each, login() checks credentials, bad ones get a 401.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import { RegistryClient, RegistryHttpError, bufferSource, getCredentials, login, storeCredentials } from '../../../src/registry/client/index.js';
import { collect, pushImage, randomImage, sha256, tempDir, withRegistry } from './helpers.js';

const htpasswdText = `alice:${bcrypt.hashSync('wonderland', 4)}\nbob:${bcrypt.hashSync('builder', 4).replace(/^\$2[ab]\$/, '$2y$')}\n`;
const client = (username?: string, password?: string): RegistryClient =>
  new RegistryClient({ credentials: () => (username ? { username, password: password ?? '' } : undefined), retries: 1, retryBaseMs: 10 });

test('htpasswd: Basic challenge, authenticated push/pull, bad credentials → 401', async () => {
  await withRegistry({ htpasswdText }, async (reg) => {
    const anon = await fetch(`${reg.url}/v2/`);
    assert.equal(anon.status, 401);
    assert.equal(anon.headers.get('www-authenticate'), 'Basic realm="berth-registry"');
    assert.equal(((await anon.json()) as { errors: { code: string }[] }).errors[0]!.code, 'UNAUTHORIZED');

    const alice = client('alice', 'wonderland');
    const bob = client('bob', 'builder');
    const mallory = client('alice', 'wrong');
    try {
      assert.equal((await alice.ping(reg.host)).auth, 'basic');
      const img = randomImage([100, 2000]);
      await pushImage(alice, { registry: reg.host, repository: 'private/app', tag: 'v1' }, img);
      const got = await bob.getManifest({ registry: reg.host, repository: 'private/app', tag: 'v1' });
      assert.equal(got.digest, img.digest);
      await assert.rejects(mallory.getManifest({ registry: reg.host, repository: 'private/app', tag: 'v1' }), (e: RegistryHttpError) => {
        assert.equal(e.status, 401);
        assert.match(e.challenge ?? '', /^Basic realm=/);
        return true;
      });
      assert.deepEqual(await login(reg.host, 'alice', 'wonderland'), { status: 'Login Succeeded' });
      await assert.rejects(login(reg.host, 'alice', 'nope'), (e: RegistryHttpError) => e.status === 401);
    } finally {
      alice.close();
      bob.close();
      mallory.close();
    }
  });
});

test('token auth: Bearer challenge with scope, anonymous pull only, users push, bad credentials → 401', async () => {
  await withRegistry({ htpasswdText, token: { issuer: 'berth-test', service: 'berth-registry' } }, async (reg) => {
    const base = await fetch(`${reg.url}/v2/`);
    assert.equal(base.status, 401);
    assert.equal(base.headers.get('www-authenticate'), `Bearer realm="${reg.url}/token",service="berth-registry"`);
    const scoped = await fetch(`${reg.url}/v2/team/app/manifests/latest`);
    assert.equal(scoped.headers.get('www-authenticate'), `Bearer realm="${reg.url}/token",service="berth-registry",scope="repository:team/app:pull"`);

    const tokenRes = await fetch(`${reg.url}/token?service=berth-registry&scope=repository:team/app:pull,push`);
    const anonToken = (await tokenRes.json()) as { token: string; access_token: string };
    assert.equal(anonToken.token, anonToken.access_token);
    const claims = JSON.parse(Buffer.from(anonToken.token.split('.')[1]!, 'base64url').toString()) as { access: unknown };
    assert.deepEqual(claims.access, [{ type: 'repository', name: 'team/app', actions: ['pull'] }]);
    const badLogin = await fetch(`${reg.url}/token?service=berth-registry`, { headers: { Authorization: `Basic ${Buffer.from('alice:bad').toString('base64')}` } });
    assert.equal(badLogin.status, 401);

    const alice = client('alice', 'wonderland');
    const anon = client();
    const mallory = client('alice', 'bad');
    try {
      assert.equal((await alice.ping(reg.host)).auth, 'bearer');
      const img = randomImage([100, 5000]);
      const target = { registry: reg.host, repository: 'team/app', tag: 'v1' };
      await pushImage(alice, target, img);
      // Mount across repositories with a token carrying both scopes.
      assert.deepEqual(await pushImage(alice, { ...target, repository: 'team/other' }, img, { mountFrom: ['team/app'] }), ['mounted', 'mounted', 'mounted']);
      const pulled = await anon.getManifest(target);
      assert.equal(pulled.digest, img.digest);
      assert.ok((await collect(anon.getBlob(target, sha256(img.layers[1]!)))).equals(img.layers[1]!));
      const blob = Buffer.from('anonymous push');
      await assert.rejects(anon.pushBlob(target, sha256(blob), bufferSource(blob)), (e: RegistryHttpError) => {
        assert.equal(e.status, 401);
        assert.match(e.challenge ?? '', /insufficient_scope/);
        return true;
      });
      await assert.rejects(mallory.getManifest(target), (e: RegistryHttpError) => e.status === 401);
      assert.deepEqual(await alice.catalog(reg.host), ['team/app', 'team/other']);
      await assert.rejects(anon.catalog(reg.host), (e: RegistryHttpError) => e.status === 401);
      assert.deepEqual(await login(reg.host, 'alice', 'wonderland'), { status: 'Login Succeeded' });
      await assert.rejects(login(reg.host, 'alice', 'bad'), (e: RegistryHttpError) => e.status === 401);
      // A forged token (signed by another key) is refused.
      const forged = anonToken.token.slice(0, -4) + 'AAAA';
      const res = await fetch(`${reg.url}/v2/team/app/tags/list`, { headers: { Authorization: `Bearer ${forged}` } });
      assert.equal(res.status, 401);
      assert.match(res.headers.get('www-authenticate') ?? '', /invalid_token/);
    } finally {
      alice.close();
      anon.close();
      mallory.close();
    }
  });
});

test('credentials in a docker config.json: stored and read back as docker does', async () => {
  const dir = await tempDir();
  try {
    const file = path.join(dir, 'config.json');
    await fsp.writeFile(file, JSON.stringify({ auths: { 'https://index.docker.io/v1/': { auth: Buffer.from('hubuser:hubpass').toString('base64') } }, credsStore: '' }));
    await storeCredentials('127.0.0.1:5000', { username: 'alice', password: 'p:w' }, file);
    const cfg = JSON.parse(await fsp.readFile(file, 'utf8')) as { auths: Record<string, { auth: string }> };
    assert.equal(cfg.auths['127.0.0.1:5000']!.auth, Buffer.from('alice:p:w').toString('base64'));
    assert.deepEqual(await getCredentials('http://127.0.0.1:5000/', file), { username: 'alice', password: 'p:w', identityToken: undefined });
    assert.equal((await getCredentials('docker.io', file))?.username, 'hubuser');
    assert.equal((await getCredentials('registry-1.docker.io', file))?.password, 'hubpass');
    assert.equal(await getCredentials('elsewhere:5000', file), undefined);
    assert.equal((await fsp.stat(file)).mode & 0o777, 0o600);
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
});

test('token auth with an ACL file: per-repository push, anonymous denied', async () => {
  const dir = await tempDir();
  try {
    const acl = path.join(dir, 'acl.yaml');
    await fsp.writeFile(acl, '- account: alice\n  name: alice/*\n  actions: [pull, push]\n- account: "*"\n  name: "*"\n  actions: [pull]\n');
    await withRegistry({ htpasswdText, aclFile: acl, token: { issuer: 'berth-acl' } }, async (reg) => {
      const alice = client('alice', 'wonderland');
      const bob = client('bob', 'builder');
      const anon = client();
      try {
        const img = randomImage([64]);
        await pushImage(alice, { registry: reg.host, repository: 'alice/app', tag: '1' }, img);
        await assert.rejects(pushImage(alice, { registry: reg.host, repository: 'shared/app', tag: '1' }, img), (e: RegistryHttpError) => e.status === 401);
        await assert.rejects(pushImage(bob, { registry: reg.host, repository: 'alice/app', tag: '2' }, img), (e: RegistryHttpError) => e.status === 401);
        assert.equal((await bob.getManifest({ registry: reg.host, repository: 'alice/app', tag: '1' })).digest, img.digest);
        await assert.rejects(anon.getManifest({ registry: reg.host, repository: 'alice/app', tag: '1' }), (e: RegistryHttpError) => e.status === 401);
      } finally {
        alice.close();
        bob.close();
        anon.close();
      }
    });
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
});

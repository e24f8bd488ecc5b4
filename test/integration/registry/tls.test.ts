// The registry over HTTPS (--tls-cert/--tls-key) with a self-signed certificate made by openssl.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import { RegistryClient, login } from '../../../src/registry/client/index.js';
import { haveCommand, pushImage, randomImage, tempDir, withRegistry } from './helpers.js';

const skip = haveCommand('openssl') ? false : 'openssl is not installed';

test('HTTPS registry with token auth; the client uses TLS and skips verification for local registries', { skip }, async () => {
  const dir = await tempDir();
  try {
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const htpasswdText = `erin:${bcrypt.hashSync('tls', 4)}\n`;
    await withRegistry({ tlsCertFile: cert, tlsKeyFile: key, htpasswdText, token: { issuer: 'berth-tls', keyFile: key } }, async (reg) => {
      assert.match(reg.url, /^https:/);
      const client = new RegistryClient({ credentials: () => ({ username: 'erin', password: 'tls' }), retries: 0 });
      try {
        const ping = await client.ping(reg.host);
        assert.equal(ping.auth, 'bearer');
        assert.equal(ping.realm, `${reg.url}/token`);
        const img = randomImage([1000]);
        await pushImage(client, { registry: reg.host, repository: 'secure/app', tag: '1' }, img);
        assert.equal((await client.getManifest({ registry: reg.host, repository: 'secure/app', tag: '1' })).digest, img.digest);
        assert.deepEqual(await login(reg.host, 'erin', 'tls'), { status: 'Login Succeeded' });
      } finally {
        client.close();
      }
    });
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
});

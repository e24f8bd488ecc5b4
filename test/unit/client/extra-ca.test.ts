import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFERRED_CA_ENV, defaultTrustWithDeferred, pemCertificates, restoreDeferredCaEnv } from '../../../src/client/extra-ca.js';

const PEM_A = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----';
const PEM_B = '-----BEGIN CERTIFICATE-----\nBBBB\nBBBB\n-----END CERTIFICATE-----';

test('the launcher-held NODE_EXTRA_CA_CERTS goes back into the environment', () => {
  const env: Record<string, string | undefined> = { [DEFERRED_CA_ENV]: '/etc/ssl/extra.pem', PATH: '/bin' };
  assert.equal(restoreDeferredCaEnv(env), '/etc/ssl/extra.pem');
  assert.deepEqual(env, { NODE_EXTRA_CA_CERTS: '/etc/ssl/extra.pem', PATH: '/bin' });
  // Nothing held back: the environment is left alone.
  const plain: Record<string, string | undefined> = { NODE_EXTRA_CA_CERTS: '/x.pem' };
  assert.equal(restoreDeferredCaEnv(plain), undefined);
  assert.deepEqual(plain, { NODE_EXTRA_CA_CERTS: '/x.pem' });
});

test('PEM certificates are split out of a bundle file', () => {
  assert.deepEqual(pemCertificates(`# comment\n${PEM_A}\n\njunk\n${PEM_B}\n`), [PEM_A, PEM_B]);
  assert.deepEqual(pemCertificates('no certificates'), []);
});

test('default trust with deferred extra CAs is the bundled roots plus the file', () => {
  const roots = ['ROOT1', 'ROOT2'];
  assert.equal(defaultTrustWithDeferred(undefined, roots), undefined);
  assert.deepEqual(
    defaultTrustWithDeferred('/f.pem', roots, () => `${PEM_A}\n${PEM_B}\n`),
    ['ROOT1', 'ROOT2', PEM_A, PEM_B],
  );
  const warnings: string[] = [];
  const unreadable = defaultTrustWithDeferred(
    '/missing.pem',
    roots,
    () => {
      throw new Error('ENOENT: no such file');
    },
    (m) => warnings.push(m),
  );
  assert.equal(unreadable, undefined);
  assert.match(warnings[0], /Ignoring extra certs from `\/missing.pem`, load failed: ENOENT/);
});

test('a verifying TLS client without its own CA trusts the held-back extra CAs; one with a CA does not', async () => {
  const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const { rootCertificates } = await import('node:tls');
  const { tlsTrust } = await import('../../../src/client/transport.js');
  const dir = mkdtempSync(path.join(tmpdir(), 'berth-extra-ca-'));
  try {
    const file = path.join(dir, 'extra.pem');
    writeFileSync(file, `${PEM_A}\n`);
    restoreDeferredCaEnv({ [DEFERRED_CA_ENV]: file });
    // What the client's TLS connections are given as `ca`.
    const caOf = (tls: { verify: boolean; ca?: Buffer }) => tlsTrust(tls, rootCertificates);
    const trusted = caOf({ verify: true }) as string[];
    assert.equal(trusted.length, rootCertificates.length + 1);
    assert.equal(trusted.at(-1), PEM_A);
    const own = Buffer.from(PEM_B);
    assert.equal(caOf({ verify: true, ca: own }), own);
    assert.equal(caOf({ verify: false }), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

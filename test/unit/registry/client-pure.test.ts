import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseChallenges } from '../../../src/registry/client/challenge.js';
import { normalizePlatform, parsePlatform, platformMatches, selectPlatformManifest, formatPlatform } from '../../../src/registry/client/platform.js';
import { credentialKey, registryHostOf, isDockerHub } from '../../../src/registry/client/credentials.js';
import { apiHost, nextLink } from '../../../src/registry/client/client.js';
import type { Descriptor } from '../../../src/registry/oci.js';

test('WWW-Authenticate challenges', () => {
  assert.deepEqual(parseChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"'), [
    { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/busybox:pull' } },
  ]);
  assert.deepEqual(parseChallenges('Basic realm="basic-realm"'), [{ scheme: 'basic', params: { realm: 'basic-realm' } }]);
  assert.deepEqual(parseChallenges('Bearer realm="a,b",error="insufficient_scope", Basic realm=x'), [
    { scheme: 'bearer', params: { realm: 'a,b', error: 'insufficient_scope' } },
    { scheme: 'basic', params: { realm: 'x' } },
  ]);
  assert.deepEqual(parseChallenges('Bearer realm="with \\"quote\\""')[0]!.params.realm, 'with "quote"');
});

test('platforms: parse, normalise, match, select', () => {
  assert.deepEqual(parsePlatform('linux/amd64'), { os: 'linux', architecture: 'amd64' });
  assert.deepEqual(parsePlatform('linux/arm64/v8'), { os: 'linux', architecture: 'arm64' });
  assert.deepEqual(parsePlatform('linux/arm'), { os: 'linux', architecture: 'arm', variant: 'v7' });
  assert.deepEqual(normalizePlatform({ os: 'Linux', architecture: 'x86_64' }), { os: 'linux', architecture: 'amd64' });
  assert.throws(() => parsePlatform('linux'));
  assert.throws(() => parsePlatform('linux//'));
  assert.equal(formatPlatform({ os: 'linux', architecture: 'arm', variant: 'v6' }), 'linux/arm/v6');
  assert.ok(platformMatches({ os: 'linux', architecture: 'arm64' }, { os: 'linux', architecture: 'arm64', variant: 'v8' }));
  assert.ok(!platformMatches({ os: 'linux', architecture: 'arm', variant: 'v6' }, { os: 'linux', architecture: 'arm', variant: 'v7' }));
  const list: Descriptor[] = [
    { mediaType: 'm', digest: 'sha256:1', size: 1, platform: { os: 'linux', architecture: 'amd64' } },
    { mediaType: 'm', digest: 'sha256:2', size: 1, platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
    { mediaType: 'm', digest: 'sha256:3', size: 1, platform: { os: 'unknown', architecture: 'unknown' } },
  ];
  assert.equal(selectPlatformManifest(list, parsePlatform('linux/arm/v7'))?.digest, 'sha256:2');
  assert.equal(selectPlatformManifest(list, parsePlatform('linux/amd64'))?.digest, 'sha256:1');
  assert.equal(selectPlatformManifest(list, parsePlatform('windows/amd64')), undefined);
});

test('registry hosts and docker config keys', () => {
  assert.equal(registryHostOf('https://localhost:5000/v1/'), 'localhost:5000');
  assert.equal(credentialKey('docker.io'), 'https://index.docker.io/v1/');
  assert.equal(credentialKey('index.docker.io'), 'https://index.docker.io/v1/');
  assert.equal(credentialKey('Localhost:5000'), 'localhost:5000');
  assert.ok(isDockerHub('https://index.docker.io/v1/'));
  assert.equal(apiHost('docker.io'), 'registry-1.docker.io');
  assert.equal(apiHost('127.0.0.1:5000'), '127.0.0.1:5000');
});

test('Link header', () => {
  assert.equal(nextLink('</v2/x/tags/list?n=2&last=b>; rel="next"'), '/v2/x/tags/list?n=2&last=b');
  assert.equal(nextLink(undefined), undefined);
  assert.equal(nextLink('<x>; rel="prev"'), undefined);
});

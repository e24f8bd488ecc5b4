import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseImageRef, familiarString, fullName, withDefaultTag } from '../../../src/cli/reference.js';
import { displayName } from '../../../src/cli/pull.js';
import { encodeAuthHeader, lookupAuth, serverKey } from '../../../src/cli/auth.js';
import { resolveCommand } from '../../../src/cli/commands.js';
import { splitCpArg } from '../../../src/cli/commands/container/cp.js';

test('image references normalise like docker', () => {
  assert.deepEqual(parseImageRef('busybox'), { domain: 'docker.io', path: 'library/busybox', tag: undefined, digest: undefined });
  assert.equal(fullName(parseImageRef('me/app:1')), 'docker.io/me/app');
  assert.deepEqual(parseImageRef('127.0.0.1:5000/app:v2'), { domain: '127.0.0.1:5000', path: 'app', tag: 'v2', digest: undefined });
  assert.equal(familiarString(withDefaultTag(parseImageRef('docker.io/library/nosuchimage'))), 'nosuchimage:latest');
  assert.equal(displayName('localhost/x'), 'localhost/x:latest');
  assert.throws(() => parseImageRef('Upper/Case'));
});

test('registry auth: docker hub key, X-Registry-Auth encoding', () => {
  assert.equal(serverKey('docker.io'), 'https://index.docker.io/v1/');
  assert.equal(encodeAuthHeader({}), 'e30=');
  const cfg = { auths: { '127.0.0.1:5000': { auth: Buffer.from('u:p:w').toString('base64') } } };
  assert.deepEqual(lookupAuth(cfg, '127.0.0.1:5000'), { serveraddress: '127.0.0.1:5000', username: 'u', password: 'p:w' });
});

test('command words resolve to modules, with management aliases', () => {
  const r = resolveCommand(['container', 'ls', '-a']);
  assert.ok(r && 'path' in r && r.path === 'container ls');
  assert.deepEqual(r && 'rest' in r ? r.rest : [], ['-a']);
  const ps = resolveCommand(['ps']);
  const cls = resolveCommand(['container', 'ps']);
  assert.ok(ps && cls && 'load' in ps && 'load' in cls && ps.load === cls.load);
  assert.deepEqual(resolveCommand(['image']), { group: 'image' });
  assert.equal(resolveCommand(['nosuch']), undefined);
});

test('cp argument forms', () => {
  assert.deepEqual(splitCpArg('ctr:/etc/passwd'), ['ctr', '/etc/passwd']);
  assert.deepEqual(splitCpArg('./a:b'), [undefined, './a:b']);
  assert.deepEqual(splitCpArg('-'), [undefined, '-']);
});

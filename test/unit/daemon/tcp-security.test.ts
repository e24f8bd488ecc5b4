import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isLoopbackHost, planTcpListener, TcpSecurityError } from '../../../src/daemon/tcp-security.js';
import { lookupGid, socketGid } from '../../../src/daemon/socket-group.js';
import { parseDaemonArgs } from '../../../src/daemon/config.js';

const env = { DOCKER_CERT_PATH: '/certs' };

test('loopback hosts are 127.0.0.0/8, ::1 and localhost', () => {
  for (const h of ['127.0.0.1', '127.1.2.3', '[::1]', '::1', 'localhost']) assert.equal(isLoopbackHost(h), true, h);
  for (const h of ['0.0.0.0', '10.0.0.1', '[::]', 'example.test', '128.0.0.1']) assert.equal(isLoopbackHost(h), false, h);
});

test('--tlsverify asks every client for a certificate from the given CA; files default to DOCKER_CERT_PATH', () => {
  assert.deepEqual(planTcpListener('tcp://0.0.0.0:2376', { tlsVerify: true }, env), { mode: 'mtls', ca: '/certs/ca.pem', cert: '/certs/cert.pem', key: '/certs/key.pem', warnings: [] });
  const p = planTcpListener('tcp://0.0.0.0:2376', { tlsVerify: true, tlsCaCert: '/a/ca', tlsCert: '/a/c', tlsKey: '/a/k' }, env);
  assert.deepEqual(p, { mode: 'mtls', ca: '/a/ca', cert: '/a/c', key: '/a/k', warnings: [] });
});

test('TLS files alone mean --tlsverify (berth is stricter than dockerd there)', () => {
  assert.equal(planTcpListener('tcp://0.0.0.0:2376', { tlsCert: '/c', tlsKey: '/k', tlsCaCert: '/ca' }, env).mode, 'mtls');
});

test('--tls without verification serves TLS with dockerd warnings', () => {
  const p = planTcpListener('tcp://0.0.0.0:2376', { tls: true }, env);
  assert.equal(p.mode, 'tls');
  assert.match(p.warnings[0]!, /without --tlsverify is insecure/);
  // dockerd: --tlsverify=false still turns TLS on (moby#27105), without client verification.
  assert.equal(planTcpListener('tcp://0.0.0.0:2376', { tlsVerify: false }, env).mode, 'tls');
});

test('plain TCP: loopback with a warning, elsewhere refused unless --tls=false says so', () => {
  assert.equal(planTcpListener('tcp://127.0.0.1:2375', {}, env).mode, 'plain');
  assert.equal(planTcpListener('tcp://[::1]:2375', {}, env).mode, 'plain');
  assert.throws(() => planTcpListener('tcp://0.0.0.0:2375', {}, env), (e: unknown) => e instanceof TcpSecurityError && /refusing to listen on tcp:\/\/0.0.0.0:2375 without TLS/.test(e.message));
  const p = planTcpListener('tcp://0.0.0.0:2375', { tls: false }, env);
  assert.equal(p.mode, 'plain');
  assert.ok(p.warnings.length > 0);
});

test('daemon flags and config keys: --tls/--tlsverify are booleans, explicit false kept', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'berth-cfg-'));
  try {
    const empty = path.join(dir, 'empty.json');
    writeFileSync(empty, '{}');
    const parse = (args: string[], file = empty) => parseDaemonArgs(['--config-file', file, ...args]);
    const c = parse(['--tlsverify', '--tlscacert', '/ca', '-H', 'tcp://0.0.0.0:2376', '--tls=false']);
    assert.equal(c.tlsVerify, true);
    assert.equal(c.tls, false);
    assert.equal(c.tlsCaCert, '/ca');
    assert.equal(parse(['--tlsverify=false']).tlsVerify, false);
    assert.equal(parse([]).tls, undefined);
    assert.equal(parse(['-G', 'staff']).group, 'staff');
    const file = path.join(dir, 'daemon.json');
    writeFileSync(file, JSON.stringify({ tls: true, tlsverify: true, tlscacert: '/f/ca', tlscert: '/f/c', tlskey: '/f/k', group: 'ops' }));
    const f = parse(['--tlscert', '/flag/c'], file);
    assert.deepEqual([f.tls, f.tlsVerify, f.tlsCaCert, f.tlsCert, f.tlsKey, f.group], [true, true, '/f/ca', '/flag/c', '/f/k', 'ops']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('socket group: names and numbers from /etc/group; the default group may be absent, a named one may not', () => {
  const etc = 'root:x:0:\nberth:x:998:alice\nstaff:x:50:\n';
  assert.equal(lookupGid('berth', etc), 998);
  assert.equal(lookupGid('1234', etc), 1234);
  assert.equal(lookupGid('nope', etc), undefined);
  assert.equal(socketGid(undefined, () => etc), 998);
  assert.equal(socketGid(undefined, () => 'root:x:0:\n'), undefined);
  assert.equal(socketGid('staff', () => etc), 50);
  assert.throws(() => socketGid('nope', () => etc), /group nope not found/);
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { commandOf, mergeConfig, mergeEnv, parseSignal } from '../../../src/engine/containers/config.js';
import { parseBind, parseMounts } from '../../../src/engine/containers/mounts.js';
import { parseGroup, parsePasswd, resolveUser } from '../../../src/engine/containers/users.js';

describe('mergeConfig (Docker merge rules)', () => {
  const image = { Env: ['PATH=/bin', 'A=1'], Cmd: ['sh'], Entrypoint: null, WorkingDir: '/w', User: 'nobody', Labels: { a: 'img' }, Volumes: { '/data': {} }, StopSignal: 'SIGQUIT' };
  it('takes the image defaults when the user gives none', () => {
    const c = mergeConfig({}, image, 'busybox');
    assert.deepEqual(c.Cmd, ['sh']);
    assert.equal(c.WorkingDir, '/w');
    assert.equal(c.User, 'nobody');
    assert.equal(c.StopSignal, 'SIGQUIT');
    assert.deepEqual(c.Volumes, { '/data': {} });
  });
  it('user env replaces same-named image env and keeps order', () => {
    assert.deepEqual(mergeEnv(['PATH=/bin', 'A=1'], ['A=2', 'B=3']), ['PATH=/bin', 'A=2', 'B=3']);
  });
  it('an entrypoint from the user drops the image Cmd', () => {
    const c = mergeConfig({ Entrypoint: ['echo'] }, image, 'busybox');
    assert.deepEqual(c.Entrypoint, ['echo']);
    assert.equal(c.Cmd, null);
  });
  it('--entrypoint "" resets the image entrypoint', () => {
    const c = mergeConfig({ Entrypoint: [''], Cmd: ['ls'] }, { ...image, Entrypoint: ['/init'] }, 'x');
    assert.equal(c.Entrypoint, null);
    assert.deepEqual(commandOf(c), { path: 'ls', args: [] });
  });
  it('labels merge with user winning', () => {
    assert.deepEqual(mergeConfig({ Labels: { a: 'u', b: 'u' } }, image, 'x').Labels, { a: 'u', b: 'u' });
  });
  it('no command at all is refused', () => {
    assert.throws(() => commandOf(mergeConfig({}, { Env: [] }, 'x')), /no command specified/);
  });
});

describe('parseSignal', () => {
  it('accepts names with and without SIG and numbers', () => {
    assert.deepEqual(parseSignal('TERM'), { name: 'SIGTERM', num: 15 });
    assert.deepEqual(parseSignal('sigkill'), { name: 'SIGKILL', num: 9 });
    assert.equal(parseSignal('9').num, 9);
    assert.equal(parseSignal(undefined, 'SIGTERM').num, 15);
  });
  it('refuses unknown signals', () => {
    assert.throws(() => parseSignal('NOPE'), /Invalid signal/);
    assert.throws(() => parseSignal('99'), /Invalid signal/);
  });
});

describe('mounts', () => {
  it('parses binds and named volumes with options', () => {
    assert.deepEqual(parseBind('/host:/c:ro'), { Type: 'bind', Source: '/host', Destination: '/c', Mode: 'ro', RW: false, Propagation: 'rprivate' });
    const v = parseBind('data:/d');
    assert.equal(v.Type, 'volume');
    assert.equal(v.Name, 'data');
    assert.equal(v.RW, true);
  });
  it('refuses relative targets, bad modes and bad names', () => {
    assert.throws(() => parseBind('/a:rel'), /must be absolute/);
    assert.throws(() => parseBind('/a:/b:xx'), /invalid mode/);
    assert.throws(() => parseBind('bad name:/b'), /invalid characters/);
  });
  it('refuses duplicate mount points and adds image volumes as anonymous', () => {
    assert.throws(() => parseMounts({ Binds: ['/a:/x', 'vol:/x'] }, null), /Duplicate mount point: \/x/);
    const ms = parseMounts({ Binds: ['/a:/x'], Tmpfs: { '/t': 'size=1m' } }, { '/x': {}, '/data': {} });
    assert.deepEqual(
      ms.map((m) => [m.Type, m.Destination, !!m.anonymous]),
      [
        ['bind', '/x', false],
        ['tmpfs', '/t', false],
        ['volume', '/data', true],
      ],
    );
  });
  it('--mount types', () => {
    const ms = parseMounts({ Mounts: [{ Type: 'volume', Target: '/v' }, { Type: 'bind', Source: '/s', Target: '/b', ReadOnly: true }, { Type: 'tmpfs', Target: '/t', TmpfsOptions: { SizeBytes: 1024, Mode: 0o700 } }] }, null);
    assert.equal(ms[0].anonymous, true);
    assert.equal(ms[1].RW, false);
    assert.deepEqual(ms[2].tmpfsOptions, ['size=1024', 'mode=700']);
  });
});

describe('users', () => {
  const passwd = parsePasswd('root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\napp:x:1000:1000::/app:/bin/sh\n');
  const group = parseGroup('root:x:0:\nwheel:x:10:app\nnogroup:x:65534:\napp:x:1000:\n');
  it('resolves names and ids with supplementary groups', () => {
    assert.deepEqual(resolveUser('', passwd, group), { uid: 0, gid: 0, additionalGids: [], home: '/root' });
    assert.deepEqual(resolveUser('app', passwd, group), { uid: 1000, gid: 1000, additionalGids: [10], home: '/app' });
    assert.deepEqual(resolveUser('1234', passwd, group), { uid: 1234, gid: 0, additionalGids: [], home: '/' });
    assert.deepEqual(resolveUser('app:nogroup', passwd, group, ['wheel']), { uid: 1000, gid: 65534, additionalGids: [10], home: '/app' });
  });
  it('refuses unknown names in Docker words', () => {
    assert.throws(() => resolveUser('ghost', passwd, group), /unable to find user ghost: no matching entries in passwd file/);
    assert.throws(() => resolveUser('app:ghosts', passwd, group), /unable to find group ghosts/);
  });
});

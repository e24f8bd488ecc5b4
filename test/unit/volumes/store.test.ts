// The volume store against a temporary data root: create, list and filters, remove, prune,
// anonymous volumes, copy on first mount, reload from disk and crash leftovers, device mounts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventBus, type DockerEvent } from '../../../src/engine/events.js';
import { VolumeStore } from '../../../src/engine/volumes/store.js';
import { isMountPoint } from '../../../src/engine/volumes/local-driver.js';
import { needsRoot } from '../support/root.js';

interface Fixture {
  dataRoot: string;
  events: DockerEvent[];
  users: Map<string, string[]>;
  store: VolumeStore;
  reopen(): Promise<VolumeStore>;
}

async function fixture(t: { after(fn: () => Promise<void>): void }): Promise<Fixture> {
  const dataRoot = await fsp.mkdtemp(path.join(os.tmpdir(), 'berth-vol-'));
  t.after(() => fsp.rm(dataRoot, { recursive: true, force: true }));
  const bus = new EventBus();
  const events: DockerEvent[] = [];
  bus.on('event', (e: DockerEvent) => events.push(e));
  const users = new Map<string, string[]>();
  const open = async () => {
    const s = new VolumeStore({ dataRoot, events: bus, volumeUsers: (n) => users.get(n) ?? [] });
    await s.init();
    return s;
  };
  return { dataRoot, events, users, store: await open(), reopen: open };
}

const status = (e: unknown) => (e as { status?: number }).status;
async function rejectsWith(p: Promise<unknown> | (() => unknown), code: number, message: string): Promise<void> {
  await assert.rejects(async () => (typeof p === 'function' ? p() : p), (e: unknown) => {
    assert.equal(status(e), code);
    assert.equal((e as Error).message, message);
    return true;
  });
}

test('create gives Docker\'s shape, creates _data, and an existing name returns the same volume', async (t) => {
  const f = await fixture(t);
  const v = await f.store.create({ Name: 'trv', Driver: 'local' });
  assert.deepEqual(Object.keys(v), ['CreatedAt', 'Driver', 'Labels', 'Mountpoint', 'Name', 'Options', 'Scope']);
  assert.match(v.CreatedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(v.Driver, 'local');
  assert.equal(v.Labels, null);
  assert.equal(v.Options, null);
  assert.equal(v.Scope, 'local');
  assert.equal(v.Mountpoint, path.join(f.dataRoot, 'volumes', 'trv', '_data'));
  assert.equal(f.store.mountpoint('trv'), v.Mountpoint);
  assert.ok((await fsp.stat(v.Mountpoint)).isDirectory());
  assert.deepEqual(f.store.get('trv'), v);
  assert.deepEqual(f.store.inspect('trv'), v);

  const again = await f.store.create({ Name: 'trv', Labels: { other: 'x' } });
  assert.deepEqual(again, v);
  assert.deepEqual(
    f.events.map((e) => [e.Type, e.Action, e.Actor.ID, e.Actor.Attributes]),
    [['volume', 'create', 'trv', { driver: 'local' }]],
  );
  const labelled = await f.store.create({ Name: 'lab', Labels: { a: '1' }, DriverOpts: {} });
  assert.deepEqual(labelled.Labels, { a: '1' });
  assert.deepEqual(labelled.Options, {});
});

test('concurrent creates of one name make one volume and one event', async (t) => {
  const f = await fixture(t);
  const all = await Promise.all([1, 2, 3, 4].map(() => f.store.create({ Name: 'same' })));
  assert.ok(all.every((v) => v.CreatedAt === all[0].CreatedAt));
  assert.equal(f.events.filter((e) => e.Action === 'create').length, 1);
});

test('anonymous volumes: 64-hex name and Docker\'s anonymous label', async (t) => {
  const f = await fixture(t);
  const v = await f.store.create({ Labels: { keep: 'yes' } });
  assert.match(v.Name, /^[0-9a-f]{64}$/);
  assert.deepEqual(v.Labels, { keep: 'yes', 'com.docker.volume.anonymous': '' });
  assert.ok(f.store.isAnonymous(v.Name));
  const e = await f.store.ensure();
  assert.ok(f.store.isAnonymous(e.Name));
  const named = await f.store.ensure('data', { 'com.docker.compose.project': 'p' });
  assert.equal(f.store.isAnonymous('data'), false);
  assert.deepEqual(named.Labels, { 'com.docker.compose.project': 'p' });
  assert.equal(f.store.isAnonymous('nosuch'), false);
  assert.equal(f.events.filter((x) => x.Action === 'create').length, 3);
  assert.deepEqual(await f.store.ensure('data'), named);
});

test('bad names, unknown drivers and bad driver options are refused with Docker\'s messages', async (t) => {
  const f = await fixture(t);
  for (const bad of ['a', '_x', 'a/b', '../etc', '.x', 'x y', '-x']) {
    await rejectsWith(
      f.store.create({ Name: bad }),
      400,
      `create ${bad}: ${JSON.stringify(bad)} includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`,
    );
  }
  await rejectsWith(f.store.create({ Name: 'xx', Driver: 'nfsplugin' }), 404, 'create xx: error looking up volume plugin nfsplugin: plugin "nfsplugin" not found');
  await rejectsWith(f.store.create({ Name: 'xx', DriverOpts: { foo: 'bar' } }), 400, 'create xx: invalid option: "foo"');
  await rejectsWith(f.store.create({ Name: 'xx', DriverOpts: { type: 'tmpfs' } }), 400, 'create xx: missing required option: "device"');
  await rejectsWith(f.store.create({ Name: 'xx', DriverOpts: { o: 'size=1m', device: 'tmpfs' } }), 400, 'create xx: missing required option: "type"');
  await rejectsWith(f.store.create({ Name: 'xx', DriverOpts: { size: '10m' } }), 400, 'create xx: quota size requested but no quota support');
  await rejectsWith(f.store.create({ Name: 'xx', Labels: { a: 1 } as unknown as Record<string, string> }), 400, 'invalid Labels: value of "a" is not a string');
  assert.deepEqual(f.store.list().Volumes, []);
  assert.deepEqual(await fsp.readdir(path.join(f.dataRoot, 'volumes')), []);
  // Valid: two characters, dots, dashes, underscores.
  await f.store.create({ Name: 'a1' });
  await f.store.create({ Name: 'A.b-c_d' });
});

test('get of a missing volume is Docker\'s 404', async (t) => {
  const f = await fixture(t);
  await rejectsWith(() => f.store.get('nosuch'), 404, 'get nosuch: no such volume');
});

test('list filters: name (regexp), driver, label, dangling; bad filters are 400', async (t) => {
  const f = await fixture(t);
  await f.store.create({ Name: 'web-data', Labels: { tier: 'web', env: 'prod' } });
  await f.store.create({ Name: 'db-data', Labels: { tier: 'db' } });
  await f.store.create({ Name: 'cache' });
  f.users.set('db-data', ['c1']);
  const names = (filters: Record<string, string[]>) => f.store.list(new Map(Object.entries(filters))).Volumes.map((v) => v.Name);
  assert.deepEqual(names({}), ['cache', 'db-data', 'web-data']);
  assert.equal(f.store.list().Warnings, null);
  assert.deepEqual(names({ name: ['data'] }), ['db-data', 'web-data']);
  assert.deepEqual(names({ name: ['^web'] }), ['web-data']);
  assert.deepEqual(names({ name: ['cache', 'db-data'] }), ['cache', 'db-data']);
  assert.deepEqual(names({ driver: ['local'] }), ['cache', 'db-data', 'web-data']);
  assert.deepEqual(names({ driver: ['other'] }), []);
  assert.deepEqual(names({ label: ['tier'] }), ['db-data', 'web-data']);
  assert.deepEqual(names({ label: ['tier=web'] }), ['web-data']);
  assert.deepEqual(names({ label: ['tier', 'env=prod'] }), ['web-data']);
  assert.deepEqual(names({ dangling: ['true'] }), ['cache', 'web-data']);
  assert.deepEqual(names({ dangling: ['1'] }), ['cache', 'web-data']);
  assert.deepEqual(names({ dangling: ['false'] }), ['db-data']);
  assert.deepEqual(names({ dangling: ['0'], name: ['web'] }), []);
  await rejectsWith(() => names({ dangling: ['maybe'] }), 400, "invalid filter 'dangling=maybe'");
  await rejectsWith(() => names({ dangling: ['true', 'false'] }), 400, "invalid filter 'dangling=true,false'");
  await rejectsWith(() => names({ until: ['1h'] }), 400, "invalid filter 'until'");
});

test('remove: in use is 409 even with force, missing is 404 unless forced, data goes away', async (t) => {
  const f = await fixture(t);
  await f.store.create({ Name: 'busy' });
  f.users.set('busy', ['c1', 'c2']);
  await rejectsWith(f.store.remove('busy'), 409, 'remove busy: volume is in use - [c1, c2]');
  await rejectsWith(f.store.remove('busy', { force: true }), 409, 'remove busy: volume is in use - [c1, c2]');
  await rejectsWith(f.store.remove('nosuch'), 404, 'get nosuch: no such volume');
  await f.store.remove('nosuch', { force: true });

  const v = await f.store.create({ Name: 'gone' });
  await fsp.writeFile(path.join(v.Mountpoint, 'f'), 'data');
  f.events.length = 0;
  await f.store.remove('gone');
  assert.equal(f.store.has('gone'), false);
  assert.deepEqual((await fsp.readdir(path.join(f.dataRoot, 'volumes'))).sort(), ['busy']);
  assert.deepEqual(f.events.map((e) => [e.Action, e.Actor.ID, e.Actor.Attributes]), [['destroy', 'gone', { driver: 'local' }]]);
  // The name can be used again.
  await f.store.create({ Name: 'gone' });
});

test('prune: unused anonymous volumes by default, all on request, label filters, space counted', async (t) => {
  const f = await fixture(t);
  const anon1 = await f.store.create({});
  const anon2 = await f.store.create({ Labels: { keep: '1' } });
  const anonBusy = await f.store.create({});
  await f.store.create({ Name: 'named' });
  await f.store.create({ Name: 'named-keep', Labels: { keep: '1' } });
  await f.store.create({ Name: 'mounted', DriverOpts: { type: 'tmpfs', device: 'tmpfs' } });
  f.users.set(anonBusy.Name, ['c1']);
  await fsp.writeFile(path.join(anon1.Mountpoint, 'a'), Buffer.alloc(1000));
  await fsp.mkdir(path.join(anon1.Mountpoint, 'd'));
  await fsp.writeFile(path.join(anon1.Mountpoint, 'd', 'b'), Buffer.alloc(24));
  await fsp.link(path.join(anon1.Mountpoint, 'a'), path.join(anon1.Mountpoint, 'hardlink'));

  await rejectsWith(f.store.prune(new Map([['dangling', ['true']]])), 400, "invalid filter 'dangling'");
  await rejectsWith(f.store.prune(new Map([['all', ['yes']]])), 400, `invalid filter 'all': strconv.ParseBool: parsing "yes": invalid syntax`);

  f.events.length = 0;
  const r1 = await f.store.prune(new Map([['label!', ['keep']]]));
  assert.deepEqual(r1, { VolumesDeleted: [anon1.Name], SpaceReclaimed: 1024 });
  assert.deepEqual(
    f.events.map((e) => [e.Action, e.Actor.ID, e.Actor.Attributes]),
    [
      ['destroy', anon1.Name, { driver: 'local' }],
      ['prune', '', { reclaimed: '1024' }],
    ],
  );
  const r2 = await f.store.prune();
  assert.deepEqual(r2, { VolumesDeleted: [anon2.Name], SpaceReclaimed: 0 });
  const r3 = await f.store.prune(new Map([['all', ['true']], ['label', ['keep=1']]]));
  assert.deepEqual(r3.VolumesDeleted, ['named-keep']);
  const r4 = await f.store.prune(new Map(), { all: true });
  assert.deepEqual(r4.VolumesDeleted, ['named']);
  // In use and mount-option volumes are never pruned.
  assert.deepEqual(f.store.list().Volumes.map((v) => v.Name).sort(), [anonBusy.Name, 'mounted'].sort());
});

test('copyUpIfEmpty copies the image content once, keeping owners, modes, symlinks and hard links', { skip: needsRoot('copy files with their owners (chown)') }, async (t) => {
  const f = await fixture(t);
  const src = path.join(f.dataRoot, 'rootfs', 'var', 'lib', 'app');
  await fsp.mkdir(path.join(src, 'sub'), { recursive: true });
  await fsp.writeFile(path.join(src, 'conf'), 'hello');
  await fsp.chmod(path.join(src, 'conf'), 0o640);
  await fsp.chown(path.join(src, 'conf'), 1234, 5678);
  await fsp.writeFile(path.join(src, 'sub', 'setuid'), '#!/bin/sh');
  await fsp.chown(path.join(src, 'sub', 'setuid'), 42, 42);
  await fsp.chmod(path.join(src, 'sub', 'setuid'), 0o4755);
  await fsp.symlink('/etc/passwd', path.join(src, 'link'));
  await fsp.link(path.join(src, 'conf'), path.join(src, 'conf2'));
  await fsp.chown(src, 999, 998);
  await fsp.chmod(src, 0o750);

  const v = await f.store.create({ Name: 'app' });
  assert.equal(await f.store.copyUpIfEmpty('app', src), true);
  const dst = v.Mountpoint;
  const conf = await fsp.lstat(path.join(dst, 'conf'));
  assert.equal(await fsp.readFile(path.join(dst, 'conf'), 'utf8'), 'hello');
  assert.equal(conf.mode & 0o7777, 0o640);
  assert.deepEqual([conf.uid, conf.gid], [1234, 5678]);
  const suid = await fsp.lstat(path.join(dst, 'sub', 'setuid'));
  assert.equal(suid.mode & 0o7777, 0o4755);
  assert.deepEqual([suid.uid, suid.gid], [42, 42]);
  assert.equal(await fsp.readlink(path.join(dst, 'link')), '/etc/passwd');
  assert.equal((await fsp.lstat(path.join(dst, 'conf2'))).ino, conf.ino);
  const root = await fsp.stat(dst);
  assert.deepEqual([root.uid, root.gid, root.mode & 0o7777], [999, 998, 0o750]);

  // Once only: emptied, it stays empty.
  await fsp.rm(dst, { recursive: true });
  await fsp.mkdir(dst);
  assert.equal(await f.store.copyUpIfEmpty('app', src), false);
  assert.deepEqual(await fsp.readdir(dst), []);
  // The mark survives a restart.
  const again = await f.reopen();
  assert.equal(await again.copyUpIfEmpty('app', src), false);

  // A volume holding data is never copied into, and is marked so.
  const full = await f.store.create({ Name: 'full' });
  await fsp.writeFile(path.join(full.Mountpoint, 'mine'), 'x');
  assert.equal(await f.store.copyUpIfEmpty('full', src), false);
  await fsp.rm(path.join(full.Mountpoint, 'mine'));
  assert.equal(await f.store.copyUpIfEmpty('full', src), false);

  // Nothing in the image at that path: no copy, and a later container's image may still fill it.
  const late = await f.store.create({ Name: 'late' });
  assert.equal(await f.store.copyUpIfEmpty('late', path.join(f.dataRoot, 'rootfs', 'missing')), false);
  await fsp.writeFile(path.join(f.dataRoot, 'rootfs', 'file'), 'x');
  assert.equal(await f.store.copyUpIfEmpty('late', path.join(f.dataRoot, 'rootfs', 'file')), false);
  assert.equal(await f.store.copyUpIfEmpty('late', src), true);
  assert.ok((await fsp.readdir(late.Mountpoint)).includes('conf'));
  await rejectsWith(f.store.copyUpIfEmpty('nosuch', src), 404, 'get nosuch: no such volume');
});

test('restart: volumes, labels and options load from disk; crash leftovers are swept', async (t) => {
  const f = await fixture(t);
  const a = await f.store.create({ Name: 'a1', Labels: { x: 'y' } });
  const anon = await f.store.create({});
  const root = path.join(f.dataRoot, 'volumes');
  // What a crash can leave: a half-made volume, a half-removed one, a temp metadata file.
  await fsp.mkdir(path.join(root, '_creating-0123', '_data'), { recursive: true });
  await fsp.mkdir(path.join(root, '_removing-old-01', '_data'), { recursive: true });
  await fsp.writeFile(path.join(root, '_removing-old-01', '_data', 'f'), 'x');
  await fsp.writeFile(path.join(root, 'a1', 'volume.json.tmp-abcdef'), '{');
  // A volume directory from elsewhere, with data but no metadata, is adopted.
  await fsp.mkdir(path.join(root, 'adopted', '_data'), { recursive: true });
  // A directory that is neither is left alone and not listed.
  await fsp.mkdir(path.join(root, 'stray'));

  const s2 = await f.reopen();
  assert.deepEqual(s2.get('a1'), a);
  assert.deepEqual(s2.get(anon.Name), anon);
  assert.ok(s2.isAnonymous(anon.Name));
  assert.equal(s2.get('adopted').Labels, null);
  assert.deepEqual(s2.list().Volumes.map((v) => v.Name).sort(), ['a1', 'adopted', anon.Name].sort());
  assert.deepEqual((await fsp.readdir(root)).sort(), ['a1', 'adopted', anon.Name, 'stray'].sort());
  assert.deepEqual((await fsp.readdir(path.join(root, 'a1'))).sort(), ['_data', 'volume.json']);
  const s3 = await f.reopen();
  assert.deepEqual(s3.get('adopted'), s2.get('adopted'));
});

test('mount/unmount publish Docker\'s events', async (t) => {
  const f = await fixture(t);
  await f.store.create({ Name: 'plain' });
  f.events.length = 0;
  const p = await f.store.mount('plain', { containerId: 'c1', destination: '/data', readWrite: false, propagation: 'rprivate' });
  assert.equal(p, f.store.mountpoint('plain'));
  await f.store.unmount('plain', 'c1');
  assert.deepEqual(
    f.events.map((e) => [e.Action, e.Actor.ID, e.Actor.Attributes]),
    [
      ['mount', 'plain', { driver: 'local', container: 'c1', destination: '/data', 'read/write': 'false', propagation: 'rprivate' }],
      ['unmount', 'plain', { driver: 'local', container: 'c1' }],
    ],
  );
  await rejectsWith(f.store.mount('nosuch', { containerId: 'c1' }), 404, 'get nosuch: no such volume');
});

test('device volumes are mounted while used, once, and unmounted by the last user', { skip: needsRoot('mount tmpfs') }, async (t) => {
  const f = await fixture(t);
  const tmpfs = await f.store.create({ Name: 'tmp', DriverOpts: { type: 'tmpfs', device: 'tmpfs', o: 'size=1m,mode=0700' } });
  assert.deepEqual(tmpfs.Options, { type: 'tmpfs', device: 'tmpfs', o: 'size=1m,mode=0700' });
  await f.store.mount('tmp', { containerId: 'c1' });
  // Best-effort: undoes the mount if an assertion below fails before the test unmounts it.
  t.after(() => f.store.unmount('tmp', 'c1').catch(() => {}));
  assert.ok(await isMountPoint(tmpfs.Mountpoint));
  assert.equal((await fsp.stat(tmpfs.Mountpoint)).mode & 0o777, 0o700);
  await f.store.mount('tmp', { containerId: 'c2' });
  await rejectsWith(f.store.remove('tmp'), 409, 'remove tmp: volume is in use - [c1, c2]');
  await f.store.unmount('tmp', 'c1');
  assert.ok(await isMountPoint(tmpfs.Mountpoint));
  await f.store.unmount('tmp', 'c2');
  assert.equal(await isMountPoint(tmpfs.Mountpoint), false);

  // Copy-up into a device volume mounts it for the copy only.
  const src = path.join(f.dataRoot, 'src');
  await fsp.mkdir(src);
  await fsp.writeFile(path.join(src, 'f'), 'x');
  assert.equal(await f.store.copyUpIfEmpty('tmp', src), true);
  assert.equal(await isMountPoint(tmpfs.Mountpoint), false);
  assert.deepEqual(await fsp.readdir(tmpfs.Mountpoint), []);

  // After a restart a still-mounted device volume is known as mounted; restoreMount re-holds it.
  await f.store.mount('tmp', { containerId: 'c3' });
  const s2 = await f.reopen();
  await s2.restoreMount('tmp', 'c3');
  await rejectsWith(s2.remove('tmp'), 409, 'remove tmp: volume is in use - [c3]');
  await s2.unmount('tmp', 'c3');
  assert.equal(await isMountPoint(tmpfs.Mountpoint), false);
  await s2.remove('tmp');

  // A failing mount reports Docker's wording and leaves nothing mounted.
  await s2.create({ Name: 'badmount', DriverOpts: { type: 'ext4', device: '/dev/berth-none' } });
  await assert.rejects(s2.mount('badmount', { containerId: 'c1' }), /error while mounting volume '.*badmount\/_data': failed to mount local volume/);
  assert.equal(await isMountPoint(s2.mountpoint('badmount')), false);
});

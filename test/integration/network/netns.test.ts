// Network namespaces made through libc on berthd's own thread, and links taken down through sysfs:
// against the real kernel, in namespaces and veths these tests make and remove.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { createNetns, removeNetns } from '../../../src/engine/network/netns.js';
import { setLinkDown } from '../../../src/engine/network/links.js';
import { run } from '../../../src/engine/network/run.js';

const isMounted = (file: string) => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => l.split(' ')[4] === file);

test('createNetns: a mounted namespace with lo up, and the calling thread back where it was', async (t) => {
  const dir = mkdtempSync('/tmp/bt-netns-');
  t.after(async () => {
    await run('umount', [`${dir}/a`]);
    await run('umount', [`${dir}/b`]);
    rmSync(dir, { recursive: true, force: true });
  });
  const home = readlinkSync('/proc/thread-self/ns/net');
  const a = await createNetns(dir, 'a');
  const b = await createNetns(dir, 'b');
  assert.equal(readlinkSync('/proc/thread-self/ns/net'), home, 'the thread returned to its own namespace');
  assert.ok(isMounted(a) && isMounted(b));

  const links = await run('nsenter', [`--net=${a}`, 'ip', '-o', 'link', 'show']);
  assert.equal(links.code, 0, links.stderr);
  const lines = links.stdout.trim().split('\n');
  assert.equal(lines.length, 1, 'only lo in a new namespace');
  assert.match(lines[0], /^1: lo: <LOOPBACK,UP,LOWER_UP>/);
  const ping = await run('nsenter', [`--net=${a}`, 'busybox', 'ping', '-c', '1', '-W', '2', '127.0.0.1']);
  assert.equal(ping.code, 0, ping.stdout + ping.stderr);

  // Two namespaces, not one: a veth end moved into a is not seen in b.
  const inode = (f: string) => run('stat', ['-L', '-c', '%i', f]).then((r) => r.stdout.trim());
  assert.notEqual(await inode(a), await inode(b));
  assert.notEqual(await inode(a), await inode('/proc/thread-self/ns/net'));

  await assert.rejects(createNetns(dir, 'a'), /already exists/);

  await removeNetns(a);
  await removeNetns(b);
  assert.ok(!existsSync(a) && !existsSync(b));
  assert.ok(!isMounted(a) && !isMounted(b));
  await removeNetns(a); // again: quiet
});

test('setLinkDown clears IFF_UP as `ip link set down` does, and throws for a missing link', async (t) => {
  const name = `btv${process.pid % 10000}`;
  t.after(() => run('ip', ['link', 'del', name]));
  const add = await run('ip', ['link', 'add', name, 'type', 'veth', 'peer', 'name', `${name}p`]);
  assert.equal(add.code, 0, add.stderr);
  await run('ip', ['link', 'set', name, 'up']);
  const flags = () => Number.parseInt(readFileSync(`/sys/class/net/${name}/flags`, 'latin1'), 16);
  assert.equal(flags() & 1, 1);
  await setLinkDown(name);
  assert.equal(flags() & 1, 0);
  const shown = await run('ip', ['-o', 'link', 'show', name]);
  assert.doesNotMatch(shown.stdout, /[<,]UP[,>]/);
  await setLinkDown(name); // already down: no change, no error
  await assert.rejects(setLinkDown('btnosuchlink0'));
});

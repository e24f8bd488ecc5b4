// berthd where /sys is read-only, as inside a container: sysfs writes fail with EROFS there and
// berthd takes links down through `ip` (netlink) instead. Both paths of setLinkDown on a real veth
// pair, then a whole daemon started in a mount namespace with /sys read-only: a container on the
// default bridge with a published port runs, stops and is removed, and its veth and iptables
// rules go with it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { integrationSkipReason, readOnlySysWrapper, startDaemon, type Daemon } from '../harness.js';
import { runCommand } from '../support/proc.js';
import { ok } from '../support/assert.js';
import { IFF_UP, setLinkDown } from '../../../src/engine/network/links.js';
import { cleanupWithNetworks, netState } from './docker-support.js';

const LINKS_MODULE = fileURLToPath(new URL('../../../src/engine/network/links.js', import.meta.url));

const isUp = (name: string) => (Number.parseInt(readFileSync(`/sys/class/net/${name}/flags`, 'latin1'), 16) & IFF_UP) !== 0;

/** A veth pair with both ends up, deleted after the test (deleting one end takes both). */
async function vethPair(t: { after(fn: () => Promise<unknown>): void }): Promise<string> {
  const name = `btro${randomBytes(3).toString('hex')}`;
  const r = await runCommand('ip', ['-batch', '-'], { input: `link add ${name} type veth peer name ${name}p\nlink set ${name} up\nlink set ${name}p up\n` });
  assert.equal(r.code, 0, r.stderr);
  t.after(() => runCommand('ip', ['link', 'del', name]));
  assert.ok(isUp(name));
  return name;
}

describe('read-only /sys', { skip: integrationSkipReason() }, () => {
  it('setLinkDown clears IFF_UP through sysfs where /sys is writable', async (t) => {
    const name = await vethPair(t);
    await setLinkDown(name);
    assert.equal(isUp(name), false);
  });

  it('setLinkDown falls back to ip where /sys is read-only', async (t) => {
    const name = await vethPair(t);
    // The same function in a process whose /sys is read-only; it first proves the sysfs write
    // really fails there, so the link can only have gone down by the fallback.
    const script = [
      `import { writeFileSync } from 'node:fs';`,
      `import { setLinkDown } from ${JSON.stringify(LINKS_MODULE)};`,
      `const name = process.argv[1];`,
      `try { writeFileSync('/sys/class/net/' + name + '/flags', '0x1002'); console.log('sysfs-writable'); } catch (e) { console.log(e.code); }`,
      `await setLinkDown(name);`,
    ].join('\n');
    const r = await runCommand('unshare', readOnlySysWrapper([process.execPath, '--input-type=module', '-e', script, name]).slice(1), { timeoutMs: 20_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'EROFS');
    assert.equal(isUp(name), false);
  });

  describe('berthd with /sys read-only', () => {
    let d: Daemon;
    before(async () => {
      d = await startDaemon({ name: 'rosys', wrap: readOnlySysWrapper });
    });
    after(() => cleanupWithNetworks(d));

    it('berthd really sees /sys read-only', () => {
      const mounts = readFileSync(`/proc/${d.process!.pid}/mountinfo`, 'utf8').split('\n');
      const sys = mounts.find((l) => l.split(' ')[4] === '/sys');
      assert.ok(sys, 'no /sys mount in berthd\'s namespace');
      assert.match(sys.split(' ')[5], /(^|,)ro(,|$)/, sys);
    });

    it('a container on the bridge runs, stops and is removed; its veth and rules go', async () => {
      const baseline = await netState(d);
      ok(await d.docker(['run', '-d', '--name', 'ro-web', '-p', '127.0.0.1::80', 'busybox', 'sleep', '300']));
      const running = await netState(d);
      assert.equal(running.veths.length, baseline.veths.length + 1, 'the container has a veth on the bridge');
      assert.ok(running.rules.length > baseline.rules.length, 'the published port has iptables rules');
      assert.equal(ok(await d.docker(['stop', '-t', '0', 'ro-web'])), 'ro-web');
      assert.equal(ok(await d.docker(['rm', 'ro-web'])), 'ro-web');
      // netState waits (bounded) for unplugged veths to be destroyed by the kernel.
      assert.deepEqual(await netState(d), baseline);
      assert.doesNotMatch(d.log(), /EROFS/);
    });
  });
});

// Leak check: 200 `docker run --rm` cycles (four at a time, half on the default bridge, half on a
// user network with a published port) leave exactly the baseline behind: no veths on the
// daemon's bridges, no iptables rules of its prefix beyond the baseline, no sandbox records, no
// netns files, and every address back in the pool.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { integrationSkipReason, startDaemon, type Daemon } from '../harness.js';
import { describeResult } from '../support/proc.js';
import { ok } from '../support/assert.js';
import { cleanupWithNetworks, netState, unclaimedPoolNetns } from './docker-support.js';

const CYCLES = Number(process.env.BERTH_NET_LEAK_CYCLES ?? 200);
const PARALLEL = 4;

describe('network leak check', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon({ name: 'nleak' });
    ok(await d.docker(['network', 'create', '--subnet', '10.251.0.0/24', 'churn']));
  });
  after(() => cleanupWithNetworks(d));

  it(`${CYCLES} docker run --rm cycles leave nothing behind`, { timeout: 15 * 60_000 }, async () => {
    // One warm-up run per kind, so lazily made chains and jumps are part of the baseline.
    ok(await d.docker(['run', '--rm', 'busybox', 'true']));
    ok(await d.docker(['run', '--rm', '--network', 'churn', '-p', '80', 'busybox', 'true']));
    const baseline = await netState(d);
    assert.deepEqual(baseline.veths, []);
    assert.deepEqual(baseline.sandboxes, []);
    assert.deepEqual(baseline.netns, []);

    let next = 0;
    const failures: string[] = [];
    const worker = async () => {
      while (next < CYCLES) {
        const i = next++;
        const args = i % 2 === 0 ? ['run', '--rm', 'busybox', 'true'] : ['run', '--rm', '--network', 'churn', '-p', '80', 'busybox', 'true'];
        const r = await d.docker(args, { timeoutMs: 60_000 });
        if (r.code !== 0) failures.push(`#${i}: ${describeResult(r)}`);
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    assert.deepEqual(failures, []);
    assert.equal(ok(await d.docker(['ps', '-aq'])), '');

    assert.deepEqual(await netState(d), baseline);
    // Beyond the baseline only berthd's pool of ready namespaces (two at most) may be there.
    const pool = await unclaimedPoolNetns(d);
    assert.ok(pool.length <= 2, pool.join(','));
    // Every address went back: the next container gets the first one again.
    const ip = ok(await d.docker(['run', '--rm', '--network', 'churn', 'busybox', 'sh', '-c', "ip -4 -o addr show eth0 | awk '{print $4}'"]));
    assert.equal(ip, '10.251.0.2/24');
    const net = JSON.parse(ok(await d.docker(['network', 'inspect', 'churn'])))[0];
    assert.deepEqual(net.Containers, {});
  });
});

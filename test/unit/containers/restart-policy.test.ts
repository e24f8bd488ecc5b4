// The restart policy's rules (dockerd's restartmanager): which exits restart, and the back-off.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nextBackoff, policyWantsRestart, startsAtBoot } from '../../../src/engine/containers/restart-policy.js';
import type { ContainerRecord } from '../../../src/engine/containers/types.js';
import { ZERO_TIME } from '../../../src/engine/containers/types.js';

describe('restart policy', () => {
  it('no never restarts; always on any exit, hand stop or not', () => {
    for (const code of [0, 1, 137]) {
      assert.equal(policyWantsRestart({ Name: 'no' }, code, false, 0), false);
      assert.equal(policyWantsRestart(undefined, code, false, 0), false);
      assert.equal(policyWantsRestart({ Name: 'always' }, code, false, 5), true);
      assert.equal(policyWantsRestart({ Name: 'always' }, code, true, 5), true);
    }
  });
  it('unless-stopped: any exit, but not after a hand stop', () => {
    assert.equal(policyWantsRestart({ Name: 'unless-stopped' }, 0, false, 0), true);
    assert.equal(policyWantsRestart({ Name: 'unless-stopped' }, 3, false, 9), true);
    assert.equal(policyWantsRestart({ Name: 'unless-stopped' }, 3, true, 0), false);
  });
  it('on-failure[:N]: non-zero exits only, fewer than N restarts (0: no limit)', () => {
    assert.equal(policyWantsRestart({ Name: 'on-failure' }, 0, false, 0), false);
    assert.equal(policyWantsRestart({ Name: 'on-failure' }, 1, false, 100), true);
    assert.equal(policyWantsRestart({ Name: 'on-failure', MaximumRetryCount: 2 }, 1, false, 1), true);
    assert.equal(policyWantsRestart({ Name: 'on-failure', MaximumRetryCount: 2 }, 1, false, 2), false);
  });
  it('back-off: 100 ms doubling to a minute, back to 100 ms after a 10 s run', () => {
    const seq: number[] = [];
    let t = 0;
    for (let i = 0; i < 12; i++) seq.push((t = nextBackoff(t, 50)));
    assert.deepEqual(seq, [100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600, 51200, 60000, 60000]);
    assert.equal(nextBackoff(60000, 10_000), 100);
    assert.equal(nextBackoff(60000, 9_999), 60000);
  });
  it('at berthd start-up: stopped containers that ran, when the policy says so', () => {
    const rec = (name: string, o: { manual?: boolean; code?: number; started?: boolean; running?: boolean } = {}) =>
      ({
        hostConfig: { RestartPolicy: { Name: name } },
        manuallyStopped: !!o.manual,
        restartCount: 0,
        state: { Running: !!o.running, Restarting: false, Dead: false, Status: 'exited', ExitCode: o.code ?? 0, StartedAt: o.started === false ? ZERO_TIME : '2026-01-01T00:00:00Z' },
      }) as unknown as ContainerRecord;
    assert.equal(startsAtBoot(rec('always', { manual: true })), true);
    assert.equal(startsAtBoot(rec('unless-stopped', { manual: true })), false);
    assert.equal(startsAtBoot(rec('unless-stopped')), true);
    assert.equal(startsAtBoot(rec('on-failure', { code: 0 })), false);
    assert.equal(startsAtBoot(rec('on-failure', { code: 2 })), true);
    assert.equal(startsAtBoot(rec('always', { started: false })), false);
    assert.equal(startsAtBoot(rec('always', { running: true })), false);
    assert.equal(startsAtBoot(rec('no')), false);
  });
});

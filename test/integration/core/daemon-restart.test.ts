// Containers outlive berthd: kill -9 the daemon, containers keep running; start it again and
// ps, logs, wait and stop work on them, and those that exited meanwhile show their real code.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { integrationSkipReason, startDaemon, waitFor, type Daemon } from '../harness.js';
import { ok } from '../support/assert.js';
import { run } from '../../../src/engine/network/run.js';

describe('daemon restart with live containers', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  let sleeperPid: number;
  let quickPids: number[];
  before(async () => {
    d = await startDaemon({ name: 'rst' });
  });
  after(() => d?.cleanup());

  const inspect = async (ref: string, fmt: string) => ok(await d.docker(['inspect', '-f', fmt, ref]), `inspect ${ref}`);

  it('runs the containers', async () => {
    ok(await d.docker(['run', '-d', '--name', 'sleeper', 'busybox', 'sh', '-c', 'echo before; sleep 300']));
    ok(await d.docker(['run', '-d', '--name', 'quick', 'busybox', 'sh', '-c', 'echo quick-out; sleep 3; exit 5']));
    ok(await d.docker(['run', '-d', '--name', 'later', 'busybox', 'sh', '-c', 'sleep 300']));
    ok(await d.docker(['run', '-d', '--rm', '--name', 'quickrm', 'busybox', 'sleep', '3']));
    ok(await d.docker(['create', '--name', 'never', 'busybox']));
    sleeperPid = Number(await inspect('sleeper', '{{.State.Pid}}'));
    assert.ok(sleeperPid > 0);
    quickPids = [Number(await inspect('quick', '{{.State.Pid}}')), Number(await inspect('quickrm', '{{.State.Pid}}'))];
    assert.ok(quickPids.every((p) => p > 0));
    await waitFor('sleeper output', async () => (await d.docker(['logs', 'sleeper'])).stdout.includes('before'));
  });

  it('kill -9 of berthd leaves the containers running', async () => {
    await d.kill9();
    assert.ok(existsSync(`/proc/${sleeperPid}`), 'the container process died with the daemon');
    // `quick` and `quickrm` exit (after 3 s) while the daemon is down. With no daemon there is
    // no event to wait on: poll their processes, bounded.
    await waitFor('quick and quickrm to exit', () => quickPids.every((p) => !existsSync(`/proc/${p}`)), 15_000);
    assert.ok(existsSync(`/proc/${sleeperPid}`), 'the container process died while the daemon was down');
  });

  it('after restart, ps shows the running one and the real exit code of the other', async () => {
    await d.restart();
    const running = ok(await d.docker(['ps', '--format', '{{.Names}}'])).split('\n').sort();
    assert.deepEqual(running, ['later', 'sleeper']);
    assert.equal(await inspect('sleeper', '{{.State.Status}}'), 'running');
    assert.equal(await inspect('sleeper', '{{.State.Pid}}'), String(sleeperPid));
    assert.equal(await inspect('quick', '{{.State.Status}}'), 'exited');
    assert.equal(await inspect('quick', '{{.State.ExitCode}}'), '5');
    assert.equal(await inspect('never', '{{.State.Status}}'), 'created');
    assert.match(ok(await d.docker(['ps', '-a', '--filter', 'name=quick$'])), /Exited \(5\)/);
  });

  it('a --rm container that exited while berthd was down is removed, and no runtime state is left', async () => {
    await waitFor('quickrm to be removed', async () => (await d.docker(['inspect', 'quickrm'])).code !== 0);
    const runcList = async () => (await run('runc', ['--root', `${d.execRoot}/runtime/runc`, 'list', '-q'])).stdout.trim().split('\n').filter(Boolean);
    const running = [await inspect('sleeper', '{{.Id}}'), await inspect('later', '{{.Id}}')].sort();
    await waitFor('runc state of exited containers to go', async () => JSON.stringify((await runcList()).sort()) === JSON.stringify(running));
  });

  it('logs, wait and exec work on them', async () => {
    assert.equal(ok(await d.docker(['logs', 'sleeper'])), 'before');
    assert.equal(ok(await d.docker(['logs', 'quick'])), 'quick-out');
    assert.equal(ok(await d.docker(['wait', 'quick'])), '5');
    assert.equal(ok(await d.docker(['exec', 'sleeper', 'echo', 'still here'])), 'still here');
  });

  it('stop works and wait sees it', async () => {
    const waiting = d.docker(['wait', 'sleeper'], { timeoutMs: 20_000 });
    // No sleep to let the wait register first: a wait that arrives after the stop answers the
    // same exit code, so the outcome checked here does not depend on the order.
    assert.equal(ok(await d.docker(['stop', '-t', '1', 'sleeper'])), 'sleeper');
    assert.equal(ok(await waiting), '137');
    await waitFor('the container process to go', () => !existsSync(`/proc/${sleeperPid}`));
  });

  it('a container that exits after the restart is seen too', async () => {
    ok(await d.docker(['kill', '-s', 'KILL', 'later']));
    assert.equal(ok(await d.docker(['wait', 'later'])), '137');
  });

  it('a clean SIGTERM stop also leaves containers running', async () => {
    ok(await d.docker(['run', '-d', '--name', 'survivor', 'busybox', 'sleep', '300']));
    const pid = Number(await inspect('survivor', '{{.State.Pid}}'));
    await d.stop();
    assert.ok(existsSync(`/proc/${pid}`));
    await d.restart();
    assert.equal(await inspect('survivor', '{{.State.Running}}'), 'true');
    ok(await d.docker(['rm', '-f', 'survivor']));
    await waitFor('the process to go', () => !existsSync(`/proc/${pid}`));
  });

  it('new containers run after the restart', async () => {
    assert.equal(ok(await d.docker(['run', '--rm', 'busybox', 'echo', 'fresh'])), 'fresh');
  });
});

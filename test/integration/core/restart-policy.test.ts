// Restart policies through the docker CLI, as dockerd's: on-failure[:N], always, unless-stopped,
// no; `restarting` while in back-off (ps, inspect, rm refused, stop cancels); RestartCount reset by
// a manual start; and what berthd starting again does with each policy. The waits are on state;
// the back-off itself is time, so only the order and count of events are asserted, never durations.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { integrationSkipReason, startDaemon, waitFor, type Daemon } from '../harness.js';
import { fails, ok } from '../support/assert.js';

describe('restart policies', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  const t0 = Math.floor(Date.now() / 1000) - 1;
  before(async () => {
    d = await startDaemon({ name: 'rpol' });
  });
  after(() => d?.cleanup());

  const inspect = async (ref: string, fmt: string) => ok(await d.docker(['inspect', '-f', fmt, ref]), `inspect ${ref}`);
  const actions = async (ref: string) =>
    ok(await d.docker(['events', '--since', String(t0), '--until', String(Math.floor(Date.now() / 1000) + 1), '--filter', 'type=container', '--filter', `container=${ref}`, '--format', '{{.Action}}']))
      .split('\n')
      .filter((a) => a && !a.startsWith('exec_'));

  it('on-failure:2 restarts a failing container twice: die, start, die, start, die; then exited with RestartCount 2', async () => {
    ok(await d.docker(['run', '-d', '--name', 'of', '--restart', 'on-failure:2', 'busybox', 'sh', '-c', 'exit 3']));
    await waitFor('of to give up', async () => (await inspect('of', '{{.State.Status}} {{.RestartCount}}')) === 'exited 2', 20_000);
    assert.equal(await inspect('of', '{{.State.ExitCode}} {{.State.Restarting}} {{.State.Running}}'), '3 false false');
    // dockerd publishes no `restart` event for a policy restart: the exit's die, then start.
    assert.deepEqual(await actions('of'), ['create', 'start', 'die', 'start', 'die', 'start', 'die']);
  });

  it('on-failure leaves a clean exit alone', async () => {
    ok(await d.docker(['run', '-d', '--name', 'ofok', '--restart', 'on-failure', 'busybox', 'true']));
    assert.equal(ok(await d.docker(['wait', 'ofok'])), '0');
    assert.equal(await inspect('ofok', '{{.State.Status}} {{.RestartCount}}'), 'exited 0');
    assert.deepEqual(await actions('ofok'), ['create', 'start', 'die']);
  });

  it('no: never restarted', async () => {
    ok(await d.docker(['run', '-d', '--name', 'nope', '--restart', 'no', 'busybox', 'sh', '-c', 'exit 1']));
    assert.equal(ok(await d.docker(['wait', 'nope'])), '1');
    assert.equal(await inspect('nope', '{{.State.Status}} {{.RestartCount}}'), 'exited 0');
  });

  it('always restarts on any exit; in back-off it is restarting (ps, inspect), rm without force is refused, stop cancels', async () => {
    ok(await d.docker(['run', '-d', '--name', 'flap', '--restart', 'always', 'busybox', 'sh', '-c', 'exit 1']));
    // The back-off doubles from 100 ms; from the 6th restart on it waits 3.2 s and more, long
    // enough for the checks below to see one wait.
    await waitFor(
      'flap to wait in back-off',
      async () => {
        const [restarting, running, status, count] = (await inspect('flap', '{{.State.Restarting}} {{.State.Running}} {{.State.Status}} {{.RestartCount}}')).split(' ');
        return restarting === 'true' && running === 'true' && status === 'restarting' && Number(count) >= 6;
      },
      30_000,
    );
    assert.equal(await inspect('flap', '{{.State.Pid}} {{.State.ExitCode}}'), '0 1');
    const ps = ok(await d.docker(['ps', '--filter', 'name=^/flap$', '--format', '{{.Status}}']));
    assert.match(ps, /^Restarting \(1\) .+ ago$/);
    assert.equal(ok(await d.docker(['ps', '--filter', 'status=restarting', '--format', '{{.Names}}'])), 'flap');
    fails(await d.docker(['rm', 'flap']), 'Error response from daemon: cannot remove container "/flap": container is restarting: stop the container before removing or force remove');
    fails(await d.docker(['exec', 'flap', 'true']), /is restarting, wait until the container is running/);
    // While it waits, the restart is called off by a stop: it stays exited.
    ok(await d.docker(['stop', 'flap']));
    assert.equal(await inspect('flap', '{{.State.Status}} {{.State.Restarting}} {{.State.Running}}'), 'exited false false');
    const count = await inspect('flap', '{{.RestartCount}}');
    const acts = await actions('flap');
    assert.equal(acts.at(-1), 'stop');
    // Every start after the first is a restart that followed a die. RestartCount counts the
    // restart decided at the last die too (as dockerd's), the one the stop called off.
    const body = acts.slice(acts.indexOf('start'), -1);
    assert.deepEqual(body, Array.from({ length: body.length }, (_, i) => (i % 2 ? 'die' : 'start')));
    assert.equal(body.filter((a) => a === 'start').length, Number(count));
  });

  it('a manual start resets RestartCount; a hand stop of a running container is not restarted', async () => {
    // Fails once (RestartCount 1), then runs: the file stays in the container's layer.
    ok(await d.docker(['run', '-d', '--name', 'once', '--restart', 'always', 'busybox', 'sh', '-c', '[ -f /ran ] && exec sleep 300; touch /ran; exit 1']));
    await waitFor('once to run again', async () => (await inspect('once', '{{.State.Status}} {{.RestartCount}}')) === 'running 1', 20_000);
    ok(await d.docker(['stop', '-t', '1', 'once']));
    assert.equal(await inspect('once', '{{.State.Status}} {{.RestartCount}}'), 'exited 1');
    ok(await d.docker(['start', 'once']));
    assert.equal(await inspect('once', '{{.State.Status}} {{.RestartCount}}'), 'running 0');
  });

  it('unless-stopped restarts even a clean exit; docker kill calls it off', async () => {
    ok(await d.docker(['run', '-d', '--name', 'us', '--restart', 'unless-stopped', 'busybox', 'sh', '-c', '[ -f /ran ] && exec sleep 300; touch /ran; exit 0']));
    await waitFor('us to run again', async () => (await inspect('us', '{{.State.Status}} {{.RestartCount}}')) === 'running 1', 20_000);
    ok(await d.docker(['kill', 'us']));
    assert.equal(ok(await d.docker(['wait', 'us'])), '137');
    assert.equal(await inspect('us', '{{.State.Status}} {{.RestartCount}}'), 'exited 1');
  });

  describe('across a berthd restart', () => {
    it('sets the scene: always and unless-stopped stopped by hand, on-failure out of retries, always running', async () => {
      for (const [name, policy] of [
        ['alw', 'always'],
        ['uls', 'unless-stopped'],
        ['non', 'no'],
      ]) {
        ok(await d.docker(['run', '-d', '--name', name, '--restart', policy, 'busybox', 'sh', '-c', 'sleep 300 & echo $! > /pid; wait; exit 5']));
        ok(await d.docker(['stop', '-t', '0', name]));
      }
      ok(await d.docker(['run', '-d', '--name', 'ofx', '--restart', 'on-failure:1', 'busybox', 'sh', '-c', 'exit 4']));
      await waitFor('ofx to give up', async () => (await inspect('ofx', '{{.State.Status}} {{.RestartCount}}')) === 'exited 1', 20_000);
      ok(await d.docker(['run', '-d', '--name', 'live', '--restart', 'always', 'busybox', 'sleep', '300']));
    });

    it('after berthd starts again: always is back with RestartCount 0, unless-stopped, no and spent on-failure stay down, the running one is untouched', async () => {
      const livePid = await inspect('live', '{{.State.Pid}}');
      await d.restart();
      await waitFor('alw to be started', async () => (await inspect('alw', '{{.State.Status}}')) === 'running');
      assert.equal(await inspect('alw', '{{.RestartCount}}'), '0');
      assert.equal(await inspect('uls', '{{.State.Status}}'), 'exited');
      assert.equal(await inspect('non', '{{.State.Status}}'), 'exited');
      assert.equal(await inspect('ofx', '{{.State.Status}} {{.RestartCount}}'), 'exited 1');
      assert.equal(await inspect('live', '{{.State.Status}} {{.State.Pid}}'), `running ${livePid}`);
      // Stopped by hand earlier: always comes back (and fails again), unless-stopped and a spent on-failure do not.
      assert.match(await inspect('flap', '{{.State.Status}}'), /^(running|restarting)$/);
      assert.equal(await inspect('us', '{{.State.Status}}'), 'exited');
      assert.equal(await inspect('of', '{{.State.Status}}'), 'exited');
    });

    it('the restarted always container restarts on exit under the new daemon too', async () => {
      // The shell (PID 1) exits 5 once its sleep is killed.
      // Detached: the container may be gone before an attached exec could read its exit code.
      ok(await d.docker(['exec', '-d', 'alw', 'sh', '-c', 'kill $(cat /pid)']));
      await waitFor('alw to be restarted', async () => (await inspect('alw', '{{.State.Status}} {{.RestartCount}}')) === 'running 1', 20_000);
    });

    it('a container waiting in back-off when berthd stops is started again when it comes back', async () => {
      // flap (always, exit 1) came back at the last start-up and fails on: catch it waiting.
      await waitFor('flap to wait in back-off', async () => (await inspect('flap', '{{.State.Status}} {{.RestartCount}}')).startsWith('restarting '), 30_000);
      const before = await inspect('flap', '{{.State.StartedAt}}');
      await d.restart();
      await waitFor('flap to be started again', async () => (await inspect('flap', '{{.State.StartedAt}}')) !== before, 20_000);
      assert.match(await inspect('flap', '{{.State.Status}}'), /^(running|restarting)$/);
      ok(await d.docker(['rm', '-f', 'flap']));
    });
  });
});

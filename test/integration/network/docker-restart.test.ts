// Restarting berthd (SIGTERM, and SIGKILL as a crash) while containers run keeps their
// addresses, published ports and names, and the host state (veths, rules, records, netns) is
// the same as before; containers that exit later are still torn down completely.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { integrationSkipReason, startDaemon, waitFor, type Daemon } from '../harness.js';
import { ok } from '../support/assert.js';
import { cleanupWithNetworks, daemonFlag, freeHostPort, httpGetEventually, iptablesRulesOf, netState, sh, startWeb, unclaimedPoolNetns } from './docker-support.js';

describe('berthd restart keeps container networking', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  let port = 0;
  let webIp = '';
  before(async () => {
    d = await startDaemon({ name: 'nrst' });
    ok(await d.docker(['network', 'create', '--subnet', '10.241.0.0/24', 'persist']));
    port = await freeHostPort();
    await startWeb(d, 'web', ['--network', 'persist', '--network-alias', 'www', '-p', `${port}:80`]);
    ok(await d.docker(['run', '-d', '--name', 'client', '--network', 'persist', 'busybox', 'sleep', '300']));
    webIp = ok(await d.docker(['inspect', '-f', '{{.NetworkSettings.Networks.persist.IPAddress}}', 'web']));
    await httpGetEventually(port);
  });
  after(() => cleanupWithNetworks(d));

  const checkAllStillWorks = async () => {
    assert.equal(ok(await d.docker(['inspect', '-f', '{{.NetworkSettings.Networks.persist.IPAddress}}', 'web'])), webIp);
    assert.equal(ok(await d.docker(['port', 'web', '80'])), `0.0.0.0:${port}\n[::]:${port}`);
    assert.equal((await httpGetEventually(port)).body, 'hello from web\n');
    assert.equal((await httpGetEventually(port, '::1')).body, 'hello from web\n');
    // The embedded DNS answers again, for running containers and new ones.
    const fromClient = ok(await d.docker(['exec', 'client', 'sh', '-c', 'ping -c1 -W2 www >/dev/null && echo ok']));
    assert.equal(fromClient, 'ok');
    assert.equal(ok(await sh(d, ['--network', 'persist'], 'wget -qO- http://web/')), 'hello from web');
  };

  it('SIGTERM and start: addresses, ports, DNS and host state unchanged', async () => {
    const beforeState = await netState(d);
    await d.restart();
    await checkAllStillWorks();
    assert.deepEqual(await netState(d), beforeState);
  });

  it('SIGKILL (crash) and start: the same', async () => {
    const beforeState = await netState(d);
    await d.kill9();
    await d.restart();
    await checkAllStillWorks();
    assert.deepEqual(await netState(d), beforeState);
    // The dead daemon's pool of ready namespaces was swept, not added to.
    const pool = await unclaimedPoolNetns(d);
    assert.ok(pool.length <= 2, pool.join(','));
  });

  it('a container that exited while berthd was down is torn down at start-up', async () => {
    const prefix = daemonFlag(d, '--iptables-prefix');
    const cid = ok(await d.docker(['inspect', '-f', '{{.Id}}', 'web']));
    const pid = Number(ok(await d.docker(['inspect', '-f', '{{.State.Pid}}', 'web'])));
    assert.ok(pid > 0);
    await d.stop();
    // The web server dies behind berthd's back; its conmon records the exit for the next start.
    process.kill(pid, 'SIGKILL');
    // berthd is down, so no event tells of the exit: poll the process, bounded.
    await waitFor('the killed web server to go', () => !existsSync(`/proc/${pid}`));
    await d.restart();
    assert.equal(ok(await d.docker(['inspect', '-f', '{{.State.Running}}', 'web'])), 'false');
    assert.ok(!(await iptablesRulesOf(prefix)).some((l) => l.includes(`--dport ${port} `)));
    const st = await netState(d);
    assert.ok(!st.sandboxes.some((f) => f.startsWith(cid)), st.sandboxes.join(','));
    assert.ok(!st.netns.includes(cid), st.netns.join(','));
    // Its address is free again: a new container may take it.
    ok(await d.docker(['run', '--rm', '--network', 'persist', '--ip', webIp, 'busybox', 'true']));
  });
});

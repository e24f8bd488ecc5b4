// An uncaught exception inside berthd: it logs the error and exits non-zero instead of running on
// in a state nobody reasoned about; the containers keep running, and the next start recovers them.
// The exception is injected from outside the product: node's --import preloads a module that
// throws from a timer when berthd receives SIGUSR2.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { integrationSkipReason, startDaemon, waitFor, type Daemon } from '../harness.js';
import { ok } from '../support/assert.js';

const CRASH_ON_SIGUSR2 = `data:text/javascript,process.on('SIGUSR2', () => setImmediate(() => { throw new Error('injected crash'); }));`;

describe('berthd on an uncaught exception', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon({ name: 'crash', defaultNetwork: 'none', wrap: ([node, ...args]) => [node!, '--import', CRASH_ON_SIGUSR2, ...args] });
  });
  after(() => d?.cleanup());

  it('logs it and exits non-zero; containers keep running and a restart recovers them', async () => {
    ok(await d.docker(['run', '-d', '--name', 'survivor', 'busybox', 'sleep', '300']));
    const pid = Number(ok(await d.docker(['inspect', '-f', '{{.State.Pid}}', 'survivor'])));
    assert.ok(pid > 0);

    const berthd = d.process!;
    const exited = new Promise<number | null>((resolve) => berthd.once('exit', (code) => resolve(code)));
    berthd.kill('SIGUSR2');
    assert.equal(await exited, 70, `berthd's exit status; log:\n${d.log()}`);
    assert.match(d.log(), /uncaught exception, exiting .*Error: injected crash/);
    assert.ok(existsSync(`/proc/${pid}`), 'the container died with berthd');

    await d.restart();
    assert.equal(ok(await d.docker(['inspect', '-f', '{{.State.Status}} {{.State.Pid}}', 'survivor'])), `running ${pid}`);
    ok(await d.docker(['stop', '-t', '1', 'survivor']));
    await waitFor('the container process to go', () => !existsSync(`/proc/${pid}`));
  });
});

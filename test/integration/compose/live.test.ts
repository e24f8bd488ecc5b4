// The compose live view on a real terminal: tmux holds `berth compose up` (and `compose top`)
// against a test berthd; the test reads the screen with capture-pane and types with send-keys.
// Rows come up running and healthy; a container stopped and started with the docker CLI changes
// its row; the r key restarts a service and its restart count moves; s opens a shell in the
// container and the view comes back after it; q stops the project; down leaves nothing.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { promises as fsp } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { BERTH_BIN, REPO_ROOT, integrationSkipReason, shellQuote, startDaemon, waitFor, type Daemon } from '../harness.js';
import { runCommand } from '../support/proc.js';
import { ok } from '../support/assert.js';
import { cleanupWithNetworks } from '../network/docker-support.js';

const haveTmux = (() => {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const skip = integrationSkipReason() ?? (haveTmux ? false : 'tmux is not installed');
const P = 'clive';

describe('berth compose live view under tmux', { skip }, () => {
  let d: Daemon;
  let dir: string;
  // A tmux server of this test's own (-L), so nothing of the user's is touched.
  const server = `berth-live-${process.pid}`;
  const tmux = (args: string[]) => runCommand('tmux', ['-L', server, ...args], { timeoutMs: 10_000 });
  const screen = async (session: string) => ok(await tmux(['capture-pane', '-p', '-t', session]));
  const keys = async (session: string, ...k: string[]) => ok(await tmux(['send-keys', '-t', session, ...k]));
  /** Waits until the screen matches; on time-out the error shows the screen. */
  const see = async (session: string, expect: RegExp, ms = 30_000) => {
    await waitFor(`${expect} on the ${session} screen`, async () => expect.test(await screen(session)), ms, 200).catch(async (e: Error) => {
      throw new Error(`${e.message}\n--- screen ---\n${await screen(session).catch(() => '(gone)')}`);
    });
  };
  /** A shell command line running berth with the daemon's client environment, in the project directory. */
  const berthLine = (args: string) => `env ${Object.entries(d.env).map(([k, v]) => `${k}=${shellQuote(v)}`).join(' ')} ${shellQuote(BERTH_BIN)} compose -p ${P} ${args}`;
  const running = async () => ok(await d.docker(['ps', '-q', '--filter', `label=com.docker.compose.project=${P}`])).split('\n').filter(Boolean);

  before(async () => {
    d = await startDaemon({ name: 'clive' });
    dir = await fsp.mkdtemp('/tmp/berth-clive-');
    await fsp.cp(path.join(REPO_ROOT, 'test', 'fixtures', 'compose', 'live'), dir, { recursive: true });
  });
  after(async () => {
    await tmux(['kill-server']);
    if (d) await d.berth(['compose', '-p', P, 'down', '-t', '1'], { cwd: dir, timeoutMs: 60_000 }).catch(() => undefined);
    await cleanupWithNetworks(d);
    if (dir) await fsp.rm(dir, { recursive: true, force: true });
  });

  it('up: live rows, docker CLI changes, r restarts, s opens a shell, q stops the project', async () => {
    // The pane outlives berth, so its exit status can be read off the screen.
    ok(await tmux(['new-session', '-d', '-s', 'up', '-x', '150', '-y', '30', '-c', dir, `${berthLine('up')}; echo "berth exited $?"; sleep 600`]));
    await see('up', /db-1\s+running\s+healthy\s+0\b/);
    await see('up', /web-1\s+running\s+-\s+0\s+80\/tcp/);
    await see('up', /worker-1\s+running/);
    await see('up', /web-1 \| tick \d+/);
    assert.match(await screen('up'), /berth compose up · clive · 3\/3 running/);
    // A resized window gets a frame of its new width (the rule spans it exactly).
    ok(await tmux(['resize-window', '-t', 'up', '-x', '110', '-y', '28']));
    await waitFor('a 110-column frame', async () => (await screen('up')).split('\n').some((l) => /^── logs: all services ─+$/.test(l) && [...l].length === 110), 15_000, 200);

    // Changes made by another client show up from the event stream.
    ok(await d.docker(['stop', '-t', '1', `${P}-worker-1`]));
    await see('up', /worker-1\s+exited \(\d+\)/);
    await see('up', /2\/3 running/);
    ok(await d.docker(['start', `${P}-worker-1`]));
    await see('up', /worker-1\s+running/);

    // r on the selected row (db, web, worker in file order: one down is web).
    await keys('up', 'Down');
    await keys('up', 'r');
    await see('up', /web-1\s+running\s+-\s+1\s/);
    await see('up', /db-1\s+running\s+healthy\s+0\b/);

    // f filters the logs to a service.
    await keys('up', 'f');
    await see('up', /logs: db /);
    await keys('up', 'a');
    await see('up', /logs: all services/);

    // s opens sh in web-1; exiting it brings the view back.
    await keys('up', 's');
    await see('up', /\/ #/);
    await keys('up', 'echo in-shell-$((40+2)) $HOSTNAME', 'Enter');
    await see('up', /in-shell-42/);
    await keys('up', 'exit', 'Enter');
    await see('up', /SERVICE\s+STATE\s+HEALTH/);

    // compose top in a second terminal shows the same project, and q leaves it running.
    ok(await tmux(['new-session', '-d', '-s', 'top', '-x', '120', '-y', '24', '-c', dir, `${berthLine('top')}; echo "top exited $?"; sleep 600`]));
    await see('top', /berth compose top · clive · 3\/3 running/);
    await keys('top', 'q');
    await see('top', /top exited 0/);
    assert.equal((await running()).length, 3, 'quitting top leaves the project running');
    const plain = ok(await d.berth(['compose', '-p', P, 'top'], { cwd: dir }));
    assert.match(plain, new RegExp(`^${P}-db-1\\n.*PID`, 'm'), 'not on a terminal: the process tables');

    // q stops the project, as Ctrl+C does for attached up.
    await keys('up', 'q');
    await see('up', /berth exited 0/, 60_000);
    assert.deepEqual(await running(), [], 'nothing runs after q');
    ok(await d.berth(['compose', '-p', P, 'down', '-t', '1'], { cwd: dir, timeoutMs: 60_000 }));
    assert.deepEqual(ok(await d.docker(['ps', '-aq', '--filter', `label=com.docker.compose.project=${P}`])), '');
  });
});

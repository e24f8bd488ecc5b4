// The docker CLI on a real terminal that changes size: tmux holds `docker run -it` and
// `docker exec -it`, its window is resized, and the shell inside sees the new size (the CLI sends
// POST /containers/{id}/resize and /exec/{id}/resize on SIGWINCH; berthd passes it to the pty).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { integrationSkipReason, shellQuote, startDaemon, waitFor, type Daemon } from '../harness.js';
import { runCommand } from '../support/proc.js';
import { ok } from '../support/assert.js';

const haveTmux = (() => {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const skip = integrationSkipReason() ?? (haveTmux ? false : 'tmux is not installed');

describe('docker -it on a terminal that is resized (tmux)', { skip }, () => {
  let d: Daemon;
  // A tmux server of this test's own (-L), so nothing of the user's is touched.
  const server = `berth-tty-${process.pid}`;
  const tmux = (args: string[]) => runCommand('tmux', ['-L', server, ...args], { timeoutMs: 10_000 });
  const screen = async (session: string) => ok(await tmux(['capture-pane', '-p', '-t', session]));
  /**
   * Types `line` until the screen shows what `expect` matches: the CLI sends the new size when
   * SIGWINCH reaches it, which may be after a command typed at once has already run.
   */
  const typeAndSee = async (session: string, line: string, expect: RegExp) => {
    await waitFor(
      `${expect} on the ${session} screen`,
      async () => {
        if (expect.test(await screen(session))) return true;
        ok(await tmux(['send-keys', '-t', session, 'clear; ' + line, 'Enter']));
        return false;
      },
      15_000,
      500,
    ).catch(async (e: Error) => {
      throw new Error(`${e.message}\n--- screen ---\n${await screen(session)}`);
    });
  };
  const clientEnv = () => Object.entries(d.env).map(([k, v]) => `${k}=${shellQuote(v)}`).join(' ');

  before(async () => {
    d = await startDaemon({ name: 'tty' });
  });
  after(async () => {
    await tmux(['kill-server']);
    await d?.cleanup();
  });

  it('run -it: stty size follows the window, at start and after resizes', async () => {
    ok(await tmux(['new-session', '-d', '-s', 'run', '-x', '80', '-y', '24', `env ${clientEnv()} docker run -it --rm --name ttyrun --network none busybox sh`]));
    await waitFor('the shell prompt', async () => /\/ #/.test(await screen('run')), 20_000);
    await typeAndSee('run', 'echo size=$(stty size)', /size=24 80/);
    ok(await tmux(['resize-window', '-t', 'run', '-x', '100', '-y', '30']));
    await typeAndSee('run', 'echo size=$(stty size)', /size=30 100/);
    ok(await tmux(['resize-window', '-t', 'run', '-x', '60', '-y', '20']));
    await typeAndSee('run', 'echo size=$(stty size)', /size=20 60/);
  });

  it('exec -it: the exec terminal follows the window too', async () => {
    ok(await d.docker(['run', '-d', '--name', 'ttyhost', '--network', 'none', 'busybox', 'sleep', '300']));
    ok(await tmux(['new-session', '-d', '-s', 'exec', '-x', '90', '-y', '25', `env ${clientEnv()} docker exec -it ttyhost sh`]));
    await waitFor('the exec prompt', async () => /\/ #/.test(await screen('exec')), 20_000);
    await typeAndSee('exec', 'echo size=$(stty size)', /size=25 90/);
    ok(await tmux(['resize-window', '-t', 'exec', '-x', '120', '-y', '40']));
    await typeAndSee('exec', 'echo size=$(stty size)', /size=40 120/);
    ok(await tmux(['send-keys', '-t', 'exec', 'exit', 'Enter']));
    // The exec ended with the shell: the container runs on, with no exec left in inspect.
    await waitFor('the exec to end', async () => JSON.parse(ok(await d.docker(['inspect', '-f', '{{json .ExecIDs}}', 'ttyhost']))) === null);
    assert.equal(ok(await d.docker(['inspect', '-f', '{{.State.Running}}', 'ttyhost'])), 'true');
  });
});

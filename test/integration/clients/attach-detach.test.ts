// Attach and detach through dockerode (the Node SDK), which leaves the detach keys to the daemon:
// dockerd publishes `attach` when a client attaches and `detach` when its own scan of a TTY's
// stdin meets the keys; the stream ends and the container runs on. Without a TTY the keys are
// ordinary input.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Duplex } from 'node:stream';
import Docker from 'dockerode';
import { integrationSkipReason, startDaemon, type Daemon } from '../harness.js';
import { watchEvent } from '../support/events.js';

/** Resolves when `text` has come out of the stream (everything seen so far, as a string). */
function waitForText(stream: Duplex, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no ${JSON.stringify(text)} in ${JSON.stringify(seen)}`)), 15_000);
    const onData = (c: Buffer) => {
      seen += c.toString('latin1');
      if (!seen.includes(text)) return;
      clearTimeout(timer);
      stream.off('data', onData);
      resolve();
    };
    stream.on('data', onData);
  });
}

describe('attach and detach through dockerode', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  let sdk: Docker;
  before(async () => {
    d = await startDaemon({ name: 'attdet', defaultNetwork: 'none' });
    sdk = new Docker({ socketPath: d.sock });
  });
  after(() => d?.cleanup());

  it('ctrl-p ctrl-q on a TTY ends the stream with a detach event; the container runs on', async () => {
    const c = await sdk.createContainer({ Image: 'busybox', Cmd: ['sh'], Tty: true, OpenStdin: true, name: 'tty1', HostConfig: { NetworkMode: 'none' } });
    try {
      await c.start();
      const attached = await watchEvent(d.sock, { container: [c.id], event: ['attach'] });
      const detached = await watchEvent(d.sock, { container: [c.id], event: ['detach'] });
      const stream = (await c.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true })) as Duplex;
      const ended = new Promise<void>((resolve) => stream.once('end', resolve).once('close', resolve));
      stream.resume();
      assert.equal((await attached.next).Action, 'attach');
      const echoed = waitForText(stream, 'up-42');
      stream.write('echo up-$((6*7))\n');
      await echoed;
      // One key per write, as a terminal sends them.
      await new Promise<void>((resolve) => stream.write('\x10', () => resolve()));
      stream.write('\x11');
      const ev = await detached.next;
      assert.deepEqual([ev.Type, ev.Action, ev.Actor.ID, ev.Actor.Attributes.name], ['container', 'detach', c.id, 'tty1']);
      await ended;
      assert.equal((await c.inspect()).State.Running, true);
    } finally {
      await c.remove({ force: true });
    }
  });

  it('without a TTY the keys are input: the process reads them and no detach happens', async () => {
    const c = await sdk.createContainer({ Image: 'busybox', Cmd: ['od', '-An', '-tx1'], OpenStdin: true, StdinOnce: true, AttachStdin: true, AttachStdout: true, name: 'notty', HostConfig: { NetworkMode: 'none' } });
    try {
      const stream = (await c.attach({ stream: true, stdin: true, stdout: true, hijack: true })) as Duplex;
      const chunks: Buffer[] = [];
      stream.on('data', (b: Buffer) => chunks.push(b));
      const ended = new Promise<void>((resolve) => stream.once('end', resolve).once('close', resolve));
      await c.start();
      await new Promise<void>((resolve) => stream.write(Buffer.from([0x61, 0x10]), () => resolve()));
      stream.end(Buffer.from([0x11, 0x62]));
      assert.equal((await c.wait()).StatusCode, 0);
      await ended;
      // Multiplexed frames: the payload follows each 8-byte header.
      const all = Buffer.concat(chunks);
      let text = '';
      for (let i = 0; i + 8 <= all.length; ) {
        const n = all.readUInt32BE(i + 4);
        text += all.subarray(i + 8, i + 8 + n).toString();
        i += 8 + n;
      }
      assert.match(text, /61 10 11 62/);
    } finally {
      await c.remove({ force: true });
    }
  });
});

// `docker run` and its flags against berthd, checking what actually happens inside the container.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp, readdirSync, readlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { integrationSkipReason, startDaemon, waitFor, type Daemon } from '../harness.js';
import { exits, fails, ok, ID64 } from '../support/assert.js';
import { watchEvent } from '../support/events.js';

/** Bits of /proc/<pid>/status CapEff, as a bigint. */
function capEff(statusText: string): bigint {
  const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(statusText);
  assert.ok(m, `no CapEff in ${statusText}`);
  return BigInt('0x' + m[1]);
}
const CAP_CHOWN = 0n;
const CAP_NET_ADMIN = 12n;
const CAP_SYS_ADMIN = 21n;
const hasCap = (eff: bigint, bit: bigint) => ((eff >> bit) & 1n) === 1n;

describe('docker run', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon({ name: 'run' });
  });
  after(() => d?.cleanup());

  const run = (args: string[], opts?: Parameters<Daemon['docker']>[1]) => d.docker(['run', '--rm', ...args], opts);

  describe('output and exit codes', () => {
    it('prints the command output', async () => {
      const r = await run(['busybox', 'echo', 'hello']);
      assert.equal(ok(r), 'hello');
      assert.equal(r.stderr, '');
    });

    it('passes the container exit code through', async () => {
      exits(await run(['busybox', 'sh', '-c', 'exit 7']), 7);
    });

    it('keeps stdout and stderr apart', async () => {
      const r = await run(['busybox', 'sh', '-c', 'echo out; echo err >&2']);
      assert.equal(ok(r), 'out');
      assert.equal(r.stderr, 'err\n');
    });

    it('exits 125 on an unknown flag', async () => {
      exits(await d.docker(['run', '--no-such-flag', 'busybox', 'true']), 125);
    });

    it('exits 125 when the daemon refuses (image not there, no pull)', async () => {
      const r = exits(await d.docker(['run', '--rm', '--pull', 'never', 'nosuchimage:latest', 'true']), 125);
      assert.match(r.stderr, /No such image: nosuchimage:latest/);
    });

    it('exits 127 for a command that does not exist', async () => {
      const r = exits(await run(['busybox', 'nosuchcmd']), 127);
      assert.match(r.stderr, /nosuchcmd/);
    });

    it('exits 126 for a file that is not executable', async () => {
      exits(await run(['busybox', '/etc/passwd']), 126);
    });

    it('leaves no container behind with --rm', async () => {
      await run(['--name', 'gone', 'busybox', 'true']);
      const ps = ok(await d.docker(['ps', '-a', '--format', '{{.Names}}']));
      assert.ok(!ps.split('\n').includes('gone'), ps);
    });
  });

  describe('detached', () => {
    it('-d prints the ID and logs hold the output', async () => {
      const id = ok(await d.docker(['run', '-d', 'busybox', 'sh', '-c', 'echo started; sleep 300']));
      assert.match(id, ID64);
      const logs = await waitFor('the log line', async () => {
        const r = await d.docker(['logs', id]);
        return r.stdout.includes('started') ? r : undefined;
      });
      assert.equal(logs.stdout, 'started\n');
      assert.equal(ok(await d.docker(['inspect', '-f', '{{.State.Status}}', id])), 'running');
      ok(await d.docker(['rm', '-f', id]));
    });
  });

  describe('process settings', () => {
    it('-e and --env-file set the environment; image PATH is kept', async () => {
      const envFile = path.join(d.root, 'env.list');
      await fsp.writeFile(envFile, '# a comment\nFROM_FILE=one\nSPACED=two words\n\n');
      const out = ok(await run(['-e', 'FOO=bar', '--env-file', envFile, 'busybox', 'env']));
      const env = out.split('\n');
      assert.ok(env.includes('FOO=bar'), out);
      assert.ok(env.includes('FROM_FILE=one'), out);
      assert.ok(env.includes('SPACED=two words'), out);
      assert.ok(env.some((l) => l.startsWith('PATH=') && l.includes('/bin')), out);
      assert.ok(env.includes('HOME=/root'), out);
    });

    it('-e NAME takes the value from the client environment', async () => {
      const out = ok(await run(['-e', 'PASSED', 'busybox', 'sh', '-c', 'echo "$PASSED"'], { env: { PASSED: 'from-client' } }));
      assert.equal(out, 'from-client');
    });

    it('-w sets (and creates) the working directory', async () => {
      assert.equal(ok(await run(['-w', '/tmp', 'busybox', 'pwd'])), '/tmp');
      assert.equal(ok(await run(['-w', '/new/dir', 'busybox', 'pwd'])), '/new/dir');
    });

    it('-u takes a uid, uid:gid and a user name from /etc/passwd', async () => {
      assert.equal(ok(await run(['-u', '1000', 'busybox', 'id', '-u'])), '1000');
      assert.equal(ok(await run(['-u', '1:2', 'busybox', 'sh', '-c', 'echo $(id -u):$(id -g)'])), '1:2');
      assert.equal(ok(await run(['-u', 'nobody', 'busybox', 'sh', '-c', 'echo $(id -u):$(id -g)'])), '65534:65534');
      assert.equal(ok(await run(['-u', 'www-data', 'busybox', 'id', '-un'])), 'www-data');
    });

    it('-u with an unknown user name fails', async () => {
      const r = await run(['-u', 'nosuchuser', 'busybox', 'true']);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /nosuchuser/);
    });

    it('--entrypoint replaces the entrypoint, the rest are its arguments', async () => {
      assert.equal(ok(await run(['--entrypoint', 'echo', 'busybox', 'from', 'entrypoint'])), 'from entrypoint');
    });

    it('-h sets the hostname and /etc/hostname', async () => {
      assert.equal(ok(await run(['-h', 'myhost', 'busybox', 'hostname'])), 'myhost');
      assert.equal(ok(await run(['-h', 'myhost', 'busybox', 'cat', '/etc/hostname'])), 'myhost');
      const hosts = ok(await run(['-h', 'myhost', 'busybox', 'cat', '/etc/hosts']));
      assert.match(hosts, /127\.0\.0\.1\s+localhost/);
    });

    it('-l sets labels shown by inspect', async () => {
      const id = ok(await d.docker(['create', '-l', 'team=core', '--label', 'tier=test', 'busybox', 'true']));
      const labels = JSON.parse(ok(await d.docker(['inspect', '-f', '{{json .Config.Labels}}', id])));
      assert.equal(labels.team, 'core');
      assert.equal(labels.tier, 'test');
      ok(await d.docker(['rm', id]));
    });

    it('--init makes an init process PID 1 and the command its child', async () => {
      const out = ok(await run(['--init', 'busybox', 'sh', '-c', 'cat /proc/1/comm; echo $$']));
      const [pid1, own] = out.split('\n');
      assert.match(pid1, /tini|docker-init|init/);
      assert.notEqual(own, '1');
      // And `ps` shows it.
      assert.match(ok(await run(['--init', 'busybox', 'ps'])), /^\s*1\s+\S+\s+.*(tini|docker-init|init)/m);
    });

    it('without --init the command is PID 1', async () => {
      assert.equal(ok(await run(['busybox', 'sh', '-c', 'echo $$'])), '1');
    });

    it('generates /etc/resolv.conf', async () => {
      const r = await run(['busybox', 'cat', '/etc/resolv.conf']);
      ok(r);
    });
  });

  describe('security and devices', () => {
    it('--read-only makes the root filesystem read-only', async () => {
      const r = await run(['--read-only', 'busybox', 'touch', '/etc/x']);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /Read-only file system/);
      ok(await run(['busybox', 'touch', '/etc/x']), 'the same write without --read-only');
    });

    it('--privileged allows mounting a tmpfs, the default does not', async () => {
      // busybox has no /mnt: mount over /tmp.
      ok(await run(['--privileged', 'busybox', 'mount', '-t', 'tmpfs', 'none', '/tmp']), 'mount with --privileged');
      const r = await run(['busybox', 'mount', '-t', 'tmpfs', 'none', '/tmp']);
      assert.notEqual(r.code, 0, 'mount must fail without --privileged');
    });

    it('has Docker’s default capabilities', async () => {
      const eff = capEff(ok(await run(['busybox', 'cat', '/proc/self/status'])));
      assert.ok(hasCap(eff, CAP_CHOWN));
      assert.ok(!hasCap(eff, CAP_NET_ADMIN));
      assert.ok(!hasCap(eff, CAP_SYS_ADMIN));
    });

    it('--cap-drop CHOWN makes chown fail; --cap-add NET_ADMIN grants it', async () => {
      ok(await run(['busybox', 'chown', '1', '/tmp']), 'chown with default capabilities');
      const r = await run(['--cap-drop', 'CHOWN', 'busybox', 'chown', '1', '/tmp']);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /Operation not permitted/);
      const eff = capEff(ok(await run(['--cap-add', 'NET_ADMIN', 'busybox', 'cat', '/proc/self/status'])));
      assert.ok(hasCap(eff, CAP_NET_ADMIN));
      const dropped = capEff(ok(await run(['--cap-drop', 'ALL', 'busybox', 'cat', '/proc/self/status'])));
      assert.equal(dropped, 0n);
    });

    it('--security-opt no-new-privileges sets NoNewPrivs', async () => {
      assert.match(ok(await run(['--security-opt', 'no-new-privileges', 'busybox', 'grep', 'NoNewPrivs', '/proc/self/status'])), /NoNewPrivs:\s*1/);
      assert.match(ok(await run(['busybox', 'grep', 'NoNewPrivs', '/proc/self/status'])), /NoNewPrivs:\s*0/);
    });

    it('--device maps a host device under a new path', async () => {
      const out = ok(await run(['--device', '/dev/null:/dev/xnull', 'busybox', 'sh', '-c', 'test -c /dev/xnull && echo data > /dev/xnull && echo written']));
      assert.equal(out, 'written');
    });

    it('--sysctl sets a namespaced kernel parameter', async () => {
      assert.equal(ok(await run(['--sysctl', 'kernel.msgmax=65536', 'busybox', 'cat', '/proc/sys/kernel/msgmax'])), '65536');
    });

    it('--tmpfs mounts a tmpfs', async () => {
      const out = ok(await run(['--tmpfs', '/scratch', 'busybox', 'sh', '-c', 'grep " /scratch " /proc/mounts && echo x > /scratch/f && cat /scratch/f']));
      assert.match(out, /^tmpfs \/scratch tmpfs/m);
      assert.match(out, /^x$/m);
    });
  });

  describe('namespaces and networks', () => {
    it('--pid host sees host processes', async () => {
      ok(await run(['--pid', 'host', 'busybox', 'test', '-d', `/proc/${process.pid}`]), 'the test runner is visible');
      const r = await run(['busybox', 'test', '-d', `/proc/${process.pid}`]);
      if (process.pid !== 1) assert.notEqual(r.code, 0, 'own pid namespace must not see the test runner');
    });

    it('--ipc host shares the host IPC namespace', async () => {
      const hostNs = readlinkSync('/proc/self/ns/ipc');
      assert.equal(ok(await run(['--ipc', 'host', 'busybox', 'readlink', '/proc/self/ns/ipc'])), hostNs);
      assert.notEqual(ok(await run(['busybox', 'readlink', '/proc/self/ns/ipc'])), hostNs);
    });

    it('--uts host shows the host name', async () => {
      assert.equal(ok(await run(['--uts', 'host', 'busybox', 'hostname'])), os.hostname());
    });

    it('--network none has only loopback', async () => {
      assert.equal(ok(await run(['--network', 'none', 'busybox', 'ls', '/sys/class/net'])), 'lo');
    });

    it('--network host sees the host interfaces', async () => {
      const host = readdirSync('/sys/class/net').sort();
      const inside = ok(await run(['--network', 'host', 'busybox', 'ls', '-1', '/sys/class/net'])).split('\n').sort();
      assert.deepEqual(inside, host);
      const hostNs = readlinkSync('/proc/self/ns/net');
      assert.equal(ok(await run(['--network', 'host', 'busybox', 'readlink', '/proc/self/ns/net'])), hostNs);
    });
  });

  describe('stop settings', () => {
    it('--stop-signal is recorded and used by docker stop', async () => {
      const id = ok(
        await d.docker(['run', '-d', '--stop-signal', 'SIGUSR1', 'busybox', 'sh', '-c', "trap 'echo got-usr1; exit 3' USR1; echo ready; while true; do sleep 0.1; done"]),
      );
      assert.equal(ok(await d.docker(['inspect', '-f', '{{.Config.StopSignal}}', id])), 'SIGUSR1');
      await waitFor('ready', async () => (await d.docker(['logs', id])).stdout.includes('ready'));
      ok(await d.docker(['stop', id]));
      assert.equal(ok(await d.docker(['inspect', '-f', '{{.State.ExitCode}}', id])), '3');
      assert.match(ok(await d.docker(['logs', id])), /got-usr1/);
      ok(await d.docker(['rm', id]));
    });

    it('--stop-timeout bounds how long docker stop waits before SIGKILL', async () => {
      // PID 1 without a handler ignores SIGTERM, so only the SIGKILL after the timeout ends it.
      const id = ok(await d.docker(['run', '-d', '--stop-timeout', '1', 'busybox', 'sleep', '300']));
      assert.equal(ok(await d.docker(['inspect', '-f', '{{.Config.StopTimeout}}', id])), '1');
      const t0 = Date.now();
      ok(await d.docker(['stop', id]));
      const took = Date.now() - t0;
      assert.ok(took >= 900 && took < 6000, `stop took ${took} ms`);
      assert.equal(ok(await d.docker(['inspect', '-f', '{{.State.ExitCode}}', id])), '137');
      ok(await d.docker(['rm', id]));
    });
  });

  describe('names', () => {
    it('a taken --name is refused with Docker’s conflict message', async () => {
      const id = ok(await d.docker(['run', '-d', '--name', 'dup', 'busybox', 'sleep', '300']));
      const r = exits(await d.docker(['run', '-d', '--name', 'dup', 'busybox', 'sleep', '300']), 125);
      assert.ok(
        r.stderr.includes(
          `Conflict. The container name "/dup" is already in use by container "${id}". You have to remove (or rename) that container to be able to reuse that name.`,
        ),
        r.stderr,
      );
      const api = await d.api('POST', '/containers/create?name=dup', { Image: 'busybox', Cmd: ['true'] });
      assert.equal(api.status, 409);
      ok(await d.docker(['rm', '-f', 'dup']));
    });

    it('an invalid --name is refused', async () => {
      fails(await d.docker(['create', '--name', 'bad name!', 'busybox']), /Invalid container name/);
    });
  });

  describe('stdin and terminals', () => {
    it('-i passes piped stdin and closes it at its end', async () => {
      assert.equal(ok(await run(['-i', 'busybox', 'cat'], { input: 'hi\nthere\n' })), 'hi\nthere');
      assert.equal(ok(await run(['-i', 'busybox', 'wc', '-l'], { input: 'a\nb\nc\n' })).trim(), '3');
    });

    it('-i passes binary data unchanged', async () => {
      const data = Buffer.alloc(256 * 1024);
      for (let i = 0; i < data.length; i++) data[i] = (i * 7) & 0xff;
      const r = await run(['-i', 'busybox', 'md5sum'], { input: data });
      const { createHash } = await import('node:crypto');
      assert.equal(ok(r).split(' ')[0], createHash('md5').update(data).digest('hex'));
    });

    it('-it runs an interactive shell on a terminal', async () => {
      const r = await d.pty('docker run --rm -it busybox sh', {
        steps: [
          { waitFor: '# ', send: 'echo $((6*7))\r' },
          { waitFor: '42', send: 'tty\r' },
          { waitFor: '/dev/pts/', send: 'exit 4\r' },
        ],
      });
      assert.equal(r.code, 4, r.output);
      assert.match(r.output, /\r\n42\r\n/);
    });

    it('-t alone allocates a terminal', async () => {
      const r = await d.pty('docker run --rm -t busybox sh -c "tty; echo done"', {});
      assert.equal(r.code, 0, r.output);
      assert.match(r.output, /\/dev\/pts\/\d+/);
      // script's own pty adds a \r of its own to the container's \r\n.
      assert.match(r.output, /done\r+\n/);
    });

    it('detaches with ctrl-p ctrl-q and attaches again, with attach events', async () => {
      const attached = await watchEvent(d.sock, { container: ['att'], event: ['attach'] });
      const first = await d.pty('docker run -it --name att busybox sh', {
        steps: [
          { waitFor: '# ', send: 'echo one-$((1+1))\r' },
          { waitFor: 'one-2', send: '\x10\x11' },
        ],
      });
      assert.equal(first.code, 0, first.output);
      const id = ok(await d.docker(['inspect', '-f', '{{.Id}}', 'att']));
      const ev = await attached.next;
      assert.deepEqual([ev.Type, ev.Action, ev.Actor.ID, ev.Actor.Attributes.name], ['container', 'attach', id, 'att']);
      // The CLI spots the keys typed one by one itself and hangs up: dockerd sees no keys then,
      // and publishes no detach (the dockerode test has the daemon-side detach and its event).
      assert.equal(ok(await d.docker(['inspect', '-f', '{{.State.Running}}', 'att'])), 'true');
      const reattached = await watchEvent(d.sock, { container: ['att'], event: ['attach'] });
      const second = await d.pty('docker attach att', {
        steps: [
          // Typed at once: until docker has attached and made the terminal raw, the line waits in
          // the pty's input queue (echoed there, which is why only the answer 'two-3' counts).
          { send: 'echo two-$((2+1))\r' },
          { waitFor: 'two-3', send: 'exit 5\r' },
        ],
      });
      assert.equal(second.code, 5, second.output);
      assert.equal((await reattached.next).Actor.ID, id);
      assert.equal(ok(await d.docker(['wait', 'att'])), '5');
      ok(await d.docker(['rm', 'att']));
    });

    it('without a terminal, stdin is passed on byte for byte: ctrl-p ctrl-q does not detach', async () => {
      // dockerd scans for the detach keys only on a TTY (container/stream/attach.go).
      const r = await d.docker(['run', '-i', '--rm', 'busybox', 'od', '-An', '-tx1'], { input: Buffer.from([0x61, 0x10, 0x11, 0x62]) });
      assert.match(ok(r), /61 10 11 62/);
    });

    it('bad detach keys at attach are a 400 before the stream opens', async () => {
      ok(await d.docker(['run', '-d', '-it', '--name', 'att3', 'busybox', 'sh']));
      const r = await d.api('POST', '/containers/att3/attach?stream=1&stdin=1&detachKeys=ctrl-1');
      assert.equal(r.status, 400, r.text);
      assert.equal((r.json as { message: string }).message, 'Invalid detach keys (ctrl-1) provided');
      ok(await d.docker(['rm', '-f', 'att3']));
    });

    it('a custom --detach-keys works too', async () => {
      const r = await d.pty('docker run -it --detach-keys ctrl-x,x --name att2 busybox sh', {
        steps: [{ waitFor: '# ', send: '\x18x' }],
      });
      assert.equal(r.code, 0, r.output);
      assert.equal(ok(await d.docker(['inspect', '-f', '{{.State.Running}}', 'att2'])), 'true');
      ok(await d.docker(['rm', '-f', 'att2']));
    });
  });
});

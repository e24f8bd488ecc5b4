// Nothing a client leaves behind stays in berthd: aborted `logs -f`, `attach` and `exec` calls,
// cut-off archive and export downloads, health probes past their timeout. Measured with berthd's
// own report (GET /berth/debug/resources: descriptors, heap after a full GC, engine maps).
// BERTH_LEAKS_CALLS sets the burst size (default 2,000; bench/leaks.ts runs 10,000).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import net from 'node:net';
import { integrationSkipReason, startDaemon, waitFor, type Daemon } from '../harness.js';
import { ok } from '../support/assert.js';
import { abortAfterResponseStarts, daemonResources, runAbortedCalls, type DaemonResources } from '../support/aborted-calls.js';

const CALLS = Number(process.env.BERTH_LEAKS_CALLS ?? 2000);
/** Heap growth allowed after the burst (full GC both times): noise is well under it, a leak of even a few hundred bytes a call is over it. */
const HEAP_SLACK = 2 * 1024 * 1024;
/** Descriptors allowed above the starting count (a pooled thread's or libuv's own, opened lazily). */
const FD_SLACK = 2;

function summary(r: DaemonResources): string {
  return JSON.stringify({ heapUsed: r.process.memory.heapUsed, fds: r.process.fds, engine: r.engine, handles: r.process.activeResources });
}

/** Mount points of the host that lie under `dir`. */
async function mountsUnder(dir: string): Promise<string[]> {
  const text = await fsp.readFile('/proc/self/mountinfo', 'utf8');
  return text
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((p) => p && p.startsWith(dir));
}

/** Pids whose command line mentions `needle`. */
async function processesMentioning(needle: string): Promise<number[]> {
  const out: number[] = [];
  for (const e of await fsp.readdir('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    const cmd = await fsp.readFile(`/proc/${e}/cmdline`, 'utf8').catch(() => '');
    if (cmd.includes(needle)) out.push(Number(e));
  }
  return out;
}

describe('leaks', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon({ name: 'leaks' });
  });
  after(() => d?.cleanup());

  it(`${CALLS} aborted logs -f / attach / exec calls leave heap, descriptors and engine maps as they were`, { timeout: 300_000 }, async (t) => {
    const id = ok(await d.docker(['run', '-d', '-i', '--name', 'leaky', 'busybox', 'sh', '-c', 'echo hello; echo oops >&2; while true; do sleep 1; done']));
    t.after(() => d.docker(['rm', '-f', id]));
    // Execs are the dear ones (a conmon and a runc each): a small share.
    const counts = (n: number) => ({ logs: Math.round(n * 0.49), attach: Math.round(n * 0.45), 'attach-stdin': Math.round(n * 0.035), exec: Math.round(n * 0.025) });
    /** berthd's report once it holds nothing for the calls: no follower, no exec still running, descriptors and waiters back at `base`. */
    let last: DaemonResources | undefined;
    const settled = (what: string, base?: DaemonResources) =>
      waitFor(
        what,
        async () => {
          const r = (last = await daemonResources(d.sock));
          if (r.engine.logFollowers !== 0 || r.engine.execsRunning !== 0) return false;
          if (base && (r.engine.containerWaiters !== base.engine.containerWaiters || r.process.fds > base.process.fds + FD_SLACK)) return false;
          return r;
        },
        60_000,
        200,
      ).catch((e: Error) => {
        throw new Error(`${e.message}\nbefore: ${base ? summary(base) : '-'}\nlast:   ${last ? summary(last) : '?'}`);
      });
    // Warm-up: JIT, pools, lazily made handles are in the baseline, not in the difference.
    await runAbortedCalls({ sock: d.sock, container: id, counts: counts(200), parallel: 32, firstBytes: true });
    const before = await settled('berthd to let go of the warm-up calls');

    await runAbortedCalls({ sock: d.sock, container: id, counts: counts(CALLS), parallel: 64, firstBytes: true });

    const afterBurst = await settled('berthd to let go of the aborted calls', before);
    const detail = `\nbefore: ${summary(before)}\nafter:  ${summary(afterBurst)}`;
    assert.ok(afterBurst.process.fds <= before.process.fds + FD_SLACK, `descriptors grew${detail}`);
    assert.ok(afterBurst.process.memory.heapUsed <= before.process.memory.heapUsed + HEAP_SLACK, `heap grew by ${afterBurst.process.memory.heapUsed - before.process.memory.heapUsed} bytes${detail}`);
    assert.equal(afterBurst.engine.eventListeners, before.engine.eventListeners, detail);
    // The container was served all along.
    assert.match(ok(await d.docker(['logs', id])), /hello/);

    // Finished execs stay inspectable while the container runs (as Docker's); its stop drops them.
    assert.ok(afterBurst.engine.execSessions > 0, detail);
    ok(await d.docker(['stop', '-t', '0', id]));
    await waitFor("the stopped container's exec sessions to go", async () => (await daemonResources(d.sock)).engine.execSessions === 0, 10_000, 100);
    const inspect = await d.api('GET', `/containers/${id}/json`);
    assert.equal(inspect.json.ExecIDs, null);
  });

  it('a cut-off archive or export download closes its files and unmounts the rootfs mounted for it', { timeout: 120_000 }, async (t) => {
    // A stopped container: berthd mounts its rootfs for the copy.
    ok(await d.docker(['run', '--name', 'bigfile', 'busybox', 'dd', 'if=/dev/zero', 'of=/big', 'bs=1M', 'count=32']));
    const cid = ok(await d.docker(['inspect', '-f', '{{.Id}}', 'bigfile']));
    t.after(() => d.docker(['rm', '-f', cid]));
    const containerDir = `${d.dataRoot}/containers/${cid}`;
    assert.deepEqual(await mountsUnder(containerDir), [], 'a stopped container has no rootfs mounted');
    const base = await daemonResources(d.sock);
    for (const req of [`GET /containers/${cid}/archive?path=/big HTTP/1.1\r\nHost: b\r\n\r\n`, `GET /containers/${cid}/export HTTP/1.1\r\nHost: b\r\n\r\n`]) {
      await abortAfterResponseStarts(d.sock, req, true);
      const r = await waitFor(
        `the rootfs mount and files of ${req.split(' ')[1]} to go`,
        async () => {
          const res = await daemonResources(d.sock);
          return res.engine.copyMounts === 0 && res.process.fds <= base.process.fds + FD_SLACK && (await mountsUnder(containerDir)).length === 0 && res;
        },
        15_000,
        100,
      ).catch(async (e: Error) => {
        throw new Error(`${e.message}\nmounts: ${(await mountsUnder(containerDir)).join(' ')}\nbefore: ${summary(base)}\nnow: ${summary(await daemonResources(d.sock))}`);
      });
      assert.equal(r.engine.copyMounts, 0);
    }
    // An upload cut off mid-body: the extraction stops, the rootfs mounted for it goes.
    await new Promise<void>((resolve, reject) => {
      const conn = net.connect(d.sock);
      conn.on('error', reject);
      conn.write(`PUT /containers/${cid}/archive?path=/ HTTP/1.1\r\nHost: b\r\nContent-Type: application/x-tar\r\nContent-Length: ${64 * 1024 * 1024}\r\n\r\n`);
      // A tar header for a 60 MB file, then some of its body, then the client is gone.
      const header = Buffer.alloc(512);
      header.write('upload.bin', 0);
      header.write('0000644\0', 100);
      header.write('0000000\0', 108);
      header.write('0000000\0', 116);
      header.write((60 * 1024 * 1024).toString(8).padStart(11, '0') + '\0', 124);
      header.write('00000000000\0', 136);
      header.write('        ', 148);
      header.write('0', 156);
      header.write('ustar\x0000', 257);
      let sum = 0;
      for (const b of header) sum += b;
      header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
      conn.write(header);
      conn.write(Buffer.alloc(1024 * 1024), () => {
        conn.destroy();
        resolve();
      });
    });
    await waitFor(
      'the upload\'s rootfs mount and files to go',
      async () => {
        const res = await daemonResources(d.sock);
        return res.engine.copyMounts === 0 && res.process.fds <= base.process.fds + FD_SLACK && (await mountsUnder(containerDir)).length === 0;
      },
      15_000,
      100,
    );
    // The container's files are still whole: a later copy works.
    const cp = await d.api('GET', `/containers/${cid}/archive?path=/etc/hostname`);
    assert.equal(cp.status, 200);
  });

  it('a health probe past its timeout is killed with its conmon; nothing of it is left', { timeout: 120_000 }, async (t) => {
    const id = ok(
      await d.docker(['run', '-d', '--health-cmd', 'sleep 1000', '--health-interval', '1s', '--health-timeout', '300ms', '--health-retries', '100', 'busybox', 'sleep', '3600']),
    );
    t.after(() => d.docker(['rm', '-f', id]));
    const execDir = `${d.execRoot}/exec/`;
    await waitFor(
      'three probes to time out',
      async () => {
        const r = await d.api('GET', `/containers/${id}/json`);
        return (r.json.State.Health?.FailingStreak ?? 0) >= 3;
      },
      60_000,
      100,
    );
    const r = await d.api('GET', `/containers/${id}/json`);
    for (const l of r.json.State.Health.Log) assert.match(l.Output, /Health check exceeded timeout/);
    // At most the probe running right now is there: each one before it was killed.
    const sleepers = (await d.api('GET', `/containers/${id}/top?ps_args=${encodeURIComponent('-eo pid,args')}`)).json.Processes.filter((p: string[]) => p[1] === 'sleep 1000');
    const conmons = (await processesMentioning(execDir)).length;
    const dirs = (await fsp.readdir(execDir).catch(() => [])).length;
    assert.ok(sleepers.length <= 1, `probe processes left: ${JSON.stringify(sleepers)}`);
    assert.ok(conmons <= 1, `probe conmons left: ${conmons}`);
    assert.ok(dirs <= 1, `probe session directories left: ${dirs}`);
    assert.ok((await daemonResources(d.sock)).engine.execSessions <= 1);
  });
});

// docker stats against the kernel's own figures: network counters of the container's namespace
// (/proc/<pid>/net/dev), block I/O, memory and pids of its cgroup (v1 or v2), and CPU % right for
// streams, --no-stream readers side by side, and one-shot.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { integrationSkipReason, startDaemon, type Daemon } from '../harness.js';
import { ok } from '../support/assert.js';

const V2 = (() => {
  try {
    readFileSync('/sys/fs/cgroup/cgroup.controllers');
    return true;
  } catch {
    return false;
  }
})();

/** The directory of `controller` (v1) or the unified one (v2) holding process `pid`. */
function cgroupDir(pid: number, controller: string): string {
  const lines = readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n');
  if (V2) return path.join('/sys/fs/cgroup', lines.find((l) => l.startsWith('0::'))!.slice(3));
  const line = lines.find((l) => l.split(':')[1]?.split(',').includes(controller))!;
  return path.join('/sys/fs/cgroup', line.split(':')[1], line.split(':').slice(2).join(':'));
}

/** Bytes read and written in a blkio/io file, summed over devices as docker's CLI sums them. */
function blkioFile(pid: number): { read: number; write: number } {
  let read = 0;
  let write = 0;
  if (V2) {
    for (const line of readFileSync(path.join(cgroupDir(pid, ''), 'io.stat'), 'utf8').split('\n')) {
      read += Number(/rbytes=(\d+)/.exec(line)?.[1] ?? 0);
      write += Number(/wbytes=(\d+)/.exec(line)?.[1] ?? 0);
    }
    return { read, write };
  }
  const dir = cgroupDir(pid, 'blkio');
  const cfq = (() => {
    try {
      return readFileSync(path.join(dir, 'blkio.io_service_bytes_recursive'), 'utf8');
    } catch {
      return '';
    }
  })();
  const text = cfq.trim() && cfq.trim() !== 'Total 0' ? cfq : readFileSync(path.join(dir, 'blkio.throttle.io_service_bytes'), 'utf8');
  for (const line of text.split('\n')) {
    const f = line.split(/\s+/);
    if (f[1] === 'Read') read += Number(f[2]);
    if (f[1] === 'Write') write += Number(f[2]);
  }
  return { read, write };
}

function netDev(pid: number, ifname: string): { rx: number; tx: number } {
  const line = readFileSync(`/proc/${pid}/net/dev`, 'utf8').split('\n').find((l) => l.trim().startsWith(ifname + ':'))!;
  const f = line.split(':')[1].trim().split(/\s+/).map(Number);
  return { rx: f[0], tx: f[8] };
}

describe('stats', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon({ name: 'stats' });
  });
  after(() => d?.cleanup());

  const pidOf = async (name: string) => Number(ok(await d.docker(['inspect', '-f', '{{.State.Pid}}', name])));
  const oneSample = async (name: string, query = 'stream=false') => {
    const r = await d.api('GET', `/containers/${name}/stats?${query}`);
    assert.equal(r.status, 200, r.text);
    return r.json;
  };

  /** The first `n` frames of a stats stream, then the stream is closed. */
  const streamFrames = (name: string, n: number) =>
    new Promise<any[]>((resolve, reject) => {
      const frames: any[] = [];
      const req = http.get({ socketPath: d.sock, path: `/containers/${name}/stats` }, (res) => {
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buf += chunk;
          for (let i = buf.indexOf('\n'); i >= 0 && frames.length < n; i = buf.indexOf('\n')) {
            frames.push(JSON.parse(buf.slice(0, i)));
            buf = buf.slice(i + 1);
          }
          if (frames.length >= n) {
            req.destroy();
            resolve(frames);
          }
        });
        res.on('error', reject);
      });
      req.on('error', (e) => (frames.length >= n ? undefined : reject(e)));
    });

  it('networks: per-interface counters of the container’s namespace, as /proc/<pid>/net/dev has them', async () => {
    ok(await d.docker(['network', 'create', 'statsnet']));
    try {
      ok(await d.docker(['run', '-d', '--name', 'sink', '--network', 'statsnet', 'busybox', 'sleep', '300']));
      // 70 × 60,000-byte pings from another container on the same berth network, echoed back.
      ok(await d.docker(['run', '--rm', '--network', 'statsnet', 'busybox', 'ping', '-q', '-c', '70', '-i', '0.01', '-s', '60000', 'sink']));
      const pid = await pidOf('sink');
      const before = netDev(pid, 'eth0');
      const s = await oneSample('sink', 'stream=false&one-shot=true');
      const after = netDev(pid, 'eth0');
      assert.deepEqual(Object.keys(s.networks), ['eth0'], 'the endpoint interface only (no lo)');
      const eth0 = s.networks.eth0;
      assert.ok(eth0.rx_bytes >= 70 * 60000 && eth0.tx_bytes >= 70 * 60000, `rx_bytes ${eth0.rx_bytes}, tx_bytes ${eth0.tx_bytes} count the pings and their echoes`);
      assert.ok(eth0.rx_bytes >= before.rx && eth0.rx_bytes <= after.rx, `rx_bytes ${eth0.rx_bytes} is the kernel's (${before.rx}..${after.rx})`);
      assert.ok(eth0.tx_bytes >= before.tx && eth0.tx_bytes <= after.tx, `tx_bytes ${eth0.tx_bytes} is the kernel's`);
      assert.ok(eth0.rx_packets > 0 && eth0.tx_packets > 0);
      for (const k of ['rx_errors', 'rx_dropped', 'tx_errors', 'tx_dropped']) assert.equal(typeof eth0[k], 'number', k);
      const row = JSON.parse(ok(await d.docker(['stats', '--no-stream', '--format', 'json', 'sink'])));
      assert.match(row.NetIO, /^4\.\d+MB \/ 4\.\d+MB$/, `docker stats shows the traffic: ${row.NetIO}`);
    } finally {
      await d.docker(['rm', '-f', 'sink']);
      await d.docker(['network', 'rm', 'statsnet']);
    }
  });

  it('no networks key with --network none (dockerd omits an empty map)', async () => {
    ok(await d.docker(['run', '-d', '--name', 'nonet', '--network', 'none', 'busybox', 'sleep', '300']));
    try {
      const s = await oneSample('nonet', 'stream=false&one-shot=true');
      assert.equal(s.networks, undefined);
    } finally {
      await d.docker(['rm', '-f', 'nonet']);
    }
  });

  it('blkio_stats: what the cgroup counted for direct reads and writes', async () => {
    ok(await d.docker(['run', '-d', '--name', 'io', '--network', 'none', 'busybox', 'sleep', '300']));
    try {
      const pid = await pidOf('io');
      if (!V2) {
        // v1 counts a cgroup's I/O only on a queue where CFQ/BFQ runs or blk-throttle is active
        // (kernels ≥ 6 activate it with the first rule): an unreachable read limit on the disk
        // under the data root activates it for this cgroup's queue, limiting nothing.
        const dev = statSync(d.dataRoot).dev;
        const majMin = `${Math.floor(dev / 256) & 0xfff}:${(dev & 0xff) | ((Math.floor(dev / 4096) & 0xfff00))}`;
        writeFileSync(path.join(cgroupDir(pid, 'blkio'), 'blkio.throttle.read_bps_device'), `${majMin} 1099511627776\n`);
      }
      // O_DIRECT, so the page cache cannot absorb it and the container's own task issues it.
      ok(await d.docker(['exec', 'io', 'sh', '-c', 'dd if=/dev/zero of=/f bs=1M count=8 oflag=direct && dd if=/f of=/dev/null bs=1M iflag=direct']));
      const s = await oneSample('io', 'stream=false&one-shot=true');
      const file = blkioFile(pid);
      let read = 0;
      let write = 0;
      for (const e of s.blkio_stats.io_service_bytes_recursive ?? []) {
        if (e.op.toLowerCase() === 'read') read += e.value;
        if (e.op.toLowerCase() === 'write') write += e.value;
      }
      assert.equal(write, file.write, 'the cgroup file’s figure');
      assert.equal(read, file.read);
      assert.ok(write >= 8 * 1024 * 1024 && read >= 8 * 1024 * 1024, `read ${read}, write ${write} count the 8 MiB each way`);
      for (const k of ['io_serviced_recursive', 'io_queue_recursive', 'io_service_time_recursive', 'io_wait_time_recursive', 'io_merged_recursive', 'io_time_recursive', 'sectors_recursive']) assert.ok(k in s.blkio_stats, k);
      const row = JSON.parse(ok(await d.docker(['stats', '--no-stream', '--format', 'json', 'io'])));
      assert.match(row.BlockIO, /^(8\.|9\.)\d*MB \/ (8\.|9\.)\d*MB$/, `docker stats shows the I/O: ${row.BlockIO}`);
    } finally {
      await d.docker(['rm', '-f', 'io']);
    }
  });

  it('pids current and limit, memory usage and limit from the cgroup', async () => {
    ok(await d.docker(['run', '-d', '--name', 'lim', '--network', 'none', '--pids-limit', '50', '-m', '64m', 'busybox', 'sh', '-c', 'sleep 300 & sleep 300 & wait']));
    try {
      const pid = await pidOf('lim');
      const s = await oneSample('lim', 'stream=false&one-shot=true');
      const pidsDir = cgroupDir(pid, 'pids');
      assert.equal(s.pids_stats.current, Number(readFileSync(path.join(pidsDir, 'pids.current'), 'utf8')));
      assert.equal(s.pids_stats.current, 3);
      assert.equal(s.pids_stats.limit, 50);
      assert.equal(s.memory_stats.limit, 64 * 1024 * 1024);
      assert.ok(s.memory_stats.usage > 0);
      assert.ok(s.memory_stats.stats[V2 ? 'inactive_file' : 'total_inactive_file'] !== undefined, 'the key docker’s CLI subtracts');
      const row = JSON.parse(ok(await d.docker(['stats', '--no-stream', '--format', 'json', 'lim'])));
      assert.equal(row.PIDs, '3');
      assert.match(row.MemUsage, / \/ 64MiB$/);
    } finally {
      await d.docker(['rm', '-f', 'lim']);
    }
  });

  it('CPU %: right for concurrent --no-stream readers and a stream; one-shot has no precpu', async () => {
    ok(await d.docker(['run', '-d', '--name', 'busy', '--network', 'none', 'busybox', 'sh', '-c', 'while :; do :; done']));
    try {
      const perc = (out: string) => Number(JSON.parse(out).CPUPerc.replace('%', ''));
      const rows = await Promise.all([1, 2, 3].map(() => d.docker(['stats', '--no-stream', '--format', 'json', 'busy'])));
      // Each reader has its own previous sample: none sees 0 % (shared state gave all but one a
      // zero or a nonsense delta). The figure itself depends on the host's load.
      for (const r of rows) assert.ok(perc(ok(r)) > 1 && perc(ok(r)) <= 100 * os.cpus().length * 1.05, `a busy loop shows for every reader: ${r.stdout}`);
      const s = await oneSample('busy');
      assert.notEqual(s.preread, '0001-01-01T00:00:00Z', 'stream=false takes two samples');
      assert.ok(Date.parse(s.read) - Date.parse(s.preread) >= 500);
      assert.ok(s.cpu_stats.cpu_usage.total_usage > s.precpu_stats.cpu_usage.total_usage);
      // Two streams side by side: each frame's precpu_stats is the previous frame of its own stream.
      const frames = await Promise.all([streamFrames('busy', 3), streamFrames('busy', 3)]);
      for (const f of frames) {
        assert.equal(f[0].preread, '0001-01-01T00:00:00Z', 'a stream’s first frame has no previous one');
        for (let i = 1; i < f.length; i++) {
          assert.equal(f[i].preread, f[i - 1].read);
          assert.deepEqual(f[i].precpu_stats, f[i - 1].cpu_stats);
        }
      }
      const one = await oneSample('busy', 'stream=false&one-shot=true');
      assert.equal(one.preread, '0001-01-01T00:00:00Z');
      assert.equal(one.precpu_stats.cpu_usage.total_usage, 0);
      assert.equal(one.precpu_stats.system_cpu_usage, undefined);
      assert.ok(one.cpu_stats.system_cpu_usage > 0 && one.cpu_stats.online_cpus > 0);
    } finally {
      await d.docker(['rm', '-f', 'busy']);
    }
  });

  it('a stopped container answers its empty sample at once', async () => {
    ok(await d.docker(['create', '--name', 'idle', 'busybox', 'true']));
    try {
      const s = await oneSample('idle');
      assert.equal(s.read, '0001-01-01T00:00:00Z');
      assert.equal(s.name, '/idle');
      assert.deepEqual(s.memory_stats, {});
    } finally {
      await d.docker(['rm', '-f', 'idle']);
    }
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { blkioV1, parseBlkioV1, parseIoStatV2, parseProcStat, sampleV1, sampleV2 } from '../../../src/engine/containers/cgroup-stats.js';
import { parseNetDev } from '../../../src/engine/containers/net-dev.js';
import { StatsCollector } from '../../../src/engine/containers/stats-collector.js';
import type { StatsFrame } from '../../../src/engine/containers/stats.js';

// Runs from build/test/unit/containers/; the fixtures stay in the source tree.
const fixture = (name: string) => readFileSync(new URL(`../../../../test/fixtures/cgroups/${name}`, import.meta.url), 'latin1');
const dir = (v: string) => Object.fromEntries(readdirSync(new URL(`../../../../test/fixtures/cgroups/${v}`, import.meta.url)).map((f) => [f, fixture(`${v}/${f}`)]));
const GiB = 1024 ** 3;

describe('cgroup v1 stats as dockerd reports them', () => {
  const f = dir('v1');
  const s = sampleV1(
    {
      cpuacctUsage: f['cpuacct.usage'],
      cpuacctPercpu: f['cpuacct.usage_percpu'],
      cpuacctStat: f['cpuacct.stat'],
      cpuStat: f['cpu.stat'],
      memUsage: f['memory.usage_in_bytes'],
      memMaxUsage: f['memory.max_usage_in_bytes'],
      memLimit: f['memory.limit_in_bytes'],
      memFailcnt: f['memory.failcnt'],
      memStat: f['memory.stat'],
      pidsCurrent: f['pids.current'],
      pidsMax: f['pids.max'],
      blkio: { 'throttle.io_service_bytes': f['blkio.throttle.io_service_bytes'], 'throttle.io_serviced': f['blkio.throttle.io_serviced'] },
    },
    8 * GiB,
  );
  it('cpu: cpuacct.usage, per CPU, user/system ticks in ns, throttling from cpu.stat', () => {
    assert.deepEqual(s.cpu_stats, {
      cpu_usage: { total_usage: 190284533, percpu_usage: [120284533, 70000000], usage_in_kernelmode: 70_000_000, usage_in_usermode: 120_000_000 },
      throttling_data: { periods: 10, throttled_periods: 2, throttled_time: 5000000 },
    });
  });
  it('memory: usage, max_usage, the limit capped at the machine, the memory.stat keys dockerd lists', () => {
    assert.equal(s.memory_stats.usage, 1462272);
    assert.equal(s.memory_stats.max_usage, 2031616);
    assert.equal(s.memory_stats.limit, 8 * GiB);
    assert.equal(s.memory_stats.failcnt, undefined, 'omitempty');
    assert.equal(s.memory_stats.stats?.total_inactive_file, 1085440);
    assert.equal(s.memory_stats.stats?.cache, 1351680);
    assert.equal(s.memory_stats.stats?.hierarchical_memory_limit, 9223372036854771712);
    assert.equal(s.memory_stats.stats?.shmem, undefined, 'not one of dockerd’s keys');
    assert.equal(Object.keys(s.memory_stats.stats ?? {}).length, 32);
  });
  it('pids: current; no limit (max) is omitted', () => {
    assert.deepEqual(s.pids_stats, { current: 1 });
  });
  it('blkio without CFQ: the throttle files as the recursive lists, every other list []', () => {
    assert.deepEqual(s.blkio_stats.io_service_bytes_recursive?.slice(0, 2), [
      { major: 8, minor: 0, op: 'Read', value: 1331200 },
      { major: 8, minor: 0, op: 'Write', value: 4096 },
    ]);
    assert.equal(s.blkio_stats.io_service_bytes_recursive?.length, 6, 'the device lines, not the closing Total');
    assert.equal(s.blkio_stats.io_serviced_recursive?.[0].value, 41);
    assert.deepEqual(s.blkio_stats.sectors_recursive, []);
    assert.deepEqual(s.blkio_stats.io_queue_recursive, []);
  });
  it('blkio with CFQ: the recursive files, time_recursive without an op', () => {
    const b = blkioV1({ io_serviced_recursive: '8:0 Read 3\n8:0 Total 3\nTotal 3\n', io_service_bytes_recursive: '8:0 Read 12288\nTotal 12288\n', time_recursive: '8:0 1234\n' });
    assert.deepEqual(b.io_serviced_recursive, [
      { major: 8, minor: 0, op: 'Read', value: 3 },
      { major: 8, minor: 0, op: 'Total', value: 3 },
    ]);
    assert.deepEqual(b.io_time_recursive, [{ major: 8, minor: 0, op: '', value: 1234 }]);
    assert.deepEqual(b.sectors_recursive, []);
  });
  it('parseBlkioV1 skips junk lines', () => {
    assert.deepEqual(parseBlkioV1('\nTotal 0\n'), []);
  });
});

describe('cgroup v2 stats as dockerd reports them', () => {
  const f = dir('v2');
  const s = sampleV2(
    { cpuStat: f['cpu.stat'], memCurrent: f['memory.current'], memMax: f['memory.max'], memStat: f['memory.stat'], memEvents: f['memory.events'], pidsCurrent: f['pids.current'], pidsMax: f['pids.max'], ioStat: f['io.stat'] },
    8 * GiB,
  );
  it('cpu: usec → ns, no per-CPU figures', () => {
    assert.deepEqual(s.cpu_stats, {
      cpu_usage: { total_usage: 78315000, usage_in_kernelmode: 28315000, usage_in_usermode: 50000000 },
      throttling_data: { periods: 4, throttled_periods: 1, throttled_time: 1200000 },
    });
  });
  it('memory: memory.current, max → machine memory, failcnt from memory.events oom, v2 keys', () => {
    assert.equal(s.memory_stats.usage, 2396160);
    assert.equal(s.memory_stats.limit, 8 * GiB);
    assert.equal(s.memory_stats.failcnt, 2);
    assert.equal(s.memory_stats.max_usage, undefined);
    assert.equal(s.memory_stats.stats?.inactive_file, 1814528);
    assert.equal(s.memory_stats.stats?.anon, 225280);
    assert.equal(s.memory_stats.stats?.kernel, undefined, 'not one of dockerd’s keys');
    assert.equal(Object.keys(s.memory_stats.stats ?? {}).length, 31);
  });
  it('memory.max with a limit is the limit', () => {
    assert.equal(sampleV2({ memStat: '', memMax: '104857600\n' }, 8 * GiB).memory_stats.limit, 104857600);
  });
  it('pids: current and limit', () => {
    assert.deepEqual(s.pids_stats, { current: 2, limit: 100 });
  });
  it('io.stat: read and write bytes per device, the other lists null', () => {
    assert.deepEqual(s.blkio_stats.io_service_bytes_recursive, [
      { major: 8, minor: 16, op: 'read', value: 1459200 },
      { major: 8, minor: 16, op: 'write', value: 314773504 },
      { major: 253, minor: 0, op: 'read', value: 1459200 },
      { major: 253, minor: 0, op: 'write', value: 314773504 },
    ]);
    assert.equal(s.blkio_stats.io_serviced_recursive, null);
    assert.equal(parseIoStatV2('').length, 0);
  });
});

describe('host figures', () => {
  it('/proc/stat: the cpu line’s first seven fields in ns, cpuN lines counted', () => {
    assert.deepEqual(parseProcStat(fixture('proc-stat')), { systemNs: (10132153 + 290696 + 3084719 + 46828483 + 16683 + 0 + 25195) * 1e7, onlineCpus: 2 });
  });
  it('/proc/<pid>/net/dev: the endpoint interfaces only, dockerd’s counters', () => {
    assert.deepEqual(parseNetDev(fixture('net-dev')), {
      eth0: { rx_bytes: 10487866, rx_packets: 7413, rx_errors: 1, rx_dropped: 3, tx_bytes: 306938, tx_packets: 4421, tx_errors: 2, tx_dropped: 4 },
      eth1: { rx_bytes: 1296, rx_packets: 16, rx_errors: 0, rx_dropped: 0, tx_bytes: 656, tx_packets: 8, tx_errors: 0, tx_dropped: 0 },
    });
  });
});

describe('StatsCollector', () => {
  const frame = (id: string, n: number) => ({ id, read: String(n) }) as unknown as StatsFrame;
  it('samples each watched container once a tick for all its readers, and stops when nobody watches', async () => {
    // The collector's timer is unref'd (it never holds berthd up): hold the loop open meanwhile.
    const hold = setInterval(() => {}, 1000);
    const sampled: string[] = [];
    let gone = false;
    const c = new StatsCollector((id) => {
      sampled.push(id);
      return gone && id === 'b' ? undefined : frame(id, sampled.length);
    }, 5);
    const got: Record<string, Array<StatsFrame | undefined>> = { a1: [], a2: [], b: [] };
    const offA1 = c.subscribe('a', (f) => got.a1.push(f));
    const offA2 = c.subscribe('a', (f) => got.a2.push(f));
    c.subscribe('b', (f) => got.b.push(f));
    await new Promise<void>((resolve) => c.subscribe('a', () => got.a1.length >= 2 && resolve()));
    assert.equal(c.watched, 2);
    assert.deepEqual(got.a1, got.a2, 'both readers of a got the same samples');
    assert.equal(sampled.filter((x) => x === 'a').length, got.a1.length, 'one read of a per tick, not one per reader');
    gone = true;
    await new Promise<void>((resolve) => c.subscribe('a', () => got.b.at(-1) === undefined && resolve()));
    assert.equal(c.watched, 1, 'a container that is gone is dropped after telling its readers');
    offA1();
    offA2();
    c.close();
    assert.equal(c.watched, 0);
    clearInterval(hold);
  });
});

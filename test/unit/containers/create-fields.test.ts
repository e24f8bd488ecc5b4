// Every create field of API v1.50 is applied, refused or warned about (never silently dropped),
// and the refusals and warnings are dockerd's (daemon_unix.go verifyPlatformContainerResources).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CREATE_FIELDS, verifyCreateFields, type CgroupCaps } from '../../../src/engine/containers/create-fields.js';
import type { HostConfig } from '../../../src/engine/containers/types.js';

const spec = JSON.parse(readFileSync(new URL('../../../../test/fixtures/api-v1.50-create-fields.json', import.meta.url), 'utf8')) as { Config: string[]; HostConfig: string[] };
const V1: CgroupCaps = { swapLimit: true, memorySwappiness: true, oomKillDisable: true };
const V2_NO_SWAP: CgroupCaps = { swapLimit: false, memorySwappiness: false, oomKillDisable: false };
const verify = (hc: HostConfig, caps = V1, cfg: Record<string, unknown> = {}) => verifyCreateFields(hc, cfg, { caps, cpus: 2 });

describe('create fields', () => {
  for (const section of ['HostConfig', 'Config'] as const) {
    it(`every ${section} field of the API spec has a handling, and nothing else is listed`, () => {
      const table = CREATE_FIELDS[section];
      const missing = spec[section].filter((f) => !(f in table));
      assert.deepEqual(missing, [], `${section} fields with no handling: a new field must be applied, refused or warned about`);
      assert.deepEqual(Object.keys(table).filter((f) => !spec[section].includes(f)), []);
    });
  }

  it('what the docker CLI sends by default passes without warnings', () => {
    const hc: HostConfig = { MemorySwappiness: -1, OomKillDisable: false, PidsLimit: 0, CpuPercent: 0, IOMaximumIOps: 0, Isolation: '', StorageOpt: null, DeviceRequests: null, Cgroup: '', UsernsMode: '', CgroupParent: '' };
    assert.deepEqual(verify(hc, V2_NO_SWAP), []);
    assert.equal(hc.MemorySwappiness, undefined);
  });

  it('warns and drops what the host cannot do, in dockerd words', () => {
    const hc: HostConfig = { Memory: 64 << 20, MemorySwappiness: 10, OomKillDisable: true, CpuPercent: 50 };
    assert.deepEqual(verify(hc, V2_NO_SWAP), [
      'Your kernel does not support swap limit capabilities or the cgroup is not mounted. Memory limited without swap.',
      'Your kernel does not support memory swappiness capabilities or the cgroup is not mounted. Memory swappiness discarded.',
      'Your kernel does not support OomKillDisable. OomKillDisable discarded.',
      'linux does not support CPU percent. Percent discarded.',
    ]);
    assert.equal(hc.MemorySwap, -1);
    assert.equal(hc.MemorySwappiness, undefined);
    assert.equal(hc.OomKillDisable, undefined);
    assert.equal(hc.CpuPercent, 0);
    // Where the host has them, they are kept.
    const kept: HostConfig = { Memory: 64 << 20, MemorySwappiness: 10, OomKillDisable: true };
    assert.deepEqual(verify(kept), []);
    assert.equal(kept.OomKillDisable, true);
    assert.equal(kept.MemorySwappiness, 10);
    assert.deepEqual(verify({ OomKillDisable: true }), ['OOM killer is disabled for the container, but no memory limit is set, this can result in the system running out of resources.']);
    assert.deepEqual(verify({ NetworkMode: 'host', PortBindings: { '80/tcp': [{ HostPort: '8080' }] } }), ['Published ports are discarded when using host network mode']);
  });

  it("refuses with dockerd's errors", () => {
    const refusals: Array<[HostConfig, string]> = [
      [{ Memory: 1 << 20 }, 'Minimum memory limit allowed is 6MB'],
      [{ Memory: 64 << 20, MemorySwap: 32 << 20 }, 'Minimum memoryswap limit should be larger than memory limit, see usage'],
      [{ MemorySwap: 32 << 20 }, 'You should always set the Memory limit when using Memoryswap limit, see usage'],
      [{ MemorySwappiness: 101 }, 'Invalid value: 101, valid memory swappiness range is 0-100'],
      [{ MemoryReservation: 1 << 20 }, 'Minimum memory reservation allowed is 6MB'],
      [{ Memory: 16 << 20, MemoryReservation: 32 << 20 }, 'Minimum memory limit can not be less than memory reservation limit, see usage'],
      [{ NanoCpus: 1e9, CpuPeriod: 100000 }, 'Conflicting options: Nano CPUs and CPU Period cannot both be set'],
      [{ NanoCpus: 1e9, CpuQuota: 50000 }, 'Conflicting options: Nano CPUs and CPU Quota cannot both be set'],
      [{ NanoCpus: 3e9 }, 'range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available'],
      [{ CpuPeriod: 500 }, 'CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)'],
      [{ CpuQuota: 500 }, 'CPU cfs quota can not be less than 1ms (i.e. 1000)'],
      [{ BlkioWeight: 5 }, 'Range of blkio weight is from 10 to 1000'],
      [{ IOMaximumBandwidth: 1 }, 'invalid option: QoS maximum bandwidth configuration is not supported on linux'],
      [{ IOMaximumIOps: 1 }, 'invalid option: QoS maximum IOPs configuration is not supported on linux'],
      [{ Isolation: 'hyperv' }, "invalid isolation (hyperv): linux only supports 'default'"],
      [{ CpuRealtimeRuntime: 1000 }, 'kernel does not support CPU real-time scheduler'],
      [{ OomScoreAdj: 1001 }, 'Invalid value 1001, range for oom score adj is [-1000, 1000]'],
      [{ ShmSize: -1 }, 'SHM size can not be less than 0'],
      [{ StorageOpt: { size: '1G' } }, "--storage-opt is supported only for overlay over xfs with 'pquota' mount option"],
      [{ CgroupParent: '/mine' }, 'berth does not support HostConfig.CgroupParent yet'],
      [{ BlkioDeviceReadBps: [{ Path: '/dev/sda', Rate: 1 }] }, 'berth does not support HostConfig.BlkioDeviceReadBps yet'],
    ];
    for (const [hc, message] of refusals) assert.throws(() => verify(hc), { message }, JSON.stringify(hc));
    assert.throws(() => verify({}, V1, { NetworkDisabled: true }), { message: 'berth does not support Config.NetworkDisabled yet' });
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cgroupFeatures, cgroupWarnings, driverStatus, registryServiceConfig } from '../../src/engine/host-info.js';

describe('/info host features and warnings (dockerd 28)', () => {
  it('v1: features from the files at each hierarchy root; a host without swap accounting warns as dockerd', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'berth-cg-'));
    try {
      const files: Record<string, string[]> = {
        memory: ['memory.limit_in_bytes', 'memory.oom_control', 'memory.kmem.tcp.limit_in_bytes'],
        cpu: ['cpu.shares', 'cpu.cfs_quota_us'],
        cpuset: [],
        pids: [],
        blkio: ['blkio.throttle.read_bps_device', 'blkio.throttle.write_bps_device', 'blkio.throttle.read_iops_device', 'blkio.throttle.write_iops_device'],
      };
      const mountinfo: string[] = [];
      let n = 30;
      for (const [ctl, list] of Object.entries(files)) {
        mkdirSync(path.join(root, ctl));
        for (const f of list) writeFileSync(path.join(root, ctl, f), '');
        mountinfo.push(`${n++} 25 0:${n} / ${path.join(root, ctl)} rw,nosuid - cgroup cgroup rw,${ctl}`);
      }
      const f = cgroupFeatures(root, mountinfo.join('\n'));
      assert.equal(f.CgroupVersion, '1');
      assert.equal(f.MemoryLimit, true);
      assert.equal(f.SwapLimit, false);
      assert.equal(f.CpuCfsQuota, true);
      assert.deepEqual(cgroupWarnings(f, true), ['WARNING: No swap limit support']);
      assert.deepEqual(cgroupWarnings({ ...f, blkio: { ...f.blkio, readBps: false } }, false), [
        'WARNING: No swap limit support',
        'WARNING: No blkio throttle.read_bps_device support',
        'WARNING: IPv4 forwarding is disabled',
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('v2: features from the root controllers; no blkio weight warning on v1, io.* ones on v2', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'berth-cg-'));
    try {
      writeFileSync(path.join(root, 'cgroup.controllers'), 'cpuset cpu pids memory\n');
      const f = cgroupFeatures(root);
      assert.equal(f.CgroupVersion, '2');
      assert.equal(f.PidsLimit, true);
      assert.equal(f.OomKillDisable, false);
      const w = cgroupWarnings(f, true);
      assert.ok(w.includes('WARNING: No io.weight support'));
      assert.ok(w.includes('WARNING: No io.max (rbps) support'));
      assert.ok(!w.includes('WARNING: No oom kill disable support'), 'not on v2');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('RegistryConfig: CIDRs (and dockerd’s loopback ones), host:port as insecure index configs, mirrors with one slash', () => {
    assert.deepEqual(registryServiceConfig(['10.1.2.3/8', 'http://myreg:5000', 'other.example'], ['https://mirror.example', 'https://m2.example/']), {
      InsecureRegistryCIDRs: ['10.0.0.0/8', '::1/128', '127.0.0.0/8'],
      IndexConfigs: {
        'myreg:5000': { Name: 'myreg:5000', Mirrors: [], Secure: false, Official: false },
        'other.example': { Name: 'other.example', Mirrors: [], Secure: false, Official: false },
        'docker.io': { Name: 'docker.io', Mirrors: ['https://mirror.example/', 'https://m2.example/'], Secure: true, Official: true },
      },
      Mirrors: ['https://mirror.example/', 'https://m2.example/'],
    });
  });

  it('DriverStatus: overlay2’s five pairs, vfs none', () => {
    const s = driverStatus('overlay2', os.tmpdir())!;
    assert.deepEqual(
      s.map(([k]) => k),
      ['Backing Filesystem', 'Supports d_type', 'Using metacopy', 'Native Overlay Diff', 'userxattr'],
    );
    assert.notEqual(s[0][1], '');
    assert.equal(driverStatus('vfs', os.tmpdir()), null);
  });
});

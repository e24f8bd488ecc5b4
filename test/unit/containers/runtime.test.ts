import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { heldCapabilities, mergeCapabilities, DEFAULT_CAPS } from '../../../src/engine/runtime/capabilities.js';
import { seccompForCaps } from '../../../src/engine/runtime/seccomp.js';
import { buildOciSpec, type SpecInput } from '../../../src/engine/runtime/oci-spec.js';
import { copyRecord, parseLogLine, readLog, LineSplitter, type LogRecord } from '../../../src/engine/runtime/logfile.js';
import { DetachScanner, parseDetachKeys } from '../../../src/engine/containers/streams.js';
import { cleanRuncMessage } from '../../../src/engine/runtime/runc.js';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const NO_RESOURCE = 'CapBnd:\t000001fffeffffff\n'; // every capability but CAP_SYS_RESOURCE (24)

describe('capabilities', () => {
  it('reads the bounding set', () => {
    const held = heldCapabilities(NO_RESOURCE);
    assert.ok(!held.includes('SYS_RESOURCE'));
    assert.ok(held.includes('SYS_ADMIN'));
  });
  it('privileged and ALL mean what berthd holds', () => {
    const held = heldCapabilities(NO_RESOURCE);
    assert.equal(mergeCapabilities(null, null, true, held).length, held.length);
    assert.ok(!mergeCapabilities(['ALL'], null, false, held).includes('CAP_SYS_RESOURCE'));
  });
  it('add and drop on the defaults', () => {
    const held = heldCapabilities(NO_RESOURCE);
    const caps = mergeCapabilities(['NET_ADMIN'], ['CHOWN'], false, held);
    assert.ok(caps.includes('CAP_NET_ADMIN'));
    assert.ok(!caps.includes('CAP_CHOWN'));
    assert.equal(mergeCapabilities(null, ['ALL'], false, held).length, 0);
    assert.deepEqual(mergeCapabilities(null, null, false, held).sort(), DEFAULT_CAPS.map((c) => 'CAP_' + c).sort());
    assert.throws(() => mergeCapabilities(['BOGUS'], null, false, held), /unknown capability/);
  });
});

describe('seccomp filtering', () => {
  const profile = {
    defaultAction: 'SCMP_ACT_ERRNO',
    archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86'] }],
    syscalls: [
      { names: ['read'], action: 'SCMP_ACT_ALLOW' },
      { names: ['mount'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_ADMIN'] } },
      { names: ['ptrace'], action: 'SCMP_ACT_ALLOW', excludes: { caps: ['CAP_SYS_PTRACE'] } },
      { names: ['arch_prctl'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['amd64'] } },
    ],
  };
  it('keeps rules by capability and architecture', () => {
    const out = seccompForCaps(profile, ['CAP_CHOWN'], 'x64') as any;
    assert.deepEqual(out.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86']);
    assert.deepEqual(out.syscalls.map((s: any) => s.names[0]), ['read', 'ptrace', 'arch_prctl']);
    const admin = seccompForCaps(profile, ['CAP_SYS_ADMIN', 'CAP_SYS_PTRACE'], 'arm64') as any;
    assert.deepEqual(admin.syscalls.map((s: any) => s.names[0]), ['read', 'mount']);
  });
});

describe('OCI spec', () => {
  const base: SpecInput = {
    rootfs: '/r', readonlyRootfs: false, args: ['sh'], env: ['PATH=/bin'], cwd: '/', user: { uid: 0, gid: 0, additionalGids: [] }, terminal: false,
    hostname: 'h', capabilities: ['CAP_CHOWN'], privileged: false, noNewPrivileges: false, seccomp: 'unconfined',
    mounts: [{ destination: '/dev/shm', type: 'bind', source: '/x', options: ['rbind'] }],
    namespaces: { pid: { mode: 'private' }, ipc: { mode: 'host' }, uts: { mode: 'private' }, net: { mode: 'path', path: '/run/ns' }, cgroup: { mode: 'host' } },
    devices: [], deviceRules: [], sysctls: {}, rlimits: [], cgroupsPath: '/berth/x', resources: { memory: 1 << 30, pidsLimit: 10 }, shmSize: 1 << 26, maskPaths: true,
  };
  it('has Docker defaults and the user overrides', () => {
    const s = buildOciSpec(base) as any;
    const ns = s.linux.namespaces.map((n: any) => n.type);
    assert.deepEqual(ns, ['mount', 'pid', 'uts', 'network']);
    assert.equal(s.linux.namespaces[3].path, '/run/ns');
    assert.ok(s.linux.maskedPaths.includes('/proc/kcore'));
    assert.equal(s.mounts.filter((m: any) => m.destination === '/dev/shm').length, 1);
    assert.equal(s.mounts.find((m: any) => m.destination === '/dev/shm').type, 'bind');
    assert.equal(s.linux.resources.memory.limit, 1 << 30);
    assert.equal(s.linux.resources.pids.limit, 10);
    assert.equal(s.linux.seccomp, undefined);
  });
  it('privileged lifts masks and device rules', () => {
    const s = buildOciSpec({ ...base, privileged: true }) as any;
    assert.equal(s.linux.maskedPaths, undefined);
    assert.deepEqual(s.linux.resources.devices, [{ allow: true, access: 'rwm' }]);
  });
});

describe('conmon log files', () => {
  it('parses full and partial records', () => {
    const full = parseLogLine(Buffer.from('2026-11-23T04:52:31.643162609+00:00 stdout F hello'))!;
    assert.equal(full.stream, 'stdout');
    assert.equal(full.data.toString(), 'hello\n');
    assert.equal(full.timeNs, 1795409551643162609n);
    const part = parseLogLine(Buffer.from('2026-11-23T04:52:31.643162609+00:00 stderr P / # '))!;
    assert.equal(part.data.toString(), '/ # ');
    assert.equal(parseLogLine(Buffer.from('garbage')), undefined);
  });
  it('tail counts lines, not records', async () => {
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'berth-log-'));
    try {
      const f = path.join(dir, 'log');
      const t = '2026-11-23T04:52:31.000000001+00:00';
      await fsp.writeFile(f, `${t} stdout F a\n${t} stdout P b1\n${t} stdout F b2\n${t} stderr F c\n${t} stdout F incomplete`);
      const records: LogRecord[] = [];
      await readLog({ current: f }, { tail: 2 }, (v) => void records.push(copyRecord(v)));
      assert.equal(Buffer.concat(records.map((r) => r.data)).toString(), 'b1b2\nc\n');
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
  });
  it('line splitting is independent of chunking', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 5 }), { maxLength: 8 }), fc.integer({ min: 1, max: 7 }), (lines, size) => {
        const text = lines.map((l) => l.replace(/\n/g, '') + '\n').join('');
        const got: string[] = [];
        const sp = new LineSplitter();
        const buf = Buffer.from(text);
        for (let i = 0; i < buf.length; i += size) sp.push(buf.subarray(i, i + size), (l) => got.push(l.toString()));
        assert.deepEqual(got, text.split('\n').slice(0, -1));
      }),
    );
  });
});

describe('detach keys', () => {
  it('parses Docker detach key specs', () => {
    assert.deepEqual([...parseDetachKeys(undefined)], [16, 17]);
    assert.deepEqual([...parseDetachKeys('ctrl-a,x')], [1, 120]);
    assert.throws(() => parseDetachKeys('ctrl-'), /Invalid detach keys/);
  });
  it('finds the sequence across chunks and forwards the rest', () => {
    const sc = new DetachScanner(Buffer.from([16, 17]));
    assert.deepEqual(sc.push(Buffer.from('ab\x10')), { forward: Buffer.from('ab'), detached: false });
    assert.deepEqual(sc.push(Buffer.from('c')), { forward: Buffer.from('\x10c'), detached: false });
    const sc2 = new DetachScanner(Buffer.from([16, 17]));
    sc2.push(Buffer.from('x\x10'));
    assert.equal(sc2.push(Buffer.from('\x11')).detached, true);
  });
});

describe('runc messages', () => {
  it('keeps the msg of runc log lines', () => {
    assert.equal(cleanRuncMessage('time="2026" level=error msg="container \\"x\\" does not exist"'), 'container "x" does not exist');
  });
});

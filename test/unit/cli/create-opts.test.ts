import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseFlags } from '../../../src/cli/flags.js';
import {
  CREATE_FLAGS,
  RUN_ONLY_FLAGS,
  buildCreateRequest,
  parseMount,
  parsePortSpec,
  parseUlimit,
  parseRestart,
  parseDevice,
  splitVolumes,
  normalizeCaps,
  parseEnvFile,
} from '../../../src/cli/commands/container/create-opts.js';

const env = { readFile: (p: string) => (p === 'envs' ? 'A=1\n# c\n\nHOSTVAR\n' : '{"defaultAction":"SCMP_ACT_ALLOW"}'), lookupEnv: (n: string) => (n === 'HOSTVAR' ? 'hv' : undefined) };

function build(argv: string[], detach = false) {
  const flags = parseFlags([...CREATE_FLAGS, ...RUN_ONLY_FLAGS], argv, { stopAtPositional: 1 });
  return buildCreateRequest(flags, env, { detach: detach || flags.bool('detach') });
}

/** The create body the docker CLI sent in a recording (first JSON line after "POST …/containers/create").
 *  The recordings live in the repo (test/fixtures/dockerd-wire/), so these tests always run. */
function recordedBody(file: string): unknown {
  const text = readFileSync(new URL(`../../../../test/fixtures/dockerd-wire/${file}`, import.meta.url), 'utf8');
  const at = text.indexOf('/containers/create');
  const line = text.slice(at).split('\n').find((l) => l.startsWith('{"Hostname"'))!;
  return JSON.parse(line.replace(/\\n$/, ''));
}

test('run --rm busybox echo hello builds the body the docker CLI sent', () => {
  const req = build(['--rm', 'busybox:latest', 'echo', 'hello']);
  assert.deepEqual(req.body, recordedBody('run-rm.txt'));
});

test('run --rm -it builds the recorded TTY body', () => {
  const req = build(['--rm', '-it', 'busybox:latest', 'sh', '-c', 'echo tty; tty']);
  assert.deepEqual(req.body, recordedBody('run-it.txt'));
});

test('run --rm -i (stdin piped) builds the recorded body', () => {
  const req = build(['--rm', '-i', 'busybox:latest', 'cat']);
  assert.deepEqual(req.body, recordedBody('run-i.txt'));
});

test('-d clears the attach flags; --name goes to the query', () => {
  const req = build(['-d', '--name', 'web', 'busybox', 'sleep', '30']);
  const b = req.body as Record<string, unknown>;
  assert.equal(b.AttachStdout, false);
  assert.equal(b.AttachStderr, false);
  assert.equal(req.name, 'web');
  assert.deepEqual(b.Cmd, ['sleep', '30']);
});

test('network, volumes, ports, env, labels, resources map into HostConfig', () => {
  const req = build([
    '--network', 'trn', '--network-alias', 'db', '--ip', '10.1.0.5',
    '-v', 'trv:/d', '-v', '/anon', '-p', '127.0.0.1:8080:80', '-p', '53/udp', '--expose', '9000',
    '--env-file', 'envs', '-e', 'B=2', '-l', 'k=v', '--memory', '512m', '--cpus', '1.5', '--pids-limit', '100',
    '--restart', 'on-failure:3', '--cap-add', 'net_admin', '--read-only', '--init', '--tmpfs', '/run:size=1m',
    '--add-host', 'h=1.2.3.4', '--ulimit', 'nofile=1024:2048', '--security-opt', 'seccomp=prof.json',
    '--health-cmd', 'true', '--health-interval', '5s', '--stop-timeout', '3', '--link', 'other',
    'busybox',
  ]);
  const b = req.body as any;
  assert.deepEqual(b.Env, ['A=1', 'HOSTVAR=hv', 'B=2']);
  assert.deepEqual(b.Labels, { k: 'v' });
  assert.deepEqual(b.Volumes, { '/anon': {} });
  assert.deepEqual(b.ExposedPorts, { '80/tcp': {}, '53/udp': {}, '9000/tcp': {} });
  assert.deepEqual(b.Healthcheck, { Test: ['CMD-SHELL', 'true'], Interval: 5e9, Timeout: 0, StartPeriod: 0, StartInterval: 0, Retries: 0 });
  assert.equal(b.StopTimeout, 3);
  const h = b.HostConfig;
  assert.deepEqual(h.Binds, ['trv:/d']);
  assert.equal(h.NetworkMode, 'trn');
  assert.deepEqual(h.PortBindings, { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }], '53/udp': [{ HostIp: '', HostPort: '' }] });
  assert.equal(h.Memory, 512 * 1024 * 1024);
  assert.equal(h.NanoCpus, 1.5e9);
  assert.equal(h.PidsLimit, 100);
  assert.deepEqual(h.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 3 });
  assert.deepEqual(h.CapAdd, ['CAP_NET_ADMIN']);
  assert.equal(h.ReadonlyRootfs, true);
  assert.equal(h.Init, true);
  assert.deepEqual(h.Tmpfs, { '/run': 'size=1m' });
  assert.deepEqual(h.ExtraHosts, ['h:1.2.3.4']);
  assert.deepEqual(h.Ulimits, [{ Name: 'nofile', Soft: 1024, Hard: 2048 }]);
  assert.deepEqual(h.SecurityOpt, ['seccomp={"defaultAction":"SCMP_ACT_ALLOW"}']);
  assert.deepEqual(h.Links, ['other:other']);
  const ep = b.NetworkingConfig.EndpointsConfig.trn;
  assert.deepEqual(ep.Aliases, ['db']);
  assert.deepEqual(ep.IPAMConfig, { IPv4Address: '10.1.0.5' });
});

test('conflicting options are refused as docker does', () => {
  assert.throws(() => build(['--rm', '--restart', 'always', 'busybox']), /Conflicting options: --restart and --rm/);
  assert.throws(() => build(['-d', '-a', 'stdout', 'busybox']), /Conflicting options: -a and -d/);
  assert.throws(() => build(['--pull', 'sometimes', 'busybox']), /invalid pull option/);
});

test('--entrypoint "" resets the entrypoint', () => {
  assert.deepEqual((build(['--entrypoint', '', 'busybox']).body as any).Entrypoint, ['']);
  assert.deepEqual((build(['--entrypoint', 'sh', 'busybox']).body as any).Entrypoint, ['sh']);
});

test('port specs', () => {
  assert.deepEqual(parsePortSpec('8000-8001:80-81/tcp').bindings, {
    '80/tcp': [{ HostIp: '', HostPort: '8000' }],
    '81/tcp': [{ HostIp: '', HostPort: '8001' }],
  });
  assert.deepEqual(parsePortSpec('[::1]:80:80').bindings, { '80/tcp': [{ HostIp: '::1', HostPort: '80' }] });
  assert.deepEqual(parsePortSpec('8080:80/udp').exposed, ['80/udp']);
});

test('mounts, devices, ulimits, restart, volumes, caps, env files', () => {
  assert.deepEqual(parseMount('type=bind,source=/a,target=/b,readonly'), { Type: 'bind', Source: '/a', Target: '/b', ReadOnly: true });
  assert.deepEqual(parseMount('type=tmpfs,dst=/t,tmpfs-size=1m'), { Type: 'tmpfs', Target: '/t', TmpfsOptions: { SizeBytes: 1048576 } });
  assert.deepEqual(parseMount('source=v,target=/v,volume-nocopy'), { Type: 'volume', Source: 'v', Target: '/v', VolumeOptions: { NoCopy: true } });
  assert.throws(() => parseMount('type=bind,source=/a'), /target is required/);
  assert.deepEqual(parseDevice('/dev/fuse'), { PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse', CgroupPermissions: 'rwm' });
  assert.deepEqual(parseDevice('/dev/a:/dev/b:r'), { PathOnHost: '/dev/a', PathInContainer: '/dev/b', CgroupPermissions: 'r' });
  assert.deepEqual(parseUlimit('nproc=512'), { Name: 'nproc', Soft: 512, Hard: 512 });
  assert.deepEqual(parseRestart('always'), { Name: 'always', MaximumRetryCount: 0 });
  assert.throws(() => parseRestart('always:3'));
  assert.deepEqual(splitVolumes(['/data', 'a:/b:ro']), { binds: ['a:/b:ro'], volumes: { '/data': {} } });
  assert.equal(normalizeCaps([]), null);
  assert.deepEqual(normalizeCaps(['all', 'CAP_SYS_ADMIN', 'chown']), ['ALL', 'CAP_SYS_ADMIN', 'CAP_CHOWN']);
  assert.deepEqual(parseEnvFile('X=1\n  # comment\nMISSING\n', () => undefined), ['X=1', 'MISSING']);
});

// A service as a container create request, as compose's create.go builds it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildVolumes, createRequest, restartPolicy } from '../../../src/compose/create-request.js';
import { serviceHash } from '../../../src/compose/hash.js';
import type { Project, ServiceConfig } from '../../../src/compose/model.js';
import { containerName, dependsOnLabel, serviceLabels } from '../../../src/compose/naming.js';

const web: ServiceConfig = {
  image: 'busybox',
  command: ['httpd', '-f'],
  entrypoint: null,
  environment: { A: '1', B: null },
  ports: [{ target: 80, published: '8080', protocol: 'tcp', mode: 'ingress' }, { target: 53, protocol: 'udp', mode: 'ingress', host_ip: '127.0.0.1' }],
  expose: ['9000'],
  networks: { default: null, back: { aliases: ['api'], ipv4_address: '10.5.0.5', priority: 10 } },
  volumes: [
    { type: 'bind', source: '/srv/www', target: '/www', read_only: true, bind: { create_host_path: true } },
    { type: 'volume', source: 'data', target: '/data' },
    { type: 'volume', target: '/anon' },
    { type: 'tmpfs', target: '/t', tmpfs: { size: '1024' } },
  ],
  healthcheck: { test: ['CMD', 'true'], interval: '1s', retries: 3, start_period: '500ms' },
  stop_grace_period: '1m30s',
  restart: 'on-failure:3',
  depends_on: { db: { condition: 'service_healthy', restart: true, required: true } },
  labels: { mine: 'yes' },
  extra_hosts: ['h=1.2.3.4'],
  deploy: { resources: { limits: { memory: '67108864', cpus: 0.5 } }, placement: {} },
  ulimits: { nofile: { soft: 10, hard: 20 } },
};
const project: Project = {
  name: 'p',
  services: { web },
  networks: { default: { name: 'p_default', ipam: {} }, back: { name: 'p_back', ipam: {} } },
  volumes: { data: { name: 'p_data' } },
};

test('Config: command, env, ports, healthcheck in ns, stop timeout in s, labels with hash/number/depends_on', () => {
  const labels = { ...web.labels, ...serviceLabels('p', 'web', { workingDir: '/w', configFiles: ['/w/compose.yaml'] }) };
  const r = createRequest({ project, service: 'web', svc: web, number: 1, name: containerName('p', 'web', web, 1), labels, useNetworkAliases: true });
  assert.equal(r.Image, 'busybox');
  assert.deepEqual(r.Cmd, ['httpd', '-f']);
  assert.equal(r.Entrypoint, undefined);
  assert.deepEqual(r.Env, ['A=1', 'B']);
  assert.deepEqual(Object.keys(r.ExposedPorts!).sort(), ['53/udp', '80/tcp', '9000/tcp']);
  assert.deepEqual(r.Healthcheck, { Test: ['CMD', 'true'], Interval: 1e9, StartPeriod: 5e8, Retries: 3 });
  assert.equal(r.StopTimeout, 90);
  assert.equal(r.Labels!['com.docker.compose.config-hash'], serviceHash(web));
  assert.equal(r.Labels!['com.docker.compose.container-number'], '1');
  assert.equal(r.Labels!['com.docker.compose.depends_on'], 'db:service_healthy:true');
  assert.equal(r.Labels!['com.docker.compose.oneoff'], 'False');
  assert.equal(r.Labels!['com.docker.compose.project.config_files'], '/w/compose.yaml');
  assert.equal(r.Labels!.mine, 'yes');
  const hc = r.HostConfig!;
  assert.deepEqual(hc.PortBindings, { '80/tcp': [{ HostIp: '', HostPort: '8080' }], '53/udp': [{ HostIp: '127.0.0.1', HostPort: '' }] });
  assert.deepEqual(hc.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 3 });
  assert.equal(hc.Memory, 67108864);
  assert.equal(hc.NanoCpus, 5e8);
  assert.deepEqual(hc.ExtraHosts, ['h:1.2.3.4']);
  assert.deepEqual(hc.Ulimits, [{ Name: 'nofile', Soft: 10, Hard: 20 }]);
});

test('networks: highest priority first as NetworkMode, every network an endpoint with aliases', () => {
  const r = createRequest({ project, service: 'web', svc: web, number: 2, name: 'p-web-2', labels: {}, useNetworkAliases: true });
  assert.equal(r.HostConfig!.NetworkMode, 'p_back');
  assert.deepEqual(r.NetworkingConfig!.EndpointsConfig!.p_back, { Aliases: ['p-web-2', 'web', 'api'], IPAMConfig: { IPv4Address: '10.5.0.5', IPv6Address: undefined, LinkLocalIPs: undefined } });
  assert.deepEqual(r.NetworkingConfig!.EndpointsConfig!.p_default, { Aliases: ['p-web-2', 'web'] });
  const oneOff = createRequest({ project, service: 'web', svc: web, number: 0, name: 'p-web-run-x', labels: {}, useNetworkAliases: false });
  assert.deepEqual(oneOff.NetworkingConfig!.EndpointsConfig!.p_default.Aliases, ['p-web-run-x']);
  assert.equal(oneOff.Labels!['com.docker.compose.container-number'], undefined);
  const host = createRequest({ project, service: 'web', svc: { ...web, network_mode: 'host', networks: undefined }, number: 1, name: 'x', labels: {} });
  assert.equal(host.HostConfig!.NetworkMode, 'host');
  assert.equal(host.NetworkingConfig, undefined);
});

test('volumes: plain binds as Binds, named/anonymous/tmpfs through the Mount API; anonymous volumes inherited', () => {
  const { binds, mounts } = buildVolumes(project, web);
  assert.deepEqual(binds, ['/srv/www:/www:ro']);
  assert.deepEqual(mounts, [
    { Type: 'volume', Source: 'p_data', Target: '/data' },
    { Type: 'volume', Source: undefined, Target: '/anon' },
    { Type: 'tmpfs', Source: undefined, Target: '/t', TmpfsOptions: { SizeBytes: 1024, Mode: undefined } },
  ]);
  const inherited = buildVolumes(project, web, { Mounts: [{ Type: 'volume', Name: 'abc123', Destination: '/anon', RW: true }] });
  assert.deepEqual(inherited.mounts.find((m) => m.Target === '/anon'), { Type: 'volume', Source: 'abc123', Target: '/anon', ReadOnly: undefined });
});

test('secrets from files are read-only binds under /run/secrets; restart policies map as compose maps them', () => {
  const p: Project = { ...project, secrets: { token: { name: 'p_token', file: '/w/token.txt' } } };
  const { mounts } = buildVolumes(p, { command: null, entrypoint: null, secrets: [{ source: 'token' }] });
  assert.deepEqual(mounts, [{ Type: 'bind', Source: '/w/token.txt', Target: '/run/secrets/token', ReadOnly: true, BindOptions: {} }]);
  assert.deepEqual(restartPolicy({ command: null, entrypoint: null, deploy: { restart_policy: { condition: 'any' }, resources: {}, placement: {} } }), { Name: 'always', MaximumRetryCount: 0 });
  assert.deepEqual(restartPolicy({ command: null, entrypoint: null }), { Name: '' });
  assert.equal(dependsOnLabel({ command: null, entrypoint: null }), '');
});

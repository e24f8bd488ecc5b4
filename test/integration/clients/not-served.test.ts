// What berthd does not serve (swarm mode, managed plugins, an unreachable search index, API
// versions outside its range) answers as dockerd 28 answers it, through the Node SDK (dockerode),
// the docker CLI and raw API calls: SDK test teardowns call `swarm leave` and expect dockerd's 503.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Docker from 'dockerode';
import { integrationSkipReason, startDaemon, type Daemon } from '../harness.js';
import { fails, ok } from '../support/assert.js';
import { sdkError } from '../support/sdk.js';

const NOT_MANAGER = 'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.';
const NOT_IN_SWARM = 'This node is not part of a swarm';


describe('endpoints berthd does not serve, answered as dockerd', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  let sdk: Docker;
  before(async () => {
    d = await startDaemon({ name: 'ns', loadBusybox: false });
    sdk = new Docker({ socketPath: d.sock });
  });
  after(() => d?.cleanup());

  it('swarm, node, service, task, secret and config calls get 503 as on a node outside a swarm', async () => {
    assert.deepEqual(await sdkError(sdk.swarmLeave({ force: true })), { status: 503, message: NOT_IN_SWARM });
    for (const call of [
      () => sdk.swarmInspect(),
      () => sdk.listServices(),
      () => sdk.getService('web').inspect(),
      () => sdk.getService('web').remove(),
      () => sdk.createService({ Name: 'web', TaskTemplate: { ContainerSpec: { Image: 'busybox' } } }),
      () => sdk.listNodes(),
      () => sdk.getNode('n1').inspect(),
      () => sdk.listTasks(),
      () => sdk.getTask('t1').inspect(),
      () => sdk.listSecrets(),
      () => sdk.createSecret({ Name: 's', Data: 'eA==' }),
      () => sdk.getSecret('s').remove(),
      () => sdk.listConfigs(),
      () => sdk.getConfig('c').inspect(),
    ]) {
      assert.deepEqual(await sdkError(call()), { status: 503, message: NOT_MANAGER }, String(call));
    }
    // Versioned paths as the CLI sends them, and a body dockerd could not read is still a 400.
    const r = await d.api('GET', '/v1.41/nodes');
    assert.equal(r.status, 503);
    assert.equal(r.json.message, NOT_MANAGER);
    assert.equal((await d.api('POST', '/services/create', '{nope', { headers: { 'Content-Type': 'application/json' } })).status, 400);

    fails(await d.docker(['service', 'ls']), `Error response from daemon: ${NOT_MANAGER}`, 'docker service ls');
    fails(await d.docker(['swarm', 'leave', '--force']), `Error response from daemon: ${NOT_IN_SWARM}`, 'docker swarm leave');
    fails(await d.docker(['secret', 'ls']), NOT_MANAGER, 'docker secret ls');
  });

  it('plugins: none installed, and every named plugin is not found', async () => {
    assert.deepEqual(await sdk.listPlugins(), []);
    assert.equal(ok(await d.docker(['plugin', 'ls', '--format', '{{.Name}}'])), '');
    assert.deepEqual(await sdkError(sdk.getPlugin('vieux/sshfs', 'vieux/sshfs').inspect()), { status: 404, message: 'plugin "vieux/sshfs" not found' });
    assert.deepEqual(await sdkError(sdk.getPlugin('vieux/sshfs', 'vieux/sshfs').remove({ force: true })), { status: 404, message: 'plugin "vieux/sshfs" not found' });
    assert.deepEqual(await sdkError(sdk.getPlugin('vieux/sshfs', 'vieux/sshfs').disable({})), { status: 404, message: 'plugin "vieux/sshfs" not found' });
    assert.deepEqual(await sdkError(sdk.getPlugin('vieux/sshfs', 'vieux/sshfs').configure(['DEBUG=1'])), { status: 404, message: 'plugin "vieux/sshfs" not found' });
    fails(await d.docker(['plugin', 'enable', 'vieux/sshfs']), 'plugin "vieux/sshfs" not found', 'docker plugin enable');
    fails(await d.docker(['plugin', 'rm', 'vieux/sshfs']), 'plugin "vieux/sshfs" not found', 'docker plugin rm');
    const list = await d.api('GET', `/plugins?filters=${encodeURIComponent('{"nope":["x"]}')}`);
    assert.equal(list.status, 400);
  });

  it('a plugin whose registry cannot be reached cannot be pulled, in dockerd words', async () => {
    // Port 1 on loopback: nothing listens, the registry is unreachable without leaving the machine.
    const remote = '127.0.0.1:1/acme/volplugin:1.0';
    const pull = await d.api('POST', `/plugins/pull?remote=${encodeURIComponent(remote)}&name=volplugin`, []);
    assert.equal(pull.status, 500, pull.text);
    assert.match(pull.json.message, /^error resolving plugin reference: .*127\.0\.0\.1:1.*connection refused/);
    const priv = await d.api('GET', `/plugins/privileges?remote=${encodeURIComponent(remote)}`);
    assert.equal(priv.status, 500, priv.text);
    assert.match(priv.json.message, /^error resolving plugin reference: /);
    fails(await d.docker(['plugin', 'install', '--grant-all-permissions', remote]), /error resolving plugin reference: .*connection refused/, 'docker plugin install');
  });

  it('image search: an unreachable index is a Docker-shaped error; a reachable one is searched', async () => {
    fails(await d.docker(['search', '127.0.0.1:1/busybox']), /invalid registry endpoint "http:\/\/127\.0\.0\.1:1\/v1\/"\. HTTPS attempt: .*connection refused\. HTTP attempt: .*connection refused/, 'docker search');
    const scheme = await sdkError(sdk.searchImages({ term: 'https://127.0.0.1:1/busybox' }));
    assert.equal(scheme.status, 400);
    assert.match(scheme.message, /should not have a scheme/);

    // A v1 index on loopback: dockerd pings it, then asks /v1/search and filters what it gets.
    const asked: string[] = [];
    const index = http.createServer((req, res) => {
      asked.push(req.url ?? '');
      res.setHeader('Content-Type', 'application/json');
      if (req.url === '/v1/_ping') return res.end('{}');
      res.end(JSON.stringify({ num_results: 2, query: 'box', results: [
        { name: 'acme/box', description: 'a box', star_count: 3, is_official: false, is_automated: true },
        { name: 'box', description: 'official box', star_count: 12, is_official: true, is_automated: false },
      ] }));
    });
    await new Promise<void>((resolve) => index.listen(0, '127.0.0.1', resolve));
    try {
      const port = (index.address() as AddressInfo).port;
      const all = await sdk.searchImages({ term: `127.0.0.1:${port}/box` });
      assert.deepEqual(all.map((r: any) => [r.name, r.star_count, r.is_official, r.is_automated]), [['acme/box', 3, false, false], ['box', 12, true, false]]);
      assert.ok(asked.includes('/v1/search?q=box&n=25'), asked.join(' '));
      const filtered = await sdk.searchImages({ term: `127.0.0.1:${port}/box`, filters: { 'is-official': ['true'] } } as any);
      assert.deepEqual(filtered.map((r: any) => r.name), ['box']);
      assert.equal(ok(await d.docker(['search', '--filter', 'stars=5', '--format', '{{.Name}}', `127.0.0.1:${port}/box`])), 'box');
    } finally {
      index.close();
    }
  });

  it('API versions outside 1.24 … 1.50 are refused with dockerd\'s message', async () => {
    const old = await d.api('GET', '/v1.12/containers/json');
    assert.equal(old.status, 400);
    assert.equal(old.json.message, 'client version 1.12 is too old. Minimum supported API version is 1.24, please upgrade your client to a newer version');
    const tooNew = await d.api('GET', '/v1.99/version');
    assert.equal(tooNew.status, 400);
    assert.equal(tooNew.json.message, 'client version 1.99 is too new. Maximum supported API version is 1.50');
    assert.equal((await d.api('GET', '/v1.24/version')).status, 200);
    // An unknown path stays a 404, whatever the version.
    assert.equal((await d.api('GET', '/v1.12/nothing/here')).status, 404);

    const oldSdk = new Docker({ socketPath: d.sock, version: 'v1.18' });
    assert.deepEqual(await sdkError(oldSdk.listContainers()), { status: 400, message: 'client version 1.18 is too old. Minimum supported API version is 1.24, please upgrade your client to a newer version' });
    fails(await d.docker(['ps'], { env: { DOCKER_API_VERSION: '1.20' } }), 'client version 1.20 is too old', 'docker ps with API 1.20');
  });
});

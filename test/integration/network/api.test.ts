// The /networks routes over a real HTTP server on a unix socket, backed by a real NetworkManager.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiCall, fakeContainer, makeApiHarness } from './helpers.js';

test('network routes: create, list, inspect, connect, disconnect, delete, prune', async (t) => {
  const { h, sock } = await makeApiHarness(t);

  // What the docker CLI sends for `docker network create trn` (dockerd-wire/volume-network.txt).
  const created = await apiCall(sock, 'POST', '/v1.41/networks/create', {
    Driver: 'bridge', Scope: '', IPAM: { Driver: 'default', Options: {}, Config: [] }, Internal: false, Attachable: false,
    Ingress: false, ConfigOnly: false, ConfigFrom: null, Options: {}, Labels: {}, Name: 'trn', CheckDuplicate: true,
  });
  assert.equal(created.status, 201);
  assert.match(created.json.Id, /^[0-9a-f]{64}$/);
  assert.equal(created.json.Warning, '');
  assert.equal((await apiCall(sock, 'POST', '/networks/create', { Name: 'trn' })).status, 409);

  const list = await apiCall(sock, 'GET', '/networks');
  assert.deepEqual(list.json.map((n: any) => n.Name).sort(), ['bridge', 'host', 'none', 'trn']);
  const inspect = await apiCall(sock, 'GET', '/v1.41/networks/trn');
  assert.equal(inspect.status, 200);
  for (const k of ['Name', 'Id', 'Created', 'Scope', 'Driver', 'EnableIPv6', 'IPAM', 'Internal', 'Attachable', 'Ingress', 'ConfigFrom', 'ConfigOnly', 'Containers', 'Options', 'Labels']) {
    assert.ok(k in inspect.json, k);
  }
  assert.deepEqual(await apiCall(sock, 'GET', '/networks/nosuch'), { status: 404, json: { message: 'network nosuch not found' } });

  const c = await fakeContainer(h, 'apic');
  await h.mgr.attachContainer({ containerId: c.id, name: 'apic', hostname: 'apic', netnsPath: c.netns, endpoints: { bridge: {} } });
  assert.equal((await apiCall(sock, 'POST', '/networks/trn/connect', { Container: 'apic', EndpointConfig: { Aliases: ['x'] } })).status, 200);
  const withC = await apiCall(sock, 'GET', '/networks/trn');
  assert.deepEqual(Object.keys(withC.json.Containers), [c.id]);
  const busy = await apiCall(sock, 'DELETE', '/networks/trn');
  assert.equal(busy.status, 403);
  assert.match(busy.json.message, /^error while removing network: network trn id [0-9a-f]{64} has active endpoints$/);
  assert.equal((await apiCall(sock, 'POST', '/networks/trn/disconnect', { Container: 'apic', Force: false })).status, 200);
  assert.equal((await apiCall(sock, 'DELETE', '/networks/trn')).status, 204);
  assert.equal((await apiCall(sock, 'DELETE', '/networks/bridge')).status, 403);

  await apiCall(sock, 'POST', '/networks/create', { Name: 'pr1', Labels: { keep: 'no' } });
  await apiCall(sock, 'POST', '/networks/create', { Name: 'pr2', Labels: { keep: 'yes' } });
  const pruned = await apiCall(sock, 'POST', `/networks/prune?filters=${encodeURIComponent(JSON.stringify({ label: ['keep=no'] }))}`);
  assert.deepEqual(pruned.json, { NetworksDeleted: ['pr1'] });
  const filtered = await apiCall(sock, 'GET', `/networks?filters=${encodeURIComponent(JSON.stringify({ type: ['custom'] }))}`);
  assert.deepEqual(filtered.json.map((n: any) => n.Name), ['pr2']);
});

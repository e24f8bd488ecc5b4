// Concurrent requests against one NetworkManager behind the real HTTP routes: creates with the
// same name (exactly one wins, the other gets dockerd's 409), creates that both pick a subnet
// (they get different ones), and connect/disconnect of one container racing each other.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cidrOverlaps, mustParseCidr } from '../../../src/engine/network/ipv4.js';
import { run } from '../../../src/engine/network/run.js';
import { apiCall, countVeths, fakeContainer, makeApiHarness } from './helpers.js';

async function bridgeExists(name: string): Promise<boolean> {
  return (await run('ip', ['link', 'show', 'dev', name])).code === 0;
}

test('two concurrent creates with one name: one 201, the other 409 in dockerd words, one network left', async (t) => {
  const { h, sock } = await makeApiHarness(t);
  const [a, b] = await Promise.all([
    apiCall(sock, 'POST', '/networks/create', { Name: 'twin' }),
    apiCall(sock, 'POST', '/networks/create', { Name: 'twin' }),
  ]);
  const statuses = [a.status, b.status].sort();
  assert.deepEqual(statuses, [201, 409], JSON.stringify([a, b]));
  const loser = a.status === 409 ? a : b;
  const winner = a.status === 201 ? a : b;
  assert.deepEqual(loser.json, { message: 'network with name twin already exists' });
  const twins = h.mgr.list().filter((n) => n.Name === 'twin');
  assert.deepEqual(twins.map((n) => n.Id), [winner.json.Id]);
  assert.ok(await bridgeExists(`br-${winner.json.Id.slice(0, 12)}`));

  // The name is free again once its network is gone, and a failed create does not hold it.
  assert.equal((await apiCall(sock, 'DELETE', '/networks/twin')).status, 204);
  const bad = await apiCall(sock, 'POST', '/networks/create', { Name: 'twin', IPAM: { Config: [{ Subnet: 'nonsense' }] } });
  assert.equal(bad.status, 400);
  assert.equal((await apiCall(sock, 'POST', '/networks/create', { Name: 'twin' })).status, 201);
});

test('concurrent creates that pick their subnets get subnets that do not overlap', async (t) => {
  const { h, sock } = await makeApiHarness(t);
  const names = ['pick1', 'pick2', 'pick3'];
  const res = await Promise.all(names.map((Name) => apiCall(sock, 'POST', '/networks/create', { Name })));
  assert.deepEqual(res.map((r) => r.status), [201, 201, 201], JSON.stringify(res));
  const subnets = names.map((n) => h.mgr.inspect(n).IPAM.Config[0].Subnet!);
  const all = h.mgr.list().map((n) => n.IPAM.Config[0]?.Subnet).filter((s): s is string => !!s);
  for (const s of subnets) {
    const overlapping = all.filter((o) => cidrOverlaps(mustParseCidr(o), mustParseCidr(s)));
    assert.deepEqual(overlapping, [s], `${s} overlaps: ${all.join(', ')}`);
  }
});

test('connect and disconnect of one container racing: the per-container lock keeps its endpoints whole', async (t) => {
  const { h, sock } = await makeApiHarness(t);
  for (const Name of ['ra', 'rb']) assert.equal((await apiCall(sock, 'POST', '/networks/create', { Name })).status, 201);
  const c = await fakeContainer(h, 'racer');
  await h.mgr.attachContainer({ containerId: c.id, name: 'racer', hostname: 'racer', netnsPath: c.netns, endpoints: { ra: {} } });

  // Two connects to the same network: one wins, the other is told the endpoint exists.
  const connects = await Promise.all([0, 1].map(() => apiCall(sock, 'POST', '/networks/rb/connect', { Container: 'racer' })));
  assert.deepEqual(connects.map((r) => r.status).sort(), [200, 403], JSON.stringify(connects));
  assert.deepEqual(Object.keys(h.mgr.networkSettings(c.id)!.Networks).sort(), ['ra', 'rb']);

  // Two disconnects from the same network: one takes the endpoint off, the other finds it gone
  // (dockerd's 500 'is not connected').
  const disconnects = await Promise.all([0, 1].map(() => apiCall(sock, 'POST', '/networks/rb/disconnect', { Container: 'racer' })));
  assert.deepEqual(disconnects.map((r) => r.status).sort(), [200, 500], JSON.stringify(disconnects));
  assert.deepEqual(Object.keys(h.mgr.networkSettings(c.id)!.Networks), ['ra']);
  assert.equal(await countVeths(h), 1);

  // A connect that comes in while the container's detach (it exited) is under way must not bring
  // its record back: it finds the sandbox gone once it holds the lock.
  const [, connected] = await Promise.allSettled([h.mgr.detachContainer(c.id), h.mgr.connect('rb', 'racer')]);
  assert.equal(connected.status, 'fulfilled', String((connected as PromiseRejectedResult).reason));
  assert.equal(h.mgr.networkSettings(c.id), undefined);
  assert.equal(await countVeths(h), 0);
});

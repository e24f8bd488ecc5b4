// The volume routes through the real API server on a unix socket, over a VolumeStore in a
// temporary data root: status codes, bodies and versioned behaviour as dockerd answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApiServer } from '../../../src/api/server.js';
import { registerVolumeRoutes } from '../../../src/api/volumes.js';
import type { Engine } from '../../../src/engine/engine.js';
import { EventBus } from '../../../src/engine/events.js';
import { VolumeStore } from '../../../src/engine/volumes/store.js';

interface Reply {
  status: number;
  body: any;
}

async function setup(t: { after(fn: () => Promise<void>): void }) {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'berth-volapi-'));
  const users = new Map<string, string[]>();
  const volumes = new VolumeStore({ dataRoot: dir, events: new EventBus(), volumeUsers: (n) => users.get(n) ?? [] });
  await volumes.init();
  const server = createApiServer({ volumes } as unknown as Engine, [registerVolumeRoutes]);
  const socketPath = path.join(dir, 'api.sock');
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  t.after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await fsp.rm(dir, { recursive: true, force: true });
  });
  const call = (method: string, p: string, body?: unknown): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const req = http.request({ socketPath, method, path: p, headers: { 'Content-Type': 'application/json' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
        });
      });
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  return { dir, users, call };
}

const q = (filters: Record<string, string[]>) => encodeURIComponent(JSON.stringify(filters));

test('create, inspect, list and delete as the docker CLI does them', async (t) => {
  const { dir, call } = await setup(t);
  const created = await call('POST', '/v1.50/volumes/create', { Driver: 'local', Name: 'trv' });
  assert.equal(created.status, 201);
  assert.deepEqual(created.body, {
    CreatedAt: created.body.CreatedAt,
    Driver: 'local',
    Labels: null,
    Mountpoint: path.join(dir, 'volumes', 'trv', '_data'),
    Name: 'trv',
    Options: null,
    Scope: 'local',
  });
  assert.deepEqual((await call('GET', '/v1.50/volumes/trv')).body, created.body);
  assert.deepEqual(await call('GET', '/volumes'), { status: 200, body: { Volumes: [created.body], Warnings: null } });
  assert.deepEqual((await call('GET', `/volumes?filters=${q({ name: ['nope'] })}`)).body.Volumes, []);
  assert.deepEqual(await call('GET', `/volumes?filters=${q({ bogus: ['x'] })}`), { status: 400, body: { message: "invalid filter 'bogus'" } });
  assert.deepEqual(await call('DELETE', '/v1.50/volumes/trv'), { status: 204, body: undefined });
  assert.deepEqual(await call('GET', '/v1.50/volumes/trv'), { status: 404, body: { message: 'get trv: no such volume' } });
  assert.deepEqual(await call('DELETE', '/volumes/trv'), { status: 404, body: { message: 'get trv: no such volume' } });
  assert.equal((await call('DELETE', '/volumes/trv?force=1')).status, 204);
});

test('create errors, an empty body and in-use removal', async (t) => {
  const { users, call } = await setup(t);
  const anon = await call('POST', '/volumes/create');
  assert.equal(anon.status, 201);
  assert.match(anon.body.Name, /^[0-9a-f]{64}$/);
  assert.deepEqual(anon.body.Labels, { 'com.docker.volume.anonymous': '' });
  const bad = await call('POST', '/volumes/create', { Name: 'a/b' });
  assert.equal(bad.status, 400);
  assert.match(bad.body.message, /^create a\/b: "a\/b" includes invalid characters for a local volume name/);
  assert.deepEqual(await call('POST', '/volumes/create', { Name: 'vv', Driver: 'rexray' }), {
    status: 404,
    body: { message: 'create vv: error looking up volume plugin rexray: plugin "rexray" not found' },
  });
  assert.equal((await call('POST', '/volumes/create', [1])).status, 400);
  await call('POST', '/volumes/create', { Name: 'busy' });
  users.set('busy', ['abc']);
  assert.deepEqual(await call('DELETE', '/volumes/busy?force=true'), { status: 409, body: { message: 'remove busy: volume is in use - [abc]' } });
});

test('prune spares named volumes since API 1.42, not before; cluster volume requests are 503', async (t) => {
  const { call } = await setup(t);
  const anon = (await call('POST', '/volumes/create', {})).body.Name;
  await call('POST', '/volumes/create', { Name: 'named' });
  assert.deepEqual(await call('POST', '/v1.50/volumes/prune'), { status: 200, body: { VolumesDeleted: [anon], SpaceReclaimed: 0 } });
  assert.deepEqual((await call('POST', `/v1.50/volumes/prune?filters=${q({ all: ['false'] })}`)).body.VolumesDeleted, []);
  assert.deepEqual((await call('POST', '/v1.41/volumes/prune')).body, { VolumesDeleted: ['named'], SpaceReclaimed: 0 });

  assert.deepEqual(await call('PUT', '/v1.50/volumes/named?version=1', { Spec: {} }), {
    status: 503,
    body: { message: 'volume update only valid for cluster volumes, but swarm is unavailable' },
  });
  assert.deepEqual(await call('POST', '/v1.50/volumes/create', { Name: 'cv', ClusterVolumeSpec: {} }), {
    status: 503,
    body: { message: 'This node is not part of a swarm' },
  });
  // Before 1.42 the field is ignored: a local volume.
  assert.equal((await call('POST', '/v1.41/volumes/create', { Name: 'cv', ClusterVolumeSpec: {} })).status, 201);
});

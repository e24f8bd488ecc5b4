// The volumes and networks lists over a fake engine: a volume row joins the list, its df size and
// the containers that mount it; a network row is its inspect (a network gone between list and
// inspect is left out); the live relay sends a keyed snapshot, then an upsert after an event.
// And the network create form as the engine's create body.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EngineClient } from '../../../src/client/client.js';
import { FakeTransport } from './fake-transport.js';
import { ApiError } from '../../../src/client/errors.js';
import type { ContainerSummary } from '../../../src/api-types/containers.js';
import type { NetworkInspect } from '../../../src/api-types/networks.js';
import type { VolumeView } from '../../../src/api-types/volumes.js';
import type { StreamMessages } from '../../../src/dashboard/protocol.js';
import { EngineEvents } from '../../../src/dashboard/server/relays/engine-events.js';
import { listNetworks, listVolumes, openVolumes } from '../../../src/dashboard/server/relays/resources.js';
import { networkCreateBody } from '../../../src/dashboard/server/routes/networks.js';

class FakeEngine extends FakeTransport {
  volumes: VolumeView[] = [];
  sizes: Record<string, number> = {};
  containers: ContainerSummary[] = [];
  networks: NetworkInspect[] = [];
  /** Networks whose inspect answers 404 (removed after the list). */
  gone = new Set<string>();
  dfQueries: unknown[] = [];

  override async json<T>(_method: string, path: string, opts?: { query?: Record<string, unknown> }): Promise<T> {
    if (path === '/volumes') return { Volumes: this.volumes } as T;
    if (path === '/system/df') {
      this.dfQueries.push(opts?.query?.type);
      return { Volumes: this.volumes.map((v) => ({ Name: v.Name, UsageData: { Size: this.sizes[v.Name] ?? -1, RefCount: 0 } })) } as T;
    }
    if (path === '/containers/json') return this.containers as T;
    if (path === '/networks') return this.networks.map((n) => ({ ...n, Containers: {} })) as T;
    const id = decodeURIComponent(path.replace('/networks/', ''));
    if (this.gone.has(id)) throw new ApiError(404, `network ${id} not found`);
    const n = this.networks.find((x) => x.Id === id);
    if (!n) throw new ApiError(404, `network ${id} not found`);
    return n as T;
  }
}

const host = (engine: FakeEngine) => ({ info: { id: 'h0', label: 'fake', local: true }, client: new EngineClient(engine) });
const volume = (name: string): VolumeView => ({ Name: name, Driver: 'local', Mountpoint: `/v/${name}` });
const ctr = (id: string, mounts: string[]): ContainerSummary => ({ Id: id, Names: [`/${id}-name`], Image: 'busybox', Created: 1, Mounts: mounts.map((m) => ({ Type: 'volume', Name: m })) });

describe('dashboard volumes and networks lists', () => {
  it('a volume row has its df size (volumes only asked) and the containers that mount it', async () => {
    const engine = new FakeEngine();
    engine.volumes = [volume('data'), volume('idle')];
    engine.sizes = { data: 4096 };
    engine.containers = [ctr('c1', ['data']), ctr('c2', ['data', 'other']), { ...ctr('c3', []), Mounts: [{ Type: 'bind', Source: '/x', Destination: '/data' }] }];
    const rows = await listVolumes(host(engine));
    assert.deepEqual(engine.dfQueries, [['volume']]);
    assert.deepEqual(
      rows.map((r) => [r.Name, r.size, r.users]),
      [
        ['data', 4096, [{ id: 'c1', name: 'c1-name' }, { id: 'c2', name: 'c2-name' }]],
        ['idle', -1, []],
      ],
    );
  });

  it('a network row is its inspect; one removed meanwhile is left out, other errors are not', async () => {
    const engine = new FakeEngine();
    const attached = { abc: { Name: 'web', IPv4Address: '10.1.0.2/24', IPv6Address: '', MacAddress: '02:42:0a:01:00:02' } };
    engine.networks = [
      { Name: 'n1', Id: 'id1', Scope: 'local', Driver: 'bridge', Containers: attached },
      { Name: 'n2', Id: 'id2', Scope: 'local', Driver: 'bridge' },
    ];
    engine.gone.add('id2');
    assert.deepEqual(
      (await listNetworks(host(engine))).map((n) => [n.Name, n.Containers]),
      [['n1', attached]],
    );
    engine.json = async () => {
      throw new ApiError(500, 'boom');
    };
    await assert.rejects(listNetworks(host(engine)), /boom/);
  });

  it('the live volumes list: a keyed snapshot, then an upsert when a container mounting it is created', async () => {
    const engine = new FakeEngine();
    engine.volumes = [volume('data')];
    const events = new EngineEvents(host(engine));
    const seen: StreamMessages['volumes'][] = [];
    let wake: (() => void) | undefined;
    const opened = openVolumes(events, {
      emit: (m) => {
        seen.push(m);
        wake?.();
      },
      end: () => undefined,
      fail: (message) => assert.fail(message),
    });
    const next = (test: (m: StreamMessages['volumes']) => boolean) =>
      new Promise<StreamMessages['volumes']>((resolve) => {
        const check = () => {
          const m = seen.find(test);
          if (m) resolve(m);
        };
        wake = check;
        check();
      });
    const snap = await next((m) => m.op === 'snapshot');
    assert.deepEqual(snap.op === 'snapshot' && [snap.keys, snap.items.map((v) => v.users)], [['data'], [[]]]);

    engine.containers = [ctr('c1', ['data'])];
    engine.events.write(JSON.stringify({ Type: 'container', Action: 'create', Actor: { ID: 'c1' }, time: 1 }) + '\n');
    // (The first listing's upserts may come before the snapshot: only the one with a user counts.)
    const up = await next((m) => m.op === 'upsert' && m.item.users.length > 0);
    assert.deepEqual(up.op === 'upsert' && [up.key, up.item.users], ['data', [{ id: 'c1', name: 'c1-name' }]]);
    opened.close();
    events.stop();
    engine.events.end();
  });

  it('the create form: bridge by default, one subnet with its gateway, an IPv6 subnet turns IPv6 on', () => {
    assert.deepEqual(networkCreateBody(new URLSearchParams({ name: 'n' })), { Name: 'n', Driver: 'bridge', Internal: false, Attachable: false, EnableIPv6: undefined, IPAM: undefined });
    const v4 = networkCreateBody(new URLSearchParams({ name: 'n', subnet: '10.9.0.0/24', gateway: '10.9.0.1', internal: '1' }));
    assert.deepEqual([v4.Internal, v4.EnableIPv6, v4.IPAM], [true, undefined, { Driver: 'default', Config: [{ Subnet: '10.9.0.0/24', Gateway: '10.9.0.1' }] }]);
    assert.equal(networkCreateBody(new URLSearchParams({ name: 'n', subnet: 'fd42:9::/64' })).EnableIPv6, true);
  });
});

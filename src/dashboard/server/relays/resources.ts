// The volumes and networks lists of one engine, kept live by ListRelay from its shared event
// stream. A volume row adds what `docker volume ls` does not say: its size (GET /system/df with
// type=volume, which sizes volumes only) and the containers that mount it. A network row is its
// inspect, since GET /networks leaves the attached containers out (as dockerd does since 1.28).
import type { EventMessage } from '../../../api-types/system.js';
import { ApiError } from '../../../client/errors.js';
import type { ContainerRef, NetworkRow, VolumeRow } from '../../protocol.js';
import type { EngineHost } from '../hosts.js';
import { perEngine, type EngineEvents } from './engine-events.js';
import { ListRelay, type ListSource } from './listing.js';
import type { Opened, Sink } from './relay.js';

/** Which container events change a volume row: who mounts it (create/destroy) and what it holds once a writer stops. */
const VOLUME_CONTAINER_ACTIONS = new Set(['create', 'destroy', 'die', 'rename']);

export function concernsVolumes(e: EventMessage): boolean {
  return e.Type === 'volume' || (e.Type === 'container' && VOLUME_CONTAINER_ACTIONS.has(e.Action));
}

/** connect/disconnect carry the addresses; a rename changes the attached container's name. */
export function concernsNetworks(e: EventMessage): boolean {
  return e.Type === 'network' || (e.Type === 'container' && e.Action === 'rename');
}

export async function listVolumes(host: EngineHost): Promise<VolumeRow[]> {
  const c = host.client;
  const [list, df, containers] = await Promise.all([c.volumes.list(), c.system.df({ type: ['volume'] }), c.containers.list({ all: true })]);
  const sizes = new Map((df.Volumes ?? []).map((v) => [v.Name, v.UsageData?.Size ?? -1]));
  const users = new Map<string, ContainerRef[]>();
  for (const ctr of containers) {
    for (const m of ctr.Mounts ?? []) {
      if (m.Type !== 'volume' || !m.Name) continue;
      const refs = users.get(m.Name) ?? [];
      if (!refs.some((r) => r.id === ctr.Id)) refs.push({ id: ctr.Id, name: ctr.Names?.[0]?.replace(/^\//, '') ?? ctr.Id.slice(0, 12) });
      users.set(m.Name, refs);
    }
  }
  return (list.Volumes ?? []).map((v) => ({ ...v, size: sizes.get(v.Name) ?? -1, users: users.get(v.Name) ?? [] }));
}

export async function listNetworks(host: EngineHost): Promise<NetworkRow[]> {
  const list = await host.client.networks.list();
  const inspected = await Promise.all(
    list.map((n) =>
      host.client.networks.inspect(n.Id).catch((e: unknown) => {
        // A network removed between list and inspect is simply not in this round (its destroy event relists).
        if (e instanceof ApiError && e.status === 404) return undefined;
        throw e;
      }),
    ),
  );
  return inspected.filter((n): n is NetworkRow => n !== undefined);
}

const volumeSource = (host: EngineHost): ListSource<VolumeRow> => ({ what: 'volumes', list: () => listVolumes(host), key: (v) => v.Name, concerns: concernsVolumes });
const networkSource = (host: EngineHost): ListSource<NetworkRow> => ({ what: 'networks', list: () => listNetworks(host), key: (n) => n.Id, concerns: concernsNetworks });

const volumesRelay = perEngine((events) => new ListRelay(events, volumeSource(events.host)));
const networksRelay = perEngine((events) => new ListRelay(events, networkSource(events.host)));

export function openVolumes(events: EngineEvents, sink: Sink<'volumes'>): Opened {
  return volumesRelay(events).open(sink);
}

export function openNetworks(events: EngineEvents, sink: Sink<'networks'>): Opened {
  return networksRelay(events).open(sink);
}

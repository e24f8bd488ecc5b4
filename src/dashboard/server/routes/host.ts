// The host page's one-shot requests: `docker info`, and the prunes (POSTs) with what each removed
// and freed. Disk use itself is not here: it is pushed (relays/disk.ts), and a prune's events
// make it current.
import type { EngineClient } from '../../../client/client.js';
import { imageDeletionLine, pruneImages, systemPrune } from '../../../client/system-prune.js';
import { PRUNE_KINDS, type PruneKind, type PruneReport } from '../../protocol.js';
import { answer } from '../actions.js';
import type { Route } from './route.js';

const PRUNES: Record<PruneKind, (c: EngineClient, q: URLSearchParams) => Promise<PruneReport>> = {
  containers: async (c) => {
    const r = await c.containers.prune();
    return { deleted: { Containers: r.ContainersDeleted ?? [] }, reclaimed: r.SpaceReclaimed ?? 0 };
  },
  // Dangling images by default; ?all=1 every image no container uses (docker image prune -a).
  images: async (c, q) => {
    const r = await pruneImages(c, { all: q.get('all') === '1' });
    return { deleted: { Images: (r.ImagesDeleted ?? []).map(imageDeletionLine) }, reclaimed: r.SpaceReclaimed ?? 0 };
  },
  // Unused anonymous volumes (API 1.42+); ?all=1 named ones too (docker volume prune -a).
  volumes: async (c, q) => {
    const r = await c.volumes.prune({ filters: q.get('all') === '1' ? ['all=true'] : [] });
    return { deleted: { Volumes: r.VolumesDeleted ?? [] }, reclaimed: r.SpaceReclaimed ?? 0 };
  },
  networks: async (c) => ({ deleted: { Networks: (await c.networks.prune()).NetworksDeleted ?? [] }, reclaimed: 0 }),
  'build-cache': async (c, q) => {
    const r = await c.images.pruneBuildCache({ all: q.get('all') === '1' });
    return { deleted: { 'Build cache': r.CachesDeleted ?? [] }, reclaimed: r.SpaceReclaimed ?? 0 };
  },
  system: async (c, q) => {
    const r = await systemPrune(c, { all: q.get('all') === '1', volumes: q.get('volumes') === '1' });
    return {
      deleted: {
        Containers: r.containers,
        Networks: r.networks,
        Volumes: r.volumes,
        Images: r.images.map(imageDeletionLine),
        'Build cache': r.buildCache,
      },
      reclaimed: r.reclaimed,
    };
  },
};

export const hostRoutes: Route[] = [
  { method: 'GET', path: /^info$/, handle: ({ host }) => answer(() => host.client.system.info()) },
  {
    method: 'POST',
    path: new RegExp(`^prune/(${PRUNE_KINDS.join('|')})$`),
    handle: ({ host, params, query }) => answer(() => PRUNES[params[0] as PruneKind](host.client, query)),
  },
];

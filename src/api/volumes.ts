// Engine API routes for volumes. Thin handlers: validate input, call the engine, map to Docker's shapes.
import type { Router, Ctx } from './router.js';
import { queryBool, queryFilters, readJsonObject, sendJson, sendNoContent } from './http.js';
import { SystemError, UnavailableError } from '../engine/errors.js';
import { apiVersionAtLeast as versionAtLeast } from '../util/api-version.js';
import type { VolumeStore } from '../engine/volumes/store.js';
import type { VolumeCreateOptions } from '../engine/volumes/types.js';
import type { VolumeListResponse, VolumePruneResponse, VolumeView } from '../api-types/volumes.js';

/** API 1.42 brought cluster volumes and made prune spare named volumes. */
const CLUSTER_VOLUMES_VERSION = '1.42';

/** The engine's VolumeStore (Engine.volumes, wired by the engine). */
function volumes(ctx: Ctx): VolumeStore {
  const v = (ctx.engine as unknown as { volumes?: VolumeStore }).volumes;
  if (!v) throw new SystemError('volumes are not available');
  return v;
}

export function registerVolumeRoutes(r: Router): void {
  r.get('/volumes', (ctx) => {
    sendJson<VolumeListResponse>(ctx.res, 200, volumes(ctx).list(queryFilters(ctx.query)));
  });

  r.post('/volumes/create', async (ctx) => {
    const body = await readJsonObject<VolumeCreateOptions & { ClusterVolumeSpec?: unknown }>(ctx.req, {});
    if (body.ClusterVolumeSpec != null && versionAtLeast(ctx.apiVersion, CLUSTER_VOLUMES_VERSION)) {
      throw new UnavailableError('This node is not part of a swarm');
    }
    sendJson<VolumeView>(ctx.res, 201, await volumes(ctx).create(body));
  });

  r.post('/volumes/prune', async (ctx) => {
    // Before API 1.42 prune removed every unused volume, named ones too.
    const all = !versionAtLeast(ctx.apiVersion, CLUSTER_VOLUMES_VERSION);
    sendJson<VolumePruneResponse>(ctx.res, 200, await volumes(ctx).prune(queryFilters(ctx.query), { all }));
  });

  r.get('/volumes/:name', (ctx) => {
    sendJson<VolumeView>(ctx.res, 200, volumes(ctx).get(ctx.params.name));
  });

  r.put('/volumes/:name', () => {
    throw new UnavailableError('volume update only valid for cluster volumes, but swarm is unavailable');
  });

  r.delete('/volumes/:name', async (ctx) => {
    await volumes(ctx).remove(ctx.params.name, { force: queryBool(ctx.query, 'force') });
    sendNoContent(ctx.res);
  });
}

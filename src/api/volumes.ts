// Engine API routes for volumes. Thin handlers: validate input, call the engine, map to Docker's shapes.
import type { Router } from './router.js';
import { queryBool, queryFilters, readJsonObject, sendJson, sendNoContent } from './http.js';
import { UnavailableError } from '../engine/errors.js';
import { apiVersionAtLeast as versionAtLeast } from '../util/api-version.js';
import type { VolumeCreateOptions } from '../engine/volumes/types.js';
import type { VolumeListResponse, VolumePruneResponse, VolumeView } from '../api-types/volumes.js';

/** API 1.42 brought cluster volumes and made prune spare named volumes. */
const CLUSTER_VOLUMES_VERSION = '1.42';

export function registerVolumeRoutes(r: Router): void {
  r.get('/volumes', (ctx) => {
    sendJson<VolumeListResponse>(ctx.res, 200, ctx.engine.volumes.list(queryFilters(ctx.query)));
  });

  r.post('/volumes/create', async (ctx) => {
    const body = await readJsonObject<VolumeCreateOptions & { ClusterVolumeSpec?: unknown }>(ctx.req, {});
    if (body.ClusterVolumeSpec != null && versionAtLeast(ctx.apiVersion, CLUSTER_VOLUMES_VERSION)) {
      throw new UnavailableError('This node is not part of a swarm');
    }
    sendJson<VolumeView>(ctx.res, 201, await ctx.engine.volumes.create(body));
  });

  r.post('/volumes/prune', async (ctx) => {
    // Before API 1.42 prune removed every unused volume, named ones too.
    const all = !versionAtLeast(ctx.apiVersion, CLUSTER_VOLUMES_VERSION);
    sendJson<VolumePruneResponse>(ctx.res, 200, await ctx.engine.volumes.prune(queryFilters(ctx.query), { all }));
  });

  r.get('/volumes/:name', (ctx) => {
    sendJson<VolumeView>(ctx.res, 200, ctx.engine.volumes.get(ctx.params.name));
  });

  r.put('/volumes/:name', () => {
    throw new UnavailableError('volume update only valid for cluster volumes, but swarm is unavailable');
  });

  r.delete('/volumes/:name', async (ctx) => {
    await ctx.engine.volumes.remove(ctx.params.name, { force: queryBool(ctx.query, 'force') });
    sendNoContent(ctx.res);
  });
}

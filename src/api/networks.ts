// Engine API routes for networks. Thin handlers: validate input, call the engine, map to Docker's shapes.
import type { Router } from './router.js';
import { readJsonObject, sendJson, sendNoContent, queryFilters } from './http.js';
import { InvalidArgumentError, NotFoundError } from '../engine/errors.js';
import type { EndpointSettingsIn, NetworkCreateRequest } from '../engine/network/types.js';
import type { NetworkCreateResponse, NetworkInspect, NetworkPruneResponse } from '../api-types/networks.js';

export function registerNetworkRoutes(r: Router): void {
  r.get('/networks', (ctx) => {
    sendJson<NetworkInspect[]>(ctx.res, 200, ctx.engine.networks.list(queryFilters(ctx.query)));
  });

  r.post('/networks/create', async (ctx) => {
    const body = await readJsonObject<NetworkCreateRequest>(ctx.req);
    // As dockerd's JSON decoding refuses it: a Name of another type is the client's error, not a 500.
    if (body.Name !== undefined && typeof body.Name !== 'string') throw new InvalidArgumentError(`json: cannot unmarshal ${typeof body.Name} into Go struct field NetworkCreateRequest.Name of type string`);
    sendJson<NetworkCreateResponse>(ctx.res, 201, await ctx.engine.networks.create(body));
  });

  r.post('/networks/prune', async (ctx) => {
    sendJson<NetworkPruneResponse>(ctx.res, 200, await ctx.engine.networks.prune(queryFilters(ctx.query)));
  });

  r.get('/networks/:id', (ctx) => {
    const scope = ctx.query.get('scope');
    const view = ctx.engine.networks.inspect(ctx.params.id);
    if (scope && scope !== 'local') throw new NotFoundError(`network ${ctx.params.id} not found`);
    sendJson<NetworkInspect>(ctx.res, 200, view);
  });

  r.delete('/networks/:id', async (ctx) => {
    await ctx.engine.networks.remove(ctx.params.id);
    sendNoContent(ctx.res);
  });

  r.post('/networks/:id/connect', async (ctx) => {
    const body = await readJsonObject<{ Container?: unknown; EndpointConfig?: EndpointSettingsIn | null }>(ctx.req, {});
    if (!body.Container) throw new InvalidArgumentError('no container specified');
    if (typeof body.Container !== 'string') throw new InvalidArgumentError('invalid JSON: Container must be a string');
    await ctx.engine.networks.connect(ctx.params.id, body.Container, body.EndpointConfig ?? {});
    ctx.res.writeHead(200, { 'Content-Length': 0 });
    ctx.res.end();
  });

  r.post('/networks/:id/disconnect', async (ctx) => {
    const body = await readJsonObject<{ Container?: unknown; Force?: boolean }>(ctx.req, {});
    if (!body.Container) throw new InvalidArgumentError('no container specified');
    if (typeof body.Container !== 'string') throw new InvalidArgumentError('invalid JSON: Container must be a string');
    await ctx.engine.networks.disconnect(ctx.params.id, body.Container, !!body.Force);
    ctx.res.writeHead(200, { 'Content-Length': 0 });
    ctx.res.end();
  });
}

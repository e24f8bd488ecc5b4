// Plugin endpoints: berth has no managed plugins (src/engine/plugins.ts), so the list is empty and
// every named plugin is one that is not installed, as dockerd answers (api/server/router/plugin).
import type { Ctx, Router } from './router.js';
import { queryFilters, readBody, readJson, sendJson } from './http.js';
import { EngineError, SystemError } from '../engine/errors.js';
import { decodeRegistryAuth } from '../engine/images/distribution-registry.js';
import { pluginNotFound, resolvePluginForPull } from '../engine/plugins.js';
import { validateFilters } from '../engine/filters.js';

export function registerPluginRoutes(r: Router): void {
  r.get('/plugins', (ctx) => {
    validateFilters(queryFilters(ctx.query), ['capability', 'enabled']);
    sendJson(ctx.res, 200, []);
  });

  // dockerd resolves the remote at its registry before anything else.
  const resolveRemote = async (ctx: Ctx) =>
    resolvePluginForPull(ctx.engine.config, ctx.query.get('remote') ?? '', decodeRegistryAuth(ctx.req.headers['x-registry-auth']));
  r.get('/plugins/privileges', resolveRemote);
  r.post('/plugins/pull', async (ctx) => {
    await readJson(ctx.req, []);
    await resolveRemote(ctx);
  });
  r.post('/plugins/create', async (ctx) => {
    await readBody(ctx.req, Number.MAX_SAFE_INTEGER);
    throw new EngineError(501, 'berth does not run managed plugins: a plugin cannot be created');
  });

  r.get('/plugins/:name*/json', (ctx) => {
    throw pluginNotFound(ctx.params.name);
  });
  r.post('/plugins/:name*/enable', (ctx) => {
    // dockerd parses the timeout first (strconv.Atoi), a plain error: a 500.
    const timeout = ctx.query.get('timeout') ?? '';
    if (!/^[+-]?\d+$/.test(timeout)) throw new SystemError(`strconv.Atoi: parsing ${JSON.stringify(timeout)}: invalid syntax`);
    throw pluginNotFound(ctx.params.name);
  });
  r.post('/plugins/:name*/disable', (ctx) => {
    throw pluginNotFound(ctx.params.name);
  });
  r.post('/plugins/:name*/push', (ctx) => {
    throw pluginNotFound(ctx.params.name);
  });
  r.post('/plugins/:name*/upgrade', async (ctx) => {
    await readJson(ctx.req, []);
    throw pluginNotFound(ctx.params.name);
  });
  r.post('/plugins/:name*/set', async (ctx) => {
    await readJson(ctx.req, []);
    throw pluginNotFound(ctx.params.name);
  });
  r.delete('/plugins/:name*', (ctx) => {
    throw pluginNotFound(ctx.params.name);
  });
}

// berth's own debug routes (no Docker counterpart): what berthd holds right now, for leak tests
// and for an operator wondering where memory or descriptors went.
import type { Router } from './router.js';
import { queryBool, sendJson } from './http.js';
import { forceGc, processResources } from '../util/process-resources.js';

export function registerDebugRoutes(r: Router): void {
  // `?gc=1` runs a full collection first, so heap figures compare what is live.
  r.get('/berth/debug/resources', (ctx) => {
    if (queryBool(ctx.query, 'gc')) forceGc();
    sendJson(ctx.res, 200, { process: processResources(), engine: ctx.engine.resources() });
  });
}

// /_ping, /version, /info, /events, /system/df: what clients ask before anything else.
import type { Ctx, Router } from './router.js';
import { clientGone, queryFilters, sendJson, sendText } from './http.js';
import { watchEvents } from '../engine/events.js';
import { parseTimestamps } from '../engine/filters.js';
import { InvalidArgumentError } from '../engine/errors.js';
import type { SystemDf, SystemInfo, SystemVersion } from '../api-types/system.js';

export function registerSystemRoutes(r: Router): void {
  const ping = (ctx: Ctx): void => {
    ctx.res.setHeader('Cache-Control', 'no-cache, no-store, must-revalidate');
    ctx.res.setHeader('Pragma', 'no-cache');
    ctx.res.setHeader('Builder-Version', '1');
    if (ctx.req.method === 'HEAD') {
      ctx.res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': 0 });
      ctx.res.end();
      return;
    }
    sendText(ctx.res, 200, 'OK');
  };
  r.get('/_ping', ping);
  r.head('/_ping', ping);

  r.get('/version', (ctx) => sendJson<SystemVersion>(ctx.res, 200, ctx.engine.version()));

  r.get('/info', (ctx) => sendJson<SystemInfo>(ctx.res, 200, ctx.engine.info()));

  r.get('/events', async (ctx) => {
    const since = eventTime(ctx.query.get('since'));
    const until = eventTime(ctx.query.get('until'));
    if (until !== undefined && until < (since ?? 0)) {
      throw new InvalidArgumentError(`\`since\` time (${ctx.query.get('since') ?? ''}) cannot be after \`until\` time (${ctx.query.get('until')})`);
    }
    const filters = queryFilters(ctx.query);
    ctx.res.writeHead(200, { 'Content-Type': 'application/json' });
    ctx.res.flushHeaders();
    await watchEvents(ctx.engine.events, { filters, sinceNs: since, untilNs: until }, clientGone(ctx), (e) => ctx.res.write(JSON.stringify(e) + '\n'));
    ctx.res.end();
  });

  r.get('/system/df', async (ctx) => sendJson<SystemDf>(ctx.res, 200, await ctx.engine.diskUsage({ types: ctx.query.getAll('type'), apiVersion: ctx.apiVersion })));
}


/** `since`/`until`: Unix seconds with optional fraction (timetypes.ParseTimestamps); → nanoseconds. */
function eventTime(v: string | null): number | undefined {
  if (!v) return undefined;
  const { seconds, nanos } = parseTimestamps(v, 0);
  return seconds * 1e9 + nanos;
}

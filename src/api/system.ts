// /_ping, /version, /info, /events, /system/df: what clients ask before anything else.
import os from 'node:os';
import type { Router } from './router.js';
import { API_VERSION, MIN_API_VERSION } from './router.js';
import { queryFilters, queryInt, sendJson, sendText } from './http.js';
import type { DockerEvent } from '../engine/events.js';
import { BERTH_VERSION } from '../version.js';
import { goArch } from '../util/platform.js';

export function registerSystemRoutes(r: Router): void {
  const ping = (ctx: any) => {
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

  r.get('/version', (ctx) => {
    sendJson(ctx.res, 200, {
      Platform: { Name: 'berth' },
      Components: [{ Name: 'Engine', Version: BERTH_VERSION, Details: { ApiVersion: API_VERSION, MinAPIVersion: MIN_API_VERSION, Os: 'linux', Arch: goArch(), KernelVersion: os.release() } }],
      Version: BERTH_VERSION,
      ApiVersion: API_VERSION,
      MinAPIVersion: MIN_API_VERSION,
      GitCommit: 'berth',
      GoVersion: `node${process.versions.node}`,
      Os: 'linux',
      Arch: goArch(),
      KernelVersion: os.release(),
      BuildTime: new Date(0).toISOString(),
    });
  });

  r.get('/info', (ctx) => sendJson(ctx.res, 200, ctx.engine.info()));

  r.get('/events', async (ctx) => {
    const since = parseEventTime(ctx.query.get('since'));
    const until = parseEventTime(ctx.query.get('until'));
    const filters = queryFilters(ctx.query);
    const match = (e: DockerEvent) => eventMatches(e, filters);
    ctx.res.writeHead(200, { 'Content-Type': 'application/json' });
    ctx.res.flushHeaders();
    const write = (e: DockerEvent) => ctx.res.write(JSON.stringify(e) + '\n');
    const nowNs = Date.now() * 1e6;
    if (since !== undefined) for (const e of ctx.engine.events.history(since)) if ((until === undefined || e.timeNano <= until) && match(e)) write(e);
    if (until !== undefined && until <= nowNs) {
      ctx.res.end();
      return;
    }
    const onEvent = (e: DockerEvent) => {
      if (match(e)) write(e);
    };
    ctx.engine.events.on('event', onEvent);
    let timer: NodeJS.Timeout | undefined;
    const done = () => {
      ctx.engine.events.off('event', onEvent);
      if (timer) clearTimeout(timer);
      ctx.res.end();
    };
    if (until !== undefined) timer = setTimeout(done, Math.max(0, (until - nowNs) / 1e6));
    ctx.req.on('close', done);
  });

  r.get('/system/df', async (ctx) => sendJson(ctx.res, 200, await ctx.engine.diskUsage()));
  void queryInt;
}


/** `since`/`until`: Unix seconds with optional fraction, or an RFC 3339 time; → nanoseconds. */
function parseEventTime(v: string | null): number | undefined {
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1e9);
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t * 1e6;
}

function eventMatches(e: DockerEvent, f: Map<string, string[]>): boolean {
  for (const [k, vals] of f) {
    if (vals.length === 0) continue;
    const ok = vals.some((v) => {
      switch (k) {
        case 'type':
          return e.Type === v;
        case 'event':
          return e.Action === v || e.Action.startsWith(v + ':');
        case 'container':
          return e.Type === 'container' && (e.Actor.ID.startsWith(v) || e.Actor.Attributes.name === v);
        case 'image':
          return e.Actor.Attributes.image === v || (e.Type === 'image' && (e.Actor.ID === v || e.Actor.Attributes.name === v));
        case 'volume':
          return e.Type === 'volume' && e.Actor.ID === v;
        case 'network':
          return e.Type === 'network' && (e.Actor.ID.startsWith(v) || e.Actor.Attributes.name === v);
        case 'label': {
          const [lk, lv] = v.split('=', 2);
          return lv === undefined ? lk in e.Actor.Attributes : e.Actor.Attributes[lk] === lv;
        }
        default:
          return true;
      }
    });
    if (!ok) return false;
  }
  return true;
}

// Every engine-scoped route of the dashboard, /api/hosts/{host}/…, one list per page's module.
import { composeRoutes } from './compose.js';
import { containerRoutes } from './containers.js';
import { hostRoutes } from './host.js';
import { imageRoutes } from './images.js';
import { networkRoutes } from './networks.js';
import type { Route } from './route.js';
import { volumeRoutes } from './volumes.js';

export const HOST_ROUTES: Route[] = [...containerRoutes, ...composeRoutes, ...hostRoutes, ...imageRoutes, ...volumeRoutes, ...networkRoutes];

/** The route for a method and a path under /api/hosts/{host}/; `allowed` lists the methods the path has otherwise. */
export function findRoute(method: string, rest: string): { route?: Route; params: string[]; allowed: string[] } {
  return findIn(HOST_ROUTES, method, rest);
}

/** The same lookup in another table (the registries' routes/registry.ts). */
export function findIn<R extends { method: string; path: RegExp }>(table: R[], method: string, rest: string): { route?: R; params: string[]; allowed: string[] } {
  const allowed: string[] = [];
  for (const route of table) {
    const m = route.path.exec(rest);
    if (!m) continue;
    const params = m.slice(1).map((p) => decodeURIComponent(p));
    if (route.method === method) return { route, params, allowed };
    allowed.push(route.method);
  }
  return { params: [], allowed };
}

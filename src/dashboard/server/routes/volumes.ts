// The volumes page's actions: create, remove (force), prune. The list itself is pushed
// (relays/resources.ts); each action is one call of the typed client, and the engine's refusal
// ("volume is in use") comes back as its status and message for the page to show.
import { answer } from '../actions.js';
import type { Route } from './route.js';

export const volumeRoutes: Route[] = [
  {
    method: 'POST',
    path: /^volumes\/create$/,
    handle: ({ host, query }) => answer(() => host.client.volumes.create({ Name: query.get('name') || undefined, Driver: query.get('driver') || undefined })),
  },
  {
    method: 'POST',
    path: /^volumes\/prune$/,
    // API 1.42+ prunes only anonymous volumes unless asked for all unused ones.
    handle: ({ host, query }) => answer(() => host.client.volumes.prune({ filters: query.get('all') === '1' ? { all: ['true'] } : undefined })),
  },
  {
    method: 'POST',
    path: /^volumes\/([^/]+)\/remove$/,
    handle: ({ host, params, query }) => answer(() => host.client.volumes.remove(params[0], { force: query.get('force') === '1' })),
  },
];

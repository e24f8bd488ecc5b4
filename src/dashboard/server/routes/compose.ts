// The compose pages' requests (the work is in ../compose.ts); actions answer as an NDJSON stream.
import { COMPOSE_ACTIONS } from '../../protocol.js';
import { composeAction, composeFile, isComposeAction } from '../compose.js';
import type { Route } from './route.js';

export const composeRoutes: Route[] = [
  { method: 'GET', path: /^compose\/file$/, handle: ({ host, query }) => composeFile(host, query) },
  {
    method: 'POST',
    path: new RegExp(`^compose/(${COMPOSE_ACTIONS.join('|')})$`),
    handle: ({ host, params, query, res }) => {
      if (!isComposeAction(params[0])) throw new Error(`unknown action ${params[0]}`);
      return composeAction(host, params[0], query, res);
    },
  },
];

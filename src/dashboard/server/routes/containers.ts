// The containers pages' one-shot requests: inspect, and the actions of the row and the container page.
import { CONTAINER_ACTIONS } from '../../protocol.js';
import { containerAction, inspectContainer, isContainerAction } from '../actions.js';
import type { Route } from './route.js';

const ACTION = new RegExp(`^containers/([^/]+)/(${CONTAINER_ACTIONS.join('|')})$`);

export const containerRoutes: Route[] = [
  { method: 'GET', path: /^containers\/([^/]+)\/json$/, handle: ({ host, params }) => inspectContainer(host, params[0]) },
  {
    method: 'POST',
    path: ACTION,
    handle: ({ host, params, query }) => {
      const action = params[1];
      if (!isContainerAction(action)) throw new Error(`unknown action ${action}`);
      return containerAction(host, params[0], action, query);
    },
  },
];

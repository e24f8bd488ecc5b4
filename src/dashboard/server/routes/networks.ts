// The networks page's actions: create (a name, a driver, optionally one subnet and its gateway),
// remove, prune, and connect or disconnect a container. The list is pushed (relays/resources.ts);
// each action is one call of the typed client, the engine's error passed on as it said it.
import type { NetworkCreateBody } from '../../../api-types/networks.js';
import { answer } from '../actions.js';
import type { Route } from './route.js';

/** The create form as a network create body: an IPv6 subnet turns IPv6 on, as `docker network create --subnet` does. */
export function networkCreateBody(q: URLSearchParams): NetworkCreateBody {
  const subnet = q.get('subnet')?.trim();
  const gateway = q.get('gateway')?.trim();
  return {
    Name: q.get('name') ?? '',
    Driver: q.get('driver') || 'bridge',
    Internal: q.get('internal') === '1',
    Attachable: q.get('attachable') === '1',
    EnableIPv6: q.get('ipv6') === '1' || subnet?.includes(':') || undefined,
    IPAM: subnet ? { Driver: 'default', Config: [{ Subnet: subnet, Gateway: gateway || undefined }] } : undefined,
  };
}

export const networkRoutes: Route[] = [
  { method: 'POST', path: /^networks\/create$/, handle: ({ host, query }) => answer(() => host.client.networks.create(networkCreateBody(query))) },
  { method: 'POST', path: /^networks\/prune$/, handle: ({ host }) => answer(() => host.client.networks.prune()) },
  { method: 'POST', path: /^networks\/([^/]+)\/remove$/, handle: ({ host, params }) => answer(() => host.client.networks.remove(params[0])) },
  {
    method: 'POST',
    path: /^networks\/([^/]+)\/connect$/,
    handle: ({ host, params, query }) => answer(() => host.client.networks.connect(params[0], { Container: query.get('container') ?? '' })),
  },
  {
    method: 'POST',
    path: /^networks\/([^/]+)\/disconnect$/,
    handle: ({ host, params, query }) => answer(() => host.client.networks.disconnect(params[0], { Container: query.get('container') ?? '', Force: query.get('force') === '1' })),
  },
];

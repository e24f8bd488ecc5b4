// client.networks: /networks/*.
import type { FilterInput } from '../api-types/common.js';
import type { NetworkConnectBody, NetworkCreateBody, NetworkCreateResponse, NetworkDisconnectBody, NetworkInspect, NetworkPruneResponse } from '../api-types/networks.js';
import { encodeFilters } from './filters.js';
import type { ApiTransport } from './transport.js';

const path = (id: string, tail = '') => `/networks/${encodeURIComponent(id)}${tail}`;

export class NetworksApi {
  constructor(private readonly t: ApiTransport) {}

  list(opts: { filters?: FilterInput } = {}): Promise<NetworkInspect[]> {
    return this.t.json('GET', '/networks', { query: { filters: encodeFilters(opts.filters) } });
  }

  inspect(id: string, opts: { verbose?: boolean; scope?: string } = {}): Promise<NetworkInspect> {
    return this.t.json('GET', path(id), { query: { verbose: opts.verbose, scope: opts.scope } });
  }

  create(body: NetworkCreateBody): Promise<NetworkCreateResponse> {
    return this.t.json('POST', '/networks/create', { body });
  }

  remove(id: string): Promise<void> {
    return this.t.call('DELETE', path(id));
  }

  connect(id: string, body: NetworkConnectBody): Promise<void> {
    return this.t.call('POST', path(id, '/connect'), { body });
  }

  disconnect(id: string, body: NetworkDisconnectBody): Promise<void> {
    return this.t.call('POST', path(id, '/disconnect'), { body });
  }

  prune(opts: { filters?: FilterInput } = {}): Promise<NetworkPruneResponse> {
    return this.t.json('POST', '/networks/prune', { query: { filters: encodeFilters(opts.filters) } });
  }
}

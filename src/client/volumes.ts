// client.volumes: /volumes/*.
import type { FilterInput } from '../api-types/common.js';
import type { VolumeCreateBody, VolumeListResponse, VolumePruneResponse, VolumeView } from '../api-types/volumes.js';
import { encodeFilters } from './filters.js';
import type { ApiTransport } from './transport.js';

const path = (name: string) => `/volumes/${encodeURIComponent(name)}`;

export class VolumesApi {
  constructor(private readonly t: ApiTransport) {}

  list(opts: { filters?: FilterInput } = {}): Promise<VolumeListResponse> {
    return this.t.json('GET', '/volumes', { query: { filters: encodeFilters(opts.filters) } });
  }

  inspect(name: string): Promise<VolumeView> {
    return this.t.json('GET', path(name));
  }

  create(body: VolumeCreateBody): Promise<VolumeView> {
    return this.t.json('POST', '/volumes/create', { body });
  }

  remove(name: string, opts: { force?: boolean } = {}): Promise<void> {
    return this.t.call('DELETE', path(name), { query: { force: opts.force } });
  }

  /** Unused volumes; API >= 1.42 prunes only anonymous ones unless the filters say `all=true`. */
  prune(opts: { filters?: FilterInput } = {}): Promise<VolumePruneResponse> {
    return this.t.json('POST', '/volumes/prune', { query: { filters: encodeFilters(opts.filters) } });
  }
}

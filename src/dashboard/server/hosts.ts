// The engines the dashboard watches: one typed client (src/client) per -H, each with a short id
// used in URLs and the address shown in the host column.
import { EngineClient } from '../../client/client.js';
import type { Endpoint } from '../../client/host.js';
import type { HostInfo } from '../protocol.js';

export interface EngineHost {
  info: HostInfo;
  client: EngineClient;
}

export function engineHosts(endpoints: Endpoint[]): EngineHost[] {
  return endpoints.map((endpoint, i) => ({
    info: { id: `h${i}`, label: endpoint.url, local: endpoint.kind === 'unix' },
    client: new EngineClient(endpoint, 'berth-dashboard'),
  }));
}

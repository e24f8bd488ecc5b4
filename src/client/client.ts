// The typed Engine API client: `client.containers.stop(id, { timeout })` rather than URL strings.
// One group per object, each building method, path, query and body over a transport (HTTP/1.1 on a
// unix socket or TCP+TLS, transport.ts). The request and response shapes live in src/api-types,
// shared with the daemon's handlers. The CLI uses it; compose and the dashboard will.
import { BuildContextsApi } from './build-contexts.js';
import { ContainersApi } from './containers.js';
import { ExecApi } from './exec.js';
import type { Endpoint } from './host.js';
import { ImagesApi } from './images.js';
import { NetworksApi } from './networks.js';
import { SystemApi } from './system.js';
import { HttpTransport, type ApiTransport } from './transport.js';
import { VolumesApi } from './volumes.js';

export type { Hijacked, HttpResponse } from './transport.js';
export type { PendingWait, ArchiveStream, Cancellable } from './containers.js';

export class EngineClient {
  readonly containers: ContainersApi;
  readonly exec: ExecApi;
  readonly images: ImagesApi;
  readonly networks: NetworksApi;
  readonly volumes: VolumesApi;
  readonly system: SystemApi;
  readonly buildContexts: BuildContextsApi;
  /** The daemon's address, when this client dials one (not with an injected transport). */
  readonly endpoint?: Endpoint;
  private readonly transport: ApiTransport;

  /** Dials `endpoint`; or runs over a given transport (tests, an in-process daemon). */
  constructor(target: Endpoint | ApiTransport, userAgent = 'berth-cli') {
    if (isEndpoint(target)) {
      this.endpoint = target;
      this.transport = new HttpTransport(target, userAgent);
    } else this.transport = target;
    this.containers = new ContainersApi(this.transport);
    this.exec = new ExecApi(this.transport);
    this.images = new ImagesApi(this.transport);
    this.networks = new NetworksApi(this.transport);
    this.volumes = new VolumesApi(this.transport);
    this.system = new SystemApi(this.transport);
    this.buildContexts = new BuildContextsApi(this.transport);
  }

  /** Lets the process exit: drops idle keep-alive connections. */
  close(): void {
    this.transport.close();
  }
}

function isEndpoint(t: Endpoint | ApiTransport): t is Endpoint {
  return typeof (t as Endpoint).kind === 'string' && typeof (t as Endpoint).url === 'string';
}

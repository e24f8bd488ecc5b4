// client.buildContexts: berth's own context sync (not in Docker's API). The CLI sends a manifest
// of its build context; berthd answers with the files it lacks, which follow as a tar; the build
// then names the synced context (`berthcontext`) instead of carrying the whole context.
import type { BuildContextSyncBody, BuildContextSyncResponse } from '../api-types/images.js';
import type { ApiTransport } from './transport.js';

export class BuildContextsApi {
  constructor(private readonly t: ApiTransport) {}

  /** POST /berth/build-contexts: the manifest in, the context's ID and the paths berthd needs out. */
  sync(body: BuildContextSyncBody): Promise<BuildContextSyncResponse> {
    return this.t.json('POST', '/berth/build-contexts', { body });
  }

  /** POST /berth/build-contexts/{id}/files: the needed files as a tar. */
  upload(id: string, tar: NodeJS.ReadableStream | Buffer): Promise<void> {
    return this.t.call('POST', `/berth/build-contexts/${encodeURIComponent(id)}/files`, { rawBody: tar, contentType: 'application/x-tar' });
  }
}

// The per-store state of pull and push: one transfer table, the concurrency limits and the blob
// location metadata, shared by every request against the same image store.
import path from 'node:path';
import { promises as fsp } from 'node:fs';
import { DistributionMetadata } from './distribution-metadata.js';
import { Semaphore, TransferManager } from './distribution-transfers.js';
import type { ImageStore } from './store.js';

/** dockerd's defaults: max-concurrent-downloads 3, max-concurrent-uploads 5. */
export const MAX_CONCURRENT_DOWNLOADS = 3;
export const MAX_CONCURRENT_UPLOADS = 5;

export interface DistributionState {
  transfers: TransferManager;
  downloads: Semaphore;
  uploads: Semaphore;
  metadata: DistributionMetadata;
  /** Where downloads and compressed uploads are staged (temp names, swept at start-up). */
  tmpDir(): Promise<string>;
}

const states = new WeakMap<ImageStore, DistributionState>();

export function distributionState(store: ImageStore): DistributionState {
  let s = states.get(store);
  if (!s) {
    const dir = path.join(store.opts.dataRoot, 'distribution', 'tmp');
    let made: Promise<string> | undefined;
    s = {
      transfers: new TransferManager(),
      downloads: new Semaphore(MAX_CONCURRENT_DOWNLOADS),
      uploads: new Semaphore(MAX_CONCURRENT_UPLOADS),
      metadata: new DistributionMetadata(store.opts.dataRoot),
      tmpDir: () => (made ??= fsp.mkdir(dir, { recursive: true, mode: 0o700 }).then(() => dir)),
    };
    states.set(store, s);
  }
  return s;
}

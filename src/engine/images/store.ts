// CONTRACT STUB — the images work replaces this file's bodies; the exported names and
// signatures below are what the rest of the engine uses.
import type { Readable } from 'node:stream';
import type { EventBus } from '../events.js';

/** The image config blob (application/vnd.docker.container.image.v1+json / OCI image config). */
export interface ImageConfigBlob {
  architecture: string;
  os: string;
  created?: string;
  author?: string;
  config?: ContainerConfigDefaults;
  rootfs: { type: 'layers'; diff_ids: string[] };
  history?: Array<{ created?: string; created_by?: string; empty_layer?: boolean; comment?: string; author?: string }>;
  [k: string]: unknown;
}

/** Defaults an image gives its containers (Docker's `Config` in image inspect). */
export interface ContainerConfigDefaults {
  User?: string;
  Env?: string[] | null;
  Cmd?: string[] | null;
  Entrypoint?: string[] | null;
  WorkingDir?: string;
  Volumes?: Record<string, object> | null;
  ExposedPorts?: Record<string, object> | null;
  Labels?: Record<string, string> | null;
  StopSignal?: string;
  Shell?: string[] | null;
  Healthcheck?: unknown;
  OnBuild?: string[] | null;
  [k: string]: unknown;
}

export interface ImageRecord {
  /** `sha256:<64 hex>`: the digest of the config blob. */
  id: string;
  config: ImageConfigBlob;
  repoTags: string[];
  repoDigests: string[];
  /** Total unpacked size of all layers in bytes. */
  size: number;
}

export interface ImageStoreOptions {
  dataRoot: string;
  events: EventBus;
  /** Answers which containers use an image (for rmi's conflict rules). */
  containersUsingImage: (imageId: string) => Array<{ id: string; running: boolean }>;
}

export class ImageStore {
  constructor(readonly opts: ImageStoreOptions) {}
  async init(): Promise<void> {}
  find(_refOrId: string): ImageRecord | undefined {
    return undefined;
  }
  get(refOrId: string): ImageRecord {
    const r = this.find(refOrId);
    if (!r) throw new Error(`No such image: ${refOrId}`);
    return r;
  }
  list(): ImageRecord[] {
    return [];
  }
  /** Unpacked layer directories, bottom layer first (overlay lowerdir order reversed by the caller). */
  async layerDirs(_imageId: string): Promise<string[]> {
    return [];
  }
  /** Creates an image from a parent (or none) plus an optional uncompressed layer tar (commit, import, build). */
  async createFromLayer(_o: {
    parent?: string;
    layer?: Readable;
    config: ContainerConfigDefaults;
    history: { created_by?: string; comment?: string; author?: string; empty_layer?: boolean };
    author?: string;
    tag?: string;
  }): Promise<ImageRecord> {
    throw new Error('not implemented');
  }
}

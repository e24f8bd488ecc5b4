// The builder's view of the engine. The builder (builder.ts) decides *what* each Dockerfile
// step does; a BuildBackend does the engine work: find images, run a container, turn a
// container or a directory of changes into an image, remember cache entries. The daemon
// implements it on the real image store, snapshotter and runtime; tests use an in-memory fake.
import type { HealthConfig } from './parser/instructions.js';

/**
 * Docker's container.Config as stored in an image config (`config` / `container_config`).
 * Structurally compatible with images/store.ts ContainerConfigDefaults.
 */
export interface RunConfig {
  User?: string;
  ExposedPorts?: Record<string, object> | null;
  Env?: string[] | null;
  Cmd?: string[] | null;
  Healthcheck?: HealthConfig | null;
  ArgsEscaped?: boolean;
  /** The parent image ID while building (Docker records it). */
  Image?: string;
  Volumes?: Record<string, object> | null;
  WorkingDir?: string;
  Entrypoint?: string[] | null;
  OnBuild?: string[] | null;
  Labels?: Record<string, string> | null;
  StopSignal?: string;
  Shell?: string[] | null;
  [k: string]: unknown;
}

/** An image as the builder needs it. `id` is `sha256:<hex>`. */
export interface BaseImage {
  id: string;
  config: RunConfig;
  os: string;
  architecture: string;
  variant?: string;
}

/** What becomes of one build step: the new image's config plus its history entry. */
export interface CommitOptions {
  /** The new image's `config`. */
  config: RunConfig;
  /**
   * The new image's `container_config`: `config` with Cmd replaced by the step's description
   * (e.g. `["/bin/sh","-c","#(nop) ","ENV a=b"]`). Docker's classic cache compares this.
   */
  containerConfig: RunConfig;
  /** History `created_by` (Cmd of containerConfig joined by spaces). */
  createdBy: string;
  /** MAINTAINER value, recorded as the image's `author` and the history entry's author. */
  author?: string;
}

export interface RunOptions {
  /** Image to run on, '' for scratch. */
  imageId: string;
  /**
   * Full container config: Cmd is the command to run; Entrypoint `[""]` means none; Env already
   * holds build args; Healthcheck is `{Test:["NONE"]}`; User/WorkingDir apply as for `docker run`.
   */
  config: RunConfig;
  /** `default` (the default bridge), `none`, `host`, or a network name. */
  network: string;
  extraHosts?: string[];
  /** Called once the container exists, before it starts (the builder prints `Running in`). */
  onCreated(containerId: string): void;
  /** The container's output as it comes (the builder streams it to the client). */
  onOutput(chunk: Buffer, stream: 'stdout' | 'stderr'): void;
  signal?: AbortSignal;
}

/** A writable filesystem on top of an image (overlay upper dir, or a copy for tests). */
export interface WritableLayer {
  /** Host path of the merged root the builder writes into. */
  readonly root: string;
  /** Turns the changes under root into a child image of the parent; history gets empty_layer when nothing changed. */
  commit(opts: CommitOptions): Promise<string>;
  /** Unmounts and drops temporary state; safe after commit and on error paths. */
  release(): Promise<void>;
}

/** A read-only view of an image's filesystem (COPY --from). */
export interface MountedImage {
  readonly root: string;
  release(): Promise<void>;
}

/** Persistent map from a step's cache key to the image it produced (kept under the data root). */
export interface BuildCacheStore {
  get(key: string): Promise<string | undefined>;
  put(key: string, imageId: string): Promise<void>;
}

export interface BuildBackend {
  /**
   * Resolves FROM / COPY --from image references: local image by name or ID; pulls when it is
   * missing or `pull` is set. Throws NotFoundError when there is no such image.
   */
  getImage(ref: string, opts: { pull: boolean; platform?: string; onProgress?: (line: string) => void }): Promise<BaseImage>;
  /** True while an image ID exists (cache entries whose image was removed are ignored). */
  hasImage(imageId: string): Promise<boolean>;
  /** Creates and starts a container for a RUN step and waits for it; it is not removed. */
  run(opts: RunOptions): Promise<{ containerId: string; exitCode: number }>;
  /** Commits a container's changes as a child image of the image it ran on. Returns the image ID. */
  commitContainer(containerId: string, opts: CommitOptions): Promise<string>;
  removeContainer(containerId: string): Promise<void>;
  /** A writable layer over `parentImageId` ('' for scratch) for COPY, ADD and WORKDIR. */
  openLayer(parentImageId: string): Promise<WritableLayer>;
  /** A child image that only changes config (ENV, LABEL, CMD …); history entry has empty_layer: true. */
  commitConfig(parentImageId: string, opts: CommitOptions): Promise<string>;
  /** Read-only mount of an image's filesystem. */
  mountImage(imageId: string): Promise<MountedImage>;
  /** Points a reference (`name:tag`, already normalised) at an image. */
  tag(imageId: string, ref: string): Promise<void>;
  readonly cache: BuildCacheStore;
  /**
   * --cache-from: the image one of the `sources` (local image references) gives for a step on
   * `parentImageId` (its own, or one restored from its layers), or undefined.
   */
  cacheFromHit?(parentImageId: string, sources: string[], step: CommitOptions): Promise<string | undefined>;
}

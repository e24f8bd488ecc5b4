// The local image store: image records (config blob = identity), the tag/digest index, and the
// shared layer store. Lookups are synchronous over in-memory maps loaded at init(); every change
// is written to disk first (atomic JSON) and then applied in memory.
// Which images may go and what an rmi or prune removes is decided in remove.ts.
//
// On disk (<dataRoot>):
//   blobs/sha256/<hex>        config blobs and uncompressed layer tars (digest-verified)
//   layers/<chain hex>/       diff/ + meta.json (see layers.ts)
//   images/<id hex>.json      ImageMeta (parent, layers, last tag time)
//   images/references.json    { "docker.io/library/busybox:latest": "sha256:…", "x@sha256:…": … }
//   images/holds.json         layers kept for deleted images still used by containers
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { goArch } from '../../util/platform.js';
import type { Readable } from 'node:stream';
import type { EventBus } from '../events.js';
import { InvalidArgumentError, NotFoundError } from '../errors.js';
import { atomicWriteJson, readJsonOrSkip, sweepTempFiles } from '../../util/fs.js';
import { resolveByIdPrefix } from '../../util/ids.js';
import { BlobStore, hexOf, sha256Hex } from './blobs.js';
import { chainIds, LayerStore, type LayerMeta } from './layers.js';
import {
  familiarString,
  isFullImageId,
  parseNormalizedNamed,
  parseRepoAndTag,
  referenceString,
  withDefaultTag,
  type NamedReference,
} from './reference.js';
import { settled } from '../../util/best-effort.js';
import { pruneImages, removeImage } from './remove.js';

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
  /** Parent image ID for images built or committed here ('' when none). */
  parent: string;
  /** Chain IDs of the layers, bottom first. */
  layers: string[];
  /** When a tag last pointed here (ISO), Docker's Metadata.LastTagTime. */
  lastTagTime?: string;
}

export interface ImageStoreOptions {
  dataRoot: string;
  events: EventBus;
  /** Answers which containers use an image (for rmi's conflict rules). */
  containersUsingImage: (imageId: string) => Array<{ id: string; running: boolean }>;
}

/** What images/<hex>.json holds (the config itself lives in the blob store). */
interface ImageMeta {
  id: string;
  parent?: string;
  layers: string[];
  lastTagTime?: string;
}

export interface DeleteResponseItem {
  Untagged?: string;
  Deleted?: string;
}


export class ImageStore {
  readonly blobs: BlobStore;
  readonly layers: LayerStore;
  private readonly imagesDir: string;
  private images = new Map<string, ImageRecord>();
  /** Normalised reference string → image ID. */
  private refs = new Map<string, string>();
  /** Deleted image ID → chain IDs kept because containers still use them. */
  private holds = new Map<string, string[]>();
  /** Serialises metadata mutations (tag index writes must not interleave). */
  private lock: Promise<unknown> = Promise.resolve();

  constructor(readonly opts: ImageStoreOptions) {
    this.blobs = new BlobStore(opts.dataRoot);
    this.layers = new LayerStore(opts.dataRoot, this.blobs);
    this.imagesDir = path.join(opts.dataRoot, 'images');
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = settled(run); // run's error goes to its caller
    return run;
  }

  async init(): Promise<void> {
    await fsp.mkdir(this.imagesDir, { recursive: true, mode: 0o700 });
    await sweepTempFiles(this.imagesDir, 0);
    await this.blobs.init();
    await this.layers.init();
    this.images.clear();
    this.refs.clear();
    for (const name of await fsp.readdir(this.imagesDir)) {
      if (!/^[a-f0-9]{64}\.json$/.test(name)) continue;
      const meta = await readJsonOrSkip<ImageMeta>(path.join(this.imagesDir, name), 'image metadata');
      if (!meta) continue;
      // An image whose config or layers did not survive is not an image.
      if (!meta.layers.every((l) => this.layers.get(l))) continue;
      let config: ImageConfigBlob;
      try {
        config = JSON.parse((await this.blobs.read(meta.id)).toString('utf8'));
      } catch {
        continue;
      }
      this.images.set(meta.id, this.recordFrom(meta, config));
    }
    const refs = (await readJsonOrSkip<Record<string, string>>(this.refsFile(), 'image references')) ?? {};
    for (const [ref, id] of Object.entries(refs)) if (this.images.has(id)) this.refs.set(ref, id);
    const holds = (await readJsonOrSkip<Record<string, string[]>>(this.holdsFile(), 'layer holds')) ?? {};
    for (const [id, l] of Object.entries(holds)) this.holds.set(id, l);
    this.refreshRefLists();
  }

  private refsFile(): string {
    return path.join(this.imagesDir, 'references.json');
  }
  private holdsFile(): string {
    return path.join(this.imagesDir, 'holds.json');
  }
  private metaFile(id: string): string {
    return path.join(this.imagesDir, `${hexOf(id)}.json`);
  }

  private recordFrom(meta: ImageMeta, config: ImageConfigBlob): ImageRecord {
    const size = meta.layers.reduce((n, l) => n + (this.layers.get(l)?.size ?? 0), 0);
    return { id: meta.id, config, repoTags: [], repoDigests: [], size, parent: meta.parent ?? '', layers: meta.layers, lastTagTime: meta.lastTagTime };
  }

  /** Recomputes every record's repoTags/repoDigests from the reference index (familiar form). */
  private refreshRefLists(): void {
    for (const img of this.images.values()) {
      img.repoTags = [];
      img.repoDigests = [];
    }
    const sorted = [...this.refs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [ref, id] of sorted) {
      const img = this.images.get(id);
      if (!img) continue;
      const parsed = parseNormalizedNamed(ref);
      if (parsed.digest) img.repoDigests.push(familiarString(parsed));
      else img.repoTags.push(familiarString(parsed));
    }
  }

  private async saveRefs(): Promise<void> {
    await atomicWriteJson(this.refsFile(), Object.fromEntries(this.refs));
    this.refreshRefLists();
  }

  private async saveMeta(img: ImageRecord): Promise<void> {
    const meta: ImageMeta = { id: img.id, layers: img.layers, ...(img.parent ? { parent: img.parent } : {}), ...(img.lastTagTime ? { lastTagTime: img.lastTagTime } : {}) };
    await atomicWriteJson(this.metaFile(img.id), meta);
  }

  // ---- lookup ---------------------------------------------------------------------------

  /**
   * Finds an image as Docker's GetImage does: full ID (`sha256:…` or 64 hex), then a tag or
   * digest reference (`busybox` = `busybox:latest`), then a unique ID prefix.
   */
  find(refOrId: string): ImageRecord | undefined {
    if (!refOrId) return undefined;
    if (isFullImageId(refOrId)) return this.images.get(`sha256:${hexOf(refOrId)}`);
    let named: NamedReference | undefined;
    try {
      named = parseNormalizedNamed(refOrId);
    } catch {
      named = undefined;
    }
    if (named) {
      // A reference with both tag and digest is looked up by digest only.
      const key = named.digest ? referenceString({ domain: named.domain, path: named.path, digest: named.digest }) : referenceString(withDefaultTag(named));
      const id = this.refs.get(key);
      if (id) return this.images.get(id);
    }
    const { match } = resolveByIdPrefix(this.images.values(), refOrId, (i) => i.id);
    return match;
  }

  get(refOrId: string): ImageRecord {
    const r = this.find(refOrId);
    if (!r) throw new NotFoundError(`No such image: ${notFoundName(refOrId)}`);
    return r;
  }

  list(): ImageRecord[] {
    return [...this.images.values()];
  }

  /** Unpacked layer directories, bottom layer first (overlay lowerdir order reversed by the caller). */
  async layerDirs(imageId: string): Promise<string[]> {
    return this.get(imageId).layers.map((l) => this.layers.diffDir(l));
  }

  /** Layer metadata, bottom first: a vfs fallback applies `whiteouts` and `opaqueDirs` from here. */
  layerInfo(imageId: string): LayerMeta[] {
    return this.get(imageId).layers.map((l) => this.layers.get(l)!);
  }

  children(id: string): ImageRecord[] {
    return this.list().filter((i) => i.parent === id);
  }

  /** The normalised references that point at an image. */
  refsOf(id: string): string[] {
    return [...this.refs.entries()].filter(([, v]) => v === id).map(([k]) => k);
  }

  // ---- creation -------------------------------------------------------------------------

  /** Unpacks one layer on top of a chain (load, pull, import, commit, build). */
  addLayer(parentChainId: string | undefined, tar: Readable | AsyncIterable<Buffer>, expectedDiffId?: string): Promise<LayerMeta> {
    return this.layers.unpack(parentChainId, tar, expectedDiffId);
  }

  /** A layer from a directory already in layer form (see LayerStore.prepareFromDir); `dir` is moved. */
  async addLayerFromDir(parentChainId: string | undefined, dir: string, tarOf: (dir: string) => Readable): Promise<LayerMeta> {
    if (parentChainId && !this.layers.get(parentChainId)) throw new Error(`parent layer ${parentChainId} does not exist`);
    return this.layers.register(parentChainId, await this.layers.prepareFromDir(dir, tarOf));
  }

  /**
   * Registers an image from its exact config bytes; every layer in rootfs.diff_ids must already
   * be unpacked. Returns the (possibly already existing) record.
   */
  async registerImage(configBytes: Buffer, opts: { parent?: string } = {}): Promise<ImageRecord> {
    let config: ImageConfigBlob;
    try {
      config = JSON.parse(configBytes.toString('utf8'));
    } catch (e: any) {
      throw new InvalidArgumentError(`invalid image config: ${e.message}`);
    }
    if (!config || typeof config !== 'object' || !config.rootfs || !Array.isArray(config.rootfs.diff_ids)) {
      throw new InvalidArgumentError('invalid image config: missing rootfs');
    }
    const layers = chainIds(config.rootfs.diff_ids);
    for (const l of layers) if (!this.layers.get(l)) throw new InvalidArgumentError(`layer ${l} is not present`);
    const id = `sha256:${sha256Hex(configBytes)}`;
    return this.serial(async () => {
      const existing = this.images.get(id);
      if (existing) return existing;
      await this.blobs.putBuffer(configBytes);
      const rec = this.recordFrom({ id, layers, ...(opts.parent ? { parent: opts.parent } : {}) }, config);
      await this.saveMeta(rec);
      this.images.set(id, rec);
      this.holds.delete(id);
      return rec;
    });
  }

  /** Creates an image from a parent (or none) plus an optional uncompressed layer tar (commit, import, build). */
  async createFromLayer(o: {
    parent?: string;
    layer?: Readable;
    /** Instead of `layer`: a directory in layer form, moved into the store (addLayerFromDir). */
    layerDir?: { dir: string; tarOf: (dir: string) => Readable };
    /** Instead of `layer`: a layer already in the store on top of the parent's (build --cache-from). */
    existingDiffId?: string;
    config: ContainerConfigDefaults;
    history: { created_by?: string; comment?: string; author?: string; empty_layer?: boolean };
    author?: string;
    tag?: string;
    /** Top-level `comment` of the config (import's message). */
    comment?: string;
    /** Extra top-level config fields (e.g. container, container_config for commit). */
    extra?: Record<string, unknown>;
    /** The history entry as it is (an image restored from another's history keeps that entry). */
    historyEntry?: NonNullable<ImageConfigBlob['history']>[number];
  }): Promise<ImageRecord> {
    const parent = o.parent ? this.get(o.parent) : undefined;
    const created = new Date().toISOString();
    const diffIds = [...(parent?.config.rootfs.diff_ids ?? [])];
    const parentChain = parent?.layers[parent.layers.length - 1];
    let emptyLayer = true;
    if (o.existingDiffId) {
      diffIds.push(o.existingDiffId);
      emptyLayer = false;
    } else if (o.layer || o.layerDir) {
      const layer = o.layerDir ? await this.addLayerFromDir(parentChain, o.layerDir.dir, o.layerDir.tarOf) : await this.addLayer(parentChain, o.layer!);
      diffIds.push(layer.diffId);
      emptyLayer = false;
    }
    const history = [...(parent?.config.history ?? [])];
    const h: NonNullable<ImageConfigBlob['history']>[number] = { created };
    if (o.history.author ?? o.author) h.author = o.history.author ?? o.author;
    if (o.history.created_by !== undefined) h.created_by = o.history.created_by;
    if (o.history.comment) h.comment = o.history.comment;
    if (o.history.empty_layer ?? emptyLayer) h.empty_layer = true;
    history.push(o.historyEntry ?? h);
    const config: ImageConfigBlob = {
      architecture: parent?.config.architecture ?? goArch(),
      ...(o.author ? { author: o.author } : {}),
      ...(o.comment ? { comment: o.comment } : {}),
      config: o.config,
      created: o.historyEntry?.created ?? created,
      ...(o.extra ?? {}),
      history,
      os: parent?.config.os ?? 'linux',
      rootfs: { type: 'layers', diff_ids: diffIds },
    };
    const rec = await this.registerImage(Buffer.from(JSON.stringify(config)), { parent: parent?.id });
    if (o.tag) await this.tag(rec.id, o.tag);
    return rec;
  }

  // ---- references -----------------------------------------------------------------------

  /** Points `target` (`repo[:tag]`) at the image `source` resolves to; emits `tag`. */
  async tag(source: string, target: string | NamedReference): Promise<void> {
    const img = this.get(source);
    const ref = typeof target === 'string' ? parseRepoAndTag(target, undefined) : withDefaultTag(target);
    if (ref.digest) throw new InvalidArgumentError('refusing to create a tag with a digest reference');
    await this.setReference(ref, img.id);
    this.opts.events.publish('image', 'tag', img.id, { name: familiarString(ref), ...this.labelAttrs(img) });
  }

  /** Sets a tag or digest reference (load, pull); the image that had it may become dangling. */
  async setReference(ref: NamedReference, id: string): Promise<{ previous?: string }> {
    return this.serial(async () => {
      const key = referenceString(ref);
      const previous = this.refs.get(key);
      this.refs.set(key, id);
      const img = this.images.get(id);
      if (img && !ref.digest) {
        img.lastTagTime = new Date().toISOString();
        await this.saveMeta(img);
      }
      await this.saveRefs();
      return { previous: previous !== id ? previous : undefined };
    });
  }

  /** An image's labels, as its events carry them. */
  labelAttrs(img: ImageRecord): Record<string, string> {
    return { ...(img.config.config?.Labels ?? {}) };
  }

  // ---- removal (the rules are in remove.ts) --------------------------------------------

  /** DELETE /images/{name}: Docker's rules (image_delete.go) for untagging and deleting. */
  remove(ref: string, o: { force?: boolean; noprune?: boolean } = {}): Promise<DeleteResponseItem[]> {
    return removeImage(this, ref, o);
  }

  /** POST /images/prune: dangling images by default, every unused image with `dangling=false`. */
  prune(o: { filters?: Map<string, string[]> } = {}): Promise<{ ImagesDeleted: DeleteResponseItem[] | null; SpaceReclaimed: number }> {
    return pruneImages(this, o);
  }

  /** Whether the store holds the image with this full ID. */
  has(id: string): boolean {
    return this.images.has(id);
  }

  /** Drops one tag or digest reference (its normalised key). */
  async deleteReference(key: string): Promise<void> {
    await this.serial(async () => {
      this.refs.delete(key);
      await this.saveRefs();
    });
  }

  /** Drops the record and every layer no other image (or held container) still needs; returns those chain IDs. */
  async deleteRecord(img: ImageRecord): Promise<string[]> {
    return this.serial(async () => {
      await fsp.rm(this.metaFile(img.id), { force: true });
      this.images.delete(img.id);
      if (this.opts.containersUsingImage(img.id).length > 0) {
        // Containers keep their lower layers: hold them until those containers are gone.
        this.holds.set(img.id, img.layers);
        await atomicWriteJson(this.holdsFile(), Object.fromEntries(this.holds));
      }
      await this.blobs.delete(img.id);
      return this.collectLayers(img.layers);
    });
  }

  /** Removes those of `candidates` (top first) that no image or hold uses. */
  private async collectLayers(candidates: string[]): Promise<string[]> {
    const used = new Set<string>();
    for (const i of this.images.values()) for (const l of i.layers) used.add(l);
    for (const l of this.holds.values()) for (const c of l) used.add(c);
    const removed: string[] = [];
    for (const l of [...candidates].reverse()) {
      if (used.has(l) || !this.layers.get(l)) continue;
      await this.layers.remove(l);
      removed.push(l);
    }
    return removed;
  }

  /** Releases layers held for deleted images whose containers are all gone. */
  async releaseHolds(): Promise<number> {
    let freed = 0;
    for (const [id, layers] of [...this.holds.entries()]) {
      if (this.opts.containersUsingImage(id).length > 0) continue;
      await this.serial(async () => {
        this.holds.delete(id);
        await atomicWriteJson(this.holdsFile(), Object.fromEntries(this.holds));
        for (const l of layers) freed += this.layers.get(l)?.size ?? 0;
        await this.collectLayers(layers);
      });
    }
    return freed;
  }
}

/** The name Docker prints in "No such image": the familiar reference with `:latest`, or the input. */
export function notFoundName(refOrId: string): string {
  if (isFullImageId(refOrId)) return refOrId;
  try {
    return familiarString(withDefaultTag(parseNormalizedNamed(refOrId)));
  } catch {
    return refOrId;
  }
}

export function createdSeconds(img: ImageRecord): number {
  const t = img.config.created ? Date.parse(img.config.created) : NaN;
  return Number.isFinite(t) ? Math.floor(t / 1000) : 0;
}

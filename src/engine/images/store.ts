// The local image store: image records (config blob = identity), the tag/digest index, and the
// shared layer store. Lookups are synchronous over in-memory maps loaded at init(); every change
// is written to disk first (atomic JSON) and then applied in memory.
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
import { ConflictError, InvalidArgumentError, NotFoundError } from '../errors.js';
import { getBoolOrDefault, prunePredicate } from '../filters.js';
import { atomicWriteJson, readJsonOrSkip, sweepTempFiles } from '../../util/fs.js';
import { resolveByIdPrefix, shortId } from '../../util/ids.js';
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

  private refsOf(id: string): string[] {
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
    config: ContainerConfigDefaults;
    history: { created_by?: string; comment?: string; author?: string; empty_layer?: boolean };
    author?: string;
    tag?: string;
    /** Top-level `comment` of the config (import's message). */
    comment?: string;
    /** Extra top-level config fields (e.g. container, container_config for commit). */
    extra?: Record<string, unknown>;
  }): Promise<ImageRecord> {
    const parent = o.parent ? this.get(o.parent) : undefined;
    const created = new Date().toISOString();
    const diffIds = [...(parent?.config.rootfs.diff_ids ?? [])];
    const parentChain = parent?.layers[parent.layers.length - 1];
    let emptyLayer = true;
    if (o.layer || o.layerDir) {
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
    history.push(h);
    const config: ImageConfigBlob = {
      architecture: parent?.config.architecture ?? goArch(),
      ...(o.author ? { author: o.author } : {}),
      ...(o.comment ? { comment: o.comment } : {}),
      config: o.config,
      created,
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

  private async deleteReference(key: string): Promise<void> {
    await this.serial(async () => {
      this.refs.delete(key);
      await this.saveRefs();
    });
  }

  private labelAttrs(img: ImageRecord): Record<string, string> {
    return { ...(img.config.config?.Labels ?? {}) };
  }

  // ---- removal --------------------------------------------------------------------------

  /** DELETE /images/{name}: Docker's rules (image_delete.go) for untagging and deleting. */
  async remove(ref: string, o: { force?: boolean; noprune?: boolean } = {}): Promise<DeleteResponseItem[]> {
    const force = !!o.force;
    const prune = !o.noprune;
    const img = this.get(ref);
    const records: DeleteResponseItem[] = [];
    let repoRefs = this.refsOf(img.id);
    let removedRepositoryRef = false;

    if (!isImageIdPrefix(img.id, ref)) {
      if (!force && isSingleReference(repoRefs)) {
        const ctr = this.opts.containersUsingImage(img.id)[0];
        if (ctr) {
          throw new ConflictError(
            `conflict: unable to remove repository reference ${JSON.stringify(ref)} (must force) - container ${shortId(ctr.id)} is using its referenced image ${shortId(img.id)}`,
          );
        }
      }
      const parsed = withDefaultTag(parseNormalizedNamed(ref));
      const key = parsed.digest ? referenceString({ ...parsed, tag: undefined }) : referenceString(parsed);
      await this.deleteReference(key);
      this.opts.events.publish('image', 'untag', img.id, { name: img.id, ...this.labelAttrs(img) });
      records.push({ Untagged: familiarString(parseNormalizedNamed(key)) });
      repoRefs = this.refsOf(img.id);
      if (!parsed.digest) {
        const sameRepoTag = repoRefs.some((r) => {
          const p = parseNormalizedNamed(r);
          return !p.digest && p.domain === parsed.domain && p.path === parsed.path;
        });
        if (!sameRepoTag) {
          const remaining: string[] = [];
          for (const r of repoRefs) {
            const p = parseNormalizedNamed(r);
            if (p.digest && p.domain === parsed.domain && p.path === parsed.path) {
              await this.deleteReference(r);
              records.push({ Untagged: familiarString(p) });
            } else remaining.push(r);
          }
          repoRefs = remaining;
        }
      }
      if (repoRefs.length > 0) return records;
      removedRepositoryRef = true;
    } else if (isSingleReference(repoRefs)) {
      // An ID was given and the image has at most one tag (in one repository): remove them all.
      this.checkDeleteConflict(img.id, force ? HARD : HARD | STOPPED);
      for (const r of repoRefs) {
        await this.deleteReference(r);
        this.opts.events.publish('image', 'untag', img.id, { name: img.id, ...this.labelAttrs(img) });
        records.push({ Untagged: familiarString(parseNormalizedNamed(r)) });
      }
    }
    await this.deleteHelper(img.id, records, force, prune, removedRepositoryRef);
    return records;
  }

  /** Throws the first conflict found among the kinds in `mask` (image_delete.go's checkImageDeleteConflict). */
  private checkDeleteConflict(id: string, mask: number): void {
    const c = this.findConflict(id, mask);
    if (c) throw new ConflictError(c.message);
  }

  private findConflict(id: string, mask: number): { message: string; used: boolean } | undefined {
    const short = shortId(id);
    if (mask & CHILD && this.children(id).length > 0) {
      return { message: `conflict: unable to delete ${short} (cannot be forced) - image has dependent child images`, used: false };
    }
    const users = this.opts.containersUsingImage(id);
    const running = users.find((c) => c.running);
    if (mask & RUNNING && running) {
      return { message: `conflict: unable to delete ${short} (cannot be forced) - image is being used by running container ${shortId(running.id)}`, used: true };
    }
    if (mask & REFERENCE && this.refsOf(id).length > 0) {
      return { message: `conflict: unable to delete ${short} (must be forced) - image is referenced in multiple repositories`, used: false };
    }
    const stopped = users.find((c) => !c.running);
    if (mask & STOPPED && stopped) {
      return { message: `conflict: unable to delete ${short} (must be forced) - image is being used by stopped container ${shortId(stopped.id)}`, used: true };
    }
    return undefined;
  }

  private isDangling(id: string): boolean {
    return this.refsOf(id).length === 0 && this.children(id).length === 0;
  }

  private async deleteHelper(id: string, records: DeleteResponseItem[], force: boolean, prune: boolean, quiet: boolean): Promise<void> {
    const mask = force ? HARD : HARD | SOFT;
    const conflict = this.findConflict(id, mask);
    if (conflict) {
      if (quiet && (!this.isDangling(id) || conflict.used)) return;
      throw new ConflictError(conflict.message);
    }
    const img = this.images.get(id)!;
    const parent = img.parent;
    for (const r of this.refsOf(id)) {
      await this.deleteReference(r);
      this.opts.events.publish('image', 'untag', id, { name: id, ...this.labelAttrs(img) });
      records.push({ Untagged: familiarString(parseNormalizedNamed(r)) });
    }
    const removedLayers = await this.deleteImage(img);
    this.opts.events.publish('image', 'delete', id, { name: id, ...this.labelAttrs(img) });
    records.push({ Deleted: id });
    for (const l of removedLayers) records.push({ Deleted: l });
    if (!prune || !parent || !this.images.has(parent)) return;
    await this.deleteHelper(parent, records, false, true, true);
  }

  /** Drops the record and every layer no other image (or held container) still needs; returns those chain IDs. */
  private async deleteImage(img: ImageRecord): Promise<string[]> {
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

  /** POST /images/prune: dangling images by default, every unused image with `dangling=false`. */
  async prune(o: { filters?: Map<string, string[]> } = {}): Promise<{ ImagesDeleted: DeleteResponseItem[] | null; SpaceReclaimed: number }> {
    const filters = o.filters ?? new Map<string, string[]>();
    const keep = prunePredicate(filters, ['dangling', 'until', 'label', 'label!']);
    const danglingOnly = getBoolOrDefault(filters, 'dangling', true);
    const deleted: DeleteResponseItem[] = [];
    let space = 0;
    const candidates = this.list().filter((img) => {
      if (this.children(img.id).length > 0) return false; // parents go with their children (prune=true)
      if (danglingOnly && this.refsOf(img.id).length > 0) return false;
      if (this.opts.containersUsingImage(img.id).length > 0) return false;
      if (!keep(createdSeconds(img) * 1000, img.config.config?.Labels)) return false;
      return true;
    });
    for (const img of candidates) {
      if (!this.images.has(img.id)) continue;
      const sizeBefore = this.totalLayerSize();
      const recs: DeleteResponseItem[] = [];
      try {
        if (danglingOnly) {
          await this.deleteHelper(img.id, recs, false, true, false);
        } else {
          for (const r of this.refsOf(img.id)) recs.push(...(await this.remove(familiarString(parseNormalizedNamed(r)), { force: false })));
          if (this.images.has(img.id)) await this.deleteHelper(img.id, recs, false, true, false);
        }
      } catch (e) {
        if (!(e instanceof ConflictError)) throw e;
      }
      deleted.push(...recs);
      space += sizeBefore - this.totalLayerSize();
    }
    space += await this.releaseHolds();
    return { ImagesDeleted: deleted.length ? deleted : null, SpaceReclaimed: space };
  }

  private totalLayerSize(): number {
    return this.layers.all().reduce((n, l) => n + l.size, 0);
  }
}

// Conflict kinds of image_delete.go.
const CHILD = 1;
const RUNNING = 2;
const REFERENCE = 4;
const STOPPED = 8;
const HARD = CHILD | RUNNING;
const SOFT = REFERENCE | STOPPED;

/** The name Docker prints in "No such image": the familiar reference with `:latest`, or the input. */
export function notFoundName(refOrId: string): string {
  if (isFullImageId(refOrId)) return refOrId;
  try {
    return familiarString(withDefaultTag(parseNormalizedNamed(refOrId)));
  } catch {
    return refOrId;
  }
}

function isImageIdPrefix(imageId: string, possiblePrefix: string): boolean {
  if (imageId.startsWith(possiblePrefix)) return true;
  const i = imageId.indexOf(':');
  return i >= 0 && imageId.slice(i + 1).startsWith(possiblePrefix);
}

/** All references are in one repository with at most one tag (image_delete.go). */
function isSingleReference(refs: string[]): boolean {
  if (refs.length <= 1) return refs.length === 1;
  let single: NamedReference | undefined;
  const canonicalNames = new Set<string>();
  for (const r of refs) {
    const p = parseNormalizedNamed(r);
    if (p.digest) canonicalNames.add(`${p.domain}/${p.path}`);
    else if (!single) single = p;
    else return false;
  }
  if (!single) single = parseNormalizedNamed(refs[0]);
  return canonicalNames.size === 1 && canonicalNames.has(`${single.domain}/${single.path}`);
}

export function createdSeconds(img: ImageRecord): number {
  const t = img.config.created ? Date.parse(img.config.created) : NaN;
  return Number.isFinite(t) ? Math.floor(t / 1000) : 0;
}

// docker pull, daemon side (dockerd's distribution/pull_v2.go): manifest (an index is resolved to
// one platform), config, then the layers: downloaded three at a time into temp files, each
// verified by digest, then unpacked in order on top of each other. A layer two pulls want at once
// is fetched once (shared transfer). The image and its references are recorded only once every
// layer is in, so a failed pull leaves no image behind and a retry reuses the layers it got.
import { createReadStream, createWriteStream, promises as fsp } from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import type { Engine } from '../engine.js';
import { InvalidArgumentError, NotFoundError } from '../errors.js';
import { decompressStream } from '../archive/compression.js';
import { tempPathFor } from '../../util/fs.js';
import { shortId } from '../../util/ids.js';
import { parsePlatform, formatPlatform, type PlatformSpec, type RegistryClient, type RegistryTarget, type FetchedManifest } from '../../registry/client/index.js';
import type { Descriptor } from '../../registry/oci.js';
import { hexOf } from './blobs.js';
import { chainIdOf, type LayerMeta } from './layers.js';
import { familiarName, familiarString, parseNormalizedNamed, referenceString, withDefaultTag, type NamedReference } from './reference.js';
import type { ImageConfigBlob, ImageRecord, ImageStore } from './store.js';
import { ByteProgress, layerStatus, noProgress, statusMessage, type ProgressSink } from './distribution-progress.js';
import { clientFor, decodeRegistryAuth, translatePullError, type RegistryAuth, type RegistrySettings } from './distribution-registry.js';
import { distributionState, type DistributionState } from './distribution-state.js';
import { abortError } from './distribution-transfers.js';

export interface PullOptions {
  /** X-Registry-Auth as the client sent it (base64url JSON), or already decoded. */
  auth?: string | RegistryAuth;
  /** `os/arch[/variant]`: which image of a multi-platform index to pull. */
  platform?: string;
  /** Pull every tag of the repository (the reference must then have no tag). */
  allTags?: boolean;
  /** Docker's JSON progress messages, in order. */
  progress?: ProgressSink;
  /** Abort the pull (client went away). Transfers shared with other pulls carry on. */
  signal?: AbortSignal;
}

export interface PullResult {
  /** The pulled images, one per tag. */
  images: ImageRecord[];
  /** True when anything new was downloaded or a reference moved (dockerd's "Downloaded newer image"). */
  updated: boolean;
}

const FOREIGN_LAYER = /foreign|nondistributable/;

/** Parses the `platform` parameter; empty means this machine's. */
export function parsePlatformParam(p: string | undefined): PlatformSpec | undefined {
  if (!p) return undefined;
  try {
    return parsePlatform(p);
  } catch {
    throw new InvalidArgumentError(`"${p}": unknown operating system or architecture: invalid argument`);
  }
}

/** POST /images/create?fromImage=: pulls into the engine's store. */
export function pullImage(engine: Engine, ref: string | NamedReference, opts: PullOptions = {}): Promise<PullResult> {
  return pullIntoStore(engine.images, engine.config, ref, opts);
}

/** Pulls a reference (tag, digest, or a bare name with allTags) into `store`. */
export async function pullIntoStore(store: ImageStore, settings: RegistrySettings, ref: string | NamedReference, opts: PullOptions = {}): Promise<PullResult> {
  const named = typeof ref === 'string' ? parseNormalizedNamed(ref) : ref;
  const platform = parsePlatformParam(opts.platform);
  const auth = typeof opts.auth === 'string' ? decodeRegistryAuth(opts.auth) : opts.auth;
  const progress = opts.progress ?? noProgress;
  const client = clientFor(settings, named, auth);
  const puller = new Puller(store, client, progress, platform, opts.signal);
  try {
    if (opts.allTags && named.tag === undefined && named.digest === undefined) {
      const tags = await client.listTags({ registry: named.domain, repository: named.path });
      const images: ImageRecord[] = [];
      let updated = false;
      for (const tag of tags) {
        const r = await puller.pullTag({ ...named, tag });
        images.push(r.image);
        updated ||= r.updated;
      }
      progress(statusMessage(`Status: ${updated ? 'Downloaded newer image' : 'Image is up to date'} for ${familiarName(named)}`));
      return { images, updated };
    }
    const tagged = withDefaultTag(named);
    const r = await puller.pullTag(tagged);
    progress(statusMessage(`Status: ${r.updated ? 'Downloaded newer image' : 'Image is up to date'} for ${familiarString(tagged)}`));
    return { images: [r.image], updated: r.updated };
  } catch (e) {
    throw translatePullError(e, withDefaultTag(named), settings);
  } finally {
    client.close();
  }
}

export type PullPolicy = 'missing' | 'always' | 'never';

export interface EnsureOptions {
  pull?: PullPolicy;
  platform?: string;
  auth?: string | RegistryAuth;
  progress?: ProgressSink;
  signal?: AbortSignal;
}

function platformOf(img: ImageRecord): PlatformSpec {
  const c = img.config as ImageConfigBlob & { variant?: string };
  return { os: c.os, architecture: c.architecture, ...(c.variant ? { variant: c.variant } : {}) };
}

function samePlatform(want: PlatformSpec, have: PlatformSpec): boolean {
  return want.os === have.os && want.architecture === have.architecture && (!want.variant || !have.variant || want.variant === have.variant);
}

/**
 * The image `ref` names, pulled first as the policy says (run, create and build FROM use this):
 * `missing` pulls when it is not here (or not for the asked platform), `always` pulls every
 * time, `never` fails with "No such image".
 */
export async function ensureImage(engine: Engine, ref: string, opts: EnsureOptions = {}): Promise<ImageRecord> {
  const policy = opts.pull ?? 'missing';
  const want = parsePlatformParam(opts.platform);
  const local = engine.images.find(ref);
  const fits = local && (!want || samePlatform(want, platformOf(local)));
  if (policy === 'never' || (policy === 'missing' && fits)) {
    if (local && fits) return local;
    if (local && want) {
      throw new NotFoundError(`image with reference ${ref} was found but does not match the specified platform: wanted ${formatPlatform(want)}, actual: ${formatPlatform(platformOf(local))}`);
    }
    return engine.images.get(ref);
  }
  const named = parseNormalizedNamed(ref);
  const result = await pullImage(engine, named, { auth: opts.auth, platform: opts.platform, progress: opts.progress, signal: opts.signal });
  return result.images[0]!;
}

/** One pull request's work: the client, where progress goes, the platform wanted. */
class Puller {
  private readonly state: DistributionState;
  constructor(
    private readonly store: ImageStore,
    private readonly client: RegistryClient,
    private readonly progress: ProgressSink,
    private readonly platform: PlatformSpec | undefined,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.state = distributionState(store);
  }

  async pullTag(ref: NamedReference): Promise<{ image: ImageRecord; updated: boolean }> {
    const target: RegistryTarget = { registry: ref.domain, repository: ref.path, ...(ref.digest ? { digest: ref.digest } : { tag: ref.tag }) };
    const fetched = await this.client.getManifest(target, this.platform ? { platform: this.platform } : {});
    const manifest = fetched.manifest;
    if (!manifest.config || !Array.isArray(manifest.layers)) {
      throw new InvalidArgumentError(`unsupported manifest format: ${fetched.mediaType || 'unknown'}`);
    }
    this.progress(statusMessage(`Pulling from ${ref.path}`, ref.digest ?? ref.tag));
    const manifestDigest = fetched.index?.digest ?? fetched.digest;

    let image = this.store.find(manifest.config.digest);
    let downloaded = false;
    if (!image) {
      image = await this.downloadImage(ref, target, fetched);
      downloaded = true;
    } else if (this.platform && !samePlatform(this.platform, platformOf(image))) {
      throw platformMismatch(ref, this.platform, platformOf(image));
    }
    this.progress(statusMessage(`Digest: ${manifestDigest}`));

    // References: the tag (unless a digest was asked) and name@digest (RepoDigests).
    let updated = downloaded;
    const digestRef: NamedReference = { domain: ref.domain, path: ref.path, digest: manifestDigest };
    if (this.store.find(referenceString(digestRef))?.id !== image.id) {
      await this.store.setReference(digestRef, image.id);
      if (ref.digest) updated = true;
    }
    if (!ref.digest) {
      const current = this.store.find(referenceString(ref));
      if (current?.id !== image.id) {
        await this.store.setReference(ref, image.id);
        updated = true;
      }
    }
    const name = familiarString(ref);
    this.store.opts.events.publish('image', 'pull', name, { name });
    return { image: this.store.get(image.id), updated };
  }

  /** Config + layers → registered image. Nothing is registered unless every layer is in. */
  private async downloadImage(ref: NamedReference, target: RegistryTarget, fetched: FetchedManifest): Promise<ImageRecord> {
    const manifest = fetched.manifest;
    const configDesc = manifest.config!;
    const layers = manifest.layers!.filter((l) => !FOREIGN_LAYER.test(l.mediaType ?? ''));
    const configBytes = await collect(this.client.getBlob(target, configDesc.digest, { expectedSize: configDesc.size }), 16 << 20);
    let config: ImageConfigBlob;
    try {
      config = JSON.parse(configBytes.toString('utf8'));
    } catch {
      throw new InvalidArgumentError(`invalid image config ${configDesc.digest}`);
    }
    const diffIds = config?.rootfs?.diff_ids;
    if (!Array.isArray(diffIds) || diffIds.length !== layers.length) {
      throw new InvalidArgumentError("layers from manifest don't match image configuration");
    }
    if (this.platform && !samePlatform(this.platform, { os: config.os, architecture: config.architecture, variant: (config as { variant?: string }).variant })) {
      throw platformMismatch(ref, this.platform, { os: config.os, architecture: config.architecture });
    }

    // Stop our layer transfers on the first failure or when the client goes.
    const local = new AbortController();
    const onOuterAbort = () => local.abort(abortError(this.signal));
    if (this.signal?.aborted) onOuterAbort();
    this.signal?.addEventListener('abort', onOuterAbort, { once: true });
    const jobs: Promise<LayerMeta>[] = [];
    let chain: string | undefined;
    let parentReady: Promise<unknown> = Promise.resolve();
    try {
      for (let i = 0; i < layers.length; i++) {
        const desc = layers[i]!;
        const diffId = diffIds[i]!;
        const id = shortId(desc.digest);
        const chainId = chainIdOf(chain, diffId);
        if (this.store.layers.get(chainId)) {
          this.progress(layerStatus(id, 'Already exists'));
          parentReady = Promise.resolve();
        } else {
          this.progress(layerStatus(id, 'Pulling fs layer'));
          // The transfer starts later: bind this layer's parent now, not the loop's variables.
          const below = { parentChain: chain, parentReady };
          const job = this.state.transfers.run(
            `layer:${chainId}`,
            (emit, signal) => this.fetchLayer({ target, desc, diffId, ...below, emit, signal }),
            { progress: this.progress, signal: local.signal },
          );
          jobs.push(job);
          parentReady = job;
        }
        chain = chainId;
      }
      try {
        await Promise.all(jobs);
      } catch (e) {
        local.abort(e);
        await Promise.allSettled(jobs);
        throw this.signal?.aborted ? abortError(this.signal) : e;
      }
    } finally {
      this.signal?.removeEventListener('abort', onOuterAbort);
    }
    const image = await this.store.registerImage(configBytes);
    const sourceRepository = `${ref.domain}/${ref.path}`;
    for (let i = 0; i < layers.length; i++) await this.state.metadata.add(diffIds[i]!, { digest: layers[i]!.digest, sourceRepository });
    return image;
  }

  /** One layer: download (bounded, verified), wait for the layer below, unpack. */
  private async fetchLayer(o: {
    target: RegistryTarget;
    desc: Descriptor;
    diffId: string;
    parentChain: string | undefined;
    parentReady: Promise<unknown>;
    emit: ProgressSink;
    signal: AbortSignal;
  }): Promise<LayerMeta> {
    const id = shortId(o.desc.digest);
    const file = await this.download(o.target, o.desc, o.emit, o.signal);
    try {
      await o.parentReady;
      if (o.signal.aborted) throw abortError(o.signal);
      const extracting = new ByteProgress(o.emit, id, 'Extracting', o.desc.size);
      const meta = await this.store.addLayer(o.parentChain, await layerTarStream(file, extracting, o.signal), o.diffId);
      o.emit(layerStatus(id, 'Pull complete'));
      return meta;
    } finally {
      await fsp.rm(file, { force: true });
    }
  }

  /** Fetches a blob into a temp file; the client checks its digest before the stream ends. */
  private async download(target: RegistryTarget, desc: Descriptor, emit: ProgressSink, signal: AbortSignal): Promise<string> {
    const id = shortId(desc.digest);
    const release = await this.state.downloads.acquire(signal, () => emit(layerStatus(id, 'Waiting')));
    const file = tempPathFor(path.join(await this.state.tmpDir(), hexOf(desc.digest)));
    const src = this.client.getBlob(target, desc.digest, { expectedSize: desc.size });
    const onAbort = () => src.destroy(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      if (signal.aborted) throw abortError(signal);
      const downloading = new ByteProgress(emit, id, 'Downloading', desc.size);
      const counter = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          downloading.add(chunk.length);
          cb(null, chunk);
        },
        flush(cb) {
          downloading.done();
          cb();
        },
      });
      await pipeline(src, counter, createWriteStream(file, { mode: 0o600 }));
      emit(layerStatus(id, 'Verifying Checksum'));
      emit(layerStatus(id, 'Download complete'));
      return file;
    } catch (e) {
      await fsp.rm(file, { force: true });
      throw e;
    } finally {
      signal.removeEventListener('abort', onAbort);
      release();
    }
  }
}

/**
 * The uncompressed tar of a downloaded layer: gunzipped in 1 MiB chunks (zlib's default 16 KiB
 * makes the unpacker do thousands of small writes), counted as Extracting progress over the
 * compressed bytes, stopped by `signal`. Other compressions go through decompressStream, which
 * refuses what it does not know.
 */
async function layerTarStream(file: string, extracting: ByteProgress, signal: AbortSignal): Promise<Readable> {
  const fh = await fsp.open(file, 'r');
  const head = Buffer.alloc(2);
  try {
    await fh.read(head, 0, 2, 0);
  } finally {
    await fh.close();
  }
  const counted = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      if (signal.aborted) return cb(abortError(signal));
      extracting.add(chunk.length);
      cb(null, chunk);
    },
    flush(cb) {
      extracting.done();
      cb();
    },
  });
  const src = createReadStream(file, { highWaterMark: 1 << 20 });
  if (head[0] !== 0x1f || head[1] !== 0x8b) return decompressStream(src.pipe(counted));
  const out = createGunzip({ chunkSize: 1 << 20 });
  pipeline(src, counted, out).catch((e) => out.destroy(e));
  return out;
}

function platformMismatch(ref: NamedReference, want: PlatformSpec, have: PlatformSpec): Error {
  return new NotFoundError(
    `image with reference ${familiarString(ref)} was found but does not match the specified platform: wanted ${formatPlatform(want)}, actual: ${formatPlatform(have)}`,
  );
}

async function collect(stream: AsyncIterable<Buffer>, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of stream) {
    size += c.length;
    if (size > limit) throw new InvalidArgumentError(`blob larger than ${limit} bytes`);
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}

// docker pull, daemon side (dockerd's distribution/pull_v2.go): manifest (an index is resolved to
// one platform), config, then the layers. Each layer streams from the registry through gunzip
// into its own temp dir (three at a time, dockerd's download limit), its compressed digest and
// diffID checked on the way; chain IDs come from the config's diff_ids, so the layers unpack
// concurrently and only their registration waits for the layer below. A layer two pulls want at
// once is fetched once (shared transfer). The image and its references are recorded only once
// every layer is in, so a failed pull leaves no image behind and a retry reuses the layers it got.
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Engine } from '../engine.js';
import { InvalidArgumentError, NotFoundError } from '../errors.js';
import { decompressorFor, peekHead } from '../../archive/compression.js';
import { shortId } from '../../util/ids.js';
import { parsePlatform, formatPlatform, type PlatformSpec, type RegistryClient, type RegistryTarget, type FetchedManifest } from '../../registry/client/index.js';
import type { Descriptor } from '../../registry/oci.js';
import { chainIdOf, type LayerMeta, type PreparedLayer } from './layers.js';
import { familiarName, familiarString, parseNormalizedNamed, referenceString, withDefaultTag, type NamedReference } from './reference.js';
import type { ImageConfigBlob, ImageRecord, ImageStore } from './store.js';
import { ByteProgress, layerStatus, noProgress, statusMessage, type ProgressSink } from './distribution-progress.js';
import { clientFor, decodeRegistryAuth, translatePullError, type RegistryAuth, type RegistrySettings } from './distribution-registry.js';
import { distributionState, type DistributionState } from './distribution-state.js';
import { tracer } from '../../util/log.js';
import { abortError, allOrAbort } from './distribution-transfers.js';

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

/** Downloaded bytes are handed on in chunks of about this size (see downloadAndPrepare). */
const COALESCE_BYTES = 1 << 20;

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
    const trace = tracer('pull image', configDesc.digest.replace(/^sha256:/, ''));
    const layers = manifest.layers!.filter((l) => !FOREIGN_LAYER.test(l.mediaType ?? ''));
    const configBytes = await collect(this.client.getBlob(target, configDesc.digest, { expectedSize: configDesc.size }), 16 << 20);
    let config: ImageConfigBlob;
    try {
      config = JSON.parse(configBytes.toString('utf8'));
    } catch {
      throw new InvalidArgumentError(`invalid image config ${configDesc.digest}`);
    }
    trace('config');
    const diffIds = config?.rootfs?.diff_ids;
    if (!Array.isArray(diffIds) || diffIds.length !== layers.length) {
      throw new InvalidArgumentError("layers from manifest don't match image configuration");
    }
    if (this.platform && !samePlatform(this.platform, { os: config.os, architecture: config.architecture, variant: (config as { variant?: string }).variant })) {
      throw platformMismatch(ref, this.platform, { os: config.os, architecture: config.architecture });
    }

    // Stop our layer transfers on the first failure or when the client goes.
    await allOrAbort(this.signal, (jobSignal) => {
      const jobs: Promise<LayerMeta>[] = [];
      let chain: string | undefined;
      let parentReady: Promise<unknown> = Promise.resolve();
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
            { progress: this.progress, signal: jobSignal },
          );
          jobs.push(job);
          parentReady = job;
        }
        chain = chainId;
      }
      return jobs;
    });
    trace('layers in');
    const image = await this.store.registerImage(configBytes);
    trace('image registered');
    const sourceRepository = `${ref.domain}/${ref.path}`;
    await this.state.metadata.addAll(layers.map((l, i) => ({ diffId: diffIds[i]!, location: { digest: l.digest, sourceRepository } })));
    trace('blob locations recorded');
    return image;
  }

  /**
   * One layer: streamed from the registry through gunzip into the unpacker (prepared in a temp dir,
   * verified by both digests), then registered once the layer below is. Every layer of an image
   * downloads and unpacks at once (up to the download limit); only registration goes in order.
   */
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
    const trace = tracer('pull layer', id);
    const prepared = await this.downloadAndPrepare(o.target, o.desc, o.diffId, o.emit, o.signal, trace);
    try {
      await o.parentReady;
      trace('parent registered');
      if (o.signal.aborted) throw abortError(o.signal);
    } catch (e) {
      await this.store.layers.discard(prepared);
      throw e;
    }
    const meta = await this.store.layers.register(o.parentChain, prepared);
    trace('registered');
    o.emit(layerStatus(id, 'Pull complete'));
    return meta;
  }

  /**
   * Downloads a layer blob and unpacks it as it arrives. The client checks the compressed digest
   * before the stream ends and the layer store the diffID; nothing is stored (the tar blob) until
   * both hold, and the unpacked files stay in a temp dir until register(). Progress is Docker's:
   * Downloading…, Verifying Checksum, Download complete, Extracting…; the extraction runs with the
   * download, so its progress is reported once the download is complete.
   */
  private async downloadAndPrepare(target: RegistryTarget, desc: Descriptor, diffId: string, emit: ProgressSink, signal: AbortSignal, trace: (phase: string) => void): Promise<PreparedLayer> {
    const id = shortId(desc.digest);
    const release = await this.state.downloads.acquire(signal, () => emit(layerStatus(id, 'Waiting')));
    trace('download slot');
    const src = this.client.getBlob(target, desc.digest, { expectedSize: desc.size });
    const onAbort = () => src.destroy(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      if (signal.aborted) throw abortError(signal);
      const downloading = new ByteProgress(emit, id, 'Downloading', desc.size);
      const extracting = new ByteProgress(emit, id, 'Extracting', desc.size);
      let downloaded = 0;
      // Counts the download and joins the socket's 64 KiB reads into 1 MiB chunks: each chunk
      // is a thread-pool job for gunzip and then one for every write of its output, and on these
      // machines handing a job to the pool costs the event loop more than the copy does.
      let held: Buffer[] = [];
      let heldBytes = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          downloaded += chunk.length;
          downloading.add(chunk.length);
          held.push(chunk);
          heldBytes += chunk.length;
          if (heldBytes < COALESCE_BYTES) return cb();
          const joined = held.length === 1 ? held[0] : Buffer.concat(held, heldBytes);
          held = [];
          heldBytes = 0;
          cb(null, joined);
        },
        flush(cb) {
          cb(null, heldBytes ? Buffer.concat(held, heldBytes) : undefined);
        },
      });
      const decompressor = decompressorFor(await peekHead(src));
      const tar = decompressor ?? counter;
      const transfer = decompressor ? pipeline(src, counter, decompressor) : pipeline(src, counter);
      // Either side failing stops the other (the pipeline destroys its streams; the unpacker its input).
      transfer.catch((e) => tar.destroy(e));
      const verified = transfer.then(() => {
        trace('downloaded and verified');
        downloading.done();
        emit(layerStatus(id, 'Verifying Checksum'));
        emit(layerStatus(id, 'Download complete'));
        release();
      });
      const preparing = this.store.layers.prepare(tar, { expectedDiffId: diffId, verified });
      // An unpacker that gave up (hostile tar, wrong diffID) leaves the download unread: end it.
      preparing.catch((e) => src.destroy(e));
      // Both settle before we answer: a failed download must not return while the unpacker is
      // still removing its temp dir (an aborted pull leaves nothing behind).
      const [prep, check] = await Promise.allSettled([preparing, verified]);
      if (check.status === 'rejected') {
        if (prep.status === 'fulfilled') await this.store.layers.discard(prep.value);
        throw check.reason;
      }
      if (prep.status === 'rejected') throw prep.reason;
      const prepared = prep.value;
      trace('unpacked');
      extracting.add(downloaded);
      extracting.done();
      return prepared;
    } catch (e) {
      src.destroy(); // a refused or failed layer leaves no response half-read
      throw e;
    } finally {
      signal.removeEventListener('abort', onAbort);
      release();
    }
  }
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

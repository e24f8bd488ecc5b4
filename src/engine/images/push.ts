// docker push, daemon side (dockerd's distribution/push_v2.go): for every tag, each layer is
// found on the registry already (HEAD of a blob we know it as), mounted from another repository
// of the same registry, or gzip-compressed from the stored tar and uploaded; then the config and a
// Docker v2 schema 2 manifest. Where each layer went is remembered (distribution-metadata), so a
// second push is "Layer already exists" without compressing anything.
import { createReadStream, createWriteStream, promises as fsp } from 'node:fs';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createHash } from 'node:crypto';
import { createGzip } from 'node:zlib';
import type { Engine } from '../engine.js';
import { InvalidArgumentError, NotFoundError } from '../errors.js';
import { tempPathFor } from '../../util/fs.js';
import { shortId } from '../../util/ids.js';
import { bufferSource, type BlobSource, type RegistryClient, type RegistryTarget } from '../../registry/client/index.js';
import { MEDIA } from '../../registry/oci.js';
import type { LayerMeta } from './layers.js';
import { familiarName, familiarString, parseNormalizedNamed, type NamedReference } from './reference.js';
import type { ImageRecord, ImageStore } from './store.js';
import { ByteProgress, layerProgress, layerStatus, noProgress, statusMessage, type ProgressSink } from './distribution-progress.js';
import { clientFor, decodeRegistryAuth, translatePushError, type RegistryAuth, type RegistrySettings } from './distribution-registry.js';
import { distributionState, type DistributionState } from './distribution-state.js';
import { abortError, allOrAbort } from './distribution-transfers.js';

export const LAYER_MEDIA_TYPE = 'application/vnd.docker.image.rootfs.diff.tar.gzip';
export const CONFIG_MEDIA_TYPE = 'application/vnd.docker.container.image.v1+json';

export interface PushOptions {
  auth?: string | RegistryAuth;
  progress?: ProgressSink;
  signal?: AbortSignal;
}

export interface PushedTag {
  tag: string;
  digest: string;
  size: number;
}

interface PushedLayer {
  digest: string;
  size: number;
}

/** POST /images/{name}/push: `ref` with a tag pushes that tag, without one every tag of the repository. */
export function pushImage(engine: Engine, ref: string | NamedReference, opts: PushOptions = {}): Promise<PushedTag[]> {
  return pushFromStore(engine.images, engine.config, ref, opts);
}

/** The images of `ref`'s repository by tag (exact references, never an ID prefix). */
function localTags(store: ImageStore, ref: NamedReference): Array<{ tag: string; image: ImageRecord }> {
  const out: Array<{ tag: string; image: ImageRecord }> = [];
  for (const image of store.list()) {
    for (const t of image.repoTags) {
      const p = parseNormalizedNamed(t);
      if (p.domain === ref.domain && p.path === ref.path && p.tag !== undefined) out.push({ tag: p.tag, image });
    }
  }
  return out.sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
}

function hasAnyReference(store: ImageStore, ref: NamedReference): boolean {
  return store.list().some((i) =>
    [...i.repoTags, ...i.repoDigests].some((r) => {
      const p = parseNormalizedNamed(r);
      return p.domain === ref.domain && p.path === ref.path;
    }),
  );
}

export async function pushFromStore(store: ImageStore, settings: RegistrySettings, ref: string | NamedReference, opts: PushOptions = {}): Promise<PushedTag[]> {
  const named = typeof ref === 'string' ? parseNormalizedNamed(ref) : ref;
  if (named.digest) throw new InvalidArgumentError('cannot push a digest reference');
  const progress = opts.progress ?? noProgress;
  progress(statusMessage(`The push refers to repository [${named.domain}/${named.path}]`));
  if (!hasAnyReference(store, named)) throw new NotFoundError(`An image does not exist locally with the tag: ${familiarName(named)}`);
  const all = localTags(store, named);
  const todo = named.tag !== undefined ? all.filter((t) => t.tag === named.tag) : all;
  if (todo.length === 0) {
    throw new NotFoundError(named.tag !== undefined ? `tag does not exist: ${familiarString(named)}` : `no tags to push for ${familiarName(named)}`);
  }
  const auth = typeof opts.auth === 'string' ? decodeRegistryAuth(opts.auth) : opts.auth;
  const client = clientFor(settings, named, auth);
  const pusher = new Pusher(store, client, named, progress, opts.signal);
  const pushed: PushedTag[] = [];
  try {
    for (const t of todo) pushed.push(await pusher.pushTag(t.tag, t.image));
    return pushed;
  } catch (e) {
    throw translatePushError(e, named, settings);
  } finally {
    client.close();
  }
}

/** Thrown by the stand-in source of a mount attempt when the registry wants the bytes instead. */
class MountRefused extends Error {
  readonly code = 'BERTH_MOUNT_REFUSED';
}

/** A source for a mount-only attempt: a registry that refuses the mount gets an error, not bytes. */
function mountOnlySource(size: number): BlobSource {
  return {
    size,
    open: () =>
      new Readable({
        read() {
          this.destroy(new MountRefused('mount refused'));
        },
      }),
  };
}

class Pusher {
  private readonly state: DistributionState;
  private readonly repo: string;
  constructor(
    private readonly store: ImageStore,
    private readonly client: RegistryClient,
    private readonly ref: NamedReference,
    private readonly progress: ProgressSink,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.state = distributionState(store);
    this.repo = `${ref.domain}/${ref.path}`;
  }

  private target(tag?: string): RegistryTarget {
    return { registry: this.ref.domain, repository: this.ref.path, ...(tag ? { tag } : {}) };
  }

  async pushTag(tag: string, image: ImageRecord): Promise<PushedTag> {
    const metas = image.layers.map((c) => {
      const m = this.store.layers.get(c);
      if (!m) throw new NotFoundError(`layer ${c} of image ${image.id} is missing`);
      return m;
    });
    // dockerd lists the layers top first.
    for (const m of [...metas].reverse()) this.progress(layerStatus(shortId(m.diffId), 'Preparing'));
    const pushed = await allOrAbort(this.signal, (signal) =>
      [...metas].reverse().map((m) => this.state.transfers.run(`push:${this.repo}:${m.diffId}`, (emit, s) => this.pushLayer(m, emit, s), { progress: this.progress, signal })),
    );
    const layers: PushedLayer[] = pushed.reverse();

    const configBytes = await this.store.blobs.read(image.id);
    await this.client.pushBlob(this.target(), image.id, bufferSource(configBytes));
    const manifest = {
      schemaVersion: 2,
      mediaType: MEDIA.dockerManifest,
      config: { mediaType: CONFIG_MEDIA_TYPE, size: configBytes.length, digest: image.id },
      layers: layers.map((l) => ({ mediaType: LAYER_MEDIA_TYPE, size: l.size, digest: l.digest })),
    };
    // Go's json.MarshalIndent(m, "", "   "), as dockerd sends it.
    const body = Buffer.from(JSON.stringify(manifest, null, 3));
    const { digest } = await this.client.putManifest(this.target(tag), body, MEDIA.dockerManifest);
    this.progress(statusMessage(`${tag}: digest: ${digest} size: ${body.length}`));
    this.progress({ progressDetail: {}, aux: { Tag: tag, Digest: digest, Size: body.length } });
    await this.store.setReference({ domain: this.ref.domain, path: this.ref.path, digest }, image.id);
    const name = familiarString({ ...this.ref, tag });
    this.store.opts.events.publish('image', 'push', name, { name });
    return { tag, digest, size: body.length };
  }

  /** One layer: already there, mounted, or compressed and uploaded. */
  private async pushLayer(meta: LayerMeta, emit: ProgressSink, signal: AbortSignal): Promise<PushedLayer> {
    const id = shortId(meta.diffId);
    const release = await this.state.uploads.acquire(signal, () => emit(layerStatus(id, 'Waiting')));
    try {
      const known = (await this.state.metadata.locations(meta.diffId)).filter((l) => l.sourceRepository.startsWith(`${this.ref.domain}/`));
      for (const loc of known.filter((l) => l.sourceRepository === this.repo)) {
        const size = await this.client.blobExists(this.target(), loc.digest);
        if (size !== undefined) {
          emit(layerStatus(id, 'Layer already exists'));
          return { digest: loc.digest, size: loc.size ?? size };
        }
        await this.state.metadata.remove(meta.diffId, loc);
      }
      for (const loc of known.filter((l) => l.sourceRepository !== this.repo)) {
        if (signal.aborted) throw abortError(signal);
        const fromPath = loc.sourceRepository.slice(this.ref.domain.length + 1);
        try {
          const r = await this.client.pushBlob(this.target(), loc.digest, mountOnlySource(loc.size ?? 0), { mountFrom: [fromPath] });
          const size = loc.size ?? (await this.client.blobExists(this.target(), loc.digest)) ?? 0;
          emit(layerStatus(id, r === 'exists' ? 'Layer already exists' : `Mounted from ${fromPath}`));
          await this.state.metadata.add(meta.diffId, { digest: loc.digest, sourceRepository: this.repo, size });
          return { digest: loc.digest, size };
        } catch (e) {
          // Refused or not allowed to read the other repository: upload instead.
          if (!(e instanceof MountRefused) && (e as { status?: number })?.status === undefined) throw e;
        }
      }
      return await this.upload(meta, id, emit, signal);
    } finally {
      release();
    }
  }

  private async upload(meta: LayerMeta, id: string, emit: ProgressSink, signal: AbortSignal): Promise<PushedLayer> {
    const file = tempPathFor(path.join(await this.state.tmpDir(), `push-${shortId(meta.diffId)}`));
    try {
      const { digest, size } = await compressBlob(this.store.blobs.path(meta.diffId), file, signal);
      const pushing = new ByteProgress(emit, id, 'Pushing', size);
      emit(layerProgress(id, 'Pushing', 0, size));
      const source: BlobSource = {
        size,
        open: (start, end) => {
          const counter = new Transform({
            transform(chunk: Buffer, _enc, cb) {
              if (signal.aborted) return cb(abortError(signal));
              pushing.add(chunk.length);
              cb(null, chunk);
            },
          });
          const src = end <= start ? Readable.from([]) : createReadStream(file, { start, end: end - 1, highWaterMark: 1 << 20 });
          src.on('error', (e: Error) => counter.destroy(e));
          return src.pipe(counter);
        },
      };
      const r = await this.client.pushBlob(this.target(), digest, source);
      if (r === 'exists') emit(layerStatus(id, 'Layer already exists'));
      else {
        pushing.done();
        emit(layerStatus(id, 'Pushed'));
      }
      await this.state.metadata.add(meta.diffId, { digest, sourceRepository: this.repo, size });
      return { digest, size };
    } finally {
      await fsp.rm(file, { force: true });
    }
  }
}

/** gzips a stored layer tar into `out`; returns the compressed digest and size. */
async function compressBlob(src: string, out: string, signal: AbortSignal): Promise<PushedLayer> {
  const hash = createHash('sha256');
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  await pipeline(createReadStream(src, { highWaterMark: 1 << 20 }), createGzip(), tap, createWriteStream(out, { mode: 0o600 }), { signal });
  return { digest: `sha256:${hash.digest('hex')}`, size };
}

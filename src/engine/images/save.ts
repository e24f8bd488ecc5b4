// `docker save`: an archive both dockerd (20.10 reads manifest.json) and OCI tools (index.json,
// oci-layout, blobs/sha256) can load. Layers are the exact uncompressed tars, so their digests
// equal the config's diff_ids; config, manifests and layers are stored once each as blobs.
import { Readable } from 'node:stream';
import { encodeHeader, endOfArchive, padding, type TarEntry } from '../archive/tar-header.js';
import { hexOf, sha256Hex } from './blobs.js';
import { familiarName, familiarString, isFullImageId, parseNormalizedNamed, referenceString, withDefaultTag } from './reference.js';
import type { ImageStore } from './store.js';

export interface ArchiveLayerSource {
  diffId: string;
  size: number;
  open(): AsyncIterable<Buffer> | Readable;
}

export interface ArchiveImageSource {
  configBytes: Buffer;
  layers: ArchiveLayerSource[];
  /** Familiar `repo:tag` names. */
  repoTags: string[];
}

const MTIME = 0; // fixed, so the same images always make the same archive

function dirEntry(p: string): TarEntry {
  return { path: p, type: 'dir', mode: 0o755, mtime: MTIME };
}
function fileEntry(p: string, size: number): TarEntry {
  return { path: p, type: 'file', mode: 0o644, size, mtime: MTIME };
}

/** Writes the archive for the given images as a tar stream. */
export function writeImageArchive(images: ArchiveImageSource[]): Readable {
  async function* gen(): AsyncGenerator<Buffer> {
    const written = new Set<string>();
    yield encodeHeader(dirEntry('blobs/'));
    yield encodeHeader(dirEntry('blobs/sha256/'));
    function* small(p: string, data: Buffer): Generator<Buffer> {
      yield encodeHeader(fileEntry(p, data.length));
      yield data;
      yield padding(data.length);
    }
    const manifestJson: Array<Record<string, unknown>> = [];
    const indexManifests: Array<Record<string, unknown>> = [];
    const repositories: Record<string, Record<string, string>> = {};
    for (const img of images) {
      const configHex = sha256Hex(img.configBytes);
      for (const l of img.layers) {
        const hex = hexOf(l.diffId);
        if (written.has(hex)) continue;
        written.add(hex);
        yield encodeHeader(fileEntry(`blobs/sha256/${hex}`, l.size));
        let n = 0;
        for await (const chunk of l.open() as AsyncIterable<Buffer>) {
          n += chunk.length;
          if (n > l.size) throw new Error(`layer ${l.diffId} is larger than recorded`);
          yield chunk;
        }
        if (n !== l.size) throw new Error(`layer ${l.diffId} is shorter than recorded`);
        yield padding(l.size);
      }
      if (!written.has(configHex)) {
        written.add(configHex);
        yield* small(`blobs/sha256/${configHex}`, img.configBytes);
      }
      const manifest = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${configHex}`, size: img.configBytes.length },
          layers: img.layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: l.diffId, size: l.size })),
        }),
      );
      const manifestHex = sha256Hex(manifest);
      if (!written.has(manifestHex)) {
        written.add(manifestHex);
        yield* small(`blobs/sha256/${manifestHex}`, manifest);
      }
      const desc = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${manifestHex}`, size: manifest.length };
      if (img.repoTags.length === 0) indexManifests.push(desc);
      for (const t of img.repoTags) {
        const ref = withDefaultTag(parseNormalizedNamed(t));
        indexManifests.push({ ...desc, annotations: { 'io.containerd.image.name': referenceString(ref), 'org.opencontainers.image.ref.name': ref.tag } });
        const top = img.layers[img.layers.length - 1];
        if (top) (repositories[familiarName(ref)] ??= {})[ref.tag!] = hexOf(top.diffId);
      }
      manifestJson.push({
        Config: `blobs/sha256/${configHex}`,
        RepoTags: img.repoTags.length ? img.repoTags : null,
        Layers: img.layers.map((l) => `blobs/sha256/${hexOf(l.diffId)}`),
      });
    }
    yield* small('index.json', Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: indexManifests })));
    yield* small('manifest.json', Buffer.from(JSON.stringify(manifestJson)));
    yield* small('oci-layout', Buffer.from(JSON.stringify({ imageLayoutVersion: '1.0.0' })));
    if (Object.keys(repositories).length) yield* small('repositories', Buffer.from(JSON.stringify(repositories)));
    yield endOfArchive();
  }
  return Readable.from(gen(), { objectMode: false });
}

/**
 * Resolves names for save as dockerd does: `repo:tag` saves that tag, a bare `repo` every tag of
 * the repository, an ID the image without tags. Unknown names are a 404 before anything is sent.
 */
export async function saveImages(store: ImageStore, names: string[]): Promise<Readable> {
  const byId = new Map<string, Set<string>>();
  const order: string[] = [];
  const add = (id: string, tag?: string) => {
    if (!byId.has(id)) {
      byId.set(id, new Set());
      order.push(id);
    }
    if (tag) byId.get(id)!.add(tag);
  };
  for (const name of names) {
    let named;
    try {
      named = isFullImageId(name) ? undefined : parseNormalizedNamed(name);
    } catch {
      named = undefined;
    }
    if (named && named.tag === undefined && named.digest === undefined) {
      const repoTags = store.list().flatMap((img) => img.repoTags.filter((t) => familiarName(parseNormalizedNamed(t)) === familiarName(named)).map((t) => ({ id: img.id, t })));
      if (repoTags.length) {
        for (const { id, t } of repoTags) add(id, t);
        continue;
      }
    }
    const img = store.get(name);
    const isRef = named !== undefined && !img.id.replace(/^sha256:/, '').startsWith(name.replace(/^sha256:/, ''));
    add(img.id, isRef && named && !named.digest ? familiarString(withDefaultTag(named)) : undefined);
  }
  const sources: ArchiveImageSource[] = [];
  for (const id of order) {
    const img = store.get(id);
    const configBytes = await store.blobs.read(id);
    const layers: ArchiveLayerSource[] = [];
    for (const chain of img.layers) {
      const meta = store.layers.get(chain)!;
      layers.push({ diffId: meta.diffId, size: await store.blobs.size(meta.diffId), open: () => store.blobs.stream(meta.diffId) });
    }
    sources.push({ configBytes, layers, repoTags: [...byId.get(id)!] });
    store.opts.events.publish('image', 'save', id, { name: id });
  }
  return writeImageArchive(sources);
}

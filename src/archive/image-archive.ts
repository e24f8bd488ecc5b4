// The `docker save` archive format: an archive both dockerd (20.10 reads manifest.json) and OCI
// tools (index.json, oci-layout, blobs/sha256) can load. Layers are the exact uncompressed tars, so
// their digests equal the config's diff_ids; config, manifests and layers are stored once each as
// blobs. Names arrive already normalised (the caller owns reference parsing).
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { encodeHeader, endOfArchive, padding, type TarEntry } from './tar-header.js';

export interface ArchiveLayerSource {
  diffId: string;
  size: number;
  open(): AsyncIterable<Buffer> | Readable;
}

export interface ArchiveImageSource {
  configBytes: Buffer;
  layers: ArchiveLayerSource[];
  names: ArchiveImageName[];
}

/** One name of a saved image, in the three spellings the archive's files use. */
export interface ArchiveImageName {
  /** Familiar `repo:tag`, as manifest.json's RepoTags lists it (`busybox:latest`). */
  repoTag: string;
  /** The fully qualified reference, as index.json annotates it (`docker.io/library/busybox:latest`). */
  reference: string;
  /** Familiar repository and tag, as the legacy `repositories` file keys them. */
  repository: string;
  tag: string;
}

function sha256Hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hexOf(digest: string): string {
  return digest.replace(/^sha256:/, '');
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
      if (img.names.length === 0) indexManifests.push(desc);
      for (const n of img.names) {
        indexManifests.push({ ...desc, annotations: { 'io.containerd.image.name': n.reference, 'org.opencontainers.image.ref.name': n.tag } });
        const top = img.layers[img.layers.length - 1];
        if (top) (repositories[n.repository] ??= {})[n.tag] = hexOf(top.diffId);
      }
      manifestJson.push({
        Config: `blobs/sha256/${configHex}`,
        RepoTags: img.names.length ? img.names.map((n) => n.repoTag) : null,
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

// `docker save`: resolves the names to images and writes them in the archive format of
// src/archive/image-archive.ts.
import type { Readable } from 'node:stream';
import { writeImageArchive, type ArchiveImageName, type ArchiveImageSource, type ArchiveLayerSource } from '../../archive/image-archive.js';
import { familiarName, familiarString, isFullImageId, parseNormalizedNamed, referenceString, withDefaultTag } from './reference.js';
import type { ImageStore } from './store.js';

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
    sources.push({ configBytes, layers, names: [...byId.get(id)!].map(archiveName) });
    store.opts.events.publish('image', 'save', id, { name: id });
  }
  return writeImageArchive(sources);
}

/** A familiar `repo:tag` in the spellings the archive's files use. */
function archiveName(repoTag: string): ArchiveImageName {
  const ref = withDefaultTag(parseNormalizedNamed(repoTag));
  return { repoTag, reference: referenceString(ref), repository: familiarName(ref), tag: ref.tag! };
}

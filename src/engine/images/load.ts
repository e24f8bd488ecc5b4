// `docker load`: reads what `docker save` makes, old style (manifest.json + <id>.json +
// <dir>/layer.tar) or Docker 25+ OCI layout (index.json, oci-layout, blobs/sha256/… and
// manifest.json), and plain OCI layouts without manifest.json. The archive is unpacked safely
// into a temp dir inside the data root, layers are unpacked from there (streamed, gzip or not)
// and checked against the config's diff_ids before the image is registered.
import { createReadStream, promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { decompressStream } from '../../archive/compression.js';
import { extractTar } from '../../archive/extract.js';
import { resolveInRoot } from '../../archive/resolve.js';
import { InvalidArgumentError } from '../errors.js';
import { tempPathFor } from '../../util/fs.js';
import { removeTree } from '../../util/remove-tree.js';
import { shortId } from '../../util/ids.js';
import { chainIdOf } from './layers.js';
import { familiarString, parseNormalizedNamed, withDefaultTag } from './reference.js';
import type { ImageConfigBlob, ImageStore } from './store.js';

/** One image to load: where its config and layers are inside the unpacked archive. */
interface LoadItem {
  configPath: string;
  layerPaths: string[];
  repoTags: string[];
  parent?: string;
}

export type LoadProgress = (msg: Record<string, unknown>) => void;

async function readInside(root: string, rel: string): Promise<Buffer> {
  const p = await resolveInRoot(root, rel);
  try {
    return await fsp.readFile(p);
  } catch {
    throw new InvalidArgumentError(`invalid archive: ${rel} is missing`);
  }
}

async function existsInside(root: string, rel: string): Promise<boolean> {
  try {
    await fsp.access(await resolveInRoot(root, rel));
    return true;
  } catch {
    return false;
  }
}

function blobPath(digest: string): string {
  const m = /^([a-z0-9]+):([a-f0-9]+)$/.exec(digest);
  if (!m) throw new InvalidArgumentError(`invalid digest ${JSON.stringify(digest)}`);
  return `blobs/${m[1]}/${m[2]}`;
}

/** Items of a plain OCI layout (no manifest.json): index → (nested indexes) → manifests. */
async function ociItems(root: string): Promise<LoadItem[]> {
  const items: LoadItem[] = [];
  async function walk(index: any, inheritedName?: string): Promise<void> {
    for (const d of index?.manifests ?? []) {
      const ann = d.annotations ?? {};
      const name: string | undefined = ann['io.containerd.image.name'] ?? inheritedName;
      const body = JSON.parse((await readInside(root, blobPath(d.digest))).toString('utf8'));
      if (d.mediaType?.includes('index') || body.manifests) {
        await walk(body, name);
        continue;
      }
      if (d.platform && d.platform.os && d.platform.os !== 'linux') continue;
      const tags: string[] = [];
      if (name) tags.push(name);
      else if (ann['org.opencontainers.image.ref.name']) {
        try {
          parseNormalizedNamed(ann['org.opencontainers.image.ref.name']);
          if (ann['org.opencontainers.image.ref.name'].includes(':') || ann['org.opencontainers.image.ref.name'].includes('/')) tags.push(ann['org.opencontainers.image.ref.name']);
        } catch {}
      }
      items.push({ configPath: blobPath(body.config.digest), layerPaths: body.layers.map((l: any) => blobPath(l.digest)), repoTags: tags });
    }
  }
  await walk(JSON.parse((await readInside(root, 'index.json')).toString('utf8')));
  return items;
}

/**
 * Loads every image of a docker-save archive. Reports progress (`Loading layer`, `Loaded image: …`)
 * through `progress` and returns the loaded names (or IDs for untagged images).
 */
/** `quiet` (`docker load -q`) reports only the loaded images, not each layer's progress. */
export async function loadImages(store: ImageStore, input: Readable | AsyncIterable<Buffer>, progress: LoadProgress = () => {}, opts: { quiet?: boolean } = {}): Promise<string[]> {
  const tmp = tempPathFor(path.join(store.opts.dataRoot, 'images', 'load'));
  await fsp.mkdir(tmp, { mode: 0o700 });
  const loaded: string[] = [];
  try {
    await extractTar(decompressStream(input), tmp, { whiteouts: 'none', sameOwner: false });
    let items: LoadItem[];
    if (await existsInside(tmp, 'manifest.json')) {
      const manifest = JSON.parse((await readInside(tmp, 'manifest.json')).toString('utf8'));
      if (!Array.isArray(manifest)) throw new InvalidArgumentError('invalid archive: manifest.json is not a list');
      items = manifest.map((m: any) => ({ configPath: String(m.Config), layerPaths: (m.Layers ?? []).map(String), repoTags: (m.RepoTags ?? []).map(String), parent: m.Parent }));
    } else if (await existsInside(tmp, 'index.json')) {
      items = await ociItems(tmp);
    } else {
      throw new InvalidArgumentError('invalid archive: does not contain a manifest.json or an OCI index.json');
    }

    for (const item of items) {
      const configBytes = await readInside(tmp, item.configPath);
      let config: ImageConfigBlob;
      try {
        config = JSON.parse(configBytes.toString('utf8'));
      } catch {
        throw new InvalidArgumentError(`invalid image config ${item.configPath}`);
      }
      const diffIds = config?.rootfs?.diff_ids;
      if (!Array.isArray(diffIds)) throw new InvalidArgumentError(`invalid image config ${item.configPath}: no rootfs`);
      if (diffIds.length !== item.layerPaths.length) {
        throw new InvalidArgumentError(`invalid manifest, layers length mismatch: expected ${diffIds.length}, got ${item.layerPaths.length}`);
      }
      let chain: string | undefined;
      for (let i = 0; i < diffIds.length; i++) {
        const next = chainIdOf(chain, diffIds[i]);
        if (!store.layers.get(next)) {
          if (!opts.quiet) progress({ status: 'Loading layer', progressDetail: {}, id: shortId(diffIds[i]) });
          const file = await resolveInRoot(tmp, item.layerPaths[i]);
          try {
            await fsp.access(file);
          } catch {
            throw new InvalidArgumentError(`invalid archive: layer ${item.layerPaths[i]} is missing`);
          }
          await store.addLayer(chain, decompressStream(createReadStream(file)), diffIds[i]);
        }
        chain = next;
      }
      const parent = typeof item.parent === 'string' && store.find(item.parent) ? store.find(item.parent)!.id : undefined;
      const img = await store.registerImage(configBytes, { parent });
      for (const t of item.repoTags) {
        const ref = withDefaultTag(parseNormalizedNamed(t));
        if (ref.digest) continue;
        const { previous } = await store.setReference(ref, img.id);
        if (previous) progress({ stream: `The image ${familiarString(ref)} already exists, renaming the old one with ID ${previous} to empty string\n` });
      }
      store.opts.events.publish('image', 'load', img.id, { name: img.id });
      if (item.repoTags.length === 0) {
        progress({ stream: `Loaded image ID: ${img.id}\n` });
        loaded.push(img.id);
      }
      for (const t of item.repoTags) {
        const name = familiarString(withDefaultTag(parseNormalizedNamed(t)));
        progress({ stream: `Loaded image: ${name}\n` });
        loaded.push(name);
      }
    }
    return loaded;
  } finally {
    await removeTree(tmp);
  }
}
